"""The roster's search over every reading of a 多音字 (「zzx」 and 「czx」 both find 曾子轩), sorting by the surname
reading, migration 0013 recomputing the keys of students written before it, and R13.1's same-sound check on the
preferred reading."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student, id_number
from xueji_desktop.migrations.runner import head_revision
from xueji_desktop.models import Student
from xueji_desktop.reference.pinyin import pinyin_keys
from xueji_desktop.rules.duplicates import Person, find_duplicates
from xueji_desktop.services.roster import list_students, search_students
from xueji_desktop.store import Store

BORN = date(2019, 6, 1)
NAMES = ["曾子轩", "陈晨", "张三", "单雨涵", "解晓东", "尉迟敬德", "长孙无忌", "查理"]


@pytest.fixture
def people(school):
    return {
        name: add_student(school, name=name, birth=BORN, number=id_number(BORN, "1", seq), confirmed=True)
        for seq, name in enumerate(NAMES, start=1)
    }


def _found(store, text):
    return [row.name for row in search_students(store, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zzx", ["曾子轩"]),
        ("czx", ["曾子轩"]),
        ("zengzixuan", ["曾子轩"]),
        ("cengzixuan", ["曾子轩"]),
        ("ceng", ["曾子轩"]),
        ("Zeng Zi", ["曾子轩"]),
        ("shanyu", ["单雨涵"]),
        ("danyu", ["单雨涵"]),
        ("dyh", ["单雨涵"]),
        ("xiexiao", ["解晓东"]),
        ("jiexiao", ["解晓东"]),
        ("ycjd", ["尉迟敬德"]),
        ("weichi", ["尉迟敬德"]),
        ("zhangsun", ["长孙无忌"]),
        ("changsun", ["长孙无忌"]),
        ("zhali", ["查理"]),
        ("chali", ["查理"]),
        ("zs", ["张三", "长孙无忌"]),  # the plain keys match as before; zswj is 长孙无忌's preferred initials
        ("xuan", []),  # the middle of a spelling is no match: only its start or another reading's start
        ("zixuan", []),
    ],
)
def test_search_finds_every_reading_of_a_heteronym(people, school, text, expected):
    assert _found(school, text) == expected


def test_sorting_by_name_follows_the_surname_reading(people, school):
    """曾 sorts as ZENG (not CENG, beside 陈 chen), 查 as ZHA, 单 as SHAN, 长孙 as ZHANGSUN (after 张三)."""
    order = [row.name for row in list_students(school, sort="name")]
    assert order == ["陈晨", "单雨涵", "解晓东", "尉迟敬德", "曾子轩", "查理", "张三", "长孙无忌"]
    assert [row.name for row in list_students(school, sort="name", descending=True)] == order[::-1]


def test_migration_0013_recomputes_the_keys_written_before(tmp_path):
    """A data file of revision 0012 with keys of the old kind (cengzixuan) opens with the new ones."""
    store = Store.open(tmp_path / "data")
    try:
        student_id = add_student(store, name="曾子轩", birth=BORN, number=id_number(BORN, "1", 7))
        plain_id = add_student(store, name="张三", birth=BORN, number=id_number(BORN, "1", 8))
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE student SET pinyin_key = 'cengzixuan', initials_key = 'czx' WHERE id = ?",
                (student_id,),
            )
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0012'")
    finally:
        store.close()
    store = Store.open(tmp_path / "data")
    try:
        with store.read() as session:
            keys = dict(session.execute(select(Student.id, Student.pinyin_key)).tuples().all())
            assert keys == {student_id: "zengzixuan cengzixuan", plain_id: "zhangsan"}
        assert _found(store, "zzx") == ["曾子轩"]
        with store.engine.connect() as connection:
            assert (
                connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                == head_revision()
            )
    finally:
        store.close()


def _person(ref, name):
    return Person(ref, name, BORN, "1", None, pinyin_keys(name)[0], "在读")


def test_r13_1_same_sound_compares_the_preferred_reading():
    """R13.1 (第十三条): 曾子轩 ("zengzixuan cengzixuan") and 增子轩 ("zengzixuan") read ZENG alike — a warning
    although the keys differ after the preferred reading; 曾子轩 and 层子轩 (ceng) no longer do."""
    found = find_duplicates([_person(2, "增子轩")], [_person(1, "曾子轩")])
    assert [(d.finding.rule_id, d.finding.severity.value) for d in found] == [("R13.1", "warn")]
    assert find_duplicates([_person(2, "曾子轩")], [_person(1, "增子轩")])[0].finding.rule_id == "R13.1"
    assert find_duplicates([_person(2, "层子轩")], [_person(1, "曾子轩")]) == []
