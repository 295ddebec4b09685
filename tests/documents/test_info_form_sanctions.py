"""The 《学生基本信息表》 prints what the archive keeps of 奖励 and 处分: awards of 校级 and above (R31.1), sanctions of
记过 and above with their lifting (R32.2); lower ones are left off, and a student with none has no such section."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from tests.factories import add_award, add_sanction, add_student, class_id_of
from xueji_desktop.services import sanctions
from xueji_desktop.services.printing import forms

TODAY = date(2027, 1, 10)
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def _text(path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return ["".join(page.split()) for page in out.split("\f") if page.strip()]


def test_r31_1_r32_2_archived_awards_and_sanctions_print(school, out_dir):
    student = add_student(school, class_id_of(school, 3), name="钱七")
    add_award(school, student, "县级", title="优秀少先队员", issuer="潞城区教育局")
    add_award(school, student, "班级", title="劳动之星", issuer="三年级(1)班")
    demerit = add_sanction(school, student, "记过", reason="损坏公物", document_number="潞实小〔2026〕7号")
    add_sanction(school, student, "警告", reason="迟到早退")
    sanctions.lift_sanction(school, demerit, lifted_on=date(2027, 1, 5), reason="表现良好")
    pages = forms.info_forms(school, [student], out_dir / "钱七.pdf", today=TODAY)
    text = _text(out_dir / "钱七.pdf")
    # the records take the room of the family table: it moves with the signatures to a second page, as for a large
    # family (the family and the signatures stay together)
    assert pages == len(text) == 2
    assert "监护人签字" in text[1] and "家庭成员或监护人信息" in text[1]
    page = text[0]
    assert "奖励和处分（记入学籍档案）" in page
    assert "县级" in page and "优秀少先队员" in page and "潞城区教育局" in page  # R31.1
    assert (
        "记过" in page and "损坏公物" in page and "潞实小〔2026〕7号" in page and "2027年1月5日解除" in page
    )  # R32.2
    assert "劳动之星" not in page and "迟到早退" not in page  # below 校级 / below 记过: not in the archive


def test_r31_1_r32_2_a_student_without_archived_records_has_no_section(school, out_dir):
    student = add_student(school, class_id_of(school, 3), name="孙八")
    add_sanction(school, student, "严重警告", reason="打架")
    assert forms.info_forms(school, [student], out_dir / "孙八.pdf", today=TODAY) == 1
    assert "奖励和处分" not in _text(out_dir / "孙八.pdf")[0]
