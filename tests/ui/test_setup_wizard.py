"""The first-run wizard driven page by page as the clerk would."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWizard
from sqlalchemy import select

from xueji_desktop.models import School
from xueji_desktop.services.roster import class_tree
from xueji_desktop.services.school_setup import is_set_up, school_context
from xueji_desktop.ui.setup_wizard import SetupWizard, default_start_year, describe_classes

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
DEMO = QWizard.WizardButton.CustomButton1


@pytest.fixture
def wizard(qtbot, store):
    shown = SetupWizard(store, today=date(2026, 8, 20))
    qtbot.addWidget(shown)
    shown.show()
    return shown


def click(qtbot, wizard: SetupWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_chinese(edit, text: str) -> None:
    """Type as an input method does: a committed string (QTest's key clicks know ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def fill_school_page(qtbot, wizard: SetupWizard, *, code: str = "2140012345", stage: str = "小学") -> None:
    page = wizard.school_page
    type_chinese(page.name_edit, "潞城区实验小学")
    qtbot.keyClicks(page.code_edit, code)
    page.stage_combo.setCurrentIndex(page.stage_combo.findText(stage))
    type_chinese(page.principal_edit, "王建国")
    type_chinese(page.registrar_edit, "李敏")


def visible_errors(page) -> dict[str, str]:
    return {key: label.text() for key, label in page.errors.items() if label.isVisible()}


def test_window_title_buttons_and_defaults(wizard):
    assert wizard.windowTitle() == "学籍桌面 — 首次设置"
    assert [wizard.buttonText(b) for b in (QWizard.WizardButton.BackButton, NEXT, FINISH)] == [
        "< 上一步(&B)",  # Qt's own words (qtbase_zh_CN), with their Alt keys
        "下一步(&N) >",
        "完成(&F)",
    ]
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "取消"
    assert wizard.button(DEMO).text() == "打开演示学校" and wizard.button(DEMO).isVisible()
    page = wizard.school_page
    assert page.region_picker.code() == "140406" and page.region_picker.full_name() == "山西省长治市潞城区"
    assert page.authority_edit.text() == "长治市潞城区教育局"
    assert [page.stage_combo.itemText(i) for i in range(page.stage_combo.count())] == [
        "小学",
        "初中",
        "普通高中",
        "九年一贯制",
        "十二年一贯制",
        "特殊教育",
    ]


def test_empty_first_page_names_every_missing_field(qtbot, wizard):
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.school_page
    assert visible_errors(wizard.school_page) == {
        "name": "学校名称不能为空",
        "code": "学校标识码应为10位数字",
        "stage": "请选择学段",
        "principal": "校长不能为空",
        "registrar": "学籍管理员不能为空",
    }


def test_bad_school_code_blocks_with_its_message(qtbot, wizard):
    fill_school_page(qtbot, wizard, code="12345abc")
    page = wizard.school_page
    assert page.code_edit.text() == "12345"  # the validator takes digits only
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is page
    assert visible_errors(page) == {"code": "学校标识码应为10位数字"}
    qtbot.keyClicks(page.code_edit, "67890")
    assert not page.errors["code"].isVisible()  # editing the field clears its message
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.year_page


def test_region_must_reach_county_level(qtbot, wizard):
    fill_school_page(qtbot, wizard)
    picker = wizard.school_page.region_picker
    picker.set_code("")
    for combo, name in ((picker.province, "山西省"), (picker.prefecture, "长治市")):
        combo.setCurrentIndex(combo.findText(name))
        click(qtbot, wizard, NEXT)
        assert wizard.currentPage() is wizard.school_page
        assert visible_errors(wizard.school_page) == {"region": "请选择所在地行政区划（省、市、县）"}
    picker.county.setCurrentIndex(picker.county.findText("潞城区"))
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.year_page


def test_authority_follows_the_region_until_the_clerk_types_one(qtbot, wizard):
    page = wizard.school_page
    page.region_picker.set_code("140403")
    assert page.authority_edit.text() == "长治市潞州区教育局"
    page.region_picker.set_code("110101")
    assert page.authority_edit.text() == "北京市东城区教育局"
    page.authority_edit.clear()
    type_chinese(page.authority_edit, "长治市潞城区教育局学籍管理办公室")
    page.region_picker.set_code("140406")
    assert page.authority_edit.text() == "长治市潞城区教育局学籍管理办公室"


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 8, 20), 2026),
        (date(2026, 7, 11), 2026),
        (date(2026, 7, 10), 2025),
        (date(2027, 3, 1), 2026),
    ],
)
def test_default_school_year_is_the_autumn_year(today, year):
    assert default_start_year(today) == year


def test_year_page_defaults_and_year_change_moves_the_terms(qtbot, wizard):
    fill_school_page(qtbot, wizard)
    click(qtbot, wizard, NEXT)
    page = wizard.year_page
    assert page.year_combo.currentText() == "2026-2027学年"
    assert page.dates() == (date(2026, 9, 1), date(2027, 1, 20), date(2027, 2, 20), date(2027, 7, 10))
    assert all(edit.calendarPopup() for edit in page.date_edits)
    page.year_combo.setCurrentIndex(page.year_combo.findData(2025))
    assert page.start_year() == 2025
    assert page.dates() == (date(2025, 9, 1), date(2026, 1, 20), date(2026, 2, 20), date(2026, 7, 10))


def test_terms_out_of_order_block_with_the_message(qtbot, wizard):
    fill_school_page(qtbot, wizard)
    click(qtbot, wizard, NEXT)
    page = wizard.year_page
    page.term1_end.setDate(QDate(2026, 8, 31))  # ends before it starts
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is page
    assert page.error.isVisible()
    assert "第一学期开始 < 第一学期结束" in page.error.text()
    page.term1_end.setDate(QDate(2027, 1, 22))
    assert not page.error.isVisible()
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.classes_page


def test_finish_creates_school_year_grades_and_classes(qtbot, wizard, store):
    fill_school_page(qtbot, wizard)
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    page = wizard.classes_page
    assert list(page.spins) == [1, 2, 3, 4, 5, 6]
    assert all(spin.value() == 2 for spin in page.spins.values())
    page.spins[1].setValue(3)
    page.spins[6].setValue(0)
    assert page.total.text() == "合计：6个年级，11个班级"
    click(qtbot, wizard, NEXT)
    summary = wizard.summary_page
    assert summary.values["学校名称"].text() == "潞城区实验小学"
    assert summary.values["所在地"].text() == "山西省长治市潞城区"
    assert summary.values["第一学期"].text() == "2026年9月1日 至 2027年1月20日"
    assert summary.values["年级与班级"].text() == "6个年级，11个班级"
    assert summary.values["各年级班级数"].text() == "一年级3个班；二年级至五年级各2个班；六年级暂不建班"
    assert not is_set_up(store)  # nothing is written before 「完成」

    click(qtbot, wizard, FINISH)

    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.created
    assert not wizard.demo_requested
    context = school_context(store, today=date(2026, 10, 1))
    assert context is not None
    assert (context.school_name, context.stage, context.year_name, context.term) == (
        "潞城区实验小学",
        "primary",
        "2026-2027学年",
        1,
    )
    with store.read() as session:
        school = session.scalar(select(School))
        assert (school.code, school.region_code, school.authority, school.principal, school.registrar) == (
            "2140012345",
            "140406",
            "长治市潞城区教育局",
            "王建国",
            "李敏",
        )
    tree = class_tree(store)
    assert [g.name for g in tree] == ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
    assert [c.name for c in tree[0].classes] == ["一年级(1)班", "一年级(2)班", "一年级(3)班"]
    assert [len(g.classes) for g in tree] == [3, 2, 2, 2, 2, 0]


def test_going_back_to_change_the_stage_changes_the_grades(qtbot, wizard, store):
    fill_school_page(qtbot, wizard, stage="小学")
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    wizard.classes_page.spins[1].setValue(4)
    wizard.back()
    wizard.back()
    combo = wizard.school_page.stage_combo
    combo.setCurrentIndex(combo.findText("九年一贯制"))
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    spins = wizard.classes_page.spins
    assert list(spins) == list(range(1, 10))
    assert spins[1].value() == 4 and spins[9].value() == 2  # the clerk's number is kept
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, FINISH)
    tree = class_tree(store)
    assert [g.name for g in tree][-3:] == ["七年级", "八年级", "九年级"]
    assert sum(len(g.classes) for g in tree) == 4 + 8 * 2


def test_finish_on_a_folder_already_set_up_says_so_inline(qtbot, school):
    """The service refuses a second school; the wizard shows its words and stays open, no dialog."""
    wizard = SetupWizard(school, today=date(2026, 8, 20))
    qtbot.addWidget(wizard)
    wizard.show()
    fill_school_page(qtbot, wizard)
    for _ in range(3):
        click(qtbot, wizard, NEXT)
    click(qtbot, wizard, FINISH)
    assert wizard.isVisible() and not wizard.created
    assert wizard.summary_page.error.text() == "这个数据文件夹已经设置过学校"


def test_demo_button_asks_for_the_demo_and_writes_nothing(qtbot, wizard, store):
    type_chinese(wizard.school_page.name_edit, "半填的学校")  # an unfinished page does not stop it
    click(qtbot, wizard, DEMO)
    assert wizard.demo_requested
    assert wizard.result() == SetupWizard.DEMO_RESULT
    assert not wizard.isVisible()
    assert not is_set_up(store)
    assert school_context(store) is None


def test_demo_button_only_on_the_first_page(qtbot, wizard):
    fill_school_page(qtbot, wizard)
    click(qtbot, wizard, NEXT)
    assert not wizard.button(DEMO).isVisible()
    wizard.back()
    assert wizard.button(DEMO).isVisible()


def test_describe_classes_groups_equal_runs():
    assert describe_classes({7: 3, 8: 3, 9: 4}) == "七年级至八年级各3个班；九年级4个班"
