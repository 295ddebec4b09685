"""所在地行政区划: three cascading drop-downs 省 / 市 / 县(区) over the current GB/T 2260 codes.

Only current codes are offered (abolished ones such as 潞城市 140481 stay valid in old records but are not chosen
anew). A prefecture without counties (东莞市, 中山市 …) is complete at prefecture level; municipalities show their
市辖区 prefecture level as the data has it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSizePolicy, QWidget

from xueji_desktop.reference.regions import Region, region_table

PLACEHOLDERS = ("请选择省", "请选择市", "请选择县（区）")
NO_COUNTIES = "（无下辖县区）"


class RegionPicker(QWidget):
    """Pick a province, then a prefecture, then a county; `code()` is the deepest level chosen."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._table = region_table()
        self.province = self._make_combo(PLACEHOLDERS[0], "省、自治区、直辖市")
        self.prefecture = self._make_combo(PLACEHOLDERS[1], "地级市、自治州、盟")
        self.county = self._make_combo(PLACEHOLDERS[2], "县、县级市、市辖区")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for combo in self.combos:
            layout.addWidget(combo, 1)
        self._fill(self.province, self._table.children(None))
        self._fill(self.prefecture, [])
        self._fill(self.county, [])
        # currentIndexChanged, not activated: a choice made in code cascades like one made by hand; the picker's
        # own refills block signals so they never cascade
        self.province.currentIndexChanged.connect(self._on_province)
        self.prefecture.currentIndexChanged.connect(self._on_prefecture)
        self.county.currentIndexChanged.connect(self._on_county)

    @property
    def combos(self) -> tuple[QComboBox, QComboBox, QComboBox]:
        return self.province, self.prefecture, self.county

    # --- what the caller asks --------------------------------------------------------------------------------------

    def code(self) -> str:
        """The chosen county's six-digit code, or the deepest level chosen so far ("" when nothing is)."""
        for combo in reversed(self.combos):
            value = combo.currentData()
            if value:
                return str(value)
        return ""

    def is_complete(self) -> bool:
        """A county is chosen, or a prefecture that has no counties."""
        if self.county.currentData():
            return True
        prefecture = self.prefecture.currentData()
        return bool(prefecture) and not self._table.children(prefecture)

    def full_name(self) -> str:
        """山西省长治市潞城区 for the current choice."""
        return self._table.full_name(self.code())

    def set_code(self, code: str) -> None:
        """Select the path to a code ("140406" → 山西省 / 长治市 / 潞城区); unknown or historical parts stay unchosen."""
        before = self.code()
        path = self._table.path(code or "")
        self._select(self.province, path[0].code if len(path) > 0 else None)
        province = self.province.currentData()
        self._fill(self.prefecture, self._table.children(province) if province else [])
        self._select(self.prefecture, path[1].code if len(path) > 1 else None)
        self._fill_counties()
        self._select(self.county, path[2].code if len(path) > 2 else None)
        self._emit_if_changed(before)

    # --- cascading ---------------------------------------------------------------------------------------------------

    def _on_province(self, _index: int) -> None:
        before = self.code()
        province = self.province.currentData()
        self._fill(self.prefecture, self._table.children(province) if province else [])
        self._fill(self.county, [])
        self._emit_if_changed(before)

    def _on_prefecture(self, _index: int) -> None:
        before = self.code()
        self._fill_counties()
        self._emit_if_changed(before)

    def _on_county(self, _index: int) -> None:
        self.changed.emit(self.code())

    def _fill_counties(self) -> None:
        prefecture = self.prefecture.currentData()
        counties = self._table.children(prefecture) if prefecture else []
        self._fill(self.county, counties)
        if prefecture and not counties:
            self.county.setPlaceholderText(NO_COUNTIES)

    def _emit_if_changed(self, before: str) -> None:
        if self.code() != before:
            self.changed.emit(self.code())

    # --- combo plumbing ----------------------------------------------------------------------------------------------

    @staticmethod
    def _make_combo(placeholder: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setProperty("placeholder", placeholder)
        combo.setPlaceholderText(placeholder)
        combo.setToolTip(tip)
        combo.setMaxVisibleItems(20)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(7)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return combo

    @staticmethod
    def _fill(combo: QComboBox, regions: list[Region]) -> None:
        combo.blockSignals(True)
        combo.clear()
        for region in regions:
            combo.addItem(region.name, region.code)
        combo.setCurrentIndex(-1)
        combo.setEnabled(bool(regions))
        combo.setPlaceholderText(combo.property("placeholder"))
        # long names (积石山保安族东乡族撒拉族自治县) must be readable in the open list even when the box is narrow
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24 if regions else 0)
        combo.blockSignals(False)

    @staticmethod
    def _select(combo: QComboBox, code: str | None) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(code) if code else -1)
        combo.blockSignals(False)
