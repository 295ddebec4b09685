"""`xueji procedures …`: 异动手续 from a terminal on a real data file — opened with the same rules and proofs as the
wizard, listed, moved through their steps, previewed, refused with the article named (exit 2), cancelled and
reversed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_student, class_id_of, id_number
from xueji_desktop.models import Procedure, SchoolClass, StatusChange, Student
from xueji_desktop.rules import proofs
from xueji_desktop.rules.suspensions import SuspensionReason

PDF = b"%PDF-1.4\n%%EOF\n"
TODAY = "2026-10-08"


@pytest.fixture
def scans(scan):
    """--proof arguments (KIND=PATH) for the proofs these procedures ask for."""
    kinds = (
        proofs.SUSPENSION_FORM,
        proofs.HOSPITAL_RECORD,
        proofs.TRANSFER_APPLICATION,
        proofs.HUKOU_PROOF,
        proofs.DROPOUT_REPORT,
        proofs.HOUSEHOLD_REGISTER,
    )
    return {kind: f"{kind}={scan(kind).path}" for kind in kinds}


def _student(store, level: int = 3, **kwargs) -> int:
    return add_student(store, class_id_of(store, level), **kwargs)


def _suspension_arguments(student: int, scans, *more: str) -> list[str]:
    return [
        "procedures",
        "open",
        "suspension",
        "--student",
        str(student),
        "--set",
        f"reason={SuspensionReason.ILLNESS}",
        "--set",
        f"start={TODAY}",
        "--set",
        "illness_share_of_term=0.5",
        "--set",
        f"today={TODAY}",
        *more,
    ]


def _proofs(scans, *kinds: str) -> list[str]:
    """--proof KIND=PATH for each of the proof kinds."""
    return [argument for kind in kinds for argument in ("--proof", scans[kind])]


def _listed(run, *options: str) -> list[dict]:
    code, out, _ = run("procedures", "list", "--json", *options)
    assert code == 0
    return json.loads(out)


def _status(store, student_id: int) -> str:
    with store.read() as session:
        return session.get(Student, student_id).status


def _procedures(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(Procedure.id)))


def test_a_suspension_opened_listed_advanced_to_completion_and_reversed(school, run, scans):
    student = _student(school, name="王小明")
    arguments = _suspension_arguments(
        student, scans, *_proofs(scans, proofs.SUSPENSION_FORM, proofs.HOSPITAL_RECORD)
    )
    code, out, err = run(*arguments)
    assert code == 0, err
    procedure_id = int(out)

    [row] = _listed(run, "--open")
    assert (row["id"], row["kind"], row["label"], row["student_id"], row["student_name"]) == (
        procedure_id,
        "suspension",
        "休学",
        student,
        "王小明",
    )
    assert (row["state"], row["next_state"], row["province_state"], row["open"]) == (
        "已申请",
        "学校已审核",
        "待上报",
        True,
    )
    code, out, _ = run("procedures", "list")
    assert code == 0 and out.split("\t")[:6] == [
        str(procedure_id),
        "休学",
        "王小明",
        TODAY,
        "已申请",
        "学校已审核",
    ]

    assert run("procedures", "advance", str(procedure_id), "学校已审核", "--on", "2026-10-09")[:2] == (
        0,
        f"{procedure_id}\n",
    )
    code, out, err = run(
        "procedures",
        "advance",
        str(procedure_id),
        "学籍管理部门已登记",
        "--on",
        "2026-10-10",
        "--approval-number",
        "潞教学籍〔2026〕12号",
    )
    assert (code, out) == (0, f"{procedure_id}\n") and "已生效" in err
    assert _status(school, student) == "休学"
    assert _listed(run, "--open") == []
    [row] = _listed(run)
    assert (row["state"], row["next_state"], row["open"]) == ("学籍管理部门已登记", None, False)
    change_id = row["status_change_id"]

    code, out, err = run("procedures", "reverse", str(change_id), "--reason", "录错了学生")
    assert code == 0, err
    assert _status(school, student) == "在读"
    with school.read() as session:
        reversal = session.get(StatusChange, int(out))
        assert (reversal.reverses_id, reversal.status_after, reversal.reason) == (
            change_id,
            "在读",
            "录错了学生",
        )
    code, out, _ = run("procedures", "reverse", str(change_id), "--reason", "再冲一次")
    assert code == 2 and out.strip() == "依据《细则》第七条：这条异动已经冲正过"


def test_r22_1_preview_of_a_refused_suspension_prints_the_article_exits_2_and_writes_nothing(
    school, run, scans
):
    student = _student(school)
    arguments = _suspension_arguments(
        student, scans, *_proofs(scans, proofs.SUSPENSION_FORM)
    )  # no hospital record
    code, out, err = run(*arguments, "--preview")
    assert code == 2
    assert out.splitlines() == ["依据《细则》第二十二条：须附证明材料：县级以上医疗单位病历（扫描件或照片）"]
    assert "没有办理" in err
    assert _procedures(school) == 0

    code, out, _ = run(*arguments)  # the real call is refused the same way
    assert code == 2 and "第二十二条" in out and _procedures(school) == 0


def test_a_preview_that_would_pass_exits_0_and_writes_nothing(school, run, scans):
    student = _student(school)
    arguments = _suspension_arguments(
        student,
        scans,
        *_proofs(scans, proofs.SUSPENSION_FORM, proofs.HOSPITAL_RECORD),
        "--preview",
    )
    code, out, err = run(*arguments)
    assert (code, out) == (0, "") and "没有写入任何内容" in err
    assert _procedures(school) == 0


def test_r17_1_a_warning_needs_confirm_and_the_other_school_is_given_by_set(school, run, scans):
    student = _student(school)
    arguments = [
        "procedures",
        "open",
        "transfer_out",
        "--student",
        str(student),
        "--set",
        "to_school=长治市实验小学",
        "--set",
        "reason=家庭居住地迁移且户籍已迁入",
        "--set",
        "crosses_county=是",
        "--set",
        "hukou_moved=true",
        "--set",
        f"today={TODAY}",
        *_proofs(scans, proofs.TRANSFER_APPLICATION, proofs.HUKOU_PROOF),
    ]
    code, out, err = run(*arguments)
    assert code == 2
    assert out.startswith("提示：依据《细则》第十七条：转学一般应在学期初15天之内办理") and "--confirm" in err
    assert _procedures(school) == 0
    code, out, _ = run(*arguments, "--confirm")
    assert code == 0
    [row] = _listed(run)
    assert (row["id"], row["kind"], row["state"]) == (int(out), "transfer_out", "已申请")


def test_r28_1_a_list_of_enum_values_and_the_province_track(school, run, scans):
    student = _student(school)
    code, out, err = run(
        "procedures",
        "open",
        "dropout",
        "--student",
        str(student),
        "--set",
        "since=2026-09-20",
        "--set",
        "reported_to=乡镇人民政府、县级教育行政部门、学籍管理部门",
        "--set",
        f"today={TODAY}",
        *_proofs(scans, proofs.DROPOUT_REPORT),
    )
    assert code == 0, err
    procedure_id = out.strip()
    assert run("procedures", "advance", procedure_id, "学籍管理部门已登记")[0] == 0
    assert _status(school, student) == "辍学"

    code, out, _ = run("procedures", "province", procedure_id, "已通过")
    assert code == 2 and "第七条" in out and "不能从“待上报”改为“已通过”" in out
    assert run("procedures", "province", procedure_id, "已上报")[:2] == (0, f"{procedure_id}\n")
    code, out, _ = run("procedures", "province", procedure_id, "已退回")
    assert code == 2 and out.strip() == "依据《细则》第七条：请填写学籍管理部门退回的原因"
    assert run("procedures", "province", procedure_id, "已退回", "--note", "报告缺少签章")[0] == 0
    [row] = _listed(run)
    assert (row["province_state"], row["province_note"]) == ("已退回", "报告缺少签章")


def test_r14_1_an_information_change_takes_student_fields_by_set(school, run, scans):
    student = _student(school, name="王小明")
    code, out, err = run(
        "procedures",
        "open",
        "information_change",
        "--student",
        str(student),
        "--set",
        "name=王晓明",
        "--set",
        f"today={TODAY}",
        *_proofs(scans, proofs.HOUSEHOLD_REGISTER),
    )
    assert code == 0, err
    for state in ("学籍管理部门已核准", "已维护"):
        assert run("procedures", "advance", out.strip(), state)[0] == 0
    with school.read() as session:
        assert session.get(Student, student).name == "王晓明"


def test_r13_2_a_transfer_in_makes_the_record_when_it_completes(school, run, scans):
    with school.read() as session:
        class_id = next(
            c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 2 and c.number == 1
        )
    number = id_number(date(2018, 5, 6), "2")
    code, out, err = run(
        "procedures",
        "open",
        "transfer_in",
        "--set",
        "name=刘小红",
        "--set",
        "gender=女",
        "--set",
        "birth_date=2018-05-06",
        "--set",
        f"id_number={number}",
        "--set",
        "from_school=长治市实验小学",
        "--set",
        "grade_level=2",
        "--set",
        f"to_class_id={class_id}",
        "--set",
        "reason=家庭居住地迁移且户籍已迁入",
        "--set",
        "crosses_county=是",
        "--set",
        "hukou_moved=是",
        "--set",
        f"today={TODAY}",
        *_proofs(scans, proofs.TRANSFER_APPLICATION, proofs.HUKOU_PROOF),
        "--confirm",
    )
    assert code == 0, out + err
    for state in ("转入方已审核", "转出方已审核", "学籍已转接"):
        assert run("procedures", "advance", out.strip(), state)[0] == 0
    with school.read() as session:
        student = session.scalar(select(Student).where(Student.id_number == number))
        assert (student.name, student.gender, student.status, student.school_class_id) == (
            "刘小红",
            "2",
            "在读",
            class_id,
        )


def test_cancel_an_open_procedure_with_its_reason(school, run, scans):
    student = _student(school)
    arguments = _suspension_arguments(
        student, scans, *_proofs(scans, proofs.SUSPENSION_FORM, proofs.HOSPITAL_RECORD)
    )
    procedure_id = run(*arguments)[1].strip()
    with pytest.raises(SystemExit) as usage:  # --reason is required: argparse's usage error
        run("procedures", "cancel", procedure_id)
    assert usage.value.code == 2
    assert run("procedures", "cancel", procedure_id, "--reason", "家长撤回申请")[:2] == (
        0,
        f"{procedure_id}\n",
    )
    [row] = _listed(run)
    assert (row["state"], row["open"]) == ("已撤销", False)
    code, out, _ = run("procedures", "advance", procedure_id, "学校已审核")
    assert code == 2 and "已撤销" in out


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["start=2026/10/08"], "start 应为日期 YYYY-MM-DD：2026/10/08"),
        (["reason=生病"], "reason 应为以下之一：因病需停课治疗休养"),
        (["colour=红"], "这类手续没有这些内容：colour"),
        (["start"], "--set 的格式应为 KEY=VALUE：start"),
    ],
)
def test_bad_input_exits_1_with_a_chinese_line_and_writes_nothing(school, run, scans, values, message):
    student = _student(school)
    arguments = _suspension_arguments(
        student, scans, *_proofs(scans, proofs.SUSPENSION_FORM, proofs.HOSPITAL_RECORD)
    )
    for value in values:
        arguments += ["--set", value]
    code, out, err = run(*arguments)
    assert (code, out) == (1, "") and message in err
    assert _procedures(school) == 0


def test_the_student_is_required_except_for_a_transfer_in_and_must_exist(school, run, scans):
    code, _, err = run("procedures", "open", "suspension", "--set", f"start={TODAY}")
    assert code == 1 and "--student" in err
    code, _, err = run("procedures", "open", "transfer_in", "--student", "1")
    assert code == 1 and "转入手续不用 --student" in err
    code, _, err = run(*_suspension_arguments(999, scans))
    assert code == 1 and "没有编号为 999 的学生" in err
    code, _, err = run("procedures", "advance", "999", "学校已审核")
    assert code == 1 and "没有编号为 999 的异动手续" in err


def test_a_proof_of_an_unknown_kind_or_not_a_scan_is_refused_before_anything_else(
    school, run, scans, tmp_path
):
    student = _student(school)
    text = tmp_path / "说明.txt"
    text.write_text("不是扫描件", encoding="utf-8")
    code, _, err = run(*_suspension_arguments(student, scans, "--proof", f"病假条={text}", "--preview"))
    assert code == 1 and "未知的证明材料类别：病假条" in err
    code, _, err = run(
        *_suspension_arguments(student, scans, "--proof", f"{proofs.HOSPITAL_RECORD}={text}", "--preview")
    )
    assert code == 1 and "不是图片或 PDF 文件" in err
    assert _procedures(school) == 0


# --- every kind from the registry -----------------------------------------------------------------------------------


def test_kinds_lists_every_kind_from_the_registry(run):
    from xueji_desktop.services.procedures import all_kinds

    code, out, _ = run("procedures", "kinds", "--json")
    assert code == 0
    listed = {kind["code"]: kind for kind in json.loads(out)}
    assert list(listed) == list(all_kinds())
    suspension = listed["suspension"]
    assert (suspension["label"], suspension["statuses"], suspension["forms"]) == (
        "休学",
        ["在读"],
        ["休学、复学申请表"],
    )
    fields = {field["name"]: field for field in suspension["fields"]}
    assert fields["start"]["label"] == "休学开始日期" and fields["start"]["type"] == "date"
    assert fields["start"]["required"] and fields["end"]["default"] is None
    assert fields["reason"]["options"] == [reason.value for reason in SuspensionReason]
    assert suspension["proofs"]["rule_id"] == "R22.1" and suspension["proofs"]["depends_on"] == ["reason"]
    assert ["休学、复学申请表"] in suspension["proofs"]["required"]
    assert listed["transfer_in"]["takes_student"] is False and listed["transfer_in"]["statuses"] == []
    assert listed["suspension_extension"]["label"] == "延长休学"
    assert listed["dropout"]["fields"][1]["type"] == "choices"
    code, out, err = run("procedures", "kinds")
    assert code == 0 and "suspension\t休学" in out and "--set start=…" in out and "共 11 类" in err


def _preview_values(store) -> dict[str, list[str]]:
    """--set values of a request of each kind, for a grade-three student in school (or a transfer in)."""
    with store.read() as session:
        class_name = next(c.name for c in session.scalars(select(SchoolClass)) if c.grade.level == 2)
    return {
        "transfer_in": [
            "name=刘小红",
            "gender=女",
            "birth_date=2018-05-06",
            f"id_number={id_number(date(2018, 5, 6), '2')}",
            "from_school=长治市实验小学",
            "grade_level=二年级",
            f"to_class_id={class_name}",
            "reason=家庭居住地迁移且户籍已迁入",
            "crosses_county=是",
            "hukou_moved=是",
        ],
        "transfer_out": [
            "to_school=长治市实验小学",
            "reason=家庭居住地迁移且户籍已迁入",
            "crosses_county=是",
            "hukou_moved=是",
        ],
        "suspension": [f"reason={SuspensionReason.ILLNESS}", f"start={TODAY}", "illness_share_of_term=50%"],
        "suspension_extension": ["new_end=2027-12-31"],
        "resumption": [f"to_class_id={class_name}", f"on={TODAY}"],
        "withdrawal": ["reason=出境定居", "approved_by=县级教育行政部门"],
        "automatic_withdrawal": ["longest_continuous_weeks=9", "total_weeks=10", "contacted_family=是"],
        "death": [f"died_on={TODAY}"],
        "dropout": ["since=2026-09-20", "reported_to=乡镇人民政府、县级教育行政部门"],
        "information_change": ["name=王晓明"],
        "restoration": [f"to_class_id={class_name}"],
    }


def test_every_kind_has_a_preview_case():
    from xueji_desktop.services.procedures import all_kinds

    assert set(PREVIEW_KINDS) == set(all_kinds())


PREVIEW_KINDS = (
    "transfer_in",
    "transfer_out",
    "suspension",
    "suspension_extension",
    "resumption",
    "withdrawal",
    "automatic_withdrawal",
    "death",
    "dropout",
    "information_change",
    "restoration",
)


@pytest.mark.parametrize("kind", PREVIEW_KINDS)
def test_preview_json_works_for_every_kind_and_writes_nothing(school, run, kind):
    """R7.1: every kind can be checked from a script (`automatic_withdrawal … --preview` once crashed with a
    TypeError on `proofs`); each finding with its rule id, article, kind (block/warn) and message."""
    values = _preview_values(school)[kind]
    student = [] if kind == "transfer_in" else ["--student", str(_student(school))]
    arguments = ["procedures", "open", kind, *student, "--set", f"today={TODAY}"]
    for value in values:
        arguments += ["--set", value]
    code, out, err = run(*arguments, "--preview", "--json")
    assert code in (0, 2), err
    shown = json.loads(out)
    assert shown["would_open"] is (code == 0)
    assert shown["findings"], "every request here lacks its proofs or its conditions"
    for finding in shown["findings"]:
        assert set(finding) >= {"rule_id", "article", "kind", "message"}
        assert finding["rule_id"].startswith("R") and finding["article"].startswith("第")
        assert finding["kind"] in ("block", "warn")
    assert _procedures(school) == 0
