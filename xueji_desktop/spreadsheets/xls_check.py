"""Pre-flight check of an .xls along the paths python-calamine's reader takes (called by preflight for OLE2 files).

calamine trusts what an .xls declares: it reserves memory for a sheet's DIMENSIONS and the area its cells span,
sizes buffers by sector numbers and stream lengths, and follows FAT chains until they end. A damaged or forged file
therefore asks for hundreds of gigabytes, or loops until memory runs out, and a failed Rust allocation aborts the
whole process — no exception to catch. The T9 fuzzing found such files (tests/spreadsheets/test_import_fuzz.py). This
walks the same structures with bounds first: every sector a chain visits must be in the file and visited once, every
declared size must fit in the file, and the cells' area must stay under the reader's cap. ValueError names what is
wrong; CellAreaTooLarge says how large the sheet claims to be.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

ENDOFCHAIN = 0xFFFFFFFE
RESERVED = 0xFFFFFFFA  # DIFAT, FAT, end of chain, free: not sector numbers
DIFSECT = 0xFFFFFFFC
MAX_CAPACITY_HINT = 1 << 24  # calamine reserves the u32 at 0x3E (its "DIFAT length") as that many u32s
_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00BD, 0x0006})  # the ones calamine keeps


class CellAreaTooLarge(ValueError):
    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(f"cell area {rows} x {columns}")
        self.rows, self.columns = rows, columns


def check_xls(fh: BinaryIO, size: int, max_area: int) -> None:
    """Raise ValueError (or CellAreaTooLarge) for an .xls calamine must not be given."""
    stream = _workbook_stream(fh, size)
    _check_biff(stream, max_area)


def _u32s(block: bytes) -> list[int]:
    if len(block) % 4:
        raise ValueError("sector of odd length")
    return list(struct.unpack(f"<{len(block) // 4}I", block))


def _workbook_stream(fh: BinaryIO, size: int) -> bytes:
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    sector = 1 << struct.unpack_from("<H", header, 0x1E)[0]
    if sector not in (512, 4096):
        raise ValueError("sector size")
    count = -(-(size - sector) // sector)  # sectors after the header, the last one possibly short
    dir_len, fat_len, dir_start = struct.unpack_from("<3I", header, 0x28)
    mini_fat_start, mini_fat_len, difat_start = struct.unpack_from("<3I", header, 0x3C)
    if count <= 0 or fat_len > count or dir_len * sector > size or mini_fat_len * sector > size:
        raise ValueError("header sizes past the end of the file")
    if struct.unpack_from("<I", header, 0x3E)[0] > MAX_CAPACITY_HINT:
        raise ValueError("header capacity hint")

    def read(sid: int) -> bytes:
        fh.seek((sid + 1) * sector)
        return fh.read(sector)

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        ids, seen, sid = [], set(), start
        while sid != ENDOFCHAIN:
            if sid >= limit or sid >= len(table) or sid in seen:
                raise ValueError(f"chain through sector {sid:#x}")
            seen.add(sid)
            ids.append(sid)
            sid = table[sid]
        return ids

    difat = list(struct.unpack_from("<109I", header, 0x4C))
    sid, seen = difat_start, set()
    while sid < RESERVED:
        if sid >= count or sid in seen:
            raise ValueError("DIFAT chain")
        seen.add(sid)
        difat.extend(_u32s(read(sid)))
        sid = difat.pop()
    fat_ids = [s for s in difat if s < DIFSECT]
    if len(fat_ids) > count or any(s >= count for s in fat_ids):
        raise ValueError("FAT sectors")
    fat = [entry for s in fat_ids for entry in _u32s(read(s))]
    directory = b"".join(read(s) for s in chain(dir_start, fat, count))
    entries = []  # (name, kind, start, length)
    for at in range(0, len(directory) - 127, 128):
        raw = directory[at : at + 64].decode("utf-16-le", "replace")
        length = struct.unpack_from("<I" if sector == 512 else "<Q", directory, at + 120)[0]
        entries.append(
            (
                raw.split("\x00", 1)[0],
                directory[at + 66],
                struct.unpack_from("<I", directory, at + 116)[0],
                length,
            )
        )
    if not entries:
        raise ValueError("empty directory")
    ministream, minifat = b"", []
    if mini_fat_len > 0:
        root_start, root_length = entries[0][2], entries[0][3]
        if root_length > size:
            raise ValueError("mini stream size")
        ministream = b"".join(read(s) for s in chain(root_start, fat, count))
        ministream = ministream[:root_length] if root_length else ministream
        minifat = _u32s(b"".join(read(s) for s in chain(mini_fat_start, fat, count))[: mini_fat_len * sector])

    def stream(start: int, length: int) -> bytes:
        if length > size:
            raise ValueError("stream size past the end of the file")
        if length < 4096:
            ids = chain(start, minifat, -(-len(ministream) // 64))
            data = b"".join(ministream[i * 64 : i * 64 + 64] for i in ids)
        else:
            data = b"".join(read(s) for s in chain(start, fat, count))
        return data[:length] if length else data

    names = [entry[0] for entry in entries]
    if "_VBA_PROJECT_CUR" in names:  # calamine then reads the macro streams too
        for _name, kind, start, length in entries:
            if kind == 2:
                stream(start, length)
    for wanted in ("Workbook", "Book"):
        if wanted in names:
            _, _, start, length = entries[names.index(wanted)]
            return stream(start, length)
    raise ValueError("no workbook stream")


def _records(data: bytes, at: int):
    """(type, offset of the body, length) of each BIFF record from `at` until an EOF record, the end of the data or
    a record running past it. Offsets, not slices: an 18 MB workbook stream has about a million records."""
    unpack, end = _HEADER.unpack_from, len(data)
    while at + 4 <= end:
        kind, length = unpack(data, at)
        at += 4
        if kind == 0x000A or at + length > end:
            return
        yield kind, at, length
        at += length


_HEADER = struct.Struct("<HH")


def _check_biff(data: bytes, max_area: int) -> None:
    """The sheets' positions, then each sheet's DIMENSIONS and the area of its cells (one tight loop: a large .xls
    has a million cell records)."""
    positions = [
        struct.unpack_from("<I", data, at)[0]
        for kind, at, length in _records(data, 0)
        if kind == 0x0085 and length >= 4
    ]
    cells, pair, end = _CELL_RECORDS, _HEADER.unpack_from, len(data)
    for at in positions:
        top = left = 0xFFFF
        bottom = right = -1
        while at + 4 <= end:
            kind, length = pair(data, at)
            at += 4
            if kind == 0x000A or at + length > end:
                break
            if kind in cells and length >= 6:
                row, column = pair(data, at)
                if kind == 0x00BD:  # MulRk: its last column closes the record
                    right = max(right, struct.unpack_from("<H", data, at + length - 2)[0])
                if row < top:
                    top = row
                if row > bottom:
                    bottom = row
                if column < left:
                    left = column
                if column > right:
                    right = column
            elif kind == 0x0200 and length in (10, 14):
                _check_dimensions(
                    struct.unpack_from("<HHHH" if length == 10 else "<IIHH", data, at), max_area
                )
            at += length
        if bottom >= 0 and (bottom - top + 1) * (right - left + 1) > max_area:
            raise CellAreaTooLarge(bottom - top + 1, right - left + 1)


def _check_dimensions(dimensions: tuple[int, int, int, int], max_area: int) -> None:
    """DIMENSIONS as calamine reads it (u32 arithmetic that wraps), and the cells it reserves for them."""
    first, last, first_col, last_col = dimensions
    end = (last - 1, last_col - 1) if last >= 1 and last_col >= 1 else (first, first_col)
    height = (end[0] - first + 1) & 0xFFFFFFFF
    width = (end[1] - first_col + 1) & 0xFFFFFFFF
    if height * width > max_area:
        raise CellAreaTooLarge(height, width)
