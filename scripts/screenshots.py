"""Render README's screenshots offscreen from a fresh demo school: the 名册 tab (through `xueji screenshot`), the
student detail dialog and the first page of the setup wizard. Usage: python scripts/screenshots.py [OUT_DIR]"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from xueji_desktop.cli import main as cli  # noqa: E402
from xueji_desktop.store import Store  # noqa: E402
from xueji_desktop.ui.fonts import install_fonts  # noqa: E402


def _some_new_students(demo: Path) -> None:
    """Put a few grade-1 students of the demo into the enrolment steps, some overdue, so 新生建籍 has something to show."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from xueji_desktop.models import EnrolmentStep, Grade, SchoolClass, Student

    steps = list(EnrolmentStep)
    with Store.open(demo) as store, store.transaction() as session:
        grade_one = select(SchoolClass.id).join(Grade).where(Grade.level == 1)
        students = session.scalars(select(Student).where(Student.school_class_id.in_(grade_one)).limit(24)).all()
        for n, student in enumerate(students):
            student.enrolment_step = steps[n % 4].value
            student.enrolment_date = date.today() - timedelta(days=3 + 2 * n)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    demo = Path(tempfile.mkdtemp(prefix="xueji-shots-"))
    cli(["demo", "--students", "1000", "--data-dir", str(demo)])
    _some_new_students(demo)
    app = QApplication.instance() or QApplication([])
    install_fonts(app)
    for tab, name in (("名册", "roster"), ("新生建籍", "enrolment"), ("档案", "archive")):
        cli(["screenshot", str(out / f"{name}.png"), "--tab", tab, "--data-dir", str(demo)])

    from xueji_desktop.services import roster
    from xueji_desktop.ui.setup_wizard import SetupWizard
    from xueji_desktop.ui.student_dialog import StudentDialog

    with Store.open(demo) as store:
        first = roster.list_students(store, limit=1)[0]
        dialog = StudentDialog(store, first.id)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "student_dialog.png"))
        dialog.close()
    with Store.open(Path(tempfile.mkdtemp(prefix="xueji-shots-new-"))) as store:
        wizard = SetupWizard(store)
        wizard.show()
        app.processEvents()
        wizard.grab().save(str(out / "setup_wizard.png"))
        wizard.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
