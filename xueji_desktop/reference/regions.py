"""行政区划 (GB/T 2260): provinces, prefectures and counties for the cascading picker and for validation.

Historical codes (潞城市 140481 and others abolished in 2018) are kept: old ID numbers and records still carry them,
so they validate, but the picker offers only current ones.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from xueji_desktop.reference.resources import resource_path

# levels with no name of their own: a municipality's 市辖区/县, a province's directly administered counties
PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # province | prefecture | county
    parent: str | None
    current: bool


class RegionTable:
    def __init__(self, regions: list[Region]):
        self._by_code = {region.code: region for region in regions}
        self._children: dict[str | None, list[Region]] = {}
        for region in regions:
            self._children.setdefault(region.parent, []).append(region)

    def exists(self, code: str) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def children(self, code: str | None, *, include_historical: bool = False) -> list[Region]:
        """Provinces for None; a province's prefectures; a prefecture's counties — current ones unless asked."""
        return [r for r in self._children.get(code, []) if include_historical or r.current]

    def path(self, code: str) -> list[Region]:
        """Province first: [山西省, 长治市, 潞城区]."""
        chain = []
        region = self._by_code.get(code)
        while region is not None:
            chain.append(region)
            region = self._by_code.get(region.parent) if region.parent else None
        return list(reversed(chain))

    def full_name(self, code: str | None) -> str:
        """山西省长治市潞城区 (the placeholder levels 市辖区, 县, …直辖县级行政区划 left out); the code when unknown."""
        if not code:
            return ""
        chain = self.path(code)
        if not chain:
            return code
        return "".join(r.name for r in chain if r.name not in PLACEHOLDERS)

    def __len__(self) -> int:
        return len(self._by_code)


@cache
def region_table() -> RegionTable:
    with resource_path("reference", "regions.csv").open(encoding="utf-8-sig", newline="") as handle:
        return RegionTable(
            [
                Region(
                    row["code"], row["name"], row["level"], row["parent"] or None, row["status"] == "current"
                )
                for row in csv.DictReader(handle)
            ]
        )
