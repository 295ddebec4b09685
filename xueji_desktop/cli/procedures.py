"""procedures …: the 异动手续 from a terminal — list, open (with --preview to see the findings), advance, province,
cancel, reverse. A refusal prints each finding with the article it rests on and exits 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from xueji_desktop.cli.common import pair, subcommand
from xueji_desktop.errors import InvalidInput

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


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "procedures", help="异动手续（转学、休学、退学 …）", description="异动手续：办理、查看、撤销、冲正"
    )
    actions = group.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        return subcommand(actions, name, help_text)

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
    group.set_defaults(handler=cmd_procedures)


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
    except (InvalidInput, LookupError, ValueError, StoreError) as error:
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
        raise InvalidInput("请用 --student 给出学生编号")
    if not takes_student and args.student is not None:
        raise InvalidInput(
            "转入手续不用 --student：学生的学籍在手续办结时建立，请用 --set name=… 等给出学生信息"
        )
    values = dict(pair(text, "--set", "KEY=VALUE") for text in args.values)
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

    kind, path = pair(text, "--proof", "KIND=PATH")
    if kind not in KINDS:
        raise InvalidInput(f"未知的证明材料类别：{kind}（可用：{'、'.join(KINDS)}）")
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
            raise InvalidInput(f"请用 --set {name}=… 给出“{name}”")
    if mapping is not None:
        arguments[mapping] = {key: _student_field(key, value) for key, value in rest.items()}
    elif rest:
        raise InvalidInput(f"这类手续没有这些内容：{'、'.join(rest)}（可用：{'、'.join(known)}）")
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
        raise InvalidInput(f"{name} 应为{form}：{text}") from None
    if isinstance(inner, type) and issubclass(inner, Enum):
        for member in inner:
            if text in (member.value, member.name):
                return member
        raise InvalidInput(f"{name} 应为以下之一：{'、'.join(str(m.value) for m in inner)}（现在是“{text}”）")
    return text


def _student_field(key: str, text: str) -> Any:
    """A student field's value from text, as the record stores it: dates, 是/否, a code-table value by code or name."""
    from xueji_desktop.reference.codes import code_table
    from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, FieldKind

    spec = FIELDS_BY_KEY.get(key)
    if spec is None:
        raise InvalidInput(f"未知的学生信息字段：{key}")
    if text == "":
        return None
    if spec.kind is FieldKind.DATE:
        return _convert(spec.label, text, date)
    if spec.kind is FieldKind.BOOL:
        return _convert(spec.label, text, bool)
    if spec.kind is FieldKind.CODE:
        code = code_table(spec.table or key).code_of(text)
        if code is None:
            raise InvalidInput(f"{spec.label}：“{text}”不在代码表中")
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
