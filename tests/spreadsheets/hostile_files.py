"""A corpus of malformed and hostile spreadsheet files (T8), built in a few seconds into a folder.

`build_corpus(folder)` writes every kind and returns HostileCase(name, path, expect): expect is the ImportFileError
code the pre-flight check or the reader must raise, or "ok" for a file that must read successfully as a small table.
Bombs are real (their parts inflate to what they declare, CRCs match) but are made fast: a deflate block of a
repeated megabyte, compressed once with a full flush, is repeated — which is still a valid deflate stream.

The password-protected workbook is an OLE2 (compound file) container built by hand (_cfb): a v3 header, one FAT
sector, a directory, a mini stream holding "EncryptionInfo" (an agile-encryption 4.4 header and XML descriptor) and
"EncryptedPackage" (a length and random bytes) — the layout Excel writes for an .xlsx with an open password, minus
the \\x06DataSpaces storage and real ciphertext. Its directory is a right-leaning chain of entries in CFB name order.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["姓名", "性别", "出生日期", "身份证件号", "民族"]
ROWS = [
    ["张小明", "男", "2020-03-04", "140406202003041234", "汉族"],
    ["李小红", "女", "2020-05-06", "140406202005062345", "回族"],
    ["王小刚", "男", "2019-12-01", "140406201912013456", "汉族"],
]


@dataclass(frozen=True)
class HostileCase:
    name: str
    path: Path
    expect: str  # an ImportFileError code, or "ok"


def build_corpus(folder: Path) -> list[HostileCase]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[HostileCase] = []

    def add(name: str, suffix: str, data: bytes, expect: str) -> None:
        path = folder / f"{name}{suffix}"
        path.write_bytes(data)
        cases.append(HostileCase(name, path, expect))

    add(
        "zip_bomb",
        ".xlsx",
        _package(extra=[_repeated_member("xl/media/zeros.bin", bytes(1 << 20), 1024)]),
        "ratio",
    )
    nested = _nested_bomb()
    add("nested_zip_bomb", ".xlsx", _package(extra=[("xl/embeddings/oleObject1.bin", nested)]), "ratio")
    stored = ("xl/embeddings/oleObject2.bin", nested, 0, zlib.crc32(nested), len(nested))
    add("nested_zip_stored", ".xlsx", _package(extra=[stored]), "ok")  # inert: never opened, never inflated
    add(
        "ratio_evading_total",
        ".xlsx",
        _package(extra=[_repeated_member("xl/media/noise.bin", _sparse_noise(), 520)]),
        "total_size",
    )
    add("billion_laughs", ".xlsx", _package(sheet=_billion_laughs()), "dtd")
    add("external_entity", ".xlsx", _package(sheet=_xxe()), "dtd")
    add("forged_dimension", ".xlsx", _package(sheet=_sheet(ROWS, dimension="A1:XFD1048576")), "ok")
    add("styled_empty_rows", ".xlsx", _package(sheet=_sheet(ROWS, styled_rows=100_000)), "ok")
    add(
        "far_cell",
        ".xlsx",
        _package(sheet=_sheet(ROWS, extra_cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')),
        "area",
    )
    add(
        "repeated_r",
        ".xlsx",
        _package(sheet=_sheet(ROWS, extra_cells='<row r="9"><c r="A9" r=\'XFD1048576\'><v>1</v></c></row>')),
        "area",
    )
    add("shared_string_amplifier", ".xlsx", _string_amplifier(), "strings")
    add("lying_size", ".xlsx", _lying_size(), "lying_size")
    add("overlapping_parts", ".xlsx", _overlapping(), "overlap")
    add(
        "many_parts",
        ".xlsx",
        _package(extra=[(f"xl/media/p{i}.bin", b"x") for i in range(12_000)]),
        "members",
    )
    add("not_a_zip", ".xlsx", random.Random(7).randbytes(20_000), "not_excel")
    add(
        "csv_renamed",
        ".xlsx",
        ("姓名,性别,出生日期\n" + "张三,男,2020-03-04\n" * 50).encode("utf-8"),
        "not_excel",
    )
    add("docx_renamed", ".xlsx", _docx(), "not_excel")
    add("html_as_xls", ".xls", _html(), "not_excel")
    add("xml2003_as_xls", ".xls", _xml_spreadsheet_2003(), "not_excel")
    whole = _openpyxl_file(ROWS * 200)
    add("truncated", ".xlsx", whole[: len(whole) // 2], "truncated")
    add("corrupt_central_directory", ".xlsx", _corrupt_central_directory(whole), "corrupt")
    add("password_protected", ".xlsx", _encrypted_ooxml(), "encrypted")
    add("empty_file", ".xlsx", b"", "empty")
    add("empty_sheet", ".xlsx", _openpyxl_file([], header=False), "empty_sheet")
    add(
        "no_header", ".xlsx", _openpyxl_file([["甲", "乙", "丙"], ["1", "2", "3"]], header=False), "no_header"
    )
    add("utf16_part", ".xlsx", _package(sheet=_sheet(ROWS).decode().encode("utf-16")), "encoding")
    return cases


# ---------------------------------------------------------------- zip writing by hand (sizes and CRCs we choose)


def _zip(members: list[tuple[str, bytes, int, int, int]], *, overlap_to: int | None = None) -> bytes:
    """members: (name, stored bytes, method, crc, uncompressed size). overlap_to: every later entry points there."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3I2H", b"PK\x03\x04", 20, 0x800, method, 0, 0x21, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded + data)
        central.append((encoded, method, crc, len(data), size, offset))
    if overlap_to is not None:
        central = [
            *central[:overlap_to],
            *[(*entry[:5], central[overlap_to][5]) for entry in central[overlap_to:]],
        ]
    start = out.tell()
    for encoded, method, crc, compressed, size, offset in central:
        out.write(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                method,
                0,
                0x21,
                crc,
                compressed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        out.write(encoded)
    end = out.tell()
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def _deflated(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), 8, zlib.crc32(data), len(data)


def _repeated_member(name: str, block: bytes, times: int) -> tuple[str, bytes, int, int, int]:
    """`block` repeated `times` times, deflated without ever holding the whole: one full-flushed block, repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    final = packer.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return name, one * times + final, 8, crc, len(block) * times


def _package(*, sheet: bytes | None = None, extra: list | None = None, shared: bytes | None = None) -> bytes:
    """A minimal but complete .xlsx (what calamine needs) with one sheet, plus extra parts."""
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b"</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else _sheet(ROWS),
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    members = [_deflated(name, data) for name, data in parts.items()]
    for item in extra or []:
        members.append(item if len(item) == 5 else _deflated(*item))
    return _zip(members)


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet(
    rows: list[list[str]], *, dimension: str = "", styled_rows: int = 0, extra_cells: str = ""
) -> bytes:
    from xml.sax.saxutils import escape

    body = []
    for number, values in enumerate([HEADER, *rows], start=1):
        cells = "".join(
            f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            for i, value in enumerate(values)
        )
        body.append(f'<row r="{number}">{cells}</row>')
    first_styled = len(rows) + 2
    for number in range(first_styled, first_styled + styled_rows):
        body.append(
            f'<row r="{number}" s="1" customFormat="1"><c r="A{number}" s="1"/><c r="E{number}" s="1"/></row>'
        )
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dimension_xml}<sheetData>'
        + "".join(body)
        + extra_cells
        + "</sheetData></worksheet>"
    ).encode()


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    ).encode()


def _xxe() -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def _sparse_noise() -> bytes:
    """A megabyte that deflates about 70:1 — under the per-part ratio limit, so only the total size stops it."""
    noise = bytearray(1 << 20)
    generator = random.Random(3)
    for at in range(0, len(noise), 200):
        noise[at : at + 2] = generator.randbytes(2)
    return bytes(noise)


def _nested_bomb() -> bytes:
    """A zip of 16 parts of 64 MiB of zeros each (1 GiB inside): stored as an embedded object, never opened."""
    return _zip([_repeated_member(f"layer{i}.bin", bytes(1 << 20), 64) for i in range(16)])


def _string_amplifier() -> bytes:
    """20,000 cells that all show one 30,000-character shared string: 2 MB of zip, 1.8 GB once calamine reads it."""
    generator = random.Random(5)
    text = "".join(chr(0x4E00 + generator.randrange(20_000)) for _ in range(30_000))
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}"><si><t>{text}</t></si></sst>'.encode()
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, 20_001))
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'
    return _package(sheet=sheet.encode(), shared=shared)


def _lying_size() -> bytes:
    """sheet1.xml declares 2 KB but inflates to 200 MB (a CRC matching the truncated prefix would fool zipfile)."""
    name, data, method, _, _ = _repeated_member("xl/worksheets/sheet1.xml", b" " * (1 << 20), 200)
    head = b" " * 2048
    members = [m for m in _zip_members(_package()) if m[0] != "xl/worksheets/sheet1.xml"]
    return _zip([*members, (name, data, method, zlib.crc32(head), len(head))])


def _overlapping() -> bytes:
    """Ten central-directory entries all pointing at one local part (each 10 MB at about 70:1, under the ratio)."""
    members = list(_zip_members(_package()))
    bomb = _repeated_member("xl/media/a.bin", _sparse_noise(), 10)
    fakes = [(f"xl/media/{letter}.bin", *bomb[1:]) for letter in "bcdefghij"]
    return _zip([*members, bomb, *fakes], overlap_to=len(members))


def _zip_members(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            yield _deflated(info.filename, archive.read(info.filename))


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>新生名单</w:t></w:r></w:p></w:body></w:document>',
        )
    return out.getvalue()


def _html() -> bytes:
    rows = "".join(f"<tr>{''.join(f'<td>{v}</td>' for v in row)}</tr>" for row in [HEADER, *ROWS])
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<head><meta charset="utf-8"></head><body><table border="1">{rows}</table></body></html>'
    ).encode()


def _xml_spreadsheet_2003() -> bytes:
    return (
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:'
        'office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="名单">'
        '<Table><Row><Cell><Data ss:Type="String">姓名</Data></Cell></Row></Table></Worksheet></Workbook>'
    ).encode()


def _openpyxl_file(rows: list[list[str]], *, header: bool = True) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    if header:
        sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _corrupt_central_directory(whole: bytes) -> bytes:
    end = whole.rfind(b"PK\x05\x06")
    start = struct.unpack_from("<I", whole, end + 16)[0]
    garbage = random.Random(11).randbytes(end - start)
    return whole[:start] + garbage + whole[end:]


# ---------------------------------------------------------------- OLE2 (compound file) by hand

_END, _FREE, _FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def _encrypted_ooxml() -> bytes:
    descriptor = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns="http://schemas.microsoft.com/'
        b'office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b'<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        b'<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        b'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></keyEncryptor></keyEncryptors></encryption>'
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + descriptor
    package = struct.pack("<Q", 2048) + random.Random(13).randbytes(2048)
    return _cfb({"EncryptionInfo": info, "EncryptedPackage": package})


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors) whose streams, all under 4,096 bytes, live in the mini stream."""
    assert all(len(data) < 4096 for data in streams.values())
    sector = 512
    ordered = sorted(streams, key=lambda name: (len(name), name.upper()))
    mini = bytearray()
    minifat: list[int] = []
    starts = {}
    for name in ordered:
        data = streams[name]
        count = -(-len(data) // 64)
        first = len(minifat)
        starts[name] = first
        minifat.extend([first + i + 1 for i in range(count - 1)] + [_END])
        mini += data.ljust(count * 64, b"\0")
    mini_sectors = -(-len(mini) // sector)
    minifat_sectors = -(-len(minifat) * 4 // sector)
    # sector layout: 0 FAT, 1 directory, then the mini FAT, then the mini stream container
    fat = [_FAT_SECTOR, _END]
    minifat_start = len(fat)
    fat += [minifat_start + i + 1 for i in range(minifat_sectors - 1)] + [_END]
    mini_start = len(fat)
    fat += [mini_start + i + 1 for i in range(mini_sectors - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return struct.pack(
            "<64sHBBIII16sIQQIII",
            encoded,
            len(encoded),
            kind,
            1,
            _FREE,
            right,
            child,
            bytes(16),
            0,
            0,
            0,
            start,
            size,
            0,
        )

    directory = entry("Root Entry", 5, 1, _FREE, mini_start, len(mini))
    for index, name in enumerate(ordered, start=1):
        right = index + 1 if index < len(ordered) else _FREE
        directory += entry(name, 2, _FREE, right, starts[name], len(streams[name]))
    directory = directory.ljust(sector, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        1,
        1,
        0,
        4096,
        minifat_start,
        minifat_sectors,
        _END,
        0,
    ) + struct.pack("<109I", 0, *[_FREE] * 108)
    body = struct.pack("<128I", *fat) + directory
    body += struct.pack(f"<{len(minifat)}I", *minifat).ljust(minifat_sectors * sector, b"\xff")
    body += bytes(mini).ljust(mini_sectors * sector, b"\0")
    return header + body


if (
    __name__ == "__main__"
):  # build the corpus into a folder to look at: python -m tests.spreadsheets.hostile_files DIR
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    for case in build_corpus(target):
        print(f"{case.name:28} {os.path.getsize(case.path):>12,} B  expect {case.expect}")


# the start of the probe scripts the T8 tests run in a fresh process, to measure that process's own peak memory
PEAK_MB_SOURCE = """
import json, resource, sys, time


def peak_mb():  # this process's own high-water mark (ru_maxrss would include the parent's, inherited over exec)
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
