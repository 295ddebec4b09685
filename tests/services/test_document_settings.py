"""The wording on certificates as settings the clerk edits: defaults, a change printed on the next
certificate, a slip in the braces refused in Chinese with nothing saved, 恢复默认, and every change kept."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_student
from xueji_desktop.models import DocumentSetting, SchoolClass
from xueji_desktop.services.printing import certificates, document_settings
from xueji_desktop.services.printing.document_settings import WordingError

TODAY = date(2026, 11, 29)


def _text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")


def _student(store, name="周小雨"):
    with store.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    return add_student(store, class_id, name=name)


def test_the_defaults_name_the_school_and_its_authority(school):
    with school.read() as session:
        words = document_settings.wording(session)
    assert words["letterhead"] == "潞城区实验小学" and words["issuer"] == "潞城区实验小学"
    assert words["authority"] == "长治市潞城区教育局学籍管理办公室"
    assert words.fill("enrolment_proof.closing", {"用途": "用于办理医保"}) == "此证明用于办理医保。"


def test_changed_wording_is_printed_on_the_next_certificate(school, tmp_path):
    assert (
        document_settings.save(
            school,
            {
                "letterhead": "长治市潞城区实验小学（公章）",
                "enrolment_proof.body": "{姓名}同学（身份证件号{身份证件号}）系我校{年级班级}学生，学籍在我校。",
                "enrolment_proof.closing": "本证明{用途}，三个月内有效。",
            },
        )
        == 3
    )
    student = _student(school)
    issued = certificates.issue_enrolment_proofs(
        school, [student], tmp_path / "p.pdf", purpose="仅用于办理医保", today=TODAY
    )
    text = _text(issued.path)
    assert "长治市潞城区实验小学（公章）" in text
    assert "周小雨同学（身份证件号" in text and "系我校" in text
    assert "本证明仅用于办理医保，三个月内有效。" in text
    assert "兹证明" not in text


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("enrolment_proof.body", "兹证明{名字}是我校学生。", "“{名字}”不是可用的填写项"),
        ("enrolment_proof.body", "兹证明{姓名是我校学生。", "花括号不成对"),
        ("enrolment_proof.body", "兹证明该生是我校学生。", "必须包含“{姓名}”"),
        ("enrolment_proof.closing", "特此证明。", "必须包含“{用途}”"),
        ("enrolment_proof.title", "  ", "不能为空"),
        ("letterhead", "{主管部门}", "不是可用的填写项"),
        ("enrolment_proof.body", "兹证明{姓名:>10}是我校学生。", "写法不对"),
        ("enrolment_proof.body", "兹证明{姓名!r}是我校学生。", "写法不对"),
        ("enrolment_proof.body", "兹证明{姓名}\n是我校学生。", "不能换行"),
    ],
)
def test_a_slip_is_refused_in_chinese_and_nothing_is_saved(school, key, text, message):
    with pytest.raises(
        WordingError, match=message.replace("{", r"\{").replace("}", r"\}").replace("(", r"\(")
    ):
        document_settings.save(school, {"enrolment_proof.title": "在读证明书", key: text})
    with school.read() as session:
        assert session.scalar(select(func.count(DocumentSetting.id))) == 0


def test_back_to_default_and_every_change_is_kept(school):
    document_settings.save(school, {"enrolment_proof.title": "在读证明书"})
    assert document_settings.current(school)["enrolment_proof.title"] == "在读证明书"
    assert (
        document_settings.save(school, {"enrolment_proof.title": "在读证明书"}) == 0
    )  # unchanged: no new row
    document_settings.save(school, {"enrolment_proof.title": None})
    assert document_settings.current(school)["enrolment_proof.title"] == "在 读 证 明"
    with school.read() as session:
        rows = session.execute(
            select(DocumentSetting.key, DocumentSetting.value).order_by(DocumentSetting.id)
        ).all()
    assert rows == [("enrolment_proof.title", "在读证明书"), ("enrolment_proof.title", None)]


def test_the_education_certificate_uses_its_own_wording(school, tmp_path):
    from xueji_desktop.models import Student

    student = _student(school, "吴承恩")
    with school.transaction() as session:
        session.get(Student, student).status = "毕业"
    document_settings.save(
        school,
        {
            "authority": "长治市潞城区教育局学籍管理科",
            "education_certificate.note": "本证明书须经教育局验印方为有效。",
        },
    )
    issued = certificates.issue_education_certificate(
        school, student, tmp_path / "c.pdf", studied_until=date(2026, 7, 1), today=TODAY
    )
    text = _text(issued.path)
    assert (
        "长治市潞城区教育局学籍管理科" in text
        and "本证明书须经教育局验印方为有效。" in text
        and "吴承恩" in text
    )
