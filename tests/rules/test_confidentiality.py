"""R35.1 学籍信息保密 (第三十五条): a consultation needs a 介绍信 (naming its organisation) or the guardian's 户口本/身份证
(or the authority's written approval by number), and nothing is copied or taken out without the authority's written
approval number. Each refusal blocks, cites 第三十五条 and says what is missing; a proper consultation passes."""

from __future__ import annotations

import pytest

from xueji_desktop.rules.confidentiality import (
    AUTHORITY_APPROVAL,
    GUARDIAN_HOUSEHOLD,
    GUARDIAN_ID,
    LETTER,
    check_consultation,
)
from xueji_desktop.rules.findings import Severity


def _blocks(findings, *words: str) -> None:
    assert findings, "expected a refusal"
    assert all(f.rule_id == "R35.1" and f.severity is Severity.BLOCK for f in findings)
    assert all(f.text.startswith("依据《细则》第三十五条：") for f in findings)
    text = "".join(f.message for f in findings)
    for word in words:
        assert word in text, text


@pytest.mark.parametrize("basis", [None, "", "  ", "口头说明", "工作证"])
def test_r35_1_without_a_letter_or_the_guardians_papers_it_is_refused(basis):
    _blocks(check_consultation(basis, "潞城区公安分局", False, None), "介绍信", "户口本", "身份证")


@pytest.mark.parametrize("organisation", [None, "", "   "])
def test_r35_1_a_letter_must_name_its_organisation(organisation):
    _blocks(check_consultation(LETTER, organisation, False, None), "介绍信", "查阅单位")


@pytest.mark.parametrize("approval", [None, "", "  "])
@pytest.mark.parametrize("basis", [LETTER, GUARDIAN_ID])
def test_r35_1_copies_out_without_the_authoritys_written_approval_are_refused(basis, approval):
    findings = check_consultation(basis, "潞城区公安分局", True, approval)
    _blocks(findings, "书面批准", "复制或带出", "批准文号")
    assert len(findings) == 1


def test_r35_1_the_authoritys_approval_as_basis_needs_its_number():
    _blocks(check_consultation(AUTHORITY_APPROVAL, None, False, ""), "批准文号")
    assert check_consultation(AUTHORITY_APPROVAL, None, False, "潞教学籍〔2026〕3号") == []


def test_r35_1_every_missing_thing_is_told_at_once():
    findings = check_consultation("", None, True, None)
    assert len(findings) == 2
    _blocks(findings, "介绍信", "批准文号")


@pytest.mark.parametrize(
    ("basis", "organisation", "copies_out", "approval"),
    [
        (LETTER, "潞城区公安分局", False, None),
        (LETTER, "潞城区公安分局", True, "潞教学籍〔2026〕12号"),
        (GUARDIAN_HOUSEHOLD, None, False, None),
        (GUARDIAN_ID, "", False, None),
        (GUARDIAN_ID, None, True, "潞教学籍〔2026〕13号"),
    ],
)
def test_r35_1_a_proper_consultation_passes(basis, organisation, copies_out, approval):
    assert check_consultation(basis, organisation, copies_out, approval) == []
