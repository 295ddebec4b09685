"""docs/rules.md stays what scripts/rules_matrix.py makes of the code and the tests today; every rule id the code or
the tests use is one of docs/regulation/RULES.md; the rules no test names are only the ones listed here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# 第八条 (a school merged or closed hands its whole archive over; the last school keeps it): not built yet.
KNOWN_UNTESTED = {"R8.1", "R8.2"}


@pytest.fixture(scope="module")
def matrix_script():
    spec = importlib.util.spec_from_file_location("rules_matrix", ROOT / "scripts" / "rules_matrix.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["rules_matrix"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("rules_matrix", None)


@pytest.fixture(scope="module")
def house(matrix_script):
    rules = matrix_script.load_rules((ROOT / matrix_script.RULES_TABLE).read_text(encoding="utf-8"))
    return rules, matrix_script.scan(ROOT)


def test_docs_rules_md_is_current(matrix_script, house):
    expected = matrix_script.render(*house)
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run `make rules` (python scripts/rules_matrix.py)"


def test_every_rule_id_used_is_in_the_table(matrix_script, house):
    rules, matrix = house
    assert len(rules) == 48
    assert matrix_script.unknown_ids(rules, matrix) == []


def test_only_the_known_rules_lack_a_test(matrix_script, house):
    untested = set(matrix_script.untested(*house))
    assert untested <= KNOWN_UNTESTED, f"rules no test names: {sorted(untested - KNOWN_UNTESTED)}"
    assert untested == KNOWN_UNTESTED, (
        f"now tested, take out of KNOWN_UNTESTED: {sorted(KNOWN_UNTESTED - untested)}"
    )


def test_the_matrix_reads_enforcement_and_tests_from_a_small_house(matrix_script, tmp_path):
    (tmp_path / "docs" / "regulation").mkdir(parents=True)
    (tmp_path / "docs" / "regulation" / "RULES.md").write_text(
        "| id | art. | rule | kind |\n|---|---|---|---|\n"
        "| R18.3 | 18 | No transfer in a graduating term. | block |\n"
        "| R20.1 | 20 | Done within 10 working days. | deadline |\n",
        encoding="utf-8",
    )
    (tmp_path / "xueji_desktop" / "rules").mkdir(parents=True)
    code = tmp_path / "xueji_desktop" / "rules" / "transfers.py"
    code.write_text(
        'def check(term):\n    return [block("R18.3", "毕业年级第二学期不能转学")]\n\n'
        "def due(day):\n    return day  # R20.1: 10 working days\n",
        encoding="utf-8",
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_transfers.py").write_text(
        "def test_no_transfer_in_the_last_term_R18_3():\n    pass\n\ndef test_other():\n    pass\n",
        encoding="utf-8",
    )
    rules = matrix_script.load_rules((tmp_path / "docs/regulation/RULES.md").read_text(encoding="utf-8"))
    matrix = matrix_script.scan(tmp_path)
    text = matrix_script.render(rules, matrix)

    assert "| [R18.3](#r183) | 第十八条 | block | 1 | 0 | 1 |" in text
    assert "- Enforced by: `rules/transfers.py` check" in text
    assert "- Named in: `rules/transfers.py` due" in text
    assert "- Proven by: `tests/test_transfers.py::test_no_transfer_in_the_last_term_R18_3`" in text
    assert matrix_script.untested(rules, matrix) == ["R20.1"]
    assert "Rules no test names yet (1): R20.1." in text

    code.write_text(code.read_text(encoding="utf-8").replace("R18.3", "R18.9"), encoding="utf-8")
    changed = matrix_script.scan(tmp_path)
    assert matrix_script.render(rules, changed) != text  # the staleness test sees a change in the code
    assert matrix_script.unknown_ids(rules, changed) == ["R18.9"]
