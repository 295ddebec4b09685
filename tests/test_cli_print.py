"""`xueji print FORM OUT.pdf (--student | --class | --procedure | --year)` and `xueji verify`: every form the
command offers makes its PDF from a real data file, and a wrong student, class or refusal is a Chinese message with
exit 2 (a refusal, printed by cli.main)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pypdfium2
import pytest

from tests.factories import add_graduate, add_student, class_id_of
from xueji_desktop.cli import main
from xueji_desktop.cli.printing import PRINT_FORMS
from xueji_desktop.models import Student

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def _text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _graduate(store, name):
    """A 三年级 pupil born in 2014 who graduated on 2026-07-01; returns the ID number."""
    student_id = add_graduate(
        store, class_id_of(store, 3), name=name, birth=date(2014, 5, 2), entry_month="2020-09"
    )
    with store.read() as session:
        return session.get(Student, student_id).id_number


@pytest.fixture
def data_dir(school):
    folder = str(school.folder.root)
    yield folder


def test_every_form_of_the_issue_is_offered():
    assert set(PRINT_FORMS) >= {
        "info-form",
        "enrolment-proof",
        "education-certificate",
        "suspension-form",
        "withdrawal-form",
        "transfer-letter",
        "dropout-report",
        "class-roster",
        "graduate-roster",
        "admission-roster",
    }


def test_enrolment_proofs_for_a_whole_class(school, data_dir, tmp_path, capsys):
    for name in ("甲同学", "乙同学"):
        add_student(school, class_id_of(school, 2), name=name)
    school.close()
    out = tmp_path / "proofs.pdf"
    assert (
        main(
            [
                "print",
                "enrolment-proof",
                str(out),
                "--class",
                "二年级(1)班",
                "--purpose",
                "用于办理医保",
                "--data-dir",
                data_dir,
            ]
        )
        == 0
    )
    assert "已开具在读证明 2 份" in capsys.readouterr().out
    text = _text(out)
    assert "甲同学" in text and "乙同学" in text and "用于办理医保" in text
    assert main(["print", "enrolment-proof", str(out), "--class", "九年级(9)班", "--data-dir", data_dir]) == 2
    assert "找不到班级" in capsys.readouterr().err
    assert main(["print", "enrolment-proof", str(out), "--data-dir", data_dir]) == 2
    assert "请用 --student 指定学生" in capsys.readouterr().err


def test_graduate_and_admission_rosters_by_year(school, data_dir, tmp_path, capsys):
    _graduate(school, "毕业生甲")
    add_student(school, class_id_of(school, 1), name="新生乙", entry_month="2026-09")
    school.close()
    assert (
        main(["print", "graduate-roster", str(tmp_path / "g.pdf"), "--year", "2026", "--data-dir", data_dir])
        == 0
    )
    assert "毕业生甲" in _text(tmp_path / "g.pdf")
    assert (
        main(["print", "admission-roster", str(tmp_path / "a.pdf"), "--year", "2026", "--data-dir", data_dir])
        == 0
    )
    assert "新生乙" in _text(tmp_path / "a.pdf")
    assert (
        main(["print", "graduate-roster", str(tmp_path / "x.pdf"), "--year", "2001", "--data-dir", data_dir])
        == 2
    )
    assert "没有可列入2001年毕业生花名册的学生" in capsys.readouterr().err


def test_diploma_overlay_uses_the_printers_saved_offset(school, data_dir, tmp_path, capsys):
    from xueji_desktop.documents.overlay import Offset
    from xueji_desktop.services.printing import overlay_printing

    number = _graduate(school, "毕业生丙")
    overlay_printing.save_printer_offset(school, "HP LaserJet", Offset(1.5, -1.0))
    school.close()
    out = tmp_path / "diploma.pdf"
    assert (
        main(
            [
                "print",
                "diploma",
                str(out),
                "--student",
                number,
                "--printer",
                "HP LaserJet",
                "--data-dir",
                data_dir,
            ]
        )
        == 0
    )
    assert "向右 1.5 毫米，向下 -1 毫米" in capsys.readouterr().out and "毕业生丙" in _text(out)
    assert main(["print", "calibration", str(tmp_path / "cal.pdf"), "--data-dir", data_dir]) == 0
    assert "套打校准页" in _text(tmp_path / "cal.pdf")
    pupil = add_student_after_close(data_dir)
    assert (
        main(["print", "diploma", str(tmp_path / "no.pdf"), "--student", pupil, "--data-dir", data_dir]) == 2
    )
    assert "不能打印毕业证书" in capsys.readouterr().err and not (tmp_path / "no.pdf").exists()


def add_student_after_close(data_dir) -> str:
    from xueji_desktop.store import Store

    with Store.open(data_dir) as store:
        student_id = add_student(store, class_id_of(store, 3), name="在读丁")
        with store.read() as session:
            return session.get(Student, student_id).id_number


def test_verify_a_scanned_certificate_file(school, data_dir, tmp_path, capsys):
    student = add_student(school, class_id_of(school, 3), name="扫描甲")
    with school.read() as session:
        number = session.get(Student, student).id_number
    school.close()
    assert (
        main(
            ["print", "enrolment-proof", str(tmp_path / "p.pdf"), "--student", number, "--data-dir", data_dir]
        )
        == 0
    )
    document = pypdfium2.PdfDocument(str(tmp_path / "p.pdf"))
    document[0].render(scale=150 / 72).to_pil().save(tmp_path / "scan.png")
    document.close()
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "scan.png"), "--data-dir", data_dir]) == 0
    assert "核验通过" in capsys.readouterr().out
    (tmp_path / "bad.png").write_bytes(b"not an image")
    assert main(["verify", str(tmp_path / "bad.png"), "--data-dir", data_dir]) == 1
    assert "无法识别的图片文件" in capsys.readouterr().err


def test_info_forms_and_a_suspension_form_from_the_command_line(school, data_dir, scan, tmp_path, capsys):
    from xueji_desktop.rules import proofs
    from xueji_desktop.rules.suspensions import SuspensionReason
    from xueji_desktop.services import procedures
    from xueji_desktop.services.procedures import suspensions

    student = add_student(school, class_id_of(school, 3), name="休学甲")
    add_student(school, class_id_of(school, 3), name="同班乙")
    with school.read() as session:
        number = session.get(Student, student).id_number
    procedure = procedures.open(
        school,
        suspensions.SuspensionRequest(
            student_id=student,
            reason=SuspensionReason.ILLNESS,
            start=date(2026, 10, 8),
            illness_share_of_term=0.5,
        ),
        proofs=[scan(proofs.SUSPENSION_FORM), scan(proofs.HOSPITAL_RECORD)],
        today=date(2026, 10, 8),
    )
    school.close()
    assert (
        main(
            [
                "print",
                "info-form",
                str(tmp_path / "info.pdf"),
                "--class",
                "三年级(1)班",
                "--data-dir",
                data_dir,
            ]
        )
        == 0
    )
    assert "已生成学生基本信息表 2 份" in capsys.readouterr().out
    text = _text(tmp_path / "info.pdf")
    assert "学生基本信息表" in text and "休学甲" in text and "同班乙" in text
    out = tmp_path / "suspension.pdf"
    assert main(["print", "suspension-form", str(out), "--student", number, "--data-dir", data_dir]) == 0
    assert f"手续 {procedure}" in capsys.readouterr().out
    assert "休学、复学申请表" in _text(out) and "休学甲" in _text(out)
    assert (
        main(
            [
                "print",
                "withdrawal-form",
                str(tmp_path / "w.pdf"),
                "--procedure",
                str(procedure),
                "--data-dir",
                data_dir,
            ]
        )
        == 2
    )
    assert "不是可打印退学申请表的手续" in capsys.readouterr().err
    assert (
        main(
            ["print", "dropout-report", str(tmp_path / "d.pdf"), "--student", number, "--data-dir", data_dir]
        )
        == 2
    )
    assert "没有可打印辍学书面报告的手续" in capsys.readouterr().err
