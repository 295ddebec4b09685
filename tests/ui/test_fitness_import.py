"""导入体质健康成绩 (第二十九条, R29.1) from 名册: real .xlsx files made here, the wizard driven page by page with qtbot,
written to a real store — the check lists each problem's row, column and message, the error workbook is written,
only the valid rows go in when the clerk ticks it, a file that cannot be read is refused in one Chinese line, and the
results show on the student (services.fitness.results_of and his open dialog's 体质健康 tab)."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWizard
from sqlalchemy import func, select

from tests.factories import add_student, class_id_of
from tests.services.test_fitness import write_book
from xueji_desktop.models import FitnessResult, Student
from xueji_desktop.services import fitness
from xueji_desktop.ui.common.operations import STUDENTS, announcer
from xueji_desktop.ui.importing.fitness import WINDOW_TITLE, FitnessImportWizard
from xueji_desktop.ui.roster.fitness_page import TITLE
from xueji_desktop.ui.roster.student_dialog import StudentDialog

NEXT, FINISH = QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton


@pytest.fixture
def pupils(school):
    """赵一, 钱二, 孙三 in 三年级(1)班: name → (id, 身份证件号)."""
    found = {}
    for day, name in ((1, "赵一"), (2, "钱二"), (3, "孙三")):
        student_id = add_student(school, class_id_of(school, 3), name=name, birth=date(2017, 5, day))
        with school.read() as session:
            found[name] = (student_id, session.get(Student, student_id).id_number)
    return found


@pytest.fixture
def wizard(qtbot, school, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: shown.append(text))
    made = FitnessImportWizard(school)
    made.messages = shown
    qtbot.addWidget(made)
    made.show()
    return made


def _next(wizard) -> None:
    button = wizard.button(NEXT)
    assert button.isEnabled(), f"下一步 disabled on {wizard.currentPage().title()}"
    button.click()


def _shown_rows(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def _count(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(FitnessResult))


def _file_with_errors(tmp_path, pupils):
    (_, zhao), (_, qian), (_, sun) = pupils["赵一"], pupils["钱二"], pupils["孙三"]
    return write_book(
        tmp_path / "体测成绩.xlsx",
        [
            ["赵一", zhao, None, "2026-2027学年", 92, "优秀"],  # row 3
            ["钱二", qian, None, 2026, 58.5, "不及格"],  # row 4
            ["不在本校", "140406201001010018", None, 2026, 80, "良好"],  # row 5: unknown student
            ["孙三", sun, None, 2026, 81, "及格"],  # row 6: 81 分 is 良好
        ],
    )


def test_r29_1_the_check_lists_each_problem_the_workbook_is_written_and_only_valid_rows_go_in(
    wizard, school, pupils, tmp_path, qtbot, monkeypatch
):
    """R29.1's results: two good rows recorded, the unknown student and the 等级 that does not match its 总分
    listed by row and column, written to the error workbook, and skipped only once 只导入没有错误的行 is ticked."""
    zhao_id = pupils["赵一"][0]
    dialog = StudentDialog(
        school, zhao_id
    )  # open while importing: its 体质健康 tab refreshes from the announcement
    qtbot.addWidget(dialog)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    fitness_tab = dialog.tabs.widget(tabs.index(TITLE))
    assert fitness_tab.model.rowCount() == 0

    assert wizard.windowTitle() == WINDOW_TITLE == "导入体质健康成绩"
    assert not wizard.button(NEXT).isEnabled()  # no file yet
    assert wizard.choose_file(_file_with_errors(tmp_path, pupils))
    page = wizard.file_page
    assert page.error.isHidden() and "表头在第2行" in page.info.text() and "4行成绩" in page.info.text()
    _next(wizard)

    check = wizard.check_page
    assert wizard.currentPage() is check
    assert check.summary.text() == "共4行：可记录2条成绩，有错误2行（2处）。"
    rows = {(r[0], r[2]): r[4] for r in _shown_rows(check.problem_view)}
    assert rows == {
        ("5", "身份证件号"): "本校没有身份证件号为此的学生",
        ("6", "等级"): "等级与总分不符：81 分应为“良好”",
    }
    assert check.problem_view.isColumnHidden(1) and check.kind_combo.isHidden()
    assert not check.tabs.isTabVisible(1) and not check.tabs.isTabVisible(2)
    assert not wizard.button(NEXT).isEnabled()
    assert check.blocked.isVisible() and "只导入没有错误的行" in check.blocked.text()

    out = tmp_path / "导出" / "体测成绩_错误清单.xlsx"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Excel 工作簿 (*.xlsx)"))
    assert check.export_button.isEnabled()
    check.export_button.click()
    assert out.exists() and str(out) in check.exported.text()
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(1, sheet.max_column).value == "错误说明"
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [5, 6]
    assert "本校没有身份证件号为此的学生" in sheet.cell(2, sheet.max_column).value

    check.valid_only.setChecked(True)
    assert wizard.button(NEXT).isEnabled() and check.blocked.isHidden()
    assert "有错误的2行（第5、6行）这次不导入" in check.skipped.text()
    _next(wizard)
    what = wizard.confirm_page.what.text()
    assert "记录成绩：2条，2名学生（2026-2027学年）" in what and "不导入：有错误的2行（第5、6行）" in what
    assert _count(school) == 0  # nothing written before 完成
    with qtbot.waitSignal(announcer().changed, check_params_cb=lambda areas: STUDENTS in areas):
        wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.messages == ["已记录体质健康成绩2条；跳过有错误的2行。"]
    assert _count(school) == 2
    seen = fitness.results_of(school, zhao_id).results
    assert [(r.year_name, r.total_score, r.grade, r.source) for r in seen] == [
        ("2026-2027学年", 92, "优秀", "体测成绩.xlsx")
    ]
    assert fitness.results_of(school, pupils["孙三"][0]).results == ()
    shown = [fitness_tab.model.index(0, c).data() for c in range(3)]
    assert shown == ["2026-2027学年", "92", "优秀"]  # the open dialog refreshed


def test_a_clean_file_goes_in_whole_and_the_same_file_again_records_nothing(
    wizard, school, pupils, tmp_path, qtbot, monkeypatch
):
    rows = [["赵一", pupils["赵一"][1], None, 2026, 75, "及格"], ["钱二", None, None, 2026, 60, "及格"]]
    with school.transaction() as session:  # 钱二 known by his 学籍号 alone
        session.get(Student, pupils["钱二"][0]).national_student_id = "G140406201705020011"
    rows[1][2] = "G140406201705020011"
    path = write_book(tmp_path / "体测.xlsx", rows)
    assert wizard.choose_file(path)
    _next(wizard)
    assert wizard.check_page.summary.text() == "共2行：可记录2条成绩，没有错误。"
    assert not wizard.check_page.valid_only.isEnabled() and not wizard.check_page.export_button.isEnabled()
    _next(wizard)
    wizard.button(FINISH).click()
    assert wizard.messages == ["已记录体质健康成绩2条；没有跳过的行。"]
    assert _count(school) == 2

    again = FitnessImportWizard(school)
    qtbot.addWidget(again)
    again.show()
    assert again.choose_file(path)
    again.next()
    check = again.check_page
    assert check.summary.text() == "共2行：可记录0条成绩，没有错误；另有2行与已记录的成绩相同，无需再导入。"
    assert not again.button(NEXT).isEnabled() and "没有要记录的新成绩" in check.blocked.text()
    again.reject()
    assert _count(school) == 2


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda folder: _text_as_xlsx(folder), "文本（CSV）文件"),
        (
            lambda folder: write_book(
                folder / "缺列.xlsx", [["赵一", 2026, 80, "良好"]], headers=["姓名", "学年", "总分", "等级"]
            ),
            "缺少列：身份证件号或学籍号",
        ),
    ],
    ids=["not-excel", "missing-columns"],
)
def test_a_broken_file_is_refused_in_one_chinese_line_and_nothing_is_written(
    wizard, school, pupils, tmp_path, make, words
):
    assert not wizard.choose_file(make(tmp_path))
    page = wizard.file_page
    assert page.error.isVisible()
    text = page.error.text()
    assert words in text and "\n" not in text and text.startswith("无法读取：")
    assert not wizard.button(NEXT).isEnabled() and wizard.currentPage() is page
    rows = [["赵一", pupils["赵一"][1], None, 2026, 75, "及格"]]
    assert wizard.choose_file(write_book(tmp_path / "好.xlsx", rows))  # another file: the message goes
    assert page.error.isHidden() and wizard.button(NEXT).isEnabled()
    wizard.reject()
    assert _count(school) == 0


def _text_as_xlsx(folder):
    renamed = folder / "体测.xlsx"
    renamed.write_text("身份证件号,学年,总分,等级\n140406201705010011,2026,80,良好\n", encoding="utf-8")
    return renamed


def test_the_roster_tab_offers_the_import_and_refreshes_after_it(
    qtbot, school, pupils, tmp_path, monkeypatch
):
    from xueji_desktop.ui.roster.tab import RosterTab

    good = write_book(tmp_path / "体测.xlsx", [["赵一", pupils["赵一"][1], None, 2026, 88, "良好"]])
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    opened = []

    def clicked_through(self):  # the clerk picks the file and clicks through
        opened.append(self.windowTitle())
        self.show()
        self.choose_file(good)
        self.next()
        self.next()
        self.accept()
        return self.result()

    monkeypatch.setattr(FitnessImportWizard, "exec", clicked_through)
    tab = RosterTab(school)
    qtbot.addWidget(tab)
    tab.refresh_tree()
    button = next(b for b in tab.findChildren(QPushButton) if b.text() == "导入体质健康成绩…")
    with qtbot.waitSignal(announcer().changed, check_params_cb=lambda areas: STUDENTS in areas):
        button.click()
    assert opened == ["导入体质健康成绩"]
    assert [r.total_score for r in fitness.results_of(school, pupils["赵一"][0]).results] == [88]
