"""The 休学 wizard's paper comes first (第二十二条): the 《休学、复学申请表》 printed from the answers before anything is
saved (services/printing/forms.request_form), and one scan given as two different proofs warned (rules/proofs
check_same_file) — 停课治疗占学时 is asked, never assumed."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest

from tests.factories import add_student, class_id_of, illness_proofs
from xueji_desktop.models import Procedure
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.proofs import check_same_file
from xueji_desktop.rules.suspensions import SuspensionReason
from xueji_desktop.services import procedures
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.printing.forms import request_form
from xueji_desktop.services.procedures.suspensions import SuspensionRequest

OCTOBER = date(2026, 10, 8)


def _text(pdf) -> str:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_the_suspension_form_prints_from_the_answers_before_the_procedure_exists_R22_1(school, tmp_path):
    student = add_student(school, class_id_of(school, 2), name="王小明")
    request = SuspensionRequest(
        student_id=student, reason=SuspensionReason.ILLNESS, start=OCTOBER, illness_share_of_term=0.5
    )
    out = request_form(school, request, tmp_path / "申请表.pdf", today=OCTOBER)
    text = _text(out)
    assert "休学" in text and "王小明" in text
    with school.read() as session:
        assert session.query(Procedure).count() == 0  # nothing saved


def test_one_scan_as_two_proofs_is_warned_and_kept_when_confirmed_R22_1(school, scan):
    student = add_student(school, class_id_of(school, 2))
    form, record = illness_proofs(scan)
    same = [form, ProofFile(proofs.HOSPITAL_RECORD, form.path)]  # the application's scan again, as the record
    request = SuspensionRequest(
        student_id=student, reason=SuspensionReason.ILLNESS, start=OCTOBER, illness_share_of_term=0.5
    )
    with pytest.raises(RuleViolation) as warned:
        procedures.open(school, request, same, procedures.NO_DECISION, OCTOBER)
    [finding] = [f for f in warned.value.findings if "同一个文件" in f.message]
    assert not finding.blocks and finding.rule_id == "R22.1"
    assert procedures.open(school, request, same, procedures.Decision(confirmed=True), OCTOBER) > 0


def test_check_same_file_warns_only_for_different_kinds():
    assert check_same_file("R22.1", {"a": ["户籍证明", "户籍证明"], "b": ["转学申请"]}) == []
    [found] = check_same_file("R22.1", {"a": ["户籍证明", "转学申请"]})
    assert "户籍证明、转学申请" in found.message
