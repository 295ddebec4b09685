"""在读证明: real PDFs from a real data file, their text extracted with pdftotext (the Chinese must be there,
no box), a rare-character name drawn from the fallback font, numbering and the issue log, and the QR check."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_student
from xueji_desktop.documents import fonts
from xueji_desktop.models import CertificateIssue, SchoolClass
from xueji_desktop.services.printing import certificates

TODAY = date(2026, 11, 29)
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def _class(store, level: int) -> int:
    with store.read() as session:
        return next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == level)


def _text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_proof_of_enrolment_says_who_and_where_in_chinese(school, tmp_path):
    student = add_student(school, _class(school, 3), name="李小明")
    issued = certificates.issue_enrolment_proofs(
        school, [student], tmp_path / "在读证明.pdf", purpose="用于办理医保", today=TODAY
    )
    assert issued.numbers == ["2026-0001"]
    text = _text(issued.path)
    for expected in (
        "在读证明",
        "编号：2026-0001",
        "李小明",
        "三年级(1)班",
        "潞城区实验小学",
        "用于办理医保",
        "2026年11月29日",
    ):
        assert expected in text, expected


def test_a_rare_character_in_a_name_is_drawn_by_the_fallback_font(school, tmp_path):
    """䶮 (U+4DAE, CJK Extension A) is not in WenQuanYi Micro Hei: it is drawn from HanaMinA, never as a box."""
    assert fonts.missing("刘䶮") == ""
    assert [font for font, _ in fonts.runs("刘䶮")] == [fonts.MAIN, fonts.RARE]
    student = add_student(school, _class(school, 2), name="刘䶮")
    issued = certificates.issue_enrolment_proofs(school, [student], tmp_path / "rare.pdf", today=TODAY)
    assert "刘䶮" in _text(issued.path)


@pytest.mark.parametrize("name", ["吉𠮷", "赵孟𫖯", "王䶮𠮷"])
def test_names_from_extensions_b_to_f_print_too(school, tmp_path, name):
    """𠮷 (U+20BB7, Extension B) and 𫖯 (U+2B5AF, Extension C, in the 通用规范汉字表) come from HanaMinB."""
    assert fonts.missing(name) == ""
    assert fonts.RARER in [font for font, _ in fonts.runs(name)]
    student = add_student(school, _class(school, 2), name=name)
    issued = certificates.issue_enrolment_proofs(school, [student], tmp_path / "rarer.pdf", today=TODAY)
    assert name in _text(issued.path)


def test_numbers_run_on_and_every_issue_is_logged(school, tmp_path):
    students = [add_student(school, _class(school, 1)) for _ in range(3)]
    first = certificates.issue_enrolment_proofs(school, students[:2], tmp_path / "a.pdf", today=TODAY)
    second = certificates.issue_enrolment_proofs(school, students[2:], tmp_path / "b.pdf", today=TODAY)
    assert first.numbers == ["2026-0001", "2026-0002"] and second.numbers == ["2026-0003"]
    assert _text(first.path).count("在读证明") >= 2 and _text(first.path).count("\f") == 2  # one page each
    with school.read() as session:
        assert session.scalar(select(func.count(CertificateIssue.id))) == 3
    assert certificates.issue_enrolment_proofs(
        school, students[:1], tmp_path / "c.pdf", today=date(2027, 1, 5)
    ).numbers == ["2027-0001"]


def test_a_student_not_in_school_gets_no_proof_and_nothing_is_logged(school, tmp_path):
    student = add_student(school, _class(school, 1))
    with school.transaction() as session:
        from xueji_desktop.models import Student

        session.get(Student, student).status = "转出"
    with pytest.raises(certificates.CertificateRefused, match="不能开具在读证明"):
        certificates.issue_enrolment_proofs(school, [student], tmp_path / "x.pdf", today=TODAY)
    assert not (tmp_path / "x.pdf").exists() and not list(tmp_path.glob(".xueji-*"))
    with school.read() as session:
        assert session.scalar(select(func.count(CertificateIssue.id))) == 0


def test_the_qr_code_checks_number_and_content(school, tmp_path):
    student = add_student(school, _class(school, 3), name="王芳")
    certificates.issue_enrolment_proofs(school, [student], tmp_path / "p.pdf", today=TODAY)
    from xueji_desktop.models import School

    with school.read() as session:
        number, digest = session.execute(select(CertificateIssue.number, CertificateIssue.digest)).one()
        code = session.scalar(select(School.code))
    good = certificates.qr_payload(code, number, digest)
    assert certificates.verify(school, good).ok and "王芳" in certificates.verify(school, good).message
    tampered = certificates.verify(school, certificates.qr_payload(code, number, "0" * 16))
    assert not tampered.ok and "改动" in tampered.message
    assert not certificates.verify(school, certificates.qr_payload("2149999999", number, digest)).ok
    assert not certificates.verify(school, "2026-0999").ok
    assert certificates.verify(school, "2026-0001").ok  # a typed number: shown for comparing with the paper
    assert not certificates.verify(school, "胡乱|输入").ok


def test_the_page_renders_and_looks_right(school, tmp_path):
    """Rendered to PNG with pdftoppm: the page is A4 and has ink where the text and the QR code are."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    from PySide6.QtGui import QImage

    student = add_student(school, _class(school, 3), name="赵小飞")
    issued = certificates.issue_enrolment_proofs(
        school, [student], tmp_path / "p.pdf", purpose="用于办理出国手续", today=TODAY
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-singlefile", str(issued.path), str(tmp_path / "page")], check=True
    )
    image = QImage(str(tmp_path / "page.png"))
    assert abs(image.width() - 413) <= 1 and abs(image.height() - 585) <= 1  # A4 at 50 dpi
    dark = sum(
        1
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
        if image.pixelColor(x, y).value() < 128
    )
    assert dark > 200


def test_print_and_verify_from_the_command_line(school, tmp_path, capsys):
    from xueji_desktop.cli import main
    from xueji_desktop.models import School, Student

    student = add_student(school, _class(school, 3), name="周一")
    with school.read() as session:
        number = session.get(Student, student).id_number
        code = session.scalar(select(School.code))
    data_dir = str(school.folder.root)
    school.close()
    out = tmp_path / "cli.pdf"
    assert (
        main(
            [
                "print",
                "enrolment-proof",
                str(out),
                "--student",
                number,
                "--purpose",
                "用于办理医保",
                "--data-dir",
                data_dir,
            ]
        )
        == 0
    )
    assert "已开具在读证明 1 份" in capsys.readouterr().out
    assert "周一" in _text(out)
    assert (
        main(
            [
                "print",
                "enrolment-proof",
                str(tmp_path / "no.pdf"),
                "--student",
                "不存在",
                "--data-dir",
                data_dir,
            ]
        )
        == 2
    )
    assert main(["verify", "1999-0001", "--data-dir", data_dir]) == 2
    assert "没有开具过" in capsys.readouterr().out
    assert main(["verify", f"XJ1|{code}|{date.today().year}-0001|{'0' * 16}", "--data-dir", data_dir]) == 2
    assert "改动" in capsys.readouterr().out
