"""The round trip: "exporting a batch and importing it again gives the same records".

A demo school's new students — made to carry every code of the code tables, region codes at every level (北京市,
石河子市, the historical 潞城市), blanks where blanks are allowed, landlines, both 是 and 否 — are exported with
services.upload_batches.export_new_students, split by a small template limit into several sheets and files; each sheet
is imported by name (plan_import(sheet=…)) into a fresh school of the same stage; then every field of
reference.student_fields.STUDENT_FIELDS the template carries, and every field of both family members, must equal the
original. The fields the template does not carry cannot come back and are listed by a test of their own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from xueji_desktop.demo import create_demo_school
from xueji_desktop.models import EnrolmentStep, Student
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.student_fields import FAMILY_FIELDS, STUDENT_FIELDS
from xueji_desktop.services import upload_batches
from xueji_desktop.services.student_import import commit_import, plan_import
from xueji_desktop.services.upload_batches import export_new_students
from xueji_desktop.spreadsheets.template import load_template
from xueji_desktop.store import Store

SPEC = load_template("new_students")
TODAY = date(2026, 9, 10)
STUDENTS = 30
# region codes at every level, with the ones whose names are easy to get wrong: a municipality (北京市 is also the name
# of its 市辖区), a county under 自治区直辖县级行政区划 (石河子市), the historical 潞城市 (140481, abolished in 2018)
REGIONS = ("140406", "110000", "659001", "140481", "140400", "140000", "500101", "110105", "140426")
# two codes of one name cannot come back by name: these stay as the table orders them (see the last test)
SAME_NAME_LATER_CODES = {"nationality": {"ROU", "TMP"}}


def _cycle(table: str, index: int, step: int = 1) -> str:
    codes = [c.code for c in code_table(table).codes if c.code not in SAME_NAME_LATER_CODES.get(table, ())]
    return codes[index * step % len(codes)]


def _vary(store: Store) -> None:
    """Every code of every table somewhere in the batch, blanks where the template allows them, all new students."""
    yes_no = (True, False, None)
    with store.transaction() as session:
        students = session.scalars(select(Student).order_by(Student.id)).all()
        for i, student in enumerate(students):
            for key in (
                "ethnicity",
                "health",
                "political_status",
                "blood_type",
                "hukou_type",
                "admission_method",
                "attendance_mode",
                "student_source",
                "commute_mode",
                "disability_type",
                "inclusive_education",
                "overseas_status",
                "left_behind",
            ):
                table = next(s.table for s in STUDENT_FIELDS if s.key == key)
                setattr(student, key, _cycle(table, i, 7 if key == "ethnicity" else 1))
            student.nationality = _cycle("nationality", i, 9)
            student.native_place, student.birthplace_region = REGIONS[i % len(REGIONS)], REGIONS[(i + 3) % 9]
            student.hukou_region = REGIONS[(i + 5) % len(REGIONS)]
            for key in ("needs_school_bus", "govt_funded_place"):  # not required: 是, 否 or blank
                setattr(student, key, yes_no[i % 3])
            for key in (
                "only_child",
                "preschool",
                "needs_aid",
                "one_subsidy",
                "orphan",
                "martyr_child",
                "migrant_child",
            ):
                setattr(student, key, i % 2 == 0)
            if i % 3 == 0:  # optional text fields filled, and blanks where defaults exist (学生来源)
                student.former_name, student.id_valid_until = "小" + student.name[-1], "2031-03-01"
                student.specialty, student.aux_student_id = "书法、围棋", f"F{i:05d}"
                student.email, student.homepage = f"parent{i}@example.cn", f"https://example.cn/{i}"
                student.commute_distance, student.phone = "12.5", "0355-5123456"
            if i % 4 == 0:  # Chinese punctuation as an IME types it stays as typed (not made ASCII by NFKC)
                student.current_address = student.home_address = "潞城区潞华街道（东区）、2号楼：3单元，北侧"
            if i % 5 == 1:
                student.student_source = student.blood_type = student.commute_mode = None
                student.political_status = student.commute_distance = None
            student.entry_month = f"{2018 + i % 9}-{i % 12 + 1:02d}"
            for n, member in enumerate(student.family_members):
                member.address = member.address or "外出务工"  # the template requires it for both members
                member.relation = _cycle("relation", i + n)
                member.relation_note = "继父" if member.relation == "5" else member.relation_note
                member.ethnicity = _cycle("ethnicity", i + n, 5)
                member.hukou_region = REGIONS[(i + n) % len(REGIONS)]
                member.phone = "0355-5123456" if (i + n) % 4 == 0 else member.phone
                member.employer = None if (i + n) % 6 == 0 else member.employer
                member.position = None if (i + n) % 6 == 0 else member.position
        session.execute(update(Student).values(enrolment_step=EnrolmentStep.FORM_HANDED_OUT.value))


def _records(store: Store) -> dict[str, tuple[dict, list[dict]]]:
    """id_number → (every student field, every family field of each member in order)."""
    with store.read() as session:
        return {
            s.id_number: (
                {spec.key: getattr(s, spec.key) for spec in STUDENT_FIELDS},
                [
                    {spec.key: getattr(m, spec.key) for spec in FAMILY_FIELDS}
                    for m in sorted(s.family_members, key=lambda m: m.position_in_list)
                ],
            )
            for s in session.scalars(select(Student))
        }


@pytest.fixture
def exported(tmp_path, monkeypatch):
    """The source school's batch, split 8 rows a sheet and 2 sheets a file: 2 files, 4 sheets."""
    source = Store.open(tmp_path / "source")
    create_demo_school(source, students=STUDENTS, today=TODAY)
    _vary(source)
    small = replace(SPEC, max_rows_per_sheet=8, max_sheets_per_file=2)
    monkeypatch.setattr(upload_batches, "load_template", lambda key: small)
    result = export_new_students(source, tmp_path / "新生上报.xlsx")
    original = _records(source)
    source.close()
    return result, original


def test_export_then_import_gives_the_same_records(exported, tmp_path):
    """Every sheet of every file, imported by name into a fresh school, gives back each student with every field
    the template carries, and both family members with every field, equal to the original."""
    result, original = exported
    assert len(result.files) == 2 and len(result.exported) == STUDENTS and not result.blocked
    target = Store.open(tmp_path / "target")
    try:
        create_demo_school(target, students=0, today=TODAY)  # a fresh school of the same stage (九年一贯制)
        sheets = []
        for path in result.files:
            for sheet in CalamineWorkbook.from_path(str(path)).sheet_names:
                plan = plan_import(target, path, sheet=sheet)
                assert plan.table.sheet_name == sheet and plan.mapping.unknown == []
                assert plan.problems == [], [
                    (p.row_number, p.header, p.value, p.message) for p in plan.problems
                ]
                sheets.append((path.name, sheet, commit_import(target, plan, today=TODAY).created))
        imported = _records(target)
    finally:
        target.close()
    assert sheets == [
        ("新生上报.xlsx", "学生信息", 8),
        ("新生上报.xlsx", "学生信息2", 8),
        ("新生上报_2.xlsx", "学生信息", 8),
        ("新生上报_2.xlsx", "学生信息2", 6),
    ]
    assert set(imported) == set(original)

    carried = {c.field_key for c in SPEC.columns if c.family_index is None}
    differences = []
    for number, (values, family) in original.items():
        again, again_family = imported[number]
        differences += [
            (values["name"], key, values[key], again[key])
            for key in sorted(carried & set(values))
            if values[key] != again[key]
        ]
        assert len(family) == len(again_family) == 2
        for n, (member, member_again) in enumerate(zip(family, again_family, strict=True), start=1):
            differences += [
                (values["name"], f"成员{n}.{key}", member[key], member_again[key])
                for key in member
                if member[key] != member_again[key]
            ]
    assert differences == [], "\n".join(map(repr, differences))


def test_the_batch_covers_what_it_claims(exported):
    """The round trip above is only as good as the values it carries: every code of each varied table, blanks,
    landlines, region codes at every level."""
    _, original = exported
    values = [v for v, _ in original.values()]
    for key in (
        "health",
        "hukou_type",
        "admission_method",
        "attendance_mode",
        "student_source",
        "left_behind",
        "commute_mode",
        "disability_type",
        "inclusive_education",
        "overseas_status",
    ):
        table = next(s.table for s in STUDENT_FIELDS if s.key == key)
        assert {v[key] for v in values} >= {c.code for c in code_table(table).codes}, key
    assert {v["native_place"] for v in values} == set(REGIONS)
    assert {"99", "12"} <= {v["admission_method"] for v in values}  # both named 其他
    assert None in {v["student_source"] for v in values} and None in {v["needs_school_bus"] for v in values}
    assert len(Counter(v["nationality"] for v in values)) == STUDENTS  # 30 countries


def test_the_fields_the_template_does_not_carry():
    """What cannot come back from an upload file, because the template has no column for it: 姓名拼音 (made again
    from the name on import), 学籍号 (assigned by the national system after the upload, R10.4), 学号 (the school's
    own number); 照片 is not a field of the record at all (an attachment). 班号 is the template's own column."""
    carried = {c.field_key for c in SPEC.columns if c.family_index is None}
    assert sorted(s.label for s in STUDENT_FIELDS if s.key not in carried) == ["姓名拼音", "学号", "学籍号"]
    for n in (1, 2):
        member = {c.field_key for c in SPEC.columns if c.family_index == n}
        assert member == {s.key for s in FAMILY_FIELDS}
    assert "photo" not in {s.key for s in STUDENT_FIELDS} and {c.field for c in SPEC.columns} >= {
        "class_number"
    }


def test_two_codes_of_one_name_are_only_the_known_ones():
    """A name the upload writes must lead back to one code. Two codes share a name only where GB/T 2659-2000's code
    and the current ISO code of one country both sit in the table (罗马尼亚 ROM/ROU, 东帝汶 TMP/TLS): such a student
    comes back with the table's first code. 入学方式 12 and 99, both 其他, go out in the template's wording
    (义务教育阶段其他 / 高中阶段其他) and come back apart."""
    from xueji_desktop.spreadsheets.normalise import code_lookup

    tables = {spec.table for spec in (*STUDENT_FIELDS, *FAMILY_FIELDS) if spec.table}
    shared = {}
    for table in sorted(tables):
        for code in code_table(table).codes:
            written = code.label or code.name
            back = code_lookup(table)(written)[0]
            if back != code.code:
                shared.setdefault(table, set()).add(code.code)
    assert shared == SAME_NAME_LATER_CODES
