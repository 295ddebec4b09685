"""Pre-flight check of an untrusted spreadsheet, before any parser touches it (RELIABILITY.md: hostile spreadsheets; T8).

What it refuses, each with one Chinese line (ImportFileError): a missing, locked, empty or oversized file; anything that
is not an .xlsx or .xls by its first bytes (a renamed CSV, web page, Word document, PDF …); an .xlsx whose zip is
truncated or corrupt, whose parts lie about their sizes or overlap, that inflates more than 100:1 or past the size cap,
that has too many parts, any DTD or entity declaration, or whose cells span an area the reader could not hold (calamine
allocates rows × columns for the whole used area, and a two-cell file reaching XFD1048576 aborts the process); shared
strings repeated into hundreds of megabytes; a password-protected workbook (an OLE2 container with an "EncryptionInfo"
stream). Forged <dimension> elements are never read: the area comes from the cells themselves.

Every XML part is inflated in bounded chunks with zlib (never trusting the declared sizes, checking the CRC), so memory
stays at a few MB whatever the file claims. A successful check is remembered for the same file (path, size, mtime), so
the import pipeline may call check_file, list_sheets and read_table in turn without paying three times.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from array import array
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.xls_check import CellAreaTooLarge, check_xls

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 100  # real files are about 8:1 (a 5,000-student file: 7.8:1)
RATIO_FLOOR = 1024 * 1024  # a part under 1 MiB inflated cannot be a bomb, whatever its ratio
MAX_MEMBERS = 10_000
MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024
MAX_CELL_AREA = 15_000_000  # rows × columns of a sheet's used area (≈ 200,000 rows × 75 columns)
MAX_STRING_BYTES = 300 * 1024 * 1024  # shared strings as the cells repeat them
MAX_TOKEN = (
    1024 * 1024
)  # no tag or text run of a real part is this long (Excel caps a cell at 32,767 characters)
MAX_RLESS_CELLS = 5_000_000  # cells without an r="A1" reference, replayed one by one
CHUNK = 1 << 20

_FAT_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

SAVE_AS = "请用 Excel 打开后“另存为”Excel 工作簿（.xlsx）再导入"
RESAVE = "请用 Excel 另存一份再导入"
CORRUPT = "文件不完整或已损坏（可能下载或拷贝时中断），请重新获取原文件；若 Excel 能打开，请另存一份再导入"
ENCRYPTED = "文件已加密（设置了打开密码），请在 Excel 中取消密码后另存再导入"
LOCKED = "文件正被其他程序（如 Excel）打开，请关闭后重试"
LYING = "文件内部数据与其声明不符，可能已损坏或被恶意修改，已拒绝读取；请重新获取原文件，或用 Excel 另存一份再导入"

_checked: dict[tuple, None] = {}


def check_file(path: Path) -> None:
    """Raise ImportFileError if the file must not reach a parser; return None if it may."""
    path = Path(path)
    name = path.name
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件“{name}”，可能已被移动或删除，请重新选择", code="missing") from None
    except PermissionError:
        raise ImportFileError(LOCKED, code="locked") from None
    except OSError as exc:
        raise ImportFileError(os_message(name, exc), code="unreadable", detail=str(exc)) from None
    if path.is_dir():
        raise ImportFileError(f"“{name}”是文件夹，请选择其中的 Excel 文件", code="directory")
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key in _checked:
        return
    if stat.st_size == 0:
        raise ImportFileError(f"文件“{name}”是空的（0 字节），可能没有保存完整，请重新获取文件", code="empty")
    if stat.st_size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"文件太大（{stat.st_size / 1048576:.0f} MB），超过 {MAX_FILE_BYTES // 1048576} MB 的上限；"
            "请删除无关的工作表和图片，或分成几个文件导入",
            code="too_big",
        )
    try:
        with open(path, "rb") as fh:
            _check_open_file(fh, stat.st_size, path)
    except PermissionError:
        raise ImportFileError(LOCKED, code="locked") from None
    except ImportFileError:
        raise
    except OSError as exc:
        raise ImportFileError(os_message(name, exc), code="unreadable", detail=str(exc)) from None
    if len(_checked) > 64:
        _checked.clear()
    _checked[key] = None


def file_kind(path: Path) -> str:
    """ "xlsx" or "xls" by the first bytes (call after check_file)."""
    with open(path, "rb") as fh:
        return "xls" if fh.read(8) == _OLE_MAGIC else "xlsx"


def os_message(name: str, exc: OSError) -> str:
    return f"无法读取文件“{name}”（{exc.strerror or '系统错误'}），请检查文件权限，或复制到本机后重试"


def _check_open_file(fh: BinaryIO, size: int, path: Path) -> None:
    head = fh.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        _check_zip(fh, size)
    elif head.startswith(_OLE_MAGIC):
        _check_ole(fh, size)
    else:
        raise ImportFileError(_not_excel_message(head, path), code="not_excel")


# ---------------------------------------------------------------- not a spreadsheet


def _not_excel_message(head: bytes, path: Path) -> str:
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00")
    lower = head.replace(b"\x00", b"").lower()
    suffix = path.suffix.lower() or "（无）"
    if text.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Excel 表格；请向对方索要 Excel 原文件"
    if lower.lstrip().startswith(b"mime-version") or b"<html" in lower or b"<!doctype html" in lower:
        return f"这是网页（HTML）格式的文件，只是扩展名为 {suffix}；{SAVE_AS}"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lower or (
        lower.lstrip().startswith(b"<?xml") and b"<workbook" in lower
    ):
        return f"这是 Excel 2003 XML 表格，不是标准的 Excel 文件；{SAVE_AS}"
    if text[:4] in (b"Rar!", b"7z\xbc\xaf") or text[:2] == b"\x1f\x8b":
        return "这是一个压缩包，不是 Excel 文件；请先解压，再选择其中的 .xlsx 文件"
    if _looks_like_text(head):
        if suffix in (".csv", ".txt"):
            return f"这是文本（CSV）文件，不是 Excel 表格；{SAVE_AS}"
        return f"这是文本（CSV）文件，只是扩展名为 {suffix}；{SAVE_AS}"
    return "这不是 Excel 文件（无法识别的格式）；请选择 .xlsx 或 .xls 文件"


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4000]
    for encoding in ("utf-8", "gb18030", "utf-16"):
        try:
            decoded = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
        return printable >= 0.95 * max(len(decoded), 1)
    return False


# ---------------------------------------------------------------- OLE2: .xls, or an encrypted .xlsx


def ole_stream_names(fh: BinaryIO, size: int) -> list[str]:
    """The names in an OLE2 (compound file) directory, read by following its FAT chain with bounded loops."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("sector size")
    sector = 1 << shift
    sectors = max((size - sector) // sector + 1, 0)
    fat_count, first_dir = struct.unpack_from("<II", header, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
    fat_sids = list(struct.unpack_from("<109I", header, 0x4C))
    per_sector = sector // 4
    sid, seen = first_difat, 0
    while sid < sectors and seen < difat_count and len(fat_sids) < sectors:
        block = _sector(fh, sid, sector)
        fat_sids.extend(struct.unpack_from(f"<{per_sector - 1}I", block))
        sid = struct.unpack_from("<I", block, sector - 4)[0]
        seen += 1
    fat_sids = [s for s in fat_sids[:fat_count] if s < sectors]
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sid(current: int) -> int:
        index, offset = divmod(current, per_sector)
        if index >= len(fat_sids):
            raise ValueError("FAT index")
        if index not in fat_cache:
            fat_cache[index] = struct.unpack(f"<{per_sector}I", _sector(fh, fat_sids[index], sector))
        return fat_cache[index][offset]

    names: list[str] = []
    sid, visited = first_dir, set()
    while sid < sectors and sid not in visited and len(visited) < 4096:
        visited.add(sid)
        block = _sector(fh, sid, sector)
        for at in range(0, sector, 128):
            length = struct.unpack_from("<H", block, at + 64)[0]
            kind = block[at + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.append(block[at : at + length - 2].decode("utf-16-le", "replace"))
        sid = next_sid(sid)
    if not names:
        raise ValueError("empty directory")
    return names


def _sector(fh: BinaryIO, sid: int, sector: int) -> bytes:
    fh.seek((sid + 1) * sector)
    block = fh.read(sector)
    if len(block) < sector:
        raise ValueError("short sector")
    return block


def _check_ole(fh: BinaryIO, size: int) -> None:
    try:
        names = set(ole_stream_names(fh, size))
    except (ValueError, struct.error, IndexError, OSError) as exc:
        raise ImportFileError(CORRUPT, code="corrupt", detail=f"OLE2: {exc}") from None
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        raise ImportFileError(ENCRYPTED, code="encrypted")
    if names & {"Workbook", "Book", "WORKBOOK", "BOOK"}:
        try:
            check_xls(fh, size, MAX_CELL_AREA)
        except CellAreaTooLarge as exc:
            raise ImportFileError(
                f"工作表的数据区域过大（约 {exc.rows} 行 × {exc.columns} 列），超出一次导入的上限；"
                "请删除表格下方和右侧多余的行列后另存再导入",
                code="area",
            ) from None
        except (ValueError, struct.error, IndexError, OSError) as exc:
            raise ImportFileError(CORRUPT, code="corrupt", detail=f"xls: {exc}") from None
        return
    if "WordDocument" in names:
        raise ImportFileError(
            "这是 Word 文档（.doc），不是 Excel 表格；请选择 .xlsx 或 .xls 文件", code="not_excel"
        )
    if "PowerPoint Document" in names:
        raise ImportFileError(
            "这是 PowerPoint 演示文稿，不是 Excel 表格；请选择 .xlsx 或 .xls 文件", code="not_excel"
        )
    raise ImportFileError(
        "这不是 Excel 文件（无法识别的 Office 格式）；请选择 .xlsx 或 .xls 文件", code="not_excel"
    )


# ---------------------------------------------------------------- zip: .xlsx


def _check_zip(fh: BinaryIO, size: int) -> None:
    entries, cd_size, cd_offset = _end_of_central_directory(fh, size)
    if entries > MAX_MEMBERS or cd_size > MAX_CENTRAL_DIRECTORY:
        raise ImportFileError(
            f"文件内部的部件数量异常（{entries} 个），不像正常的 Excel 文件，已拒绝读取；{RESAVE}",
            code="members",
        )
    if cd_offset + cd_size > size:
        raise ImportFileError(CORRUPT, code="corrupt", detail="central directory past the end")
    try:
        infos = zipfile.ZipFile(fh).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error, OSError) as exc:
        raise ImportFileError(CORRUPT, code="corrupt", detail=str(exc)) from None
    except NotImplementedError as exc:  # zipfile, for a damaged "version needed to extract" field
        raise ImportFileError(CORRUPT, code="corrupt", detail=str(exc)) from None
    if len(infos) > MAX_MEMBERS:
        raise ImportFileError(
            f"文件内部的部件数量异常（{len(infos)} 个），不像正常的 Excel 文件，已拒绝读取；{RESAVE}",
            code="members",
        )
    _check_package_kind({info.filename.replace("\\", "/").lower() for info in infos})
    total = 0
    spans = []
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportFileError(ENCRYPTED, code="encrypted", detail=f"zip member {info.filename} encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportFileError(
                f"文件使用了 Excel 不会使用的压缩方式，已拒绝读取；{RESAVE}",
                code="compression",
                detail=info.filename,
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ImportFileError(
                f"文件内部的压缩比例异常（一部分解压后是压缩前的 {ratio} 倍，正常约 8 倍），"
                "可能是恶意构造的“压缩炸弹”，已拒绝读取；请向对方索要正常导出的 Excel 文件",
                code="ratio",
                detail=info.filename,
            )
        total += info.file_size
        spans.append((info.header_offset, _data_start(fh, info), info))
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise ImportFileError(
            f"文件解压后过大（约 {total // 1048576} MB，超过 {MAX_TOTAL_UNCOMPRESSED // 1048576} MB 的上限）；"
            "请删除无关的工作表和图片，或分成几个文件导入",
            code="total_size",
        )
    spans.sort(key=lambda span: span[0])
    for (_, start, info), following in zip(spans, [*spans[1:], (cd_offset, 0, None)], strict=True):
        if start + info.compress_size > following[0]:
            raise ImportFileError(LYING, code="overlap", detail=f"{info.filename} overlaps the next part")
    _scan_parts(fh, spans)


def _end_of_central_directory(fh: BinaryIO, size: int) -> tuple[int, int, int]:
    tail_size = min(size, 65_557)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise ImportFileError(CORRUPT, code="truncated", detail="no end of central directory")
    _, _, _, entries, cd_size, cd_offset, _ = struct.unpack_from("<4H2IH", tail, at + 4)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
            raise ImportFileError(CORRUPT, code="corrupt", detail="zip64 locator missing")
        record_offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        if record_offset + 56 > size:
            raise ImportFileError(CORRUPT, code="corrupt", detail="zip64 record past the end")
        fh.seek(record_offset)
        record = fh.read(56)
        if record[:4] != b"PK\x06\x06":
            raise ImportFileError(CORRUPT, code="corrupt", detail="zip64 record")
        entries, cd_size, cd_offset = struct.unpack_from("<3Q", record, 32)
    return entries, cd_size, cd_offset


def _data_start(fh: BinaryIO, info: zipfile.ZipInfo) -> int:
    if info.header_offset < 0:  # zipfile's offset, shifted by a damaged central directory: not an OS error
        raise ImportFileError(CORRUPT, code="corrupt", detail=f"{info.filename} starts before the file")
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise ImportFileError(CORRUPT, code="corrupt", detail=f"local header of {info.filename}")
    name_length, extra_length = struct.unpack_from("<HH", local, 26)
    return info.header_offset + 30 + name_length + extra_length


def _check_package_kind(names: set[str]) -> None:
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        message = f"这是 Excel 二进制工作簿（.xlsb）；{SAVE_AS}"
    elif "word/document.xml" in names:
        message = "这是 Word 文档，不是 Excel 表格；请选择 .xlsx 或 .xls 文件（表格在 Word 里的，请复制到 Excel 保存后再导入）"
    elif "ppt/presentation.xml" in names:
        message = "这是 PowerPoint 演示文稿，不是 Excel 表格；请选择 .xlsx 或 .xls 文件"
    elif "content.xml" in names and "mimetype" in names:
        message = (
            "这是 OpenDocument 表格（.ods）；请用 WPS 或 Excel 打开后“另存为”Excel 工作簿（.xlsx）再导入"
        )
    else:
        message = "这是一个压缩包，不是 Excel 文件；请先解压，再选择其中的 .xlsx 文件"
    raise ImportFileError(message, code="not_excel")


# ---------------------------------------------------------------- inflating and scanning every part

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# any length of letters and digits: calamine wraps a longer reference around u32 (A9999999999999 is row 1316134911)
_ROW_TAG = re.compile(rb'<row r="([0-9]+)"')
_CELL_COLUMN = re.compile(rb' r="([A-Za-z]+)[0-9]')
_CELL_ROW = re.compile(rb' r="[A-Za-z]+([0-9]+)"')
_PREFIXED = re.compile(rb":(?:c|row)[\s>/]")
_ODD_FORM = re.compile(rb""" [rt](?:=[^"]|\s)""")
_ODD_PRECISE = re.compile(rb"""\s[rt](?:\s*=\s*'|\s+=|=\s)|[\t\r\n][rt]\s*=""")
_RLESS_CELL = re.compile(rb"<c(?=[\s/>])(?![^>]*\sr\s*=)")
_SHARED_CELL = re.compile(rb' t="s"[^>]*><v>([0-9]{1,10})</')
_SHARED_ATTR = re.compile(rb"""\st\s*=\s*["']s["']""")
_SHARED_ITEM = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_TOKEN = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])" + _ATTRIBUTES + rb">")
_ROW_ATTR = re.compile(rb"""\sr\s*=\s*["']([0-9]+)["']""")
_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]+)([0-9]+)["']""")
_HUGE = 10**12  # a row or column number of more digits or letters than any sheet has: past every cap


def row_number(digits: bytes | str) -> int:
    """The row a reference's digits name; more than 12 digits count as _HUGE (calamine would wrap them)."""
    return int(digits) if len(digits) <= 12 else _HUGE


def _round_up(row: int) -> int:
    """Keep two leading digits and fill the rest with 9s (100001 → 109999): fewer, simpler patterns, ≤ 10 % more."""
    digits = str(row)
    return row if len(digits) <= 2 else int(digits[:2] + "9" * (len(digits) - 2))


@lru_cache(maxsize=256)
def _beyond(row: int, column: int) -> re.Pattern[bytes]:
    """A cell reference past `row` or `column` (either case; leading zeros count as past: conservative)."""
    digits, letters = str(row), column_letters(column)
    rows = [f"[0-9]{{{len(digits) + 1},}}"]
    for at, digit in enumerate(digits):
        if digit != "9":
            rows.append(f"{digits[:at]}[{int(digit) + 1}-9][0-9]{{{len(digits) - at - 1}}}")
    columns = [f"[A-Za-z]{{{len(letters) + 1},}}"]
    for at, letter in enumerate(letters):
        if letter != "Z":
            following = chr(ord(letter) + 1)
            same = "".join(f"[{c}{c.lower()}]" for c in letters[:at])
            columns.append(f"{same}[{following}-Z{following.lower()}-z][A-Za-z]{{{len(letters) - at - 1}}}")
    pattern = f' r="(?:(?:{"|".join(columns)})[0-9]|[A-Za-z]+(?:{"|".join(rows)})")'
    return re.compile(pattern.encode())


class _Shape:
    """What one XML part says about the cells calamine would build from it, tallied chunk by chunk.

    The fast path reads Excel's own way of writing cells (<c r="B7" …>) with a few C-speed searches per chunk; anything
    written another way (cells without r, prefixes, odd quoting or spacing) sends the part to _replay_cells.
    """

    def __init__(self, shared_lengths: array) -> None:
        self.shared_lengths = shared_lengths
        self.longest = max(shared_lengths, default=0)
        self.last_row = 0  # rounded up (_round_up): the bound the fast path has checked
        self.seen_row = 0  # the largest row actually read, for the message
        self.last_column = 0
        self.replay = False
        self.shared_bytes = 0

    def feed(self, text: bytes) -> None:
        if not self.replay and self._unusual(text):
            self.replay = True
        rows = _ROW_TAG.findall(text)
        if rows:
            self.seen_row = max([self.seen_row, *map(row_number, rows)])
            self.last_row = max(self.last_row, _round_up(self.seen_row))
        if _beyond(self.last_row, self.last_column).search(text):
            columns = set(_CELL_COLUMN.findall(text))
            self.last_column = max([self.last_column, *map(column_number, columns)])
            self.seen_row = max([self.seen_row, *map(row_number, set(_CELL_ROW.findall(text)))])
            self.last_row = max(self.last_row, _round_up(self.seen_row))
        self._tally_shared(text)

    @staticmethod
    def _unusual(text: bytes) -> bool:
        if text.count(b"<c") != text.count(b'<c r="') and _RLESS_CELL.search(text):
            return True
        if _PREFIXED.search(text):
            return True
        return bool(_ODD_FORM.search(text) or (b"\t" in text or b"\n" in text or b"\r" in text)) and bool(
            _ODD_PRECISE.search(text)
        )

    def _tally_shared(self, text: bytes) -> None:
        cells = text.count(b' t="s"')
        if self.replay:
            cells = max(cells, len(_SHARED_ATTR.findall(text)))
        if not cells:
            return
        bound = cells * self.longest
        if self.shared_bytes + bound <= MAX_STRING_BYTES:
            self.shared_bytes += bound
            return
        lengths, known = self.shared_lengths, len(self.shared_lengths)
        exact = 0
        indexes = [int(index) for index in _SHARED_CELL.findall(text)]
        exact += sum(lengths[index] for index in indexes if index < known)
        exact += max(cells - len(indexes), 0) * self.longest  # written some other way: charged the longest
        self.shared_bytes += exact


def column_number(letters: bytes | str) -> int:
    """A → 1, XFD → 16384 (calamine reads lower case as upper); more than 9 letters count as _HUGE."""
    if len(letters) > 9:
        return _HUGE
    number = 0
    for letter in (letters if isinstance(letters, str) else letters.decode("ascii")).upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _scan_parts(fh: BinaryIO, spans: list) -> None:
    if sum(info.filename.lower() == "xl/sharedstrings.xml" for _, _, info in spans) > 1:
        raise ImportFileError(LYING, code="corrupt", detail="two shared string tables")
    shared_lengths = array("I")
    shared_bytes = 0
    for _, start, info in sorted(spans, key=lambda span: span[2].filename.lower() != "xl/sharedstrings.xml"):
        is_table = info.filename.lower() == "xl/sharedstrings.xml"
        shape = _scan_part(fh, info, start, shared_lengths, is_table)
        if shape is None:
            continue
        last_row, last_column, seen_row = shape.last_row, shape.last_column, shape.seen_row
        if shape.replay:
            replayed = _replay_cells(fh, info, start)
            last_row, last_column = max(last_row, replayed[0]), max(last_column, replayed[1])
            seen_row = max(seen_row, replayed[0])
        if last_row * last_column > MAX_CELL_AREA:
            last_row = max(seen_row, 1)
            raise ImportFileError(
                f"工作表的数据区域过大（内容或格式一直延伸到 {column_letters(last_column)}{last_row} 单元格，"
                f"约 {last_row} 行 × {last_column} 列），超出一次导入的上限；"
                "请删除表格下方和右侧多余的行列（包括只设了格式的空单元格）后另存再导入",
                code="area",
                detail=info.filename,
            )
        shared_bytes += shape.shared_bytes
        if shared_bytes > MAX_STRING_BYTES:
            raise ImportFileError(
                f"文件中的文字内容展开后过大（超过 {MAX_STRING_BYTES // 1048576} MB），"
                "可能是恶意构造的文件，已拒绝读取；若是正常的大表格，请分成几个文件导入",
                code="strings",
                detail=info.filename,
            )


def _inflate(fh: BinaryIO, info: zipfile.ZipInfo, start: int):
    """Yield the part's bytes in chunks of at most CHUNK, refusing as soon as it outgrows its declared size."""
    fh.seek(start)
    left = info.compress_size
    produced = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while left > 0 or pending:
        if not pending:
            pending = fh.read(min(left, 1 << 16))
            if not pending:
                raise ImportFileError(CORRUPT, code="truncated", detail=f"{info.filename} cut short")
            left -= len(pending)
        if inflater is None:
            data, pending = pending, b""
        else:
            try:
                data = inflater.decompress(pending, CHUNK)
            except zlib.error as exc:
                raise ImportFileError(CORRUPT, code="corrupt", detail=f"{info.filename}: {exc}") from None
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending = b""
                left = 0
        produced += len(data)
        if produced > info.file_size:
            raise ImportFileError(LYING, code="lying_size", detail=f"{info.filename} inflates past its size")
        crc = zlib.crc32(data, crc)
        if data:
            yield data
    if produced != info.file_size or (inflater is not None and not inflater.eof) or crc != info.CRC:
        raise ImportFileError(CORRUPT, code="corrupt", detail=f"{info.filename}: size or CRC mismatch")


def _scan_part(
    fh: BinaryIO, info: zipfile.ZipInfo, start: int, shared_lengths: array, is_table: bool
) -> _Shape | None:
    """Inflate one part; for XML, refuse any DTD or non-UTF-8 encoding and tally its cells. None for binary parts."""
    chunks = _inflate(fh, info, start)
    first = next(chunks, b"")
    lead = first.lstrip(b" \t\r\n")
    if lead[:2] in (b"\xff\xfe", b"\xfe\xff") or lead[:2] in (b"<\x00", b"\x00<"):
        raise ImportFileError(
            f"文件内部的 XML 编码异常，不像 Excel 保存的文件，已拒绝读取；{RESAVE}", code="encoding"
        )
    if not lead.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        for _ in chunks:  # binary (images, printer settings): inflated only to check its size and CRC
            pass
        return None
    shape = _Shape(shared_lengths)
    tail = b""
    consumed = 0
    item_start = None
    for chunk in _chain(first, chunks):
        text = tail + chunk
        if _DTD.search(text):
            raise ImportFileError(
                "文件中含有 XML 文档类型声明（DTD/实体），正常的 Excel 文件不会有，可能是恶意构造的文件，"
                f"已拒绝读取；{RESAVE}",
                code="dtd",
                detail=info.filename,
            )
        cut = text.rfind(b"<")
        if cut < 0:
            cut = len(text)
        body, tail = text[:cut], text[cut:]
        if len(tail) > MAX_TOKEN:
            raise ImportFileError(LYING, code="token", detail=f"{info.filename}: a tag or text of over 1 MB")
        shape.feed(body)
        if is_table:
            for match in _SHARED_ITEM.finditer(body):
                position = consumed + match.start()
                if item_start is not None:
                    shared_lengths.append(min(position - item_start, 0xFFFFFFFF))
                item_start = position
        consumed += len(body)
    shape.feed(tail)
    if is_table and item_start is not None:
        shared_lengths.append(min(consumed + len(tail) - item_start, 0xFFFFFFFF))
    return shape


def _chain(first: bytes, rest):
    yield first
    yield from rest


def _replay_cells(fh: BinaryIO, info: zipfile.ZipInfo, start: int) -> tuple[int, int]:
    """The used area as calamine computes it when cells lack r="A1": row and column counters, replayed tag by tag."""
    row = column = last_row = last_column = cells = 0
    tail = b""
    for chunk in _inflate(fh, info, start):
        text = tail + chunk
        cut = text.rfind(b"<")
        body, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
        for match in _TOKEN.finditer(body):
            closing, tag, attributes = match.groups()
            if closing:
                continue
            if tag == b"row":
                numbers = _ROW_ATTR.findall(attributes)
                row = max(map(row_number, numbers)) if numbers else row + 1
                column = 0
                continue
            references = _REF_ATTR.findall(
                attributes
            )  # a repeated r: calamine keeps the last, we the largest
            if references:
                column = max(column_number(letters) for letters, _ in references)
                row = max(row_number(digits) for _, digits in references)
            else:
                column += 1
            last_row, last_column = max(last_row, row), max(last_column, column)
            cells += 1
            if cells > MAX_RLESS_CELLS:
                raise ImportFileError(
                    "文件的单元格数量过多，超出一次导入的上限；请分成几个文件导入", code="cells"
                )
    return last_row, last_column
