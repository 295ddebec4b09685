"""`xueji`: the same services from a terminal — for scripting, tests and the installer's self-test.

Every command takes --data-dir (default: XUEJI_DATA_DIR, then the per-user data folder). Messages are Chinese; a
refused command exits 1 with one line saying why, an unreadable data folder exits 2. `procedures …` (异动手续)
exits 2 when the regulation refuses, printing each finding with the article it rests on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from xueji_desktop import APP_NAME

STAGE_CHOICES = ("primary", "junior", "senior", "nine_year", "twelve_year", "special")
BATCH_KINDS = {"new-students": "export_new_students", "status-changes": "export_status_changes"}
# each kind of 异动手续 and the service that opens it (module in xueji_desktop.services, function)
OPENERS = {
    "transfer_in": ("transfers", "open_transfer_in"),
    "transfer_out": ("transfers", "open_transfer_out"),
    "suspension": ("suspensions", "open_suspension"),
    "suspension_extension": ("suspensions", "open_extension"),
    "resumption": ("suspensions", "open_resumption"),
    "withdrawal": ("withdrawals", "open_withdrawal"),
    "automatic_withdrawal": ("withdrawals", "open_automatic_withdrawal"),
    "death": ("withdrawals", "open_death"),
    "dropout": ("withdrawals", "open_dropout"),
    "restoration": ("withdrawals", "open_restoration"),
    "information_change": ("information_changes", "open_information_change"),
}
_YES_NO = {"是": True, "否": False, "true": True, "false": False}


def _subcommand(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    """A subcommand with its help, and the --data-dir every command takes."""
    sub = subparsers.add_parser(name, help=help_text, description=help_text)
    sub.add_argument("--data-dir", help="数据文件夹")
    return sub


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xueji", description=f"{APP_NAME} 命令行")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return _subcommand(commands, name, help_text)

    init = command("init", "设置学校（相当于首次设置向导）")
    init.add_argument("--name", required=True, help="学校名称")
    init.add_argument("--code", required=True, help="学校标识码（10位数字）")
    init.add_argument("--stage", required=True, choices=STAGE_CHOICES, help="学段")
    init.add_argument("--region", default="140406", help="所在地行政区划代码（默认 140406 潞城区）")
    init.add_argument("--authority", default="长治市潞城区教育局", help="学籍管理部门")
    init.add_argument("--principal", required=True, help="校长")
    init.add_argument("--registrar", required=True, help="学籍管理员")
    init.add_argument("--year", type=int, help="学年开始的年份（默认：当前学年）")
    for term in ("term1-start", "term1-end", "term2-start", "term2-end"):
        init.add_argument(
            f"--{term}", type=date.fromisoformat, help="学期日期 YYYY-MM-DD（默认 9/1、1/20、2/20、7/10）"
        )
    init.add_argument("--classes", type=int, default=2, help="每个年级的班级数（默认2）")

    demo = command("demo", "生成一所演示学校")
    demo.add_argument("--students", type=int, default=1000, help="学生人数（可为0：只有学校和班级）")
    demo.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")

    students = command("students", "列出学生")
    students.add_argument("--class", dest="class_name", help="班级名称，如 一年级(2)班")
    students.add_argument("--status", help="学生状态，如 在读、休学")
    students.add_argument("--json", action="store_true", help="以 JSON 输出（含完整身份证件号）")

    load = command("import-students", "从 Excel 导入新生名单（.xlsx / .xls）")
    load.add_argument("file", type=Path, help="Excel 文件")
    load.add_argument("--sheet", help="工作表名称（默认：第一个有表头的工作表）")
    load.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    load.add_argument("--errors", type=Path, help="把有错误的行写成错误清单工作簿（.xlsx）")
    load.add_argument("--valid-only", action="store_true", help="只导入没有错误的行")
    load.add_argument("--grade", type=int, help="新生编入的年级（默认：本校的起始年级）")

    batch = command("export-batch", "导出上报批次（省学籍系统的导入模板）")
    batch.add_argument(
        "kind",
        choices=tuple(BATCH_KINDS),
        help="批次类型：new-students 新生信息；status-changes 待上报或已退回的学籍异动",
    )
    batch.add_argument("out", type=Path, help="输出的 .xlsx 文件（超过模板行数时另写 _2、_3 …）")
    batch.add_argument("--valid-only", action="store_true", help="只导出通过检查的学生")

    _procedures_parser(commands)

    printing = command("print", "生成可打印的 PDF：证明、申请表、名册、套打")
    printing.add_argument(
        "form",
        choices=tuple(PRINT_FORMS),
        metavar="FORM",
        help="；".join(f"{key}：{label}" for key, label in PRINT_FORMS.items()),
    )
    printing.add_argument("out", type=Path, help="输出的 PDF 文件")
    printing.add_argument(
        "--student",
        action="append",
        default=[],
        help="学生：身份证件号、学籍号或编号（可重复，多名学生合成一个 PDF）",
    )
    printing.add_argument("--class", dest="class_name", help="班级名称（如「三年级(1)班」）或班级编号：全班")
    printing.add_argument(
        "--procedure", type=int, help="申请表、联系函、辍学报告：手续编号（默认为该生最近一项同类手续）"
    )
    printing.add_argument(
        "--year", type=int, help="毕业生花名册：毕业年份；录取花名册：入学学年的起始年份（默认今年）"
    )
    printing.add_argument("--full-ids", action="store_true", help="名册中显示完整身份证件号（存档用）")
    printing.add_argument("--studied-until", help="学历证明书：学习截至年月，如 2023-07")
    printing.add_argument("--approval-number", default="", help="学历证明书再次开具：主管部门批准文号")
    printing.add_argument("--reason", default="", help="学历证明书再次开具：原因")
    printing.add_argument("--purpose", default="", help="用途，如「用于办理医保」")
    printing.add_argument(
        "--layout", default="diploma_primary", help="套打版式：diploma_primary 小学、diploma_junior 初中"
    )
    printing.add_argument("--printer", default="", help="套打：用这台打印机保存的偏移（打印机名称）")
    check = command("verify", "核验证明：扫描所得的二维码内容、证明编号，或扫描件（图片、PDF）的路径")
    check.add_argument("code")

    shot = command("screenshot", "把主窗口渲染成 PNG 图片（无需显示器）")
    shot.add_argument("out", type=Path, help="输出的 PNG 文件")
    shot.add_argument("--tab", choices=("名册", "新生建籍", "异动", "档案"), default="名册")
    shot.add_argument("--width", type=int, default=1280)
    shot.add_argument("--height", type=int, default=760)
    return parser


def _procedures_parser(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "procedures", help="异动手续（转学、休学、退学 …）", description="异动手续：办理、查看、撤销、冲正"
    )
    actions = group.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        return _subcommand(actions, name, help_text)

    listing = action("list", "列出异动手续（最新的在前）")
    listing.add_argument("--open", action="store_true", help="只列出尚未办结的手续")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")

    opening = action("open", "办理一项异动手续（检查《细则》的规定和证明材料）")
    opening.add_argument("kind", choices=tuple(OPENERS), help="手续类别")
    opening.add_argument("--student", type=int, help="学生编号（转入手续不用：学籍在办结时建立）")
    opening.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="手续的一项内容，如 start=2026-10-08、reason=本人其他不可抗拒原因、crosses_county=是",
    )
    opening.add_argument(
        "--proof",
        dest="proofs",
        action="append",
        default=[],
        metavar="KIND=PATH",
        help="证明材料：类别=扫描件路径，如 休学、复学申请表=申请表.pdf",
    )
    opening.add_argument("--confirm", action="store_true", help="已阅读并确认所有提示")
    opening.add_argument(
        "--exception-number", default="", help="学籍管理部门批准例外办理的文号（仅“原则上”的规定）"
    )
    opening.add_argument("--exception-reason", default="", help="例外办理的书面理由")
    opening.add_argument("--preview", action="store_true", help="只检查并列出所有发现，不写入")

    step = action("advance", "办理手续的下一步（最后一步写入异动）")
    step.add_argument("id", type=int, help="手续编号")
    step.add_argument("state", help="下一步，如 学校已审核")
    step.add_argument("--on", type=date.fromisoformat, help="日期 YYYY-MM-DD（默认今天）")
    step.add_argument("--approval-number", help="审批文号")
    step.add_argument("--note", help="备注")

    province = action("province", "记录手续在省级学籍系统中的状态（已上报、已通过、已退回）")
    province.add_argument("id", type=int, help="手续编号")
    province.add_argument("state", help="已上报、已通过或已退回")
    province.add_argument("--on", type=date.fromisoformat, help="日期 YYYY-MM-DD（默认今天）")
    province.add_argument("--note", help="备注（已退回时填写退回原因）")

    cancel = action("cancel", "撤销尚未生效的手续")
    cancel.add_argument("id", type=int, help="手续编号")
    cancel.add_argument("--reason", required=True, help="撤销原因")
    cancel.add_argument("--on", type=date.fromisoformat, help="日期 YYYY-MM-DD（默认今天）")

    reverse = action("reverse", "冲正一条录错的异动记录")
    reverse.add_argument("status_change_id", type=int, help="异动记录编号（procedures list 的最后一列）")
    reverse.add_argument("--reason", required=True, help="冲正原因")
    reverse.add_argument("--on", type=date.fromisoformat, help="日期 YYYY-MM-DD（默认今天）")


def _school_year_default(today: date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def cmd_init(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.school_setup import STAGES, SchoolSetup, SetupError, create_school

    year = args.year or _school_year_default(date.today())
    setup = SchoolSetup(
        name=args.name,
        code=args.code,
        stage=args.stage,
        region_code=args.region,
        authority=args.authority,
        principal=args.principal,
        registrar=args.registrar,
        start_year=year,
        term1_start=args.term1_start or date(year, 9, 1),
        term1_end=args.term1_end or date(year + 1, 1, 20),
        term2_start=args.term2_start or date(year + 1, 2, 20),
        term2_end=args.term2_end or date(year + 1, 7, 10),
        classes_per_grade={level: args.classes for level in STAGES[args.stage][1]},
    )
    try:
        create_school(store, setup)
    except SetupError as error:
        print(f"设置失败：{error}", file=sys.stderr)
        return 1
    print(f"已设置学校：{setup.name}（{store.folder.root}）")
    return 0


def cmd_demo(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.demo import create_demo_school
    from xueji_desktop.services.school_setup import is_set_up

    if is_set_up(store):
        print(f"这个数据文件夹已经有学校了：{store.folder.root}", file=sys.stderr)
        return 1
    create_demo_school(store, students=args.students, seed=args.seed)
    print(f"已生成演示学校（{args.students} 名学生）：{store.folder.root}")
    return 0


def cmd_students(store, args: argparse.Namespace) -> int:
    from xueji_desktop.rules.identity import mask_id_number
    from xueji_desktop.services.roster import student_listing

    rows = student_listing(store, class_name=args.class_name, status=args.status)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for row in rows:
        print(
            "\t".join(
                [
                    row["school_number"],
                    row["name"],
                    row["gender"],
                    row["birth_date"],
                    mask_id_number(row["id_number"]),
                    row["national_student_id"],
                    row["class_name"],
                    row["status"],
                ]
            )
        )
    print(f"共 {len(rows)} 名学生", file=sys.stderr)
    return 0


def cmd_import_students(store, args: argparse.Namespace) -> int:
    """Exit 0: imported (or, --dry-run, would be); 1: the file has errors, nothing written; 2: unreadable file."""
    from xueji_desktop.services.student_import import commit_import, plan_classes, plan_import
    from xueji_desktop.spreadsheets.errors import ImportFileError

    try:
        plan = plan_import(store, args.file, sheet=args.sheet)
    except ImportFileError as error:
        print(str(error))
        return 2
    problems = plan.problems
    for problem in problems:
        hint = f"（{problem.hint}）" if problem.hint else ""
        print(f"{problem.row_number}\t{problem.header}\t{problem.message}{hint}")
    for warning in plan.warnings:
        print(f"{warning.row_number}\t姓名\t提示：{warning.finding.text}")
    if problems and args.errors:
        from xueji_desktop.spreadsheets.error_workbook import write_error_workbook

        write_error_workbook(args.errors, plan.table, problems)
        print(f"错误清单已写入：{args.errors}", file=sys.stderr)
    valid = plan.valid_records
    if problems and not args.valid_only:
        print(f"共 {len(problems)} 处错误（{len(plan.error_rows)} 行），没有导入任何学生。", file=sys.stderr)
        return 1
    if not valid:
        print("没有可导入的行。", file=sys.stderr)
        return 1
    classes = plan_classes(store, plan, grade_level=args.grade)
    for finding in classes.findings:
        print(f"提示：{finding.text}", file=sys.stderr)
    if classes.blocking:
        return 1
    if args.dry_run:
        print(
            f"检查通过：可导入 {len(valid) - len(plan.updates)} 名新生，更新 {len(plan.updates)} 名（未写入）。",
            file=sys.stderr,
        )
        return 0
    result = commit_import(store, plan, valid_only=args.valid_only, class_of_row=classes.class_of_row)
    print(
        f"已导入 {result.created} 名新生，更新 {result.updated} 名；跳过有错误的 {len(result.skipped_rows)} 行。",
        file=sys.stderr,
    )
    return 0


def cmd_export_batch(store, args: argparse.Namespace) -> int:
    """Exit 0: written (each file on a line); 1: students blocked (one line each) or nothing to export."""
    from xueji_desktop.services import upload_batches
    from xueji_desktop.services.upload_batches import BatchBlocked, BatchError
    from xueji_desktop.spreadsheets.batch_writer import BatchWriteError
    from xueji_desktop.store import StoreError

    export = getattr(upload_batches, BATCH_KINDS[args.kind])
    try:
        result = export(store, args.out, valid_only=args.valid_only)
    except BatchBlocked as error:
        for student in error.blocked:
            print(student.line())
        print(f"{len(error.blocked)} 名学生的信息未通过检查，没有导出任何文件。", file=sys.stderr)
        return 1
    except (BatchError, BatchWriteError, StoreError) as error:
        print(str(error), file=sys.stderr)
        return 1
    for file in result.files:
        print(file)
    for student in result.blocked:
        print(f"未导出：{student.line()}", file=sys.stderr)
    rows = (
        f"{len(result.procedures)} 条学籍异动"
        if args.kind == "status-changes"
        else f"{len(result.exported)} 名学生"
    )
    print(f"已导出 {rows}，{len(result.files)} 个文件。", file=sys.stderr)
    return 0


class _InputError(Exception):
    """A command line the service cannot be called with; the message says why, in Chinese."""


def cmd_procedures(store, args: argparse.Namespace) -> int:
    """Exit 0: done (the procedure's id on stdout); 1: bad input or not found; 2: the regulation refuses (each
    finding on a line, naming its article)."""
    from xueji_desktop.rules.findings import RuleViolation
    from xueji_desktop.services.procedures import FindingsPreview
    from xueji_desktop.store import StoreError

    on = getattr(args, "on", None) or date.today()
    try:
        if args.action == "list":
            return _list_procedures(store, args)
        if args.action == "open":
            return _open_procedure(store, args)
        return _procedure_step(store, args, on)
    except FindingsPreview as preview:
        return _show_preview(preview.findings, _decision(args))
    except RuleViolation as refusal:
        _print_findings(refusal.findings)
        _explain_refusal(refusal.findings)
        return 2
    except (_InputError, LookupError, ValueError, StoreError) as error:
        print(str(error).strip("'\""), file=sys.stderr)
        return 1


def _procedure_step(store, args: argparse.Namespace, on: date) -> int:
    from xueji_desktop.services import procedures

    if args.action == "advance":
        event = procedures.advance(
            store, args.id, args.state, on=on, approval_number=args.approval_number, note=args.note
        )
        done = f"，已生效（异动记录编号 {event.status_change_id}）" if event.status_change_id else ""
        print(f"手续 {args.id}：{args.state}{done}", file=sys.stderr)
    elif args.action == "province":
        procedures.set_province_state(store, args.id, args.state, on=on, note=args.note)
        print(f"手续 {args.id}：省级学籍系统中为“{args.state}”", file=sys.stderr)
    elif args.action == "cancel":
        procedures.cancel(store, args.id, reason=args.reason, on=on)
        print(f"手续 {args.id} 已撤销", file=sys.stderr)
    else:
        reversal = procedures.reverse(store, args.status_change_id, reason=args.reason, on=on)
        print(reversal)
        print(f"异动记录 {args.status_change_id} 已冲正（冲正记录编号 {reversal}）", file=sys.stderr)
        return 0
    print(args.id)
    return 0


def _list_procedures(store, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from xueji_desktop.services.procedures import procedure_rows

    rows = [row for row in procedure_rows(store, today=date.today()) if row.open or not args.open]
    if args.json:
        listed = [asdict(row) | {"due": row.due.day if row.due else None, "open": row.open} for row in rows]
        json.dump(listed, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return 0
    for row in rows:
        province = f"{row.province_state}（{row.province_note}）" if row.province_note else row.province_state
        due = f"{row.due.day:%Y-%m-%d}{'（已逾期）' if row.overdue else ''}" if row.due else ""
        print(
            "\t".join(
                [
                    str(row.id),
                    row.label,
                    row.student_name,
                    f"{row.opened_on:%Y-%m-%d}",
                    row.state,
                    row.next_state or "—",
                    province,
                    due,
                    str(row.status_change_id or ""),
                ]
            )
        )
    print(f"共 {len(rows)} 项手续", file=sys.stderr)
    return 0


def _open_procedure(store, args: argparse.Namespace) -> int:
    import importlib
    import inspect

    module, name = OPENERS[args.kind]
    opener = getattr(importlib.import_module(f"xueji_desktop.services.{module}"), name)
    takes_student = "student_id" in inspect.signature(opener).parameters
    if takes_student and args.student is None:
        raise _InputError("请用 --student 给出学生编号")
    if not takes_student and args.student is not None:
        raise _InputError(
            "转入手续不用 --student：学生的学籍在手续办结时建立，请用 --set name=… 等给出学生信息"
        )
    values = dict(_pair(text, "--set", "KEY=VALUE") for text in args.values)
    arguments = _service_arguments(opener, values)
    proofs = [_proof(text) for text in args.proofs]
    student = (args.student,) if takes_student else ()
    procedure_id = opener(store, *student, **arguments, proofs=proofs, decision=_decision(args))
    print(procedure_id)
    print(f"已办理：手续编号 {procedure_id}", file=sys.stderr)
    return 0


def _proof(text: str):
    """--proof KIND=PATH: a kind the regulation names and a scan that can be kept (checked before any preview)."""
    from xueji_desktop.rules.proofs import KINDS
    from xueji_desktop.services.attachments import ProofFile, file_type

    kind, path = _pair(text, "--proof", "KIND=PATH")
    if kind not in KINDS:
        raise _InputError(f"未知的证明材料类别：{kind}（可用：{'、'.join(KINDS)}）")
    file_type(Path(path))  # ProofFileError: missing, or not an image or PDF
    return ProofFile(kind, Path(path))


def _decision(args: argparse.Namespace):
    from xueji_desktop.services.procedures import Decision

    return Decision(
        confirmed=getattr(args, "confirm", False),
        approval_number=getattr(args, "exception_number", ""),
        reason=getattr(args, "exception_reason", ""),
        preview=getattr(args, "preview", False),
    )


def _pair(text: str, option: str, form: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise _InputError(f"{option} 的格式应为 {form}：{text}")
    return key.strip(), value.strip()


def _service_arguments(opener: Any, values: dict[str, str]) -> dict[str, Any]:
    """The open_* function's keyword values from --set KEY=VALUE, converted by its type hints: dates YYYY-MM-DD,
    booleans 是/否/true/false, enums by their Chinese value, a list of them separated by 、; the fields of a
    dataclass argument (attendance) as keys of their own; a mapping argument (信息变更's new values) takes the
    other keys as student fields."""
    import dataclasses
    import inspect
    import typing

    from xueji_desktop.reference.student_fields import FIELDS_BY_KEY

    hints = typing.get_type_hints(opener)
    rest = dict(values)
    arguments: dict[str, Any] = {}
    known: list[str] = []
    mapping = None
    for name, parameter in inspect.signature(opener).parameters.items():
        if name in ("store", "student_id", "proofs", "decision") or parameter.kind is parameter.VAR_KEYWORD:
            continue
        hint = _optional_of(hints.get(name, str))
        if typing.get_origin(hint) is Mapping:
            mapping = name
            continue
        if dataclasses.is_dataclass(hint):
            inner = typing.get_type_hints(hint)
            known += [f.name for f in dataclasses.fields(hint)]
            names = [f.name for f in dataclasses.fields(hint) if f.name in rest]
            arguments[name] = hint(**{key: _convert(key, rest.pop(key), inner[key]) for key in names})
            continue
        known.append(name)
        if name in rest and hint is str and name in FIELDS_BY_KEY:  # a transfer in's gender=男 …
            arguments[name] = _student_field(name, rest.pop(name))
        elif name in rest:
            arguments[name] = _convert(name, rest.pop(name), hints.get(name, str))
        elif parameter.default is parameter.empty:
            raise _InputError(f"请用 --set {name}=… 给出“{name}”")
    if mapping is not None:
        arguments[mapping] = {key: _student_field(key, value) for key, value in rest.items()}
    elif rest:
        raise _InputError(f"这类手续没有这些内容：{'、'.join(rest)}（可用：{'、'.join(known)}）")
    return arguments


def _optional_of(hint: Any) -> Any:
    """X for X | None."""
    import types
    import typing

    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        kept = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(kept) == 1:
            return kept[0]
    return hint


def _convert(name: str, text: str, hint: Any) -> Any:
    import typing

    inner = _optional_of(hint)
    if inner is not hint and text in ("", "无"):
        return None
    if typing.get_origin(inner) in (Sequence, list, tuple):
        (item,) = typing.get_args(inner)[:1] or (str,)
        return [
            _convert(name, part, item)
            for part in text.replace("，", "、").replace(",", "、").split("、")
            if part
        ]
    try:
        if inner is date:
            return date.fromisoformat(text)
        if inner is bool:
            if text.lower() not in _YES_NO:
                raise ValueError
            return _YES_NO[text.lower()]
        if inner in (int, float):
            return inner(text)
    except ValueError:
        form = {date: "日期 YYYY-MM-DD", bool: "是 或 否", int: "整数", float: "数字"}[inner]
        raise _InputError(f"{name} 应为{form}：{text}") from None
    if isinstance(inner, type) and issubclass(inner, Enum):
        for member in inner:
            if text in (member.value, member.name):
                return member
        raise _InputError(f"{name} 应为以下之一：{'、'.join(str(m.value) for m in inner)}（现在是“{text}”）")
    return text


def _student_field(key: str, text: str) -> Any:
    """A student field's value from text, as the record stores it: dates, 是/否, a code-table value by code or name."""
    from xueji_desktop.reference.codes import code_table
    from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, FieldKind

    spec = FIELDS_BY_KEY.get(key)
    if spec is None:
        raise _InputError(f"未知的学生信息字段：{key}")
    if text == "":
        return None
    if spec.kind is FieldKind.DATE:
        return _convert(spec.label, text, date)
    if spec.kind is FieldKind.BOOL:
        return _convert(spec.label, text, bool)
    if spec.kind is FieldKind.CODE:
        code = code_table(spec.table or key).code_of(text)
        if code is None:
            raise _InputError(f"{spec.label}：“{text}”不在代码表中")
        return code
    return text


def _print_findings(findings: list) -> None:
    from xueji_desktop.rules.findings import Severity

    for finding in findings:
        print(finding.text if finding.severity is not Severity.WARN else f"提示：{finding.text}")


def _explain_refusal(findings: list) -> None:
    if any(f.blocks and f.overridable for f in findings):
        print(
            "其中“原则上”的规定经学籍管理部门批准可例外办理：请加 --exception-number 和 --exception-reason。",
            file=sys.stderr,
        )
    if any(f.blocks and not f.overridable for f in findings):
        print("不符合《细则》的规定，没有办理。", file=sys.stderr)
    elif not any(f.blocks for f in findings):
        print("请阅读以上提示，确认后加 --confirm 再办理。", file=sys.stderr)


def _show_preview(findings: list, decision: Any) -> int:
    """Exit 0 when the procedure would be opened with the decision given, 2 when it would be refused."""
    from dataclasses import replace

    from xueji_desktop.rules.findings import RuleViolation
    from xueji_desktop.services.procedure_base import decide

    _print_findings(findings)
    try:
        decide(findings, replace(decision, preview=False))
    except RuleViolation as refusal:
        _explain_refusal(refusal.findings)
        return 2
    print(
        "预检通过：可以办理（没有写入任何内容）。"
        if findings
        else "没有发现问题，可以办理（没有写入任何内容）。",
        file=sys.stderr,
    )
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    from xueji_desktop.paths import default_data_dir
    from xueji_desktop.ui.screenshot import render_main_window

    if not render_main_window(default_data_dir(args.data_dir), args.out, args.tab, (args.width, args.height)):
        print(f"无法生成截图：{args.out}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


PRINT_FORMS = {
    "info-form": "学生基本信息表",
    "enrolment-proof": "在读证明",
    "education-certificate": "学历证明书",
    "suspension-form": "休学、复学申请表",
    "withdrawal-form": "退学申请表",
    "transfer-letter": "转学联系函",
    "dropout-report": "辍学书面报告",
    "class-roster": "在校生分班名册",
    "graduate-roster": "毕业生花名册",
    "admission-roster": "录取花名册",
    "diploma": "毕业证书（套打）",
    "calibration": "套打校准页",
}
PROCEDURE_FORM_KINDS = {
    "suspension-form": ("suspension", "suspension_extension", "resumption"),
    "withdrawal-form": ("withdrawal", "automatic_withdrawal"),
    "transfer-letter": ("transfer_out", "transfer_in"),
    "dropout-report": ("dropout",),
}


def cmd_print(store, args: argparse.Namespace) -> int:
    handler = {
        "enrolment-proof": _print_enrolment_proof,
        "education-certificate": _print_education_certificate,
        "info-form": _print_info_form,
        "class-roster": _print_roster,
        "graduate-roster": _print_year_roster,
        "admission-roster": _print_year_roster,
        "diploma": _print_diploma,
        "calibration": _print_calibration,
    }.get(args.form, _print_procedure_form)
    from xueji_desktop.rules.findings import RuleViolation

    try:
        return handler(store, args)
    except RuleViolation as refusal:
        for finding in refusal.findings:
            print(finding.text, file=sys.stderr)
        if any(f.overridable for f in refusal.findings):
            print("经主管教育行政部门批准可再次开具：请加 --approval-number 和 --reason。", file=sys.stderr)
        return 2
    except LookupError as missing:
        print(str(missing).strip("'\""), file=sys.stderr)
        return 1
    except ValueError as refused:  # CertificateRefused, RuleViolation, an offset out of range …
        print(str(refused), file=sys.stderr)
        return 2
    except OSError as error:
        print(f"无法写入 {args.out}：{error.strerror or error}", file=sys.stderr)
        return 1


def _students_of(store, args: argparse.Namespace) -> list[int]:
    """The students --student names, or the class --class names (in school, by 学号 then name)."""
    if args.student:
        ids = []
        for given in args.student:
            found = _find_student(store, given)
            if found is None:
                raise LookupError(f"找不到学生：{given}（可用身份证件号、学籍号或学生编号）")
            ids.append(found)
        return ids
    if args.class_name:
        from sqlalchemy import select

        from xueji_desktop.models import Student
        from xueji_desktop.services.roster import IN_SCHOOL_STATUSES

        class_id = _find_class(store, args.class_name)
        with store.read() as session:
            return list(
                session.scalars(
                    select(Student.id)
                    .where(Student.school_class_id == class_id, Student.status.in_(IN_SCHOOL_STATUSES))
                    .order_by(Student.school_number, Student.pinyin_key)
                )
            )
    raise LookupError("请用 --student 指定学生，或用 --class 指定班级")


def _find_class(store, given: str) -> int:
    from sqlalchemy import select

    from xueji_desktop.models import SchoolClass

    with store.read() as session:
        found = session.scalar(select(SchoolClass.id).where(SchoolClass.name == given.strip()))
        if found is None and given.strip().isdigit():
            found = session.scalar(select(SchoolClass.id).where(SchoolClass.id == int(given)))
    if found is None:
        raise LookupError(f"找不到班级：{given}（请用 --class 给出名册中的班级名称）")
    return found


def _print_enrolment_proof(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import certificates

    issued = certificates.issue_enrolment_proofs(
        store, _students_of(store, args), args.out, purpose=args.purpose
    )
    print(f"已开具在读证明 {len(issued.numbers)} 份（编号 {'、'.join(issued.numbers)}）：{issued.path}")
    return 0


def _print_info_form(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import forms

    ids = _students_of(store, args)
    if not ids:
        raise LookupError(f"{args.class_name}没有在校学生")
    pages = forms.info_forms(store, ids, args.out)
    print(f"已生成学生基本信息表 {len(ids)} 份，共 {pages} 页：{args.out}")
    return 0


def _print_procedure_form(store, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from xueji_desktop.models import Procedure
    from xueji_desktop.services import forms

    kinds = PROCEDURE_FORM_KINDS[args.form]
    procedure_id = args.procedure
    if procedure_id is None:
        if len(args.student) != 1:
            raise LookupError(
                "请用 --procedure 给出手续编号，或用 --student 指定一名学生（取其最近一项同类手续）"
            )
        student_id = _students_of(store, args)[0]
        with store.read() as session:
            procedure_id = session.scalar(
                select(Procedure.id)
                .where(Procedure.student_id == student_id, Procedure.kind.in_(kinds))
                .order_by(Procedure.id.desc())
                .limit(1)
            )
        if procedure_id is None:
            raise LookupError(f"这名学生没有可打印{PRINT_FORMS[args.form]}的手续")
    else:
        with store.read() as session:
            kind = session.scalar(select(Procedure.kind).where(Procedure.id == procedure_id))
        if kind is None:
            raise LookupError(f"没有编号为 {procedure_id} 的手续")
        if kind not in kinds:
            raise LookupError(f"手续 {procedure_id} 不是可打印{PRINT_FORMS[args.form]}的手续")
    path = forms.procedure_form(store, procedure_id, args.out)
    print(f"已生成{PRINT_FORMS[args.form]}（手续 {procedure_id}）：{path}")
    return 0


def _print_year_roster(store, args: argparse.Namespace) -> int:
    from datetime import date

    from xueji_desktop.services import printing

    year = args.year or date.today().year
    make = printing.graduate_roster if args.form == "graduate-roster" else printing.admission_roster
    pages = make(store, year, args.out, full_id_numbers=args.full_ids)
    print(f"已生成{year}年{PRINT_FORMS[args.form]}，共 {pages} 页：{args.out}")
    return 0


def _print_diploma(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import overlay_printing

    offset = overlay_printing.printer_offset(store, args.printer)
    pages = overlay_printing.diplomas(
        store, _students_of(store, args), args.out, layout_key=args.layout, offset=offset
    )
    print(
        f"已生成毕业证书套打 {pages} 张（偏移：向右 {offset.dx:g} 毫米，向下 {offset.dy:g} 毫米）：{args.out}"
    )
    return 0


def _print_calibration(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import overlay_printing

    offset = overlay_printing.printer_offset(store, args.printer)
    overlay_printing.calibration_page(args.out, args.layout, offset, args.printer)
    print(f"已生成套打校准页：{args.out}")
    return 0


def _print_education_certificate(store, args: argparse.Namespace) -> int:
    from datetime import date

    from xueji_desktop.services import certificates

    if len(args.student) != 1 or not args.studied_until:
        raise LookupError(
            "学历证明书须用 --student 指定一名学生，并用 --studied-until 给出学习截至年月（如 2023-07）"
        )
    year, _, month = args.studied_until.partition("-")
    issued = certificates.issue_education_certificate(
        store,
        _students_of(store, args)[0],
        args.out,
        studied_until=date(int(year), int(month), 1),
        approval_number=args.approval_number,
        reason=args.reason,
    )
    print(f"已开具学历证明书（编号 {issued.numbers[0]}）：{issued.path}")
    return 0


def _print_roster(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.printing import class_roster

    pages = class_roster(
        store, _find_class(store, args.class_name or ""), args.out, full_id_numbers=args.full_ids
    )
    print(f"已生成{args.class_name}在校生名册，共 {pages} 页：{args.out}")
    return 0


def cmd_verify(store, args: argparse.Namespace) -> int:
    from xueji_desktop.documents.qr_scan import ScanError
    from xueji_desktop.services import certificates

    if Path(args.code).is_file():  # a scanned certificate
        try:
            results = certificates.verify_scan(store, Path(args.code))
        except ScanError as error:
            print(str(error), file=sys.stderr)
            return 1
    else:
        results = [certificates.verify(store, args.code)]
    for result in results:
        print(result.message)
    return 0 if all(result.ok for result in results) else 2


def _find_student(store, given: str) -> int | None:
    """A student by 身份证件号, 学籍号 or the app's own id."""
    from sqlalchemy import or_, select

    from xueji_desktop.models import Student
    from xueji_desktop.rules.identity import normalise_id_number

    text = given.strip()
    with store.read() as session:
        found = session.scalar(
            select(Student.id)
            .where(or_(Student.id_number == normalise_id_number(text), Student.national_student_id == text))
            .limit(1)
        )
        if found is None and text.isdigit() and len(text) < 10:
            found = session.scalar(select(Student.id).where(Student.id == int(text)))
        return found


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "screenshot":
        return cmd_screenshot(args)
    from xueji_desktop.store import Store, StoreError

    try:
        store = Store.open(args.data_dir)
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 2
    with store:
        from xueji_desktop.services.school_setup import sign_in_registrar

        sign_in_registrar(store)
        handler = {
            "init": cmd_init,
            "demo": cmd_demo,
            "students": cmd_students,
            "import-students": cmd_import_students,
            "export-batch": cmd_export_batch,
            "procedures": cmd_procedures,
            "print": cmd_print,
            "verify": cmd_verify,
        }[args.command]
        try:
            return handler(store, args)
        except BrokenPipeError:  # `xueji students | head`: the reader has all it wanted
            sys.stdout = open(os.devnull, "w")
            return 0


if __name__ == "__main__":
    sys.exit(main())
