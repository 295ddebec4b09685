"""证明材料: the proofs each procedure must have attached before its step can be finished, by the regulation's names.

A requirement is a tuple of alternatives (户籍证明 or 居住证); a procedure lists its requirements, and check_proofs says
which are missing, naming the rule that asks for them. The kind names are what the screen shows and what
Attachment.kind stores.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from xueji_desktop.rules.findings import Finding, block, warn

HUKOU_PROOF = "户籍证明"
RESIDENCE_PERMIT = "居住证"
TRANSFER_APPLICATION = "转学申请"
SUSPENSION_FORM = "休学、复学申请表"
HOSPITAL_RECORD = "县级以上医疗单位病历"
GRADE_A_HOSPITAL_RECORD = "二级甲等以上医疗单位病历"
AUTHORITY_CERTIFICATE = "县级以上公安、民政或人社部门证明"
WITHDRAWAL_FORM = "退学申请表"
PASSPORT_COPY = "本人护照复印件"
HOUSEHOLD_REGISTER_COPY = "户口簿复印件"
HOUSEHOLD_REGISTER = "居民户口簿或其他证明文件"
DEATH_PROOF = "死亡证明"
ZHONGKAO_SCORE = "中考成绩证明"
DROPOUT_REPORT = "辍学书面报告"
AWARD_CERTIFICATE = "获奖证书"  # 第三十一条: an award's proof, optional (services/sanctions.py)
# 第二十九条's 体育免修 (R29.1): 《国家学生体质健康标准》 exempts a student 「经医疗单位证明」 (services/fitness.py);
# exemptions recorded before this kind existed keep their attachment under HOSPITAL_RECORD (append-only, not migrated)
PE_EXEMPTION_PROOF = "体育免修证明（医疗单位出具）"

KINDS = (
    HUKOU_PROOF,
    RESIDENCE_PERMIT,
    TRANSFER_APPLICATION,
    SUSPENSION_FORM,
    HOSPITAL_RECORD,
    GRADE_A_HOSPITAL_RECORD,
    AUTHORITY_CERTIFICATE,
    WITHDRAWAL_FORM,
    PASSPORT_COPY,
    HOUSEHOLD_REGISTER_COPY,
    HOUSEHOLD_REGISTER,
    DEATH_PROOF,
    ZHONGKAO_SCORE,
    DROPOUT_REPORT,
    AWARD_CERTIFICATE,
    PE_EXEMPTION_PROOF,
)

Requirement = tuple[str, ...]  # any one of these kinds


def check_proofs(rule_id: str, required: Sequence[Requirement], attached: Collection[str]) -> list[Finding]:
    """One BLOCK naming every requirement no attached proof meets (an empty list when all are met)."""
    missing = [
        "或".join(f"《{kind}》" if kind.endswith("表") else kind for kind in alternatives)
        for alternatives in required
        if not any(kind in attached for kind in alternatives)
    ]
    if not missing:
        return []
    return [block(rule_id, f"须附证明材料：{'、'.join(missing)}（扫描件或照片）")]


def check_same_file(rule_id: str, kinds_of_each_file: Mapping[str, Sequence[str]]) -> list[Finding]:
    """A WARN for each file attached as two different proofs (the same scan as 户籍证明 and 转学申请 is almost always a
    slip): `kinds_of_each_file` maps a file's content digest to the kinds it was attached as."""
    return [
        warn(
            rule_id, f"同一个文件被用作不同的证明材料：{'、'.join(dict.fromkeys(kinds))}，请确认没有选错文件"
        )
        for kinds in kinds_of_each_file.values()
        if len(set(kinds)) > 1
    ]
