"""学历证明书 (R30.1): only for graduates; in principle once — a second issue only with the authority's approval number
and a reason, kept in the log; numbered apart from 在读证明; text checked with pdftotext; the QR check."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student
from xueji_desktop.models import CertificateIssue, School, SchoolClass, Student
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.services.printing import certificates

TODAY = date(2026, 11, 29)
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def _graduate(store, name: str) -> int:
    with store.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    student = add_student(store, class_id, name=name)
    with store.transaction() as session:
        session.get(Student, student).status = "毕业"
    return student


def _text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_r30_1_a_graduate_gets_one_education_certificate(school, tmp_path):
    student = _graduate(school, "孙悟")
    issued = certificates.issue_education_certificate(
        school, student, tmp_path / "证明书.pdf", studied_until=date(2026, 7, 1), today=TODAY
    )
    assert issued.numbers == ["XL2026-0001"]
    text = _text(issued.path)
    for expected in (
        "学历证明书",
        "孙悟",
        "毕业证书遗失",
        "主管教育行政部门验印",
        "XL2026-0001",
        "2026年7月",
    ):
        assert expected in text.replace(" ", ""), expected
    with pytest.raises(RuleViolation) as caught:
        certificates.issue_education_certificate(
            school, student, tmp_path / "again.pdf", studied_until=date(2026, 7, 1), today=TODAY
        )
    assert [f.rule_id for f in caught.value.findings] == ["R30.1"] and caught.value.findings[0].overridable
    assert not (tmp_path / "again.pdf").exists()
    second = certificates.issue_education_certificate(
        school,
        student,
        tmp_path / "again.pdf",
        studied_until=date(2026, 7, 1),
        approval_number="潞教〔2026〕8号",
        reason="第一份在邮寄中遗失",
        today=TODAY,
    )
    assert second.numbers == ["XL2026-0002"]
    with school.read() as session:
        kept = json.loads(
            session.scalar(select(CertificateIssue.content).where(CertificateIssue.number == "XL2026-0002"))
        )
    assert "潞教〔2026〕8号" in kept["例外批准"] and "邮寄" in kept["例外批准"]


def test_r30_1_only_for_graduates_and_checkable(school, tmp_path):
    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    pupil = add_student(school, class_id)
    with pytest.raises(certificates.CertificateRefused, match="只为毕业生开具"):
        certificates.issue_education_certificate(
            school, pupil, tmp_path / "x.pdf", studied_until=TODAY, today=TODAY
        )
    student = _graduate(school, "唐僧")
    certificates.issue_enrolment_proofs(school, [pupil], tmp_path / "在读.pdf", today=TODAY)  # numbered apart
    certificates.issue_education_certificate(
        school, student, tmp_path / "c.pdf", studied_until=date(2026, 7, 1), today=TODAY
    )
    with school.read() as session:
        number, digest = session.execute(
            select(CertificateIssue.number, CertificateIssue.digest).where(
                CertificateIssue.kind == certificates.EDUCATION_CERTIFICATE
            )
        ).one()
        code = session.scalar(select(School.code))
    result = certificates.verify(school, certificates.qr_payload(code, number, digest))
    assert result.ok and "学历证明书" in result.message and "唐僧" in result.message
    assert "在读证明" in certificates.verify(school, "2026-0001").message


def test_closing_punctuation_never_starts_a_line():
    """避头点: 。，、 … stay at the end of the line before, even past the margin."""
    from reportlab.pdfgen.canvas import Canvas

    from xueji_desktop.documents import fonts, pieces

    fonts.registered()
    drawn = []
    canvas = Canvas("/dev/null")
    canvas.drawString = lambda x, y, text: drawn.append(text)
    text = "孙悟，男，2019年3月14日出生，身份证件号140406201903140031，于2026年9月至2026年7月在我校学习，学习期满，准予毕业。其毕业证书遗失，特发此证明。"
    pieces.paragraph(pieces.Page(canvas), text)
    lines = [line for line in drawn if line.strip()]
    assert len(lines) >= 2 and not any(line[0] in pieces.NO_LINE_START for line in lines[1:])


def test_education_certificate_from_the_command_line(school, tmp_path, capsys):
    from xueji_desktop.cli import main

    student = _graduate(school, "沙僧")
    with school.read() as session:
        number = session.get(Student, student).id_number
    data_dir = str(school.folder.root)
    school.close()
    args = [
        "print",
        "education-certificate",
        str(tmp_path / "a.pdf"),
        "--student",
        number,
        "--studied-until",
        "2026-07",
        "--data-dir",
        data_dir,
    ]
    assert main(args) == 0 and "已开具学历证明书" in capsys.readouterr().out
    assert main(args) == 2 and "第三十条" in capsys.readouterr().err  # once, in principle
    assert main([*args, "--approval-number", "潞教〔2026〕9号", "--reason", "邮寄遗失"]) == 0
