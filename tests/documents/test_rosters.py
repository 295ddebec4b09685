"""在校生分班名册 (R6.1): many pages with the header row repeated and page numbers, ID numbers masked unless the archive
copy asks for them in full; text checked with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_graduate, add_student
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.services.printing.rosters import class_roster

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def _pages(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_r6_1_a_class_roster_over_two_pages_with_the_header_repeated(school, tmp_path):
    with school.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 3)
    for n in range(45):
        add_student(
            school,
            class_id,
            name=f"学生{n:02d}",
            birth=date(2018, 1 + n % 12, 1 + n % 28),
            school_number=f"2023{n:03d}",
        )
    with school.read() as session:
        first = session.scalar(select(Student).where(Student.name == "学生00"))
        full_number = first.id_number
    pages = class_roster(school, class_id, tmp_path / "名册.pdf")
    text = _pages(tmp_path / "名册.pdf")
    assert pages == len(text) == 2
    for number, page in enumerate(text, start=1):
        assert "三年级(1)班在校生名册" in page and "序号" in page and "身份证件号" in page
        assert f"第{number}页" in page.replace(" ", "") and "共2页" in page.replace(" ", "")
    assert "学生00" in text[0] and "学生44" in text[1] and "共45人" in text[0]
    assert full_number not in "".join(text) and f"{full_number[:4]}" in text[0]  # masked on the ordinary copy
    class_roster(school, class_id, tmp_path / "存档.pdf", full_id_numbers=True)
    archive = "".join(_pages(tmp_path / "存档.pdf"))
    assert full_number in archive and "存档用" in archive


def test_print_a_class_roster_from_the_command_line(school, tmp_path, capsys):
    from xueji_desktop.cli import main

    with school.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 2)
    add_student(school, class_id, name="陈晨")
    data_dir = str(school.folder.root)
    school.close()
    out = tmp_path / "roster.pdf"
    assert main(["print", "class-roster", str(out), "--class", "二年级(1)班", "--data-dir", data_dir]) == 0
    assert "共 1 页" in capsys.readouterr().out and "陈晨" in "".join(_pages(out))
    assert main(["print", "class-roster", str(out), "--class", "九年级(9)班", "--data-dir", data_dir]) == 2


def _graduate(store, class_id, name, on=date(2026, 7, 1)):
    return add_graduate(store, class_id, on=on, name=name, birth=date(2014, 5, 2))


def test_r6_1_the_graduate_roster_lists_that_years_graduates_only(school, tmp_path):
    from xueji_desktop.services.printing.rosters import graduate_roster

    with school.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 3)
    _graduate(school, class_id, "毕业甲")
    _graduate(school, class_id, "毕业乙")
    _graduate(school, class_id, "往届丙", on=date(2025, 7, 1))
    add_student(school, class_id, name="在读丁")
    assert graduate_roster(school, 2026, tmp_path / "毕业.pdf") == 1
    text = "".join(_pages(tmp_path / "毕业.pdf"))
    assert "2026年毕业生花名册" in text and "毕业甲" in text and "毕业乙" in text and "共2人" in text
    assert "往届丙" not in text and "在读丁" not in text and "毕业班级" in text
    with pytest.raises(LookupError, match="没有可列入2024年毕业生花名册的学生"):
        graduate_roster(school, 2024, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_r6_1_the_admission_roster_lists_new_students_not_transfers(school, tmp_path):
    from datetime import datetime

    from xueji_desktop.models import StatusChange
    from xueji_desktop.services.printing.rosters import admission_roster

    with school.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 1)
    add_student(school, class_id, name="新生甲", entry_month="2026-09", admission_method="11")
    transferred = add_student(school, class_id, name="转入乙", entry_month="2026-09")
    add_student(school, class_id, name="去年丙", entry_month="2025-09")
    with school.transaction() as session:
        session.add(
            StatusChange(
                student_id=transferred,
                kind="transfer_in",
                effective_date=date(2026, 10, 8),
                status_before=None,
                status_after="在读",
                actor="测试",
                created_at=datetime.now(),
            )
        )
    admission_roster(school, 2026, tmp_path / "录取.pdf", full_id_numbers=True)
    text = "".join(_pages(tmp_path / "录取.pdf"))
    assert "2026年录取花名册" in text and "新生甲" in text and "存档用" in text
    assert "转入乙" not in text and "去年丙" not in text
    assert "入学方式" in text and "就近入学" in text


def test_a_long_roster_repeats_its_header_on_every_one_of_fifty_pages(tmp_path):
    from xueji_desktop.documents import rosters

    rows = [
        [f"学生{n:04d}", "男", "2014-05-02", "1404**********1234", f"G1404{n:013d}", "六年级(1)班", "2020-09"]
        for n in range(1700)
    ]
    pages = rosters.write_table(
        tmp_path / "long.pdf", "2026年毕业生花名册", "潞城区实验小学", rosters.GRADUATE_COLUMNS, rows
    )
    text = _pages(tmp_path / "long.pdf")
    assert pages == len(text) >= 50
    assert all("序号" in page and "身份证件号" in page for page in text)
    assert f"第{pages}页" in text[-1].replace(" ", "") and "学生1699" in text[-1]
