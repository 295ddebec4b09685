"""Render README's screenshots offscreen from a fresh demo school: the tabs (through `xueji screenshot`), the pages of
the 休学 wizard, the student detail dialog, the pages of the 学年结束 wizard and the first page of the setup wizard.
Usage: python scripts/screenshots.py [OUT_DIR]"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from xueji_desktop.cli import main as cli
from xueji_desktop.services.school_setup import sign_in_registrar
from xueji_desktop.store import Store
from xueji_desktop.ui.fonts import install_fonts
from xueji_desktop.ui.translations import install_qt_chinese


def _some_new_students(demo: Path) -> None:
    """Put a few grade-1 students of the demo into the enrolment steps, some overdue, so 新生建籍 has something to show."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from xueji_desktop.models import EnrolmentStep, Grade, SchoolClass, Student

    steps = list(EnrolmentStep)
    with Store.open(demo) as store, store.transaction() as session:
        grade_one = select(SchoolClass.id).join(Grade).where(Grade.level == 1)
        students = session.scalars(
            select(Student).where(Student.school_class_id.in_(grade_one)).limit(24)
        ).all()
        for n, student in enumerate(students):
            student.enrolment_step = steps[n % 4].value
            student.enrolment_date = date.today() - timedelta(days=3 + 2 * n)


def _procedures(demo: Path, out: Path, app: QApplication) -> None:
    """A few procedures in the demo (a suspension registered, one waiting for the school, a death report overdue), the
    异动 tab, and each page of the 休学 wizard."""
    from datetime import date, timedelta

    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from xueji_desktop.rules import proofs
    from xueji_desktop.services import procedures, roster
    from xueji_desktop.services.attachments import ProofFile
    from xueji_desktop.services.procedures import suspensions, withdrawals
    from xueji_desktop.ui.status_changes.wizard import ProcedureWizard

    scans = Path(tempfile.mkdtemp(prefix="xueji-scans-"))
    image = QImage(420, 560, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(QFont("WenQuanYi Micro Hei", 22))
    painter.drawText(40, 80, "长治市人民医院 门诊病历")
    painter.end()
    image.save(str(scans / "病历.png"))
    (scans / "申请表.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (scans / "死亡证明.pdf").write_bytes(b"%PDF-1.4\n%%EOF\ndeath")
    (scans / "证明.pdf").write_bytes(
        b"%PDF-1.4\n%%EOF\nauthority"
    )  # a file of its own: one file as two proofs warns
    form, record = (
        ProofFile(proofs.SUSPENSION_FORM, scans / "申请表.pdf"),
        ProofFile(proofs.HOSPITAL_RECORD, scans / "病历.png"),
    )
    today = date.today()
    with Store.open(demo) as store:
        sign_in_registrar(store)  # the 经办人 is the school's 学籍管理员, as in the app
        students = roster.list_students(store, limit=40)

        def suspended(student: int, days_ago: int) -> int:
            """A suspension for illness that began `days_ago`, approved and registered five days later."""
            start = today - timedelta(days=days_ago)
            request = suspensions.SuspensionRequest(
                student_id=students[student].id,
                reason=suspensions.SuspensionReason.ILLNESS,
                start=start,
                illness_share_of_term=0.5,
            )
            procedure = procedures.open(store, request, proofs=[form, record], today=start)
            for state in ("学校已审核", "学籍管理部门已登记"):
                procedures.advance(store, procedure, state, on=start + timedelta(days=5))
            return procedure

        done = suspended(3, days_ago=20)
        procedures.set_province_state(store, done, "已上报", on=today - timedelta(days=14))
        suspended(5, days_ago=350)  # ends in about two weeks: listed for the clerk
        procedures.open(
            store,
            suspensions.SuspensionRequest(
                student_id=students[7].id, reason=suspensions.SuspensionReason.FORCE_MAJEURE, start=today
            ),
            proofs=[form, ProofFile(proofs.AUTHORITY_CERTIFICATE, scans / "证明.pdf")],
            today=today,
        )
        procedures.open(
            store,
            withdrawals.DeathRequest(student_id=students[11].id, died_on=today - timedelta(days=30)),
            proofs=[ProofFile(proofs.DEATH_PROOF, scans / "死亡证明.pdf")],
            today=today - timedelta(days=2),
        )
        wizard = ProcedureWizard(store, "suspension", student_id=students[20].id)
        wizard.show()
        for name in ("student", "details", "proofs", "review"):
            if name == "review":
                wizard.review_page.initializePage()
            if name == "details":  # 停课治疗占学时 has no default: the clerk gives it
                wizard.form.widgets["illness_share_of_term"].setValue(50)
            app.processEvents()
            wizard.grab().save(str(out / f"procedure_{name}.png"))
            if name == "proofs":  # row 0: the button printing the form to be signed
                grid = wizard.proofs_page.grid
                wizard.proofs_page.attach(0, scans / "申请表.pdf", thumb=grid.itemAtPosition(1, 2).widget())
                wizard.proofs_page.attach(1, scans / "病历.png", thumb=grid.itemAtPosition(2, 2).widget())
                app.processEvents()
                wizard.grab().save(str(out / "procedure_proofs.png"))
            if name != "review":  # Next on the last page would finish the wizard
                wizard.next()
        wizard.close()
    cli(["screenshot", str(out / "status_changes.png"), "--tab", "异动", "--data-dir", str(demo)])


def _documents(demo: Path, out: Path, app: QApplication) -> None:
    """The printing screens: the 打印 menu, the preview of a 在读证明, the wording, check and 套打 dialogs, and pages of
    the forms rendered as the printer gets them."""
    from datetime import date

    import pypdfium2
    from sqlalchemy import select

    from xueji_desktop.models import Procedure, Student
    from xueji_desktop.services.printing import certificates, forms
    from xueji_desktop.ui.printing.document_settings_dialog import DocumentSettingsDialog
    from xueji_desktop.ui.printing.overlay_dialog import OverlayDialog
    from xueji_desktop.ui.printing.preview import PrintPreviewDialog
    from xueji_desktop.ui.printing.verify_dialog import VerifyDialog
    from xueji_desktop.ui.roster.tab import RosterTab

    def shoot(widget, name: str) -> None:
        widget.show()
        app.processEvents()
        widget.grab().save(str(out / name))
        widget.close()

    def page(pdf: Path, name: str, dpi: int = 70) -> None:
        document = pypdfium2.PdfDocument(str(pdf))
        document[0].render(scale=dpi / 72).to_pil().save(out / name)
        document.close()

    work = Path(tempfile.mkdtemp(prefix="xueji-shots-docs-"))
    with Store.open(demo) as store:
        sign_in_registrar(store)
        tab = RosterTab(store)
        tab.resize(1100, 600)
        tab.refresh_tree()
        tab.show()
        tab.select_row(0)
        menu = tab.print_menu()
        menu.popup(tab.mapToGlobal(tab.rect().center()))
        app.processEvents()
        menu.grab().save(str(out / "print_menu.png"))
        menu.close()
        tab.close()
        with store.read() as session:
            ids = list(session.scalars(select(Student.id).where(Student.status == "在读").limit(2)))
            suspension = session.scalar(select(Procedure.id).where(Procedure.kind == "suspension").limit(1))
        issued = certificates.issue_enrolment_proofs(
            store, ids, work / "在读证明.pdf", purpose="用于办理医疗保险", today=date.today()
        )
        preview = PrintPreviewDialog(issued.path, "在读证明")
        preview.resize(900, 1000)
        shoot(preview, "print_preview.png")
        page(issued.path, "enrolment_proof_page.png")
        forms.info_forms(store, ids[:1], work / "info.pdf")
        page(work / "info.pdf", "info_form_page.png")
        if suspension is not None:
            forms.procedure_form(store, suspension, work / "suspension.pdf")
            page(work / "suspension.pdf", "suspension_form_page.png")
        settings = DocumentSettingsDialog(store)
        settings.tabs.setCurrentIndex(1)
        shoot(settings, "document_settings.png")
        verify = VerifyDialog(store)
        verify.code_edit.setText(issued.numbers[0])
        verify.verify_typed()
        shoot(verify, "verify.png")
        shoot(OverlayDialog(store), "overlay.png")

        from xueji_desktop.ui.about_dialog import AboutDialog
        from xueji_desktop.ui.archive.register_dialog import ConsultationDialog, PaperPlaceDialog
        from xueji_desktop.ui.archive.review_dialog import ReviewDialog

        review = ReviewDialog(
            store
        )  # the demo school's own problems (unfinished enrolments, planted procedures)
        review.resize(1180, 640)
        shoot(review, "review.png")
        consultations = ConsultationDialog(store)
        consultations.resize(1180, 780)
        shoot(consultations, "consultations.png")
        shoot(PaperPlaceDialog(store), "paper_places.png")
        shoot(AboutDialog(store.folder.root), "about.png")

        from xueji_desktop.services import holidays
        from xueji_desktop.ui.holidays_dialog import HolidaysDialog

        next_year = date.today().year + 1  # next year's list, as the clerk types it in once it is published
        holidays.save_year_list(
            store,
            next_year,
            [(date(next_year, 1, 1), "休", "元旦"), (date(next_year, 10, 1), "休", "国庆节")],
        )
        calendar_dialog = HolidaysDialog(store)
        calendar_dialog.select_year(next_year)
        shoot(calendar_dialog, "holidays.png")


def year_end(out: Path, app: QApplication) -> None:
    """The 学年结束 wizard's pages on a demo school of its own (the run changes it): 检查 with a 九年级 student's 休学
    under way (it holds his graduation back), a 三年级 student's and a sanction due to be lifted; the 九年级 one
    cancelled from the page; 预览 on a day before the second term ends (the date to confirm); 新学年; 确认并办理; the
    result after the run."""
    from datetime import date

    from PySide6.QtWidgets import QInputDialog

    from xueji_desktop.demo import create_demo_school
    from xueji_desktop.rules import proofs
    from xueji_desktop.services import procedures, roster, sanctions
    from xueji_desktop.services.attachments import ProofFile
    from xueji_desktop.services.procedures import suspensions
    from xueji_desktop.ui.year_end.wizard import YearEndWizard

    scans = Path(tempfile.mkdtemp(prefix="xueji-shots-year-end-scans-"))
    (scans / "申请表.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (scans / "病历.pdf").write_bytes(b"%PDF-1.4\n%%EOF\nrecord")
    illness = [
        ProofFile(proofs.SUSPENSION_FORM, scans / "申请表.pdf"),
        ProofFile(proofs.HOSPITAL_RECORD, scans / "病历.pdf"),
    ]
    with Store.open(Path(tempfile.mkdtemp(prefix="xueji-shots-year-end-"))) as store:
        create_demo_school(
            store, 300, today=date(2026, 6, 1)
        )  # 2025-2026学年; its second term ends 2026-07-10
        sign_in_registrar(store)

        def first_of(class_name: str) -> int:
            return roster.students_in_class(store, roster.class_by_name(store, class_name))[0]

        for class_name in (
            "九年级(1)班",
            "三年级(1)班",
        ):  # a 九年级 休学 in the second term: an approved exception
            procedures.open(
                store,
                suspensions.SuspensionRequest(
                    student_id=first_of(class_name),
                    reason=suspensions.SuspensionReason.ILLNESS,
                    illness_share_of_term=0.5,
                    start=date(2026, 6, 2),
                ),
                proofs=illness,
                decision=procedures.Decision(
                    confirmed=True, approval_number="潞教学〔2026〕8号", reason="病情需要"
                ),
                today=date(2026, 6, 2),
            )
        sanctions.add_sanction(
            store,
            first_of("七年级(1)班"),
            kind="警告",
            reason="多次迟到",
            decided_on=date(2025, 11, 3),
            period_end=date(2026, 5, 3),
            document_number="潞实校〔2025〕12号",
        )
        wizard = YearEndWizard(store, today=date(2026, 7, 3))
        wizard.show()

        def shoot(name: str) -> None:
            app.processEvents()
            wizard.grab().save(str(out / f"year_end_{name}.png"))

        app.processEvents()
        page = wizard.check_page
        page.select_item(page.check.items[-1])  # the 三年级 student's: the 九年级 row stays red
        shoot("check")
        asked = QInputDialog.getText
        QInputDialog.getText = staticmethod(lambda *a, **k: ("家长撤回申请，暑假在家休养", True))
        try:
            page.cancel(
                page.check.blocking[0]
            )  # as the clerk does from the list: the 九年级 student may graduate
        finally:
            QInputDialog.getText = asked
        shoot("check_cleared")
        wizard.next()
        shoot("preview")
        wizard.preview_page.confirm.setChecked(True)
        wizard.next()
        shoot("new_year")
        wizard.next()
        shoot("confirm")
        wizard.next()  # 办理学年结束: the backup, then the run
        shoot("result")
        wizard.close()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    demo = Path(tempfile.mkdtemp(prefix="xueji-shots-"))
    cli(["demo", "--students", "1000", "--data-dir", str(demo)])
    _some_new_students(demo)
    app = QApplication.instance() or QApplication([])
    install_qt_chinese(app)  # as app.py: Qt's own words in Chinese
    install_fonts(app)
    _procedures(demo, out, app)
    _documents(demo, out, app)
    for tab, name in (("名册", "roster"), ("新生建籍", "enrolment"), ("档案", "archive")):
        cli(["screenshot", str(out / f"{name}.png"), "--tab", tab, "--data-dir", str(demo)])

    from xueji_desktop.services import roster
    from xueji_desktop.ui.roster.student_dialog import StudentDialog
    from xueji_desktop.ui.setup_wizard import SetupWizard

    with Store.open(demo) as store:
        sign_in_registrar(store)
        first = roster.list_students(store, limit=1)[0]
        dialog = StudentDialog(store, first.id)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "student_dialog.png"))
        dialog.close()

        from xueji_desktop.services import sanctions

        sanctioned = sanctions.in_force(store)[
            0
        ].student_id  # the demo's 记过 in force, with its awards and results
        dialog = StudentDialog(store, sanctioned)
        dialog.show()
        for index in range(dialog.tabs.count()):
            if dialog.tabs.tabText(index) in ("奖惩", "体质健康"):
                dialog.tabs.setCurrentIndex(index)
                app.processEvents()
                name = "student_sanctions" if dialog.tabs.tabText(index) == "奖惩" else "student_fitness"
                dialog.grab().save(str(out / f"{name}.png"))
        dialog.close()
    year_end(out, app)
    with Store.open(Path(tempfile.mkdtemp(prefix="xueji-shots-new-"))) as store:
        wizard = SetupWizard(store)
        wizard.show()
        app.processEvents()
        wizard.grab().save(str(out / "setup_wizard.png"))
        wizard.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
