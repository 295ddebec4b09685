"""在校生分班名册 (R6.1): many pages with the header row repeated and page numbers, ID numbers masked unless the archive
copy asks for them in full; text checked with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.services.printing import class_roster

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")


def _pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_r6_1_a_class_roster_over_two_pages_with_the_header_repeated(school, tmp_path):
    with school.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 3)
    for n in range(45):
        add_student(school, class_id, name=f"学生{n:02d}", birth=date(2018, 1 + n % 12, 1 + n % 28), school_number=f"2023{n:03d}")
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
    assert main(["print", "class-roster", str(out), "--class", "九年级(9)班", "--data-dir", data_dir]) == 1
