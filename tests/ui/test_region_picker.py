"""The cascading 省 / 市 / 县 picker over GB/T 2260 (山西省长治市潞城区 must be there)."""

from __future__ import annotations

import pytest

from xueji_desktop.ui.common.region_picker import RegionPicker


@pytest.fixture
def picker(qtbot):
    widget = RegionPicker()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose(combo, name: str) -> None:
    index = combo.findText(name)
    assert index >= 0, f"{name} is not offered"
    combo.setCurrentIndex(index)


def texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_starts_empty_with_placeholders(picker):
    assert picker.code() == ""
    assert not picker.is_complete()
    assert [c.placeholderText() for c in picker.combos] == ["请选择省", "请选择市", "请选择县（区）"]
    assert picker.province.count() == 34
    assert not picker.prefecture.isEnabled() and not picker.county.isEnabled()


def test_pick_shanxi_changzhi_lucheng(picker, qtbot):
    choose(picker.province, "山西省")
    assert picker.code() == "140000" and not picker.is_complete()
    assert "长治市" in texts(picker.prefecture) and not picker.county.isEnabled()
    choose(picker.prefecture, "长治市")
    assert picker.code() == "140400" and not picker.is_complete()
    with qtbot.waitSignal(picker.changed) as signal:
        choose(picker.county, "潞城区")
    assert signal.args == ["140406"]
    assert picker.code() == "140406" and picker.is_complete()
    assert picker.full_name() == "山西省长治市潞城区"


def test_only_current_codes_are_offered(picker):
    """潞城市 (140481) became 潞城区 in 2018: it still validates old records but is not offered anew."""
    picker.set_code("140406")
    assert "潞城市" not in texts(picker.county)
    picker.set_code("140481")
    assert [c.currentText() for c in picker.combos[:2]] == ["山西省", "长治市"]
    assert picker.county.currentIndex() == -1 and not picker.is_complete()


def test_set_code_selects_the_path_and_signals_once(picker, qtbot):
    seen: list[str] = []
    picker.changed.connect(seen.append)
    picker.set_code("140406")
    assert [c.currentText() for c in picker.combos] == ["山西省", "长治市", "潞城区"]
    assert seen == ["140406"]
    picker.set_code("140406")
    assert seen == ["140406"]  # nothing changed, nothing said


def test_prefecture_without_counties_is_complete(picker):
    """东莞市 has no counties: choosing it is a complete choice and the county box says so."""
    choose(picker.province, "广东省")
    choose(picker.prefecture, "东莞市")
    assert picker.code() == "441900"
    assert picker.is_complete()
    assert not picker.county.isEnabled()
    assert picker.county.placeholderText() == "（无下辖县区）"
    choose(picker.prefecture, "广州市")
    assert not picker.is_complete() and picker.county.placeholderText() == "请选择县（区）"


def test_municipality_shows_its_shixiaqu_level(picker):
    choose(picker.province, "北京市")
    assert texts(picker.prefecture) == ["市辖区"]
    choose(picker.prefecture, "市辖区")
    choose(picker.county, "东城区")
    assert picker.code() == "110101" and picker.full_name() == "北京市东城区"


def test_changing_the_province_clears_the_lower_levels(picker, qtbot):
    picker.set_code("140406")
    with qtbot.waitSignal(picker.changed) as signal:
        choose(picker.province, "河北省")
    assert signal.args == ["130000"]
    assert picker.prefecture.currentIndex() == -1 and picker.county.count() == 0
    assert not picker.county.isEnabled()


def test_unknown_code_clears_everything(picker):
    picker.set_code("140406")
    picker.set_code("999999")
    assert picker.code() == "" and picker.prefecture.count() == 0
