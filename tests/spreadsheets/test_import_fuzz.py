"""T9 (RELIABILITY.md): import fuzzing. Valid seed files — a clean new-student list (openpyxl), an upload batch exported
from a small demo school (services.upload_batches), an .xls written with xlwt — are mutated at random: bytes of the
file flipped, cut, inserted; or the package opened and its XML edited (elements deleted or duplicated, cell types
changed, huge or negative r attributes, control characters and unpaired surrogates, long strings, date serials far
out of range) and zipped again. Each mutated file goes through the whole import (plan_import, the error workbook,
plan_classes, commit_import — valid_only when there are problems) in a worker process, against a school with no
students or with the seed already imported (the update path), and must end in one of two ways:

- spreadsheets.errors.ImportFileError with one Chinese line, and nothing written;
- a plan (cell problems are fine) that commits exactly the students it says it created;

never another exception, a crash of the worker, or more than 5 s. CI runs 300 mutations with a fixed seed;
benchmarks/import_fuzz.py runs T9's 5,000 and prints the counts per outcome.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import random
import re
import resource
import shutil
import struct
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from multiprocessing.connection import wait
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 5.0
MEMORY_LIMIT = (
    3 * 1024**3
)  # a worker that tries to use more is a failure (the pre-flight check should stop it)
CI_MUTATIONS = 300
CI_SEED = 20260901
SEED_NAMES = ("clean.xlsx", "demo_export.xlsx", "clean.xls")
_CJK = re.compile("[\u3400-\u9fff]")
_OS_CODES = frozenset({"unreadable", "locked", "missing", "directory"})

# --- seed files ---------------------------------------------------------------------------------------------------

CLEAN_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "证件号码",
    "入学年月",
    "是否留守儿童",
    "现住址",
    "成员1姓名",
    "成员1关系",
    "成员1是否监护人",
    "成员1联系电话",
    "班号",
]


def _people() -> list[tuple[str, str, date]]:
    """The six newcomers of the tests' clean list (tests.factories.NEW_STUDENTS), a Uyghur and a compound surname."""
    from tests.factories import NEW_STUDENTS

    return [*NEW_STUDENTS, ("买买提·艾力", "男", date(2020, 6, 6)), ("欧阳娜娜", "女", date(2020, 2, 29))]


def clean_rows() -> list[list[object]]:
    """A new-student list as an admissions office types it: birth dates as real date cells, 入学年月 a number."""
    from tests.factories import id_number

    rows = []
    for n, (name, gender, born) in enumerate(_people(), start=1):
        code = "1" if gender == "男" else "2"
        rows.append(
            [
                n,
                name,
                gender,
                datetime.combine(born, datetime.min.time()),
                "汉族",
                id_number(born, code, seq=200 + n),
                202609,
                "否",
                "潞城区潞华街道",
                f"{name[0]}建国",
                "父亲",
                "是",
                "13800138000",
                n % 2 + 1,
            ]
        )
    return rows


def write_clean_xlsx(path: Path) -> Path:
    from tests.factories import new_student_book

    book = new_student_book(clean_rows(), CLEAN_HEADERS)
    sheet = book.active
    for cell in sheet["D"][2:]:
        cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def write_clean_xls(path: Path) -> Path:
    import xlwt

    from tests.factories import NEW_STUDENT_LIST_TITLE

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("一年级新生")
    sheet.write_merge(0, 0, 0, len(CLEAN_HEADERS) - 1, NEW_STUDENT_LIST_TITLE)
    for column, header in enumerate(CLEAN_HEADERS):
        sheet.write(1, column, header)
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(clean_rows(), start=2):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, column, value, dated)
            else:
                sheet.write(r, column, value)
    book.save(str(path))
    return path


def write_demo_export(folder: Path, students: int = 30) -> Path:
    """services.upload_batches.export_new_students of a small demo school whose students are all new."""
    from sqlalchemy import update

    from xueji_desktop.demo import create_demo_school
    from xueji_desktop.models import EnrolmentStep, Student
    from xueji_desktop.services.upload_batches import export_new_students
    from xueji_desktop.store import Store

    store = Store.open(folder / "demo_data")
    try:
        create_demo_school(store, students=students, today=date(2026, 9, 10))
        with store.transaction() as session:
            session.execute(update(Student).values(enrolment_step=EnrolmentStep.FORM_HANDED_OUT.value))
        result = export_new_students(store, folder / "demo_batch.xlsx", valid_only=True)
    finally:
        store.close()
    [file] = result.files
    return file.rename(folder / "demo_export.xlsx")


def prepare(folder: Path) -> Path:
    """Seed files in folder/seeds and data folders in folder/states: "empty" (a school, no students) and
    "seeded-<seed>" (the same with that seed's rows imported)."""
    from tests.factories import luchang_setup
    from xueji_desktop.services.school_setup import create_school
    from xueji_desktop.services.student_import import commit_import, plan_import
    from xueji_desktop.store import Store

    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    write_clean_xlsx(seeds / "clean.xlsx")
    write_clean_xls(seeds / "clean.xls")
    write_demo_export(folder).rename(seeds / "demo_export.xlsx")
    states = folder / "states"
    store = Store.open(states / "empty")
    create_school(store, luchang_setup())
    store.close()
    for name in SEED_NAMES:
        shutil.copytree(states / "empty", states / f"seeded-{name}")
        store = Store.open(states / f"seeded-{name}")
        try:
            plan = plan_import(store, seeds / name)
            assert plan.problems == [], (name, plan.problems[:3])
            commit_import(store, plan, today=date(2026, 9, 10))
        finally:
            store.close()
    return folder


# --- mutations ----------------------------------------------------------------------------------------------------

_CONTROL = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
_ODD = [
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "😀",
    "𠀀",
    "\u0301",
    "Ａ１２",
    "张　三",
    "=1+1",
    "@SUM(1)",
    "-1",
    "+86 138",
    "NaN",
    "inf",
    "-0",
    "1e999",
    "0x1F",
    "２０１５年３月４日",
    "19700101",
    "99991231",
    "  ",
    "是",
    "否",
    "汉",
    "男",
    "女",
    "140406",
    "14040600000000",
]
_ESCAPES = [
    "&#0;",
    "&#x1;",
    "&#x8;",
    "&#xB;",
    "&#x1F;",
    "&#xD800;",
    "&#xDFFF;",
    "&#xDBFF;&#xDC00;",
    "&#xFFFE;",
    "&#xFFFF;",
    "&#x110000;",
    "&#99999999999;",
    "&#x85;",
    "&#x2028;",
    "&#10;",
    "&#13;",
    "&amp;",
    "&lt;",
    "&bogus;",
    "&",
    "<",
    ">",
    "]]>",
    "&#;",
    "&#x;",
]
_SERIALS = [
    "0",
    "-1",
    "-693594",
    "1e308",
    "-1e308",
    "1.7976931348623157E+308",
    "2958465",
    "2958466",
    "2958466.5",
    "4294967296",
    "9223372036854775808",
    "1e20",
    "NaN",
    "INF",
    "-INF",
    "60",
    "59.999999",
    "0.5",
    "1e-300",
    "99999999999999999999999",
    "",
    "abc",
    "1,5",
    "0x10",
    "+5",
    "  42 ",
    "42067",
]
_CELL_TYPES = ["s", "n", "inlineStr", "b", "e", "str", "d", "", "x", "S", "shared"]
_REFS = [
    "A1",
    "A0",
    "A-5",
    "-1",
    "",
    "1A",
    "a1",
    "XFD1",
    "XFE1",
    "A1048576",
    "A1048577",
    "B999999999",
    "A99999999999",
    "A9999999999999",
    "ZZZZZZZZZZ1",
    "AAA1",
    "$A$1",
    "A1:B2",
    "A01",
    "Ａ１",
]
_ROW_NUMBERS = [
    "0",
    "-3",
    "1",
    "2",
    "1048576",
    "1048577",
    "4294967295",
    "4294967297",
    "18446744073709551617",
    "",
    "x",
    "1e3",
    "3.5",
]
_ELEMENT = re.compile(rb"<([A-Za-z][\w.:-]*)(?:\s[^<>]*?)?(?:/>|>)")


def random_text(rng: random.Random, *, long: bool = False) -> str:
    """Text for a cell or a name: control characters, escapes (surrogates too), odd Unicode, sometimes long."""
    parts = []
    for _ in range(rng.randint(1, 6)):
        pick = rng.random()
        if pick < 0.25:
            parts.append(rng.choice(_CONTROL))
        elif pick < 0.5:
            parts.append(rng.choice(_ESCAPES))
        elif pick < 0.8:
            parts.append(rng.choice(_ODD))
        else:
            parts.append("".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 8))))
    text = "".join(parts)
    if long:
        # one cell of Excel's maximum (32,767), or text runs near and past the pre-flight's 1 MB token limit
        # (mutate_xml's "ten_mb" puts ~10 MB in all into one sheet, each run under the limit)
        size = rng.choice([32_767, 200_000, 1_000_000, 1_100_000])
        alphabet = "张王李赵学籍新生0123456789ABCxyz "
        text += "".join(rng.choices(alphabet, k=size))
    return text


def _escape_surrogates(text: str) -> bytes:
    """UTF-8, with any lone surrogate written as its raw (invalid) three bytes — a damaged file can hold them."""
    return text.encode("utf-8", "surrogatepass")


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Blind mutations of the file's bytes."""
    data = bytearray(data)
    kind = rng.choice(["flip", "flip", "truncate", "insert", "delete", "duplicate", "zero", "splice_header"])
    if kind == "flip":
        for _ in range(rng.choice([1, 1, 2, 4, 16, 64])):
            at = rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8) if rng.random() < 0.7 else rng.randrange(1, 256)
    elif kind == "truncate":
        data = data[: rng.randrange(len(data))]
    elif kind == "insert":
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.randbytes(rng.choice([1, 4, 100, 5000]))
    elif kind == "delete":
        at = rng.randrange(len(data))
        del data[at : at + rng.choice([1, 4, 100, 5000])]
    elif kind == "duplicate":
        at = rng.randrange(len(data))
        chunk = data[at : at + rng.choice([4, 100, 2000])]
        to = rng.randrange(len(data) + 1)
        data[to:to] = chunk
    elif kind == "zero":
        at = rng.randrange(len(data))
        data[at : at + 512] = bytes(len(data[at : at + 512]))
    else:  # a valid signature and garbage after it, or the other way round
        if rng.random() < 0.5:
            data[: rng.randrange(1, 64)] = b""
        else:
            data[:0] = rng.choice([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf"])
    return bytes(data), f"bytes:{kind}"


def _elements(text: bytes) -> list[tuple[int, int, bytes]]:
    """(start, end, name) of elements: a self-closed one, or the start tag to the first matching end tag."""
    found = []
    for match in _ELEMENT.finditer(text):
        name = match.group(1)
        if match.group(0).endswith(b"/>"):
            found.append((match.start(), match.end(), name))
            continue
        end = text.find(b"</" + name + b">", match.end())
        if end >= 0:
            found.append((match.start(), end + len(name) + 3, name))
    return found


def _replace_attribute(tag: bytes, name: bytes, value: bytes) -> bytes:
    """The tag with attribute `name` set to `value` (added after the element name when it has none)."""
    pattern = re.compile(rb"\s" + name + rb'="[^"]*"')
    new = b" " + name + b'="' + value + b'"'
    if pattern.search(tag):
        return pattern.sub(lambda _: new, tag, count=1)
    at = re.match(rb"<[\w.:-]+", tag)
    return tag[: at.end()] + new + tag[at.end() :] if at else tag


def mutate_xml(text: bytes, rng: random.Random, part: str) -> tuple[bytes, str]:
    """One structure-aware edit of an XML part."""
    kinds = [
        "delete",
        "duplicate",
        "cell_type",
        "cell_ref",
        "row_number",
        "text",
        "value",
        "truncate",
        "insert_cell",
        "attribute",
        "shared_index",
        "serial",
    ]
    if part.endswith("workbook.xml"):
        kinds += ["sheet_name"] * 4
    if part.startswith("sheet"):
        kinds += ["serial"] * 2
    if part.endswith("sharedStrings.xml"):
        kinds += ["text"] * 3 + ["long_text"]
    if rng.random() < 0.01:
        kinds = ["ten_mb"]
    kind = rng.choice(kinds)
    elements = _elements(text)
    if kind in ("delete", "duplicate") and elements:
        start, end, _ = rng.choice(elements)
        if kind == "delete":
            return text[:start] + text[end:], f"{part}:delete"
        copies = rng.choice([1, 1, 2, 50])
        return text[:end] + text[start:end] * copies + text[end:], f"{part}:duplicate×{copies}"
    if kind == "cell_type":
        cells = [m for m in re.finditer(rb"<c[\s>][^>]*>", text)]
        if cells:
            for match in rng.sample(cells, min(len(cells), rng.choice([1, 3, 20]))):
                tag = match.group(0)
                text = text.replace(tag, _replace_attribute(tag, b"t", rng.choice(_CELL_TYPES).encode()), 1)
            return text, f"{part}:cell_type"
    if kind in ("cell_ref", "row_number"):
        tags = list(re.finditer(rb"<c[\s>][^>]*>" if kind == "cell_ref" else rb"<row[\s>][^>]*>", text))
        values = _REFS if kind == "cell_ref" else _ROW_NUMBERS
        if tags:
            match = rng.choice(tags)
            new = _replace_attribute(match.group(0), b"r", rng.choice(values).encode())
            return text[: match.start()] + new + text[match.end() :], f"{part}:{kind}"
    if kind == "ten_mb":  # text runs of ~950,000 characters (under the 1 MB token limit), ~10 MB in all
        runs = list(re.finditer(rb"<(t)(?:\s[^>]*)?>([^<]*)</t>", text))
        if runs:
            for match in sorted(rng.sample(runs, min(len(runs), 11)), key=lambda m: m.start(), reverse=True):
                filler = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789 ", k=950_000)).encode()
                text = text[: match.start(2)] + filler + text[match.end(2) :]
            return text, f"{part}:ten_mb"
    if kind == "serial":  # far out of range, preferably in a date-formatted cell (s="…"): the birth dates
        styled = list(re.finditer(rb'<c [^>]*s="[1-9][0-9]*"[^>]*><v>([^<]*)</v>', text))
        runs = styled or list(re.finditer(rb"<v>([^<]*)</v>", text))
        if runs:
            match = rng.choice(runs)
            return text[: match.start(1)] + rng.choice(_SERIALS).encode() + text[
                match.end(1) :
            ], f"{part}:serial"
    if kind in ("text", "long_text", "value"):
        tag = rb"<(t|v)(?:\s[^>]*)?>([^<]*)</\1>" if kind != "value" else rb"<(v)>([^<]*)</v>"
        runs = list(re.finditer(tag, text))
        if runs:
            match = rng.choice(runs)
            if kind == "value":
                new = rng.choice([*_SERIALS, random_text(rng)])
            else:
                new = random_text(rng, long=kind == "long_text")
            start, end = match.span(2)
            return text[:start] + _escape_surrogates(new) + text[end:], f"{part}:{kind}"
    if kind == "truncate":
        return text[: rng.randrange(len(text) + 1)], f"{part}:truncate"
    if kind == "insert_cell":
        rows = list(re.finditer(rb"<row[\s>][^>]*>", text))
        fragments = [
            b'<c r="%s" t="%s"><v>%s</v></c>'
            % (rng.choice(_REFS).encode(), rng.choice(_CELL_TYPES).encode(), rng.choice(_SERIALS).encode()),
            b'<c r="D3" t="inlineStr"><is><t>' + _escape_surrogates(random_text(rng)) + b"</t></is></c>",
            b"<c><v>1</v></c>" * rng.choice([1, 100]),
            b"<![CDATA[" + _escape_surrogates(random_text(rng)) + b"]]>",
            b"<!-- x --><?pi x?>",
            b'<c r="C3" s="999"><v>42067</v></c>',
            b'<c r="B3" t="s"><v>-1</v></c>',
        ]
        if rows:
            at = rng.choice(rows).end()
            return text[:at] + rng.choice(fragments) + text[at:], f"{part}:insert_cell"
    if kind == "attribute" and elements:
        start, _, name = rng.choice(elements)
        at = start + 1 + len(name)
        garbage = rng.choice(
            [
                b' x="1"',
                b' r="A1" r="B2"',
                b' s="4294967296"',
                b' t="s" t="n"',
                b'"',
                b" ='",
                b' s="-1"',
                b' spans="1:16384"',
                b' ht="1e999"',
                b' xmlns:x="urn:x"',
            ]
        )
        return text[:at] + garbage + text[at:], f"{part}:attribute"
    if kind == "shared_index":
        shared = list(re.finditer(rb'(t="s"[^>]*>\s*<v>)([^<]*)(</v>)', text))
        if shared:
            match = rng.choice(shared)
            new = rng.choice([b"-1", b"999999", b"4294967296", b"1.5", b"", b"x", b"0"])
            return text[: match.start(2)] + new + text[match.end(2) :], f"{part}:shared_index"
    if kind == "sheet_name":
        match = re.search(rb'<sheet [^>]*name="([^"]*)"', text)
        if match:
            new = _escape_surrogates(rng.choice([random_text(rng), "", "x" * 40, "学生信息", "Sheet1"]))
            return text[: match.start(1)] + new + text[match.end(1) :], f"{part}:sheet_name"
    # nothing of the kind in this part: a control character or escape at a random place
    at = rng.randrange(len(text) + 1)
    return text[:at] + _escape_surrogates(rng.choice(_CONTROL + _ESCAPES)) + text[at:], f"{part}:splice"


def mutate_package(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Unzip, edit one or more parts (or the list of parts), zip again with correct sizes and CRCs."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    names = list(parts)
    xml = [n for n in names if n.endswith((".xml", ".rels"))]
    weighted = [n for n in xml if "worksheets/" in n or n.endswith(("sharedStrings.xml", "workbook.xml"))]
    steps = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        roll = rng.random()
        if roll < 0.05:
            victim = rng.choice(names)
            parts.pop(victim, None)
            steps.append(f"drop:{victim}")
        elif roll < 0.08:
            parts[rng.choice(["xl/worksheets/sheet9.xml", "xl/sharedStrings.xml", "docProps/x.bin"])] = (
                rng.randbytes(200)
            )
            steps.append("add_part")
        else:
            part = rng.choice(weighted if weighted and rng.random() < 0.85 else xml or names)
            if part not in parts:
                continue
            parts[part], step = mutate_xml(parts[part], rng, part.rsplit("/", 1)[-1])
            steps.append(step)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue(), "+".join(steps) or "rezip"


_BIFF_SPECIAL = {0x0203: "number", 0x00FD: "labelsst", 0x0208: "row", 0x0200: "dimensions", 0x027E: "rk"}


def mutate_biff(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A record-aware edit of an .xls's workbook stream, in place (the OLE2 container stays valid): record lengths,
    cell values (NaN, ±inf, 1e308 dates), shared-string indexes, row and dimension numbers."""
    data = bytearray(data)
    start = data.find(b"\x09\x08\x10\x00\x00\x06")  # BOF of BIFF8
    if start < 0:
        return mutate_bytes(bytes(data), rng)
    records = []
    at, begun, ended = start, 0, 0
    while at + 4 <= len(data) and len(records) < 5000:
        kind, length = struct.unpack_from("<HH", data, at)
        if at + 4 + length > len(data):  # a length an earlier round damaged: the stream ends here
            break
        records.append((at, kind, length))
        begun += kind == 0x0809
        ended += kind == 0x000A
        if ended == begun >= 2:  # the globals and the sheet: the end of the stream
            break
        at += 4 + length
    if not records:
        return mutate_bytes(bytes(data), rng)
    special = [r for r in records if r[1] in _BIFF_SPECIAL]
    at, kind, length = rng.choice(special if special and rng.random() < 0.7 else records)
    name = _BIFF_SPECIAL.get(kind, f"{kind:#06x}")
    body = at + 4
    roll = rng.random()
    if roll < 0.2:
        struct.pack_into("<H", data, at + 2, rng.choice([0, 1, length + 1, 0xFFFF, max(length - 1, 0)]))
        return bytes(data), f"biff:{name}:length"
    if roll < 0.3:
        struct.pack_into("<H", data, at, rng.choice([0x0203, 0x00FD, 0x0204, 0x0006, 0x00FC, 0x003C, 0xFFFF]))
        return bytes(data), f"biff:{name}:type"
    if kind == 0x0203 and length >= 14:
        value = rng.choice(
            [float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 2958466.0, -1.0, 1e20, 0.0]
        )
        struct.pack_into("<d", data, body + 6, value)
        return bytes(data), f"biff:number:{value}"
    if kind == 0x00FD and length >= 10:
        struct.pack_into("<I", data, body + 6, rng.choice([0xFFFFFFFF, 100_000, 0x7FFFFFFF]))
        return bytes(data), "biff:labelsst:index"
    if kind in (0x0208, 0x0200, 0x00FD, 0x0203, 0x027E) and length >= 4:
        struct.pack_into("<H", data, body + rng.choice([0, 2]), rng.choice([0xFFFF, 0xFFFE, 0x8000, 256]))
        return bytes(data), f"biff:{name}:position"
    for _ in range(rng.choice([1, 4])):
        if length:
            data[body + rng.randrange(length)] = rng.randrange(256)
    return bytes(data), f"biff:{name}:bytes"


def mutate(seed_name: str, data: bytes, rng: random.Random) -> tuple[bytes, str]:
    roll = rng.random()
    if seed_name.endswith(".xls"):
        return mutate_biff(data, rng) if roll < 0.6 and len(data) > 520 else mutate_bytes(data, rng)
    if roll < 0.3:
        return mutate_bytes(data, rng)
    try:
        return mutate_package(data, rng)
    except Exception:
        return mutate_bytes(data, rng)


@dataclass(frozen=True, slots=True)
class Case:
    index: int
    seed_name: str
    state: str  # the data folder to start from
    description: str
    data: bytes


def make_case(run_seed: int, index: int, seeds: dict[str, bytes]) -> Case:
    """The same case for the same (run seed, index): a failure can be made again by its number."""
    rng = random.Random(f"{run_seed}:{index}")
    seed_name = rng.choice(SEED_NAMES)
    state = f"seeded-{seed_name}" if rng.random() < 0.25 else "empty"
    data, description = mutate(seed_name, seeds[seed_name], rng)
    if rng.random() < 0.15:  # a second round of mutation on top
        more, step = mutate(seed_name, data, rng)
        data, description = more, f"{description} then {step}"
    return Case(index, seed_name, state, description, data)


# --- the worker: one process, one data folder, cases one after another ----------------------------------------------


def _counts(store) -> tuple[int, ...]:
    from sqlalchemy import func, select

    from xueji_desktop.models import AuditEvent, FamilyMember, ImportMapping, Student

    with store.read() as session:
        return tuple(
            session.scalar(select(func.count(model.id)))
            for model in (Student, FamilyMember, AuditEvent, ImportMapping)
        )


def run_pipeline(store, path: Path, errors_out: Path) -> tuple[str, str]:
    """(outcome, failure): the import as the wizard and the CLI run it; failure is "" when the contract holds."""
    from xueji_desktop.services.student_import import commit_import, plan_classes, plan_import
    from xueji_desktop.spreadsheets.error_workbook import write_error_workbook
    from xueji_desktop.spreadsheets.errors import ImportFileError

    before = _counts(store)
    try:
        plan = plan_import(store, path)
    except ImportFileError as error:
        message = str(error)
        after = _counts(store)
        if not message or not _CJK.search(message) or message.splitlines() != [message]:
            return f"file_error:{error.code}", f"ImportFileError message is not one Chinese line: {message!r}"
        if after != before:
            return f"file_error:{error.code}", f"written although the file was refused: {before} → {after}"
        if (
            error.code in _OS_CODES
        ):  # the file is there and readable: an OS message would send the clerk astray
            return (
                f"file_error:{error.code}",
                f"a damaged file told as an OS problem: {message} ({error.detail})",
            )
        return f"file_error:{error.code}", ""
    problems = plan.problems
    if problems:
        write_error_workbook(errors_out, plan.table, problems)
    classes = plan_classes(store, plan)
    result = commit_import(
        store,
        plan,
        valid_only=bool(problems),
        class_of_row=None if classes.blocking else classes.class_of_row,
    )
    after = _counts(store)
    if after[0] - before[0] != result.created:
        return "plan", f"created {result.created} but the student count went {before[0]} → {after[0]}"
    if result.created + result.updated and after[2] <= before[2]:
        return "plan", "students written without an audit event"
    kind = (
        "plan_clean"
        if not problems
        else ("plan_partial" if result.created + result.updated else "plan_errors")
    )
    return kind, ""


def _worker(connection, folder: str, run_seed: int, stream: bool = False) -> None:
    """Receive case indexes, answer (index, outcome, failure, seconds); exit on None. With `stream`, every .xlsx is
    read by the streaming reader (spreadsheets/xlsx_stream.py) that normally takes only large sheets."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if stream:
        from xueji_desktop.spreadsheets import xlsx_stream

        xlsx_stream.STREAM_FROM_BYTES = -1
    from xueji_desktop.store import Store

    root = Path(folder)
    seeds = {name: (root / "seeds" / name).read_bytes() for name in SEED_NAMES}
    work = Path(tempfile.mkdtemp(prefix="fuzz-worker-", dir=root))
    live = work / "live"
    for (
        name
    ) in SEED_NAMES:  # warm up: caches (code tables, regions, templates) are built before the clock runs
        shutil.copytree(root / "states" / "empty", live)
        store = Store.open(live)
        run_pipeline(store, root / "seeds" / name, work / "errors.xlsx")
        store.close()
        shutil.rmtree(live)
    store, current, dirty = None, None, False
    while True:
        index = connection.recv()
        if index is None:
            break
        case = make_case(run_seed, index, seeds)
        if current != case.state or dirty:
            if store is not None:
                store.close()
                shutil.rmtree(live)
            shutil.copytree(root / "states" / case.state, live)
            store, current = Store.open(live), case.state
        path = work / f"case{index}{Path(case.seed_name).suffix}"
        path.write_bytes(case.data)
        connection.send(
            ("begin", index)
        )  # the 5 s run from here: making a 20 MB mutation is not the import's time
        started = time.perf_counter()
        try:
            outcome, failure = run_pipeline(store, path, work / "errors.xlsx")
        except BaseException as error:
            outcome = f"exception:{type(error).__name__}"
            failure = "".join(traceback.format_exception(error))[-3000:]
        seconds = time.perf_counter() - started
        path.unlink()
        dirty = not outcome.startswith("file_error")
        connection.send((index, outcome, failure, seconds))
    if store is not None:
        store.close()


# --- the pool: N workers, a deadline per case, a killed worker replaced -----------------------------------------------


@dataclass(slots=True)
class Report:
    cases: int = 0
    outcomes: Counter = field(default_factory=Counter)
    failures: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # index, outcome, description, detail
    slowest: tuple[float, int] = (0.0, -1)
    seconds: float = 0.0
    per_seed: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"{self.cases} mutated files in {self.seconds:.1f} s; slowest {self.slowest[0]:.2f} s (case "
            f"{self.slowest[1]})"
        ]
        out += [f"  {outcome:32} {count:6}" for outcome, count in sorted(self.outcomes.items())]
        out += [f"  seed {name:26} {count:6}" for name, count in sorted(self.per_seed.items())]
        out += [f"FAILURE case {i} [{o}] {d}\n{detail}" for i, o, d, detail in self.failures[:20]]
        return out


class _Slot:
    def __init__(self, context, folder: Path, run_seed: int, stream: bool) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker, args=(child, str(folder), run_seed, stream), daemon=True
        )
        self.process.start()
        child.close()
        self.index: int | None = None
        self.sent = 0.0
        self.begun = False  # the worker has made the case's file and started the import

    def send(self, index: int) -> None:
        self.index, self.sent, self.begun = index, time.monotonic(), False
        self.connection.send(index)

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def run_fuzz(
    count: int,
    run_seed: int,
    *,
    folder: Path,
    workers: int | None = None,
    timeout: float = TIMEOUT_SECONDS,
    keep_failures: Path | None = None,
    stream: bool = False,
) -> Report:
    """Run cases 0..count-1 of `run_seed` over the prepared folder (see prepare); every failure in the report.

    With `stream`, the .xlsx cases are read by the streaming reader instead of python-calamine."""
    context = multiprocessing.get_context("spawn")
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    seeds = {name: (folder / "seeds" / name).read_bytes() for name in SEED_NAMES}
    report = Report()
    pending = list(range(count))[::-1]
    slots = [_Slot(context, folder, run_seed, stream) for _ in range(min(workers, count))]
    started = time.monotonic()

    def record(index: int, outcome: str, failure: str, seconds: float) -> None:
        case = make_case(run_seed, index, seeds)
        report.cases += 1
        report.outcomes[outcome] += 1
        report.per_seed[case.seed_name] += 1
        report.slowest = max(report.slowest, (seconds, index))
        if seconds > timeout and not failure:
            failure = f"took {seconds:.2f} s (limit {timeout} s)"
        if failure:
            report.failures.append(
                (index, outcome, f"{case.seed_name} [{case.state}] {case.description}", failure)
            )
            if keep_failures is not None:
                keep_failures.mkdir(parents=True, exist_ok=True)
                (keep_failures / f"case{index}{Path(case.seed_name).suffix}").write_bytes(case.data)

    for slot in slots:
        if pending:
            slot.send(pending.pop())
    try:
        while any(slot.index is not None for slot in slots):
            busy = [slot for slot in slots if slot.index is not None]
            for connection in wait([slot.connection for slot in busy], timeout=0.2):
                slot = next(s for s in busy if s.connection is connection)
                number = slots.index(slot)
                try:
                    message = slot.connection.recv()
                except (EOFError, OSError):
                    code = slot.process.exitcode
                    record(slot.index, f"crash:{code}", f"the worker died (exit code {code})", 0.0)
                    slot.stop(kill=True)
                    slots[number] = slot = _Slot(context, folder, run_seed, stream)
                else:
                    if message[0] == "begin":
                        slot.sent, slot.begun = time.monotonic(), True
                        continue
                    record(*message)
                slot.index = None
                if pending:
                    slot.send(pending.pop())
            now = time.monotonic()
            for number, slot in enumerate(slots):
                # from "begin": the import's 5 s; before it, a new worker's start-up and the making of the file
                limit = timeout + 1.0 if slot.begun else 120.0
                if slot.index is not None and now - slot.sent > limit:
                    where = "importing" if slot.begun else "starting or making the file"
                    record(
                        slot.index, "hang", f"no answer within {limit:.0f} s ({where}): worker killed", limit
                    )
                    slot.stop(kill=True)
                    slots[number] = fresh = _Slot(context, folder, run_seed, stream)
                    if pending:
                        fresh.send(pending.pop())
    finally:
        for slot in slots:
            slot.stop()
    report.seconds = time.monotonic() - started
    return report


# --- the CI test --------------------------------------------------------------------------------------------------


@pytest.mark.slow  # hundreds of mutated files, each through the whole import
def test_t9_mutated_files_end_in_a_chinese_error_or_a_plan(tmp_path):
    """T9 short form: 300 mutated files (fixed seed), each an ImportFileError (one Chinese line, nothing written) or
    a plan that commits; 0 unexpected exceptions, 0 crashes, 0 files over 5 s."""
    folder = prepare(tmp_path / "fuzz")
    report = run_fuzz(CI_MUTATIONS, CI_SEED, folder=folder)
    print("\n".join(report.lines()))
    assert report.cases == CI_MUTATIONS
    assert report.failures == [], "\n".join(report.lines())
    # the mutations reach both ends: files refused, and plans that go all the way to a commit
    assert sum(n for o, n in report.outcomes.items() if o.startswith("file_error")) >= 20
    assert sum(n for o, n in report.outcomes.items() if o.startswith("plan")) >= 20


def test_t9_mutated_files_through_the_streaming_reader(tmp_path):
    """The same contract when every .xlsx goes to the streaming reader that large sheets take (xlsx_stream.py): the
    mutations that python-calamine survives must not break the reader that replaces it for a 100,000-row file."""
    folder = prepare(tmp_path / "fuzz")
    report = run_fuzz(200, CI_SEED + 1, folder=folder, stream=True)
    print("\n".join(report.lines()))
    assert report.cases == 200
    assert report.failures == [], "\n".join(report.lines())
    assert sum(n for o, n in report.outcomes.items() if o.startswith("plan")) >= 20


def test_the_seeds_import_cleanly_and_mutations_are_reproducible(tmp_path):
    """The fuzzing starts from valid files (so what it finds is due to the mutation), and case N is the same case
    every time (so a failure can be replayed by its number)."""
    folder = prepare(tmp_path / "fuzz")  # asserts every seed plans without problems and commits
    seeds = {name: (folder / "seeds" / name).read_bytes() for name in SEED_NAMES}
    assert make_case(7, 42, seeds) == make_case(7, 42, seeds)
    described = {make_case(7, i, seeds).description.split(":")[0] for i in range(200)}
    assert {"bytes", "biff"} <= described and any(d.endswith(".xml") for d in described)


# --- what the fuzzing found: each as a small file made here, checked in this process (the pre-flight check must stop
# it before python-calamine, whose failed allocations abort the process) -------------------------------------------


def _check_fails(path: Path, code: str) -> None:
    from xueji_desktop.spreadsheets.errors import ImportFileError
    from xueji_desktop.spreadsheets.preflight import check_file

    with pytest.raises(ImportFileError) as caught:
        check_file(path)
    assert caught.value.code == code, caught.value.detail
    assert _CJK.search(str(caught.value)) and "\n" not in str(caught.value)


def _xlsx_with(tmp_path: Path, name: str, edit) -> Path:
    source = write_clean_xlsx(tmp_path / "seed.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = edit(parts["xl/worksheets/sheet1.xml"])
    out = tmp_path / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return out


@pytest.mark.parametrize("reference", ["A9999999999999", "AAAAAAAAAAAA3", "B" + "9" * 5000])
def test_found_cell_references_past_12_digits_or_9_letters_are_refused(tmp_path, reference):
    """calamine wraps a longer reference around u32 (A9999999999999 is row 1,316,134,911) and allocates the area:
    the process aborted. The pre-flight check read at most 12 digits and 9 letters and missed it."""
    path = _xlsx_with(
        tmp_path, "far.xlsx", lambda xml: xml.replace(b'r="C3"', f'r="{reference}"'.encode(), 1)
    )
    _check_fails(path, "area")


def _xls_records(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, type, length) of the BIFF records of clean.xls's workbook stream (xlwt writes it contiguously)."""
    found, at = [], data.find(b"\x09\x08\x10\x00\x00\x06")
    while at + 4 <= len(data) and len(found) < 2000:
        kind, length = struct.unpack_from("<HH", data, at)
        found.append((at, kind, length))
        at += 4 + length
    return found


def _xls_damaged(tmp_path: Path, how: str) -> Path:
    data = bytearray(write_clean_xls(tmp_path / "seed.xls").read_bytes())
    records = _xls_records(bytes(data))
    if how == "dimensions":  # a sheet claiming 1,048,576 × 16,384 cells: calamine reserves them all
        at = next(at for at, kind, _ in records if kind == 0x0200)
        struct.pack_into("<IIHH", data, at + 4, 0, 1 << 20, 0, 1 << 14)
    elif how == "far_cell":  # one text cell at row 65,535, column 16,384: the dense range is 1e9 cells
        at = next(at for at, kind, _ in records if kind == 0x00FD)
        struct.pack_into("<HH", data, at + 4, 0xFFFF, 0x4000)
    elif how == "fat_zeroed":  # every chain loops on sector 0: calamine follows it until memory runs out
        fat = struct.unpack_from("<I", data, 0x4C)[0]
        data[(fat + 1) * 512 : (fat + 2) * 512] = bytes(512)
    path = tmp_path / f"{how}.xls"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("how", "code"), [("dimensions", "area"), ("far_cell", "area"), ("fat_zeroed", "corrupt")]
)
def test_found_xls_structures_that_made_calamine_abort_are_refused(tmp_path, how, code):
    """An .xls whose DIMENSIONS or cells make python-calamine reserve 35-690 GB, or whose FAT loops (calamine follows
    it until memory runs out): the process aborted — a Rust allocation failure cannot be caught. Now refused by
    spreadsheets.xls_check."""
    _check_fails(_xls_damaged(tmp_path, how), code)


def test_found_the_seeds_still_pass_the_xls_check(tmp_path):
    from xueji_desktop.spreadsheets.preflight import check_file

    check_file(write_clean_xls(tmp_path / "clean.xls"))


def test_found_a_damaged_zip_version_or_offset_is_corrupt_not_an_os_problem(tmp_path):
    """zipfile raised NotImplementedError for a "version needed" of 9.4 (a traceback), and a central directory
    pointing before the file's start gave "check the file's permissions" (an OSError from seek)."""
    source = write_clean_xlsx(tmp_path / "seed.xlsx").read_bytes()
    central = source.rfind(b"PK\x01\x02")
    version = bytearray(source)
    version[central + 6] = 94  # version needed to extract: 9.4
    (tmp_path / "version.xlsx").write_bytes(bytes(version))
    _check_fails(tmp_path / "version.xlsx", "corrupt")
    shifted = bytearray(source)
    del shifted[100:120]  # bytes lost before the central directory: zipfile puts the first part at offset -20
    (tmp_path / "shifted.xlsx").write_bytes(bytes(shifted))
    _check_fails(tmp_path / "shifted.xlsx", "corrupt")


def test_found_the_error_workbook_takes_any_cell_the_reader_gives(tmp_path):
    """Control characters, U+FFFF, NaN and a sheet name with / and : reached openpyxl, which raised
    IllegalCharacterError / ValueError: the clerk got no error workbook at all."""
    import openpyxl

    from xueji_desktop.spreadsheets.error_workbook import write_error_workbook
    from xueji_desktop.spreadsheets.normalise import CellProblem
    from xueji_desktop.spreadsheets.reader import RawRow, SheetTable

    table = SheetTable(
        "新生/2026:秋\x01",
        1,
        ["姓名\x02", "出生日期"],
        [RawRow(2, ["张\x00三\uffff", float("nan")]), RawRow(3, ["李四", "x" * 40_000])],
    )
    problems = [
        CellProblem(2, "姓名", "张\x00三", "“张\x00三”有看不见的字符", "请重新输入", 0),
        CellProblem(3, "出生日期", "x", "不是日期", "", 1),
    ]
    out = write_error_workbook(tmp_path / "错误.xlsx", table, problems)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "新生_2026_秋\ufffd"
    assert sheet["B2"].value == "张\ufffd三\ufffd" and sheet["C2"].value == "nan"
    assert len(sheet["C3"].value) == 32_767 and "看不见" in sheet["B2"].comment.text


def test_found_a_long_region_cell_is_checked_in_linear_time():
    """A 1 MB cell in a 行政区划 column took minutes (every prefix sliced and hashed): a hang."""
    from xueji_desktop.spreadsheets.normalise import parse_region

    started = time.perf_counter()
    value, message, _ = parse_region("山西省长治市潞城区" + "某" * 1_000_000)
    assert value == "140406" and message is None
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("escaped", ["&#10;", "&#13;", "&#x2028;", "&#x85;"])
def test_found_a_sheet_name_with_a_line_break_still_gives_one_line(tmp_path, escaped):
    """A sheet named "a<line break>b" without a header row: the message quoted the name and spanned two lines."""
    from xueji_desktop.spreadsheets.errors import ImportFileError
    from xueji_desktop.spreadsheets.reader import read_table

    source = write_clean_xlsx(tmp_path / "seed.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "一年级新生".encode(), f"一年级{escaped}新生".encode()
    )
    path = tmp_path / "named.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    with pytest.raises(ImportFileError) as caught:
        read_table(path, is_header=lambda header: False)
    message = str(caught.value)
    assert caught.value.code == "no_header" and "一年级" in message and message.splitlines() == [message]


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_found_non_finite_numbers_are_cell_problems(number):
    """calamine reads <v>-INF</v> as -inf: 入学年月 raised ValueError (int("-inf")), 上下学距离 stored "nan". Every
    column that holds a date, a code, 是/否, a region or a number says what is wrong (free text keeps "NAN")."""
    from xueji_desktop.spreadsheets.normalise import normalise_cell
    from xueji_desktop.spreadsheets.template import load_template

    numeric = {"id_number", "phone", "postcode", "commute_distance", "school_code"}
    for column in load_template("new_students").columns:
        if column.form != "text" or column.field_key in numeric:
            value, message, _ = normalise_cell(number, column)
            assert value is None and message, column.header
