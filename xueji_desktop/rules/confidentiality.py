"""学籍信息保密 (第三十五条): who may consult the records, on what basis, and when the authority's written approval is
needed. Pure: the facts of a consultation in, findings out; the register itself is services.archive_register."""

from __future__ import annotations

from xueji_desktop.rules.findings import Finding, block

LETTER = "介绍信"  # 查阅单位介绍信
GUARDIAN_HOUSEHOLD = "监护人户口簿"
GUARDIAN_ID = "监护人身份证"
AUTHORITY_APPROVAL = "学籍管理部门书面批准"
BASES = (LETTER, GUARDIAN_HOUSEHOLD, GUARDIAN_ID, AUTHORITY_APPROVAL)
# the number shown with these is an ID number: masked wherever it is shown
GUARDIAN_BASES = (GUARDIAN_HOUSEHOLD, GUARDIAN_ID)


def check_consultation(
    basis: str | None, organisation: str | None, copies_out: bool, approval_number: str | None
) -> list[Finding]:
    """R35.1: a consultation needs the visiting organisation's 介绍信 or the guardian's 户口本/身份证 (or the authority's
    written approval, by its number); a 介绍信 names its organisation; nothing is copied or taken out without the
    authority's written approval."""
    basis = (basis or "").strip()
    organisation = (organisation or "").strip()
    approved = bool((approval_number or "").strip())
    findings: list[Finding] = []
    if basis not in BASES:
        findings.append(
            block(
                "R35.1",
                "查阅学生学籍信息，须提供查阅单位介绍信或学生监护人户口本、身份证等证件；未提供的，不予查阅",
            )
        )
    if basis == LETTER and not organisation:
        findings.append(block("R35.1", "凭介绍信查阅的，须登记出具介绍信的查阅单位"))
    if copies_out and not approved:
        findings.append(
            block(
                "R35.1",
                "非经学籍管理部门书面批准，学籍信息一律不得向外提供：复制或带出须登记学籍管理部门的"
                "书面批准文号",
            )
        )
    elif basis == AUTHORITY_APPROVAL and not approved:
        findings.append(block("R35.1", "凭学籍管理部门书面批准查阅的，须登记批准文号"))
    return findings
