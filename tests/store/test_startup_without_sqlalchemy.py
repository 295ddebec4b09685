"""The start-up figure (benchmarks/roster_startup.py): an up-to-date data folder is opened and the roster's first
view (school, tree, list) is read without importing SQLAlchemy; the ORM then loads on first use, over the same
connection."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from tests.factories import add_student
from xueji_desktop.services import roster, school_setup

PROBE = """
import sys
from xueji_desktop.services import roster, school_setup
from xueji_desktop.models import StudentStatus
from xueji_desktop.store import Store
from xueji_desktop.ui.roster.tab import RosterTab
store = Store.open(sys.argv[1])
context = school_setup.school_context(store)
grades = roster.class_tree(store)
rows = roster.list_students(store, class_id=grades[0].classes[0].id, query="zs")
print(context.school_name, school_setup.is_set_up(store), [r.name for r in rows], StudentStatus.ACTIVE.value)
print("sqlalchemy loaded:", "sqlalchemy" in sys.modules)
store.backup()
with store.transaction():
    pass
print("sqlalchemy loaded:", "sqlalchemy" in sys.modules)
store.close()
"""


def test_the_first_roster_view_is_read_without_sqlalchemy(school):
    first = roster.class_tree(school)[0].classes[0].id
    add_student(school, first, name="张三", birth=date(2019, 3, 12))
    root = school.folder.root
    school.close()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines() == [
        "潞城区实验小学 True ['张三'] 在读",
        "sqlalchemy loaded: False",
        "sqlalchemy loaded: True",
    ]


def test_raw_reads_and_the_orm_share_one_connection(school):
    """What the ORM commits, store.query sees at once (one connection), and the other way round."""
    assert school.query("SELECT count(*) FROM student") == [(0,)]
    first = roster.class_tree(school)[0].classes[0].id
    add_student(school, first, name="李四", birth=date(2019, 5, 1))
    assert [r.name for r in roster.list_students(school, class_id=first)] == ["李四"]
    with school.engine.connect() as connection:
        assert connection.connection.dbapi_connection is school._live_connection()


def test_school_context_prefers_the_current_year(school):
    context = school_setup.school_context(school, today=date(2027, 3, 1))
    assert (context.year_name, context.term, context.registrar) == ("2026-2027学年", 2, "李敏")
    assert school_setup.school_context(school, today=date(2026, 10, 1)).term_label == "2026-2027学年第一学期"


WINDOW_PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtWidgets import QApplication
from xueji_desktop.ui.main_window import MainWindow
app = QApplication(sys.argv)
window = MainWindow(Path(sys.argv[1]))
assert window.open_data()
print("rows:", window.roster_tab.model.rowCount(), "sqlalchemy loaded:", "sqlalchemy" in sys.modules)
window.close()
"""


def test_the_main_window_opens_its_data_and_fills_the_roster_without_sqlalchemy(school):
    """What runs before the roster is on screen — opening the data, the tree, the first class — stays off
    SQLAlchemy (the one-time take-in of old 节假日安排 files, which needs it, waits until after)."""
    first = roster.class_tree(school)[0].classes[0].id
    add_student(school, first, name="张三", birth=date(2019, 3, 12))
    root = school.folder.root
    school.close()
    result = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "rows: 1 sqlalchemy loaded: False"
