"""导入新生名单 wizard: real .xlsx files made here, driven page by page with qtbot, written to a real store."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWizard
from sqlalchemy import func, select

from tests.factories import (
    NEW_STUDENT_HEADERS,
    NEW_STUDENTS,
    id_number,
    new_student_row,
    new_students_file,
    write_new_student_list,
)
from xueji_desktop.models import EnrolmentStep, ImportMapping, Student
from xueji_desktop.services import roster
from xueji_desktop.services.student_import import commit_import, plan_import
from xueji_desktop.ui.importing.pages import NOT_IMPORTED, ONLY_ERRORS, ONLY_HINTS, REMEMBERED_NOTE
from xueji_desktop.ui.importing.wizard import ImportWizard

NEXT, FINISH = QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton


def open_wizard(qtbot, monkeypatch, wizard: ImportWizard) -> ImportWizard:
    """`wizard` shown, its message boxes' texts kept in wizard.messages instead of shown."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: shown.append(text))
    wizard.messages = shown
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


@pytest.fixture
def wizard(qtbot, school, monkeypatch):
    return open_wizard(qtbot, monkeypatch, ImportWizard(school))


def _next(wizard: ImportWizard) -> None:
    button = wizard.button(NEXT)
    assert button.isEnabled(), f"下一步 disabled on {wizard.currentPage().title()}"
    button.click()


def _students(store) -> list[SimpleNamespace]:
    columns = ("name", "enrolment_step", "school_class_id", "ethnicity", "current_address")
    with store.read() as session:
        rows = session.execute(select(*(getattr(Student, c) for c in columns)).order_by(Student.id)).all()
    return [SimpleNamespace(**dict(zip(columns, row, strict=True))) for row in rows]


def _shown_rows(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_a_clean_file_goes_through_every_page_into_balanced_classes_R12_1(wizard, school, tmp_path):
    """All five pages; 均衡编班 of 6 newcomers into 一年级(1)(2): sizes differ by at most one (R12.1); each new
    student starts R10.3's steps."""
    assert wizard.windowTitle() == "导入新生名单"
    assert [
        wizard.buttonText(b)
        for b in (QWizard.WizardButton.BackButton, NEXT, FINISH, QWizard.WizardButton.CancelButton)
    ] == ["< 上一步(&B)", "下一步(&N) >", "完成(&F)", "取消"]  # Qt's own words (qtbase_zh_CN)
    assert not wizard.button(NEXT).isEnabled()  # no file yet
    assert wizard.choose_file(new_students_file(tmp_path, notes_sheet=True))
    page = wizard.file_page
    assert [page.sheet_combo.itemText(i) for i in range(page.sheet_combo.count())] == [
        "一年级新生",
        "填表说明",
    ]
    assert page.sheet_combo.currentText() == "一年级新生" and page.error.isHidden()
    assert "表头在第2行" in page.info.text() and "6行数据" in page.info.text()
    _next(wizard)

    mapping = wizard.mapping_page
    assert mapping.combo(mapping.row_of("出生年月")).currentText() == "出生日期"  # matched by alias
    assert mapping.combo(mapping.row_of("证件号码")).currentText() == "身份证件号"
    assert mapping.combo(mapping.row_of("序号")).currentText() == NOT_IMPORTED
    assert mapping.remembered.isHidden() and mapping.missing.isHidden()
    _next(wizard)

    check = wizard.check_page
    assert check.summary.text() == "共6行：可导入6名新生、更新0名、有错误0行、疑似重复0条"
    assert check.proxy.rowCount() == 0 and not check.export_button.isEnabled() and check.blocked.isHidden()
    _next(wizard)

    classes = wizard.class_page
    assert classes.balanced.isChecked() and not classes.by_file.isEnabled()  # the file has no class column
    assert classes.grade_combo.currentText() == "一年级"
    preview = _shown_rows(classes.preview_view)
    assert [row[:3] for row in preview] == [["一年级(1)班", "0", "3"], ["一年级(2)班", "0", "3"]]
    assert all(row[5].startswith("20") for row in preview)  # 平均出生日期
    _next(wizard)

    assert "新建学生：6名，编入一年级(1)班 3名、一年级(2)班 3名" in wizard.confirm_page.what.text()
    assert _students(school) == []  # nothing written before 完成
    wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.messages == ["已导入6名、更新0名。"]
    students = _students(school)
    assert sorted(s.name for s in students) == sorted(p[0] for p in NEW_STUDENTS)
    assert {s.enrolment_step for s in students} == {EnrolmentStep.FORM_HANDED_OUT.value}
    assert all(s.school_class_id is not None for s in students)
    sizes = [c.size for c in roster.class_tree(school)[0].classes]
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == 6


def _bad_file(tmp_path):
    good = id_number(date(2020, 4, 4), "1", seq=7)
    bad_id = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check digit
    return write_new_student_list(
        tmp_path / "有错.xlsx",
        [
            new_student_row(1, "张三", "男", date(2020, 3, 12)),
            new_student_row(2, "钱二", "男", date(2020, 4, 4), bad_id),
            new_student_row(3, "李四", "女", "2020.02.30"),
        ],
    )


def test_errors_block_the_check_page_until_valid_only_then_only_valid_rows_go_in(wizard, school, tmp_path):
    assert wizard.choose_file(_bad_file(tmp_path))
    _next(wizard)
    _next(wizard)
    check = wizard.check_page
    assert check.summary.text() == "共3行：可导入1名新生、更新0名、有错误2行、疑似重复0条"
    assert not wizard.button(NEXT).isEnabled()
    assert check.blocked.isVisible() and "只导入没有错误的行" in check.blocked.text()
    rows = _shown_rows(check.problem_view)
    assert {r[0] for r in rows} == {"4", "5"} and {r[1] for r in rows} == {"错误"}
    assert any("校验位" in r[4] for r in rows if r[0] == "4") and all(r[5] for r in rows)  # each has a hint
    check.filter_edit.setText("校验位")
    assert [r[0] for r in _shown_rows(check.problem_view)] == ["4"]
    check.filter_edit.clear()
    check.kind_combo.setCurrentText(ONLY_HINTS)
    assert check.proxy.rowCount() == 0
    check.kind_combo.setCurrentText(ONLY_ERRORS)
    assert check.proxy.rowCount() == len(rows)
    check.problem_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _shown_rows(check.problem_view)[0][0] == "5"

    check.valid_only.setChecked(True)
    assert wizard.button(NEXT).isEnabled() and check.blocked.isHidden()
    _next(wizard)
    _next(wizard)
    assert "不导入：有错误的2行（第4、5行）" in wizard.confirm_page.what.text()
    wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert [s.name for s in _students(school)] == ["张三"]
    assert wizard.messages == ["已导入1名、更新0名；有错误的2行未导入。"]


def test_the_error_workbook_button_writes_the_bad_rows_with_an_explanation(wizard, tmp_path, monkeypatch):
    assert wizard.choose_file(_bad_file(tmp_path))
    _next(wizard)
    _next(wizard)
    out = tmp_path / "导出" / "错误清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Excel 工作簿 (*.xlsx)"))
    wizard.check_page.export_button.click()
    assert out.exists() and str(out) in wizard.check_page.exported.text()
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(1, sheet.max_column).value == "错误说明"
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [4, 5]
    assert "身份证件号" in sheet.cell(2, sheet.max_column).value
    # the method the dialog's choice feeds, called directly
    again = wizard.check_page.export_errors(tmp_path / "第二份")
    assert again == tmp_path / "第二份.xlsx" and again.exists()


def test_a_renamed_text_file_is_refused_in_chinese_on_page_one(wizard, school, tmp_path):
    renamed = tmp_path / "名单.xlsx"
    renamed.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    assert not wizard.choose_file(renamed)
    page = wizard.file_page
    assert page.error.isVisible()
    text = page.error.text()
    assert "文本（CSV）文件" in text and "另存为" in text and "\n" not in text
    assert not wizard.button(NEXT).isEnabled() and wizard.currentPage() is page
    assert wizard.choose_file(new_students_file(tmp_path))  # another file: the message goes
    assert page.error.isHidden() and wizard.button(NEXT).isEnabled()
    wizard.reject()
    assert _students(school) == []


def test_a_remembered_mapping_is_applied_with_its_note_on_a_file_of_the_same_shape(
    wizard, school, tmp_path, qtbot
):
    """The clerk's confirmed mapping (here: 现住址 not imported) comes back for the next file with the same headers."""
    assert wizard.choose_file(new_students_file(tmp_path))
    _next(wizard)
    wizard.mapping_page.set_column("现住址", None)
    for _ in range(3):
        _next(wizard)
    wizard.button(FINISH).click()
    assert all(s.current_address is None for s in _students(school))

    second = ImportWizard(school)
    qtbot.addWidget(second)
    second.show()
    other = write_new_student_list(
        tmp_path / "补录.xlsx", [new_student_row(9, "吴九", "男", date(2020, 2, 2))]
    )
    assert second.choose_file(other)
    _next(second)
    page = second.mapping_page
    assert page.remembered.isVisible() and page.remembered.text() == REMEMBERED_NOTE
    assert page.combo(page.row_of("现住址")).currentText() == NOT_IMPORTED
    page.set_column("现住址", "现住址")  # the clerk changes it: no longer the remembered mapping
    assert page.remembered.isHidden()


def test_the_mapping_page_switches_columns_and_lists_missing_required_ones(wizard, school, tmp_path):
    rows = [new_student_row(i + 1, *p, ethnicity="回族") for i, p in enumerate(NEW_STUDENTS)]
    assert wizard.choose_file(write_new_student_list(tmp_path / "回族.xlsx", rows))
    _next(wizard)
    page = wizard.mapping_page
    ethnicity = page.row_of("民族")
    page.set_column("民族", None)
    assert wizard.plan.mapping.columns[ethnicity] is None and wizard.columns[ethnicity] is None

    page.set_column("姓名", None)  # without 姓名 no row can become a student
    assert page.missing.isVisible() and "姓名" in page.missing.text()
    assert not wizard.button(NEXT).isEnabled()
    page.set_column("序号", "姓名")  # 姓名 on another column: fine for the mapping, and it is unique
    assert page.missing.isHidden()
    page.set_column("姓名", "姓名")  # taken back: the 序号 column lets go of it
    assert page.combo(page.row_of("序号")).currentText() == NOT_IMPORTED
    assert [c.header if c else None for c in wizard.plan.mapping.columns].count("姓名") == 1
    for _ in range(3):
        _next(wizard)
    wizard.button(FINISH).click()
    students = _students(school)
    assert len(students) == 6 and {s.ethnicity for s in students} == {
        "01"
    }  # the default, not the file's 回族


def test_file_classes_are_kept_and_a_class_over_the_maximum_blocks_R12_1(wizard, school, tmp_path):
    """按文件中的班级 when the file has a 班级 column; 均衡编班 on demand; a grade that cannot hold the newcomers
    without a class above 50 (R12.1) blocks the page."""
    headers = [*NEW_STUDENT_HEADERS, "班级"]
    rows = [[*new_student_row(i + 1, *p), "1班" if i < 4 else "2班"] for i, p in enumerate(NEW_STUDENTS)]
    assert wizard.choose_file(write_new_student_list(tmp_path / "分好班.xlsx", rows, headers))
    for _ in range(3):
        _next(wizard)
    page = wizard.class_page
    assert page.by_file.isEnabled() and page.by_file.isChecked()
    assert [r[2] for r in _shown_rows(page.preview_view)] == ["4", "2"]
    page.balanced.setChecked(True)
    assert wizard.class_plan.mode == "balanced"
    assert [r[2] for r in _shown_rows(page.preview_view)] == ["3", "3"]

    surnames, given = "赵钱孙李周吴郑王冯陈", "涵然桐轩怡宇泽晨阳佳"
    many = [
        new_student_row(
            n,
            f"{surnames[n % 10]}{given[n // 10 % 10]}{'明亮'[n // 100]}",
            "男" if n % 2 else "女",
            date(2019, 9, 1) + timedelta(days=n),
        )
        for n in range(101)
    ]
    page.initializePage()  # nothing blocks so far
    wizard.restart()
    assert wizard.choose_file(write_new_student_list(tmp_path / "很多.xlsx", many))
    _next(wizard)
    _next(wizard)
    assert wizard.check_page.summary.text().startswith("共101行：可导入101名新生")
    _next(wizard)
    assert wizard.class_plan.blocking
    assert page.findings.isVisible() and "第十二条" in page.findings.text() and "新建" in page.findings.text()
    assert not wizard.button(NEXT).isEnabled()


def test_likely_duplicates_and_planned_updates_are_listed(wizard, school, tmp_path):
    """R13.1: a likely duplicate is a 提示 naming what it matches and does not block; a corrected file shows each
    student's changes old → new."""
    commit_import(school, plan_import(school, new_students_file(tmp_path)))
    corrected = new_student_row(1, *NEW_STUDENTS[0])
    corrected[6] = "潞城区成家川街道"  # 张三's 现住址 corrected
    twin = new_student_row(
        7, "李小红", "女", date(2020, 5, 1), id_number(date(2020, 5, 1), "2", seq=402)
    )  # another ID
    good = write_new_student_list(tmp_path / "更正.xlsx", [corrected, twin])
    assert wizard.choose_file(good)
    _next(wizard)
    _next(wizard)
    check = wizard.check_page
    assert check.summary.text() == "共2行：可导入1名新生、更新1名、有错误0行、疑似重复1条"
    assert check.updates.item(0).text() == "张三（第3行） — 现住址：潞城区潞华街道 → 潞城区成家川街道"
    assert _shown_rows(check.duplicates)[0][:3] == ["4", "李小红", "已有学生“李小红”（在读）"]
    check.kind_combo.setCurrentText(ONLY_HINTS)
    hints = _shown_rows(check.problem_view)
    assert [(r[0], r[1], r[3]) for r in hints] == [("4", "提示", "李小红")]
    assert wizard.button(NEXT).isEnabled()  # warnings are for the clerk to decide


def test_cancel_at_the_last_page_writes_no_student(wizard, school, tmp_path):
    """Cancelling writes no student; the column mapping confirmed on 对应列 is kept (remembered at its 下一步)."""
    assert wizard.choose_file(new_students_file(tmp_path))
    for _ in range(4):
        _next(wizard)
    assert wizard.currentPage() is wizard.confirm_page
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert _students(school) == []
    with school.read() as session:
        assert session.scalar(select(func.count(ImportMapping.id))) == 1


def test_the_roster_tab_opens_the_wizard_and_refreshes_after_an_import(qtbot, school, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QPushButton

    from xueji_desktop.ui.importing import wizard as import_wizard
    from xueji_desktop.ui.roster.tab import RosterTab

    good = new_students_file(tmp_path)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)

    def run(self):  # the clerk picks the file and clicks through
        self.show()
        self.choose_file(good)
        for _ in range(4):
            self.next()
        self.accept()
        return self.result()

    monkeypatch.setattr(import_wizard.ImportWizard, "exec", run)
    tab = RosterTab(school)
    qtbot.addWidget(tab)
    tab.refresh_tree()
    button = next(b for b in tab.findChildren(QPushButton) if b.text() == "导入新生…")
    from xueji_desktop.ui.common.operations import STUDENTS, announcer

    with qtbot.waitSignal(announcer().changed, check_params_cb=lambda areas: STUDENTS in areas):
        button.click()  # the import announces what it changed; the tab refreshes from that alone
    assert tab.tree.topLevelItem(0).text(1) == "6"
