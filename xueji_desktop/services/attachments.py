"""证明材料: scanned proofs kept under the data folder by content hash, so a proof is never lost when the clerk's
original file is moved or deleted, and the same scan attached twice is stored once.

A proof must be an image (JPEG, PNG, BMP, TIFF, GIF, WebP) or a PDF, recognised by its first bytes, and at most
MAX_BYTES. It is copied into attachments/<first two hex digits>/<sha256>.<ext> (written to a temporary file, synced,
then renamed), and an Attachment row records its kind, original name and hash in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import Attachment
from xueji_desktop.rules import proofs
from xueji_desktop.services import audit
from xueji_desktop.store import DataFolder

MAX_BYTES = 30 * 1024 * 1024
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"BM", "bmp"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


class ProofFileError(InvalidInput):
    """A proof that cannot be kept; the message is one Chinese line for the clerk."""


@dataclass(frozen=True, slots=True)
class ProofFile:
    """A scan the clerk chose for a requirement of a procedure."""

    kind: str  # one of rules.proofs.KINDS
    path: Path


def file_type(path: Path) -> str:
    """ "pdf", "jpg" … from the file's first bytes; ProofFileError for anything else."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise ProofFileError(f"找不到文件“{path.name}”，可能已被移动或删除，请重新选择") from None
    except OSError as exc:
        raise ProofFileError(f"无法读取文件“{path.name}”（{exc.strerror or '系统错误'}）") from None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for signature, extension in _SIGNATURES:
        if head.startswith(signature):
            return extension
    raise ProofFileError(f"“{path.name}”不是图片或 PDF 文件；证明材料请用扫描件（PDF）或照片（JPG、PNG）")


def keep_proof(
    session: Session, folder: DataFolder, proof: ProofFile, *, student_id: int | None
) -> Attachment:
    """Copy the scan into the data folder (once per content) and record it; the row is added to the caller's
    transaction, so a procedure that fails leaves at most an unreferenced file behind, never a half record."""
    if proof.kind not in proofs.KINDS:
        raise ProofFileError(f"未知的证明材料类别：{proof.kind}")
    path = Path(proof.path)
    extension = file_type(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ProofFileError(
            f"“{path.name}”有 {size / 1048576:.0f} MB，超过 {MAX_BYTES // 1048576} MB；请降低扫描分辨率后重试"
        )
    if size == 0:
        raise ProofFileError(f"“{path.name}”是空文件")
    digest = _sha256(path)
    stored = f"{digest[:2]}/{digest}.{extension}"
    target = folder.attachments / stored
    if not target.exists():
        _copy_atomically(path, target)
    attachment = Attachment(
        student_id=student_id,
        kind=proof.kind,
        original_name=path.name[:260],
        stored_name=stored,
        sha256=digest,
    )
    return audit.kept(session, attachment)


def stored_path(folder: DataFolder, attachment: Attachment) -> Path:
    return folder.attachments / attachment.stored_name


def file_digest(path: Path) -> str:
    """The sha256 of a file's content, read in 1 MB blocks (the name it is kept under)."""
    return _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".xueji-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out, open(source, "rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        if getattr(exc, "errno", None) == 28:
            raise ProofFileError("磁盘空间已满，证明材料没有保存；请清理磁盘后重试") from None
        raise ProofFileError(f"证明材料保存失败（{exc.strerror or '系统错误'}）") from None
