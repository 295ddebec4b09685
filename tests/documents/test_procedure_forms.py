"""The forms of procedures, printed from procedures opened and advanced through the real services on a real
data file: 《山西省中小学生休学、复学申请表》 (R22.1, R22.2), 《山西省中小学生退学申请表》 (R25.1), the 转学联系函 with
its 回执 (R17.1) and the 辍学书面报告 (R28.1). Text checked with pdftotext; pages rendered with pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from tests.documents.test_info_form import _assert_inside_margins, needs_pdftoppm
from tests.factories import (
    abroad_proofs,
    add_student,
    class_id_of,
    open_dropout,
    open_suspension,
    open_transfer_in,
    open_transfer_out,
    open_withdrawal,
    senior_school,
    transfer_proofs,
    workplace_move,
)
from xueji_desktop.rules import proofs
from xueji_desktop.rules.withdrawals import ApprovingBody, AttendanceFacts
from xueji_desktop.services import procedures
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.printing import forms
from xueji_desktop.services.procedures import suspensions, withdrawals

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)

OCTOBER = date(2026, 10, 8)
SEPTEMBER = date(2026, 9, 8)  # the first days of 第一学期 (R17.1)
NOVEMBER = date(2026, 11, 2)


@pytest.fixture
def named_scan(tmp_path):
    """scan(kind, "长治市人民医院病历.jpg"): a proof of that kind under the file name the clerk chose."""
    folder = tmp_path / "named-scans"
    folder.mkdir()

    def make(kind: str, name: str) -> ProofFile:
        path = folder / name
        path.write_bytes(b"%PDF-1.4\n%%EOF\n" + name.encode())
        return ProofFile(kind, path)

    return make


@pytest.fixture
def senior(tmp_path):
    with senior_school(tmp_path / "senior") as store:
        yield store


def _text(path) -> str:
    """The page's text without the spaces pdftotext puts between cells (a wrapped line is joined too)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(out.split())


def _one_page_text(path) -> str:
    """The text of a form that fits on one page."""
    assert _page_count(path) == 1
    return _text(path)


def _page_count(path) -> int:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return len([page for page in out.split("\f") if page.strip()])


def _suspend(store, student, scan, named_scan) -> int:
    record = named_scan(proofs.HOSPITAL_RECORD, "长治市人民医院病历.jpg")
    return open_suspension(
        store, student, [scan(proofs.SUSPENSION_FORM), record], today=OCTOBER, illness_share_of_term=0.5
    )


def test_r22_1_suspension_form_before_and_after_the_authority_registers_it(school, scan, named_scan, out_dir):
    student = add_student(school, class_id_of(school, 3), name="赵小飞")
    procedure = _suspend(school, student, scan, named_scan)
    text = _one_page_text(forms.procedure_form(school, procedure, out_dir / "休学.pdf"))
    for expected in (
        "山西省中小学生休学、复学申请表",
        "潞城区实验小学",
        "赵小飞",
        "三年级(1)班",
        "张建军（父亲）",
        "13800138000",
        "申请类别",
        "休学",
        "延长休学",
        "复学",
        "因病需停课治疗休养（超过一学期总学时三分之一）",
        "约占本学期总学时的50%",
        "休学期限2026年10月8日至2027年10月7日",
        "县级以上医疗单位病历（长治市人民医院病历.jpg）",
        "学生签字",
        "监护人签字",
        "学校意见",
        "学籍管理部门意见",
        "申请日期：2026年10月8日",
    ):
        assert expected in text, expected
    assert (
        "休学、复学申请表（" not in text
    )  # the signed copy of this very form is not listed as its own attachment
    assert "审批文号" not in text and "同意休学" not in text  # nothing approved yet: the blocks are blank
    procedures.advance(school, procedure, "学校已审核", on=OCTOBER)
    procedures.advance(
        school, procedure, "学籍管理部门已登记", on=date(2026, 10, 10), approval_number="潞教学籍〔2026〕12号"
    )
    text = _text(
        forms.procedure_form(school, procedure, out_dir / "休学.pdf")
    )  # printed again, over the first
    assert "同意休学" in text and "审批文号：潞教学籍〔2026〕12号" in text
    assert "日期：2026年10月8日" in text and "日期：2026年10月10日" in text


def test_r22_3_an_extension_and_r22_2_a_resumption_on_the_same_form(school, scan, named_scan, out_dir):
    student = add_student(school, class_id_of(school, 3), name="孙小美")
    procedure = _suspend(school, student, scan, named_scan)
    procedures.advance(school, procedure, "学校已审核", on=OCTOBER)
    procedures.advance(school, procedure, "学籍管理部门已登记", on=OCTOBER)
    extension = procedures.open(
        school,
        suspensions.ExtensionRequest(student_id=student, new_end=date(2028, 6, 30)),
        today=date(2027, 9, 20),
        proofs=[scan(proofs.SUSPENSION_FORM), named_scan(proofs.HOSPITAL_RECORD, "复查病历.pdf")],
    )
    text = _text(forms.procedure_form(school, extension, out_dir / "延长.pdf"))
    assert "山西省中小学生休学、复学申请表" in text and "孙小美" in text
    assert "原休学期限2026年10月8日至2027年10月7日" in text and "延长至2028年6月30日" in text
    assert "申请延长休学期至2028年6月30日" in text and "复查病历.pdf" in text
    resumption = procedures.open(
        school,
        suspensions.ResumptionRequest(
            student_id=student, to_class_id=class_id_of(school, 3), on=date(2027, 2, 24)
        ),
        today=date(2027, 2, 20),
        proofs=[scan(proofs.SUSPENSION_FORM), named_scan(proofs.HOSPITAL_RECORD, "康复证明.pdf")],
    )
    text = _text(forms.procedure_form(school, resumption, out_dir / "复学.pdf"))
    assert "复学日期2027年2月24日" in text and "复学班级三年级(1)班" in text and "回原年级就读" in text
    assert "康复证明.pdf" in text and "休学期限2026年10月8日至2027年10月7日" in text


def test_r25_1_withdrawal_form_with_its_reason_proofs_and_three_opinions(school, scan, named_scan, out_dir):
    student = add_student(school, class_id_of(school, 2), name="钱多多")
    proofs_given = [
        scan(proofs.WITHDRAWAL_FORM),
        named_scan(proofs.PASSPORT_COPY, "护照首页.pdf"),
        named_scan(proofs.HOUSEHOLD_REGISTER_COPY, "户口簿.pdf"),
    ]
    # 出境定居, the county bureau approving (open_withdrawal's request)
    procedure = open_withdrawal(school, student, proofs_given, today=NOVEMBER)
    procedures.advance(school, procedure, "学校已审核", on=date(2026, 11, 3))
    text = _text(forms.procedure_form(school, procedure, out_dir / "退学.pdf"))
    for expected in (
        "山西省中小学生退学申请表",
        "钱多多",
        "二年级(1)班",
        "退学原因",
        "丧失学习能力",
        "出境定居",
        "审批机关县级教育行政部门",
        "本人护照复印件（护照首页.pdf）",
        "户口簿复印件（户口簿.pdf）",
        "学校意见",
        "同意退学，报请审批",
        "县级教育行政部门意见",
        "学籍管理部门意见",
    ):
        assert expected in text, expected
    assert "审批文号" not in text
    procedures.advance(school, procedure, "已批准", on=date(2026, 11, 9), approval_number="潞教〔2026〕31号")
    text = _text(forms.procedure_form(school, procedure, out_dir / "退学.pdf"))
    assert "批准退学" in text and "审批文号：潞教〔2026〕31号" in text and "日期：2026年11月9日" in text


def test_r26_1_automatic_withdrawal_prints_on_the_withdrawal_form(senior, out_dir):
    student = add_student(senior, class_id_of(senior, 11), name="高二生")
    procedure = procedures.open(
        senior,
        withdrawals.AutomaticWithdrawalRequest.from_attendance(student, AttendanceFacts(9, 9, True)),
        decision=procedures.Decision(confirmed=True),
        today=NOVEMBER,
    )
    text = _text(forms.procedure_form(senior, procedure, out_dir / "自动退学.pdf"))
    assert "山西省中小学生退学申请表" in text and "潞城区第一中学" in text and "高二生" in text
    assert "自动退学" in text and "连续无故旷课9周" in text and "经办人签字" in text
    assert "该生符合自动退学条件" in text  # the school's report is the application


def test_r17_1_transfer_letter_out_with_its_receipt(school, scan, out_dir):
    student = add_student(school, class_id_of(school, 3), name="孙悟空")
    procedure = open_transfer_out(school, student, transfer_proofs(scan), today=SEPTEMBER)
    text = _one_page_text(forms.procedure_form(school, procedure, out_dir / "转出.pdf"))
    for expected in (
        "转学联系函",
        "长治市实验小学：",
        "我校三年级(1)班学生孙悟空（男，2019年3月14日出生）",
        "因家庭居住地迁移且户籍已迁入",
        "同意该生转出",
        "请沿此线剪下",
        "回执",
        "潞城区实验小学：",
        "贵校学生孙悟空的转学联系函已收到",
        "同意接收",
        "不同意接收",
        "（盖章）",
    ):
        assert expected in text, expected
    assert "审批情况" not in text
    procedures.advance(school, procedure, "转入方已审核", on=SEPTEMBER, approval_number="长教学籍〔2026〕3号")
    procedures.advance(school, procedure, "转出方已审核", on=date(2026, 9, 10))
    text = _text(forms.procedure_form(school, procedure, out_dir / "转出.pdf"))
    assert "转入方已审核（2026年9月8日，审批文号：长教学籍〔2026〕3号）" in text
    assert "转出方已审核（2026年9月10日）" in text
    assert "潞城区实验小学2026年9月10日" in text  # the letter is dated the day this school agreed


def test_r17_1_transfer_letter_in_before_the_record_exists(school, scan, out_dir):
    person = workplace_move()  # 王小丫, her 居住证 for the 户籍证明
    number = person["id_number"]
    procedure = open_transfer_in(
        school, transfer_proofs(scan, proofs.RESIDENCE_PERMIT), today=SEPTEMBER, **person
    )
    text = _text(forms.procedure_form(school, procedure, out_dir / "转入.pdf"))
    for expected in (
        "转学联系函",
        "平顺县实验小学：",
        "贵校二年级学生王小丫（女，2018年5月6日出生）",
        "因外来务工人员务工地变化",
        "同意接收该生转入二年级(1)班就读",
        number,
        "回执",
        "同意该生转出",
        "不同意转出",
    ):
        assert expected in text, expected


def test_r28_1_dropout_report_to_every_body_it_went_to(school, scan, out_dir):
    student = add_student(school, class_id_of(school, 3), name="王䶮")
    procedure = open_dropout(school, student, [scan(proofs.DROPOUT_REPORT)], today=NOVEMBER)
    text = _text(forms.procedure_form(school, procedure, out_dir / "辍学.pdf"))
    for expected in (
        "辍学书面报告",
        "关于王䶮同学辍学情况的报告",
        "乡镇人民政府、县级教育行政部门、学籍管理部门（长治市潞城区教育局学籍管理办公室）：",
        "我校三年级(1)班学生王䶮",
        "自2026年10月20日起未到校上课",
        "第二十八条",
        "学校劝返工作情况",
        "在义务教育年限内学籍予以保留",
        "特此报告",
        "潞城区实验小学2026年11月2日",
    ):
        assert expected in text, expected


def test_a_kind_without_a_form_is_refused_and_nothing_is_written(school, scan, out_dir):
    student = add_student(school, class_id_of(school, 1))
    procedure = procedures.open(
        school,
        withdrawals.DeathRequest(student_id=student, died_on=date(2026, 10, 28)),
        proofs=[scan(proofs.DEATH_PROOF)],
        today=NOVEMBER,
    )
    with pytest.raises(ValueError, match="“死亡”手续没有需要打印的表格"):
        forms.procedure_form(school, procedure, out_dir / "死亡.pdf")
    with pytest.raises(LookupError, match="没有编号为 999 的异动手续"):
        forms.procedure_form(school, 999, out_dir / "无.pdf")
    assert list(out_dir.iterdir()) == []
    assert forms.form_name("death") is None and forms.form_name("resumption") == "休学、复学申请表"


def test_every_form_is_printed_by_the_kinds_that_name_it_in_the_registry():
    printing = {code: forms.form_name(code) for code in procedures.all_kinds()}
    assert set(procedures.printable_forms()) == {
        "休学、复学申请表",
        "退学申请表",
        "转学联系函",
        "辍学书面报告",
    }
    assert {code for code, form in printing.items() if form is None} == {
        "death",
        "information_change",
        "restoration",
    }
    assert procedures.kinds_printing("休学、复学申请表") == (
        "suspension",
        "suspension_extension",
        "resumption",
    )


def test_a_cancelled_procedure_says_so_on_its_form(school, scan, named_scan, out_dir):
    student = add_student(school, class_id_of(school, 3), name="吴反悔")
    procedure = _suspend(school, student, scan, named_scan)
    procedures.cancel(school, procedure, reason="家长撤回申请", on=date(2026, 10, 9))
    text = _text(forms.procedure_form(school, procedure, out_dir / "撤销.pdf"))
    assert "本手续已于2026年10月9日撤销：家长撤回申请" in text


@needs_pdftoppm
def test_every_form_stays_inside_its_margins(school, scan, named_scan, out_dir, tmp_path):
    suspended = add_student(
        school,
        class_id_of(school, 3),
        name="欧阳长名字",
        current_address="山西省长治市潞城区潞华街道黄牛蹄社区幸福里小区十二号楼三单元四零二室",
    )
    leaving = add_student(school, class_id_of(school, 2))
    dropped = add_student(school, class_id_of(school, 3))
    made = [
        _suspend(school, suspended, scan, named_scan),
        open_withdrawal(
            school, leaving, abroad_proofs(scan), today=NOVEMBER, approved_by=ApprovingBody.TOWNSHIP
        ),
        open_transfer_out(
            school,
            suspended,
            transfer_proofs(scan),
            today=SEPTEMBER,
            to_school="长治市潞州区某某街道中心学校附属小学",
        ),
        open_dropout(school, dropped, [scan(proofs.DROPOUT_REPORT)], today=NOVEMBER),
    ]
    for index, procedure in enumerate(made):
        path = forms.procedure_form(school, procedure, out_dir / f"{index}.pdf")
        assert _page_count(path) == 1
        _assert_inside_margins(path, tmp_path)
