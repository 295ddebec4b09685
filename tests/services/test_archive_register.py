"""The archive's registers on a real data file: 查阅登记 (R35.1) — registered with its audit event, refused without a
basis or without the authority's approval for copies (nothing written), listed newest first, exported as an .xlsx with
the guardian's ID number masked — and where each paper file is kept (R5.1): the newest place wins, every move stays in
the history. Both registers are append-only: the database refuses UPDATE and DELETE."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tests.factories import add_student, id_number, police_letter_row
from xueji_desktop.models import AuditEvent, PaperArchivePlace, RecordConsultation, SchoolClass
from xueji_desktop.rules.confidentiality import AUTHORITY_APPROVAL, GUARDIAN_ID, LETTER
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.services import archive_register
from xueji_desktop.services.archive_register import EXPORT_HEADERS, ArchiveRegisterError

GUARDIAN_NUMBER = id_number(date(1988, 5, 20), "1", 7)


def _student(store, name="周小雨") -> int:
    with store.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    return add_student(store, class_id, name=name)


def _count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(model.id))) or 0


def _audit(store, action: str) -> list:
    """(entity, entity_id, changes) of each audit event of `action`, oldest first."""
    with store.read() as session:
        return list(
            session.execute(
                select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.changes)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def _letter(store, **overrides) -> int:
    values = dict(
        on=date(2026, 11, 30),
        visitor="赵强",
        organisation="潞城区公安分局",
        basis=LETTER,
        basis_number="潞公函〔2026〕12号",
        what="核对户籍信息",
    )
    values.update(overrides)
    return archive_register.register_consultation(store, **values)


def test_r35_1_a_consultation_is_registered_with_its_audit_event(school):
    student = _student(school)
    entry_id = _letter(school, student_id=student, copies_out=True, approval_number="潞教学籍〔2026〕12号")

    [entry] = archive_register.consultations(school)
    assert entry.id == entry_id
    assert (entry.on, entry.visitor, entry.organisation, entry.basis) == (
        date(2026, 11, 30),
        "赵强",
        "潞城区公安分局",
        LETTER,
    )
    assert (entry.student_id, entry.student_name, entry.what) == (student, "周小雨", "核对户籍信息")
    assert entry.copies_out and entry.approval_number == "潞教学籍〔2026〕12号"
    # a letter's number is not an ID number: shown as it is
    assert entry.basis_number_shown == "潞公函〔2026〕12号"
    [event] = _audit(school, "consultation.register")
    assert (event.entity, event.entity_id) == ("student", student)
    changes = json.loads(event.changes)
    assert changes["查阅人"] == [None, "赵强"] and changes["复制或带出"] == [None, "是"]


def test_r35_1_a_guardians_id_number_is_stored_as_typed_and_masked_when_shown(school):
    _letter(
        school,
        visitor="王丽",
        organisation=None,
        basis=GUARDIAN_ID,
        basis_number=GUARDIAN_NUMBER,
        what="本人子女的学籍信息",
    )
    [entry] = archive_register.consultations(school)
    assert entry.organisation == "" and entry.basis_number == GUARDIAN_NUMBER
    assert entry.basis_number_shown == GUARDIAN_NUMBER[:4] + "*" * 10 + GUARDIAN_NUMBER[-4:]
    [event] = _audit(school, "consultation.register")
    assert GUARDIAN_NUMBER not in event.changes  # the audit trail is shown on screen: masked there too
    assert (event.entity, event.entity_id) == ("school", None)


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        (dict(basis=""), "介绍信"),  # no basis at all
        (dict(basis="口头说明"), "户口本"),
        (dict(organisation=""), "查阅单位"),  # a letter without its organisation
        (
            dict(copies_out=True, approval_number=""),
            "书面批准",
        ),  # copies out without the authority's approval
        (dict(basis=AUTHORITY_APPROVAL, approval_number=None), "批准文号"),
    ],
)
def test_r35_1_a_refused_consultation_writes_nothing(school, overrides, words):
    with pytest.raises(RuleViolation) as refused:
        _letter(school, **overrides)
    assert refused.value.blocking
    assert all(f.rule_id == "R35.1" and "第三十五条" in f.text for f in refused.value.findings)
    assert words in str(refused.value)
    assert _count(school, RecordConsultation) == 0
    assert _audit(school, "consultation.register") == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(visitor="  "), "查阅人"),
        (dict(what=""), "查阅内容"),
    ],
)
def test_r35_1_who_and_what_are_required(school, overrides, message):
    with pytest.raises(ArchiveRegisterError, match=message):
        _letter(school, **overrides)
    assert _count(school, RecordConsultation) == 0


def test_r35_1_an_unknown_student_writes_nothing(school):
    with pytest.raises(LookupError):
        _letter(school, student_id=9999)
    assert _count(school, RecordConsultation) == 0
    assert _audit(school, "consultation.register") == []


def test_r35_1_the_register_lists_newest_first_and_per_student(school):
    one, two = _student(school, "周小雨"), _student(school, "李明")
    _letter(school, on=date(2026, 10, 8), visitor="甲", student_id=one)
    _letter(school, on=date(2026, 11, 30), visitor="乙", student_id=two)
    _letter(school, on=date(2026, 10, 8), visitor="丙", student_id=one)  # same day, entered later
    _letter(school, on=date(2026, 11, 2), visitor="丁")

    assert [c.visitor for c in archive_register.consultations(school)] == ["乙", "丁", "丙", "甲"]
    assert [c.visitor for c in archive_register.consultations(school, student_id=one)] == ["丙", "甲"]


def test_r35_1_the_register_exports_to_xlsx_with_the_id_number_masked(school, out_dir):
    student = _student(school)
    _letter(
        school,
        on=date(2026, 11, 30),
        student_id=student,
        copies_out=True,
        approval_number="潞教学籍〔2026〕12号",
    )
    _letter(
        school,
        on=date(2026, 10, 9),
        visitor='=HYPERLINK("x")',
        organisation=None,
        basis=GUARDIAN_ID,
        basis_number=GUARDIAN_NUMBER,
        what="学籍信息",
    )

    path = archive_register.export_consultations(school, out_dir / "查阅登记簿.xlsx")

    assert path == out_dir / "查阅登记簿.xlsx" and path.exists()
    assert [p.name for p in out_dir.iterdir()] == ["查阅登记簿.xlsx"]  # no temporary file left beside it
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "潞城区实验小学" in rows[0][0] and "查阅登记簿" in rows[0][0]
    assert tuple(rows[1]) == EXPORT_HEADERS
    guardian, letter = rows[2], rows[3]  # in date order, like a paper register
    assert guardian[:6] == [
        "2026-10-09",
        '=HYPERLINK("x")',
        None,
        GUARDIAN_ID,
        GUARDIAN_NUMBER[:4] + "*" * 10 + GUARDIAN_NUMBER[-4:],
        "（不限于某一学生）",
    ]
    assert sheet.cell(row=3, column=2).data_type == "s"  # a typed = stays text, never a formula
    assert letter == [*police_letter_row(), letter[-1]]
    assert letter[-1]  # 经办人
    assert not any(GUARDIAN_NUMBER in str(value) for row in rows for value in row)  # nowhere in the file


def test_r5_1_the_newest_place_wins_and_every_move_is_kept(school):
    student = _student(school)
    first = archive_register.set_paper_place(
        school, student_id=student, item="学生学籍档案", place="档案室 · 3号柜 · 第2层 · 12盒"
    )
    archive_register.set_paper_place(
        school, student_id=None, item="在校生分班名册 2026-2027学年第一学期", place="档案室 · 1号柜 · 第1层"
    )
    moved = archive_register.set_paper_place(
        school, student_id=student, item=" 学生学籍档案 ", place="档案室 · 5号柜 · 第1层 · 3盒"
    )

    places = archive_register.paper_places(school)
    assert [(p.archive, p.student_name, p.item, p.place) for p in places] == [
        ("学校学籍档案", "", "在校生分班名册 2026-2027学年第一学期", "档案室 · 1号柜 · 第1层"),
        ("学生学籍档案", "周小雨", "学生学籍档案", "档案室 · 5号柜 · 第1层 · 3盒"),
    ]
    moved_file = places[1]
    assert [e.id for e in moved_file.history] == [moved, first]
    assert [e.place for e in moved_file.history] == [
        "档案室 · 5号柜 · 第1层 · 3盒",
        "档案室 · 3号柜 · 第2层 · 12盒",
    ]
    assert [p.item for p in archive_register.paper_places(school, student_id=student)] == ["学生学籍档案"]
    events = _audit(school, "archive.place")
    assert len(events) == 3
    assert list(json.loads(events[-1].changes).values()) == [
        ["档案室 · 3号柜 · 第2层 · 12盒", "档案室 · 5号柜 · 第1层 · 3盒"]
    ]


@pytest.mark.parametrize(
    ("item", "place", "message"),
    [
        ("", "档案室", "档案材料名称"),
        ("学生学籍档案", " ", "存放位置"),
    ],
)
def test_r5_1_item_and_place_are_required(school, item, place, message):
    with pytest.raises(ArchiveRegisterError, match=message):
        archive_register.set_paper_place(school, student_id=None, item=item, place=place)
    assert _count(school, PaperArchivePlace) == 0


def test_r5_1_registering_the_same_place_again_is_told_and_writes_nothing(school):
    archive_register.set_paper_place(school, student_id=None, item="毕业生花名册", place="档案室 · 2号柜")
    with pytest.raises(ArchiveRegisterError, match="位置没有变化"):
        archive_register.set_paper_place(school, student_id=None, item="毕业生花名册", place="档案室 · 2号柜")
    assert _count(school, PaperArchivePlace) == 1


@pytest.mark.parametrize(
    ("model", "column", "value"),
    [
        (RecordConsultation, "visitor", "别人"),
        (PaperArchivePlace, "place", "别处"),
    ],
)
def test_r35_1_r5_1_both_registers_are_append_only(school, model, column, value):
    _letter(school)
    archive_register.set_paper_place(school, student_id=None, item="毕业生花名册", place="档案室 · 2号柜")
    table = model.__tablename__
    with pytest.raises(IntegrityError, match=f"{table} 是只追加的历史记录"):
        with school.transaction() as session:
            session.execute(update(model).values({column: value}))
    with pytest.raises(IntegrityError, match=f"{table} 是只追加的历史记录"):
        with school.engine.begin() as connection:
            connection.exec_driver_sql(f"DELETE FROM {table}")
    assert _count(school, model) == 1
    with school.read() as session:
        assert session.scalar(select(getattr(model, column))) != value
