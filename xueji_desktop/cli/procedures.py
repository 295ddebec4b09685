"""procedures …: the 异动手续 from a terminal — kinds (what each kind asks), list, open (with --preview to see the
findings), advance, province, cancel, reverse. A refusal prints each finding with the article it rests on and exits 2.

Every kind comes from the registry (services/procedures/kinds.py): `open KIND --set key=value` takes the fields of
the kind's request dataclass, converted by their types (dates YYYY-MM-DD, 是/否, enums by their Chinese value, a
class by its name, several values separated by 、, student fields for a 信息变更)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from xueji_desktop.cli.common import day, pair, subcommand
from xueji_desktop.errors import InvalidInput, NotFound

_YES_NO = {"是": True, "否": False, "true": True, "false": False}


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "procedures", help="异动手续（转学、休学、退学 …）", description="异动手续：办理、查看、撤销、冲正"
    )
    actions = group.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        return subcommand(actions, name, help_text)

    kinds = action("kinds", "列出每类异动手续：办理条件、要填写的内容、证明材料、可打印的表格")
    kinds.add_argument("--json", action="store_true", help="以 JSON 输出")

    listing = action("list", "列出异动手续（最新的在前）")
    listing.add_argument("--open", action="store_true", help="只列出尚未办结的手续")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")

    opening = action("open", "办理一项异动手续（检查《细则》的规定和证明材料）")
    opening.add_argument("kind", help="手续类别，如 suspension（procedures kinds 列出全部）")
    opening.add_argument("--student", type=int, help="学生编号（转入手续不用：学籍在办结时建立）")
    opening.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="手续的一项内容，如 start=2026-10-08、reason=本人其他不可抗拒原因、crosses_county=是"
        "（today=YYYY-MM-DD：办理日期，默认今天）",
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
    opening.add_argument("--json", action="store_true", help="与 --preview 一起：以 JSON 输出所有发现")

    step = action("advance", "办理手续的下一步（最后一步写入异动）")
    step.add_argument("id", type=int, help="手续编号")
    step.add_argument("state", help="下一步，如 学校已审核")
    step.add_argument("--on", type=day, help="日期 YYYY-MM-DD（默认今天）")
    step.add_argument("--approval-number", help="审批文号")
    step.add_argument("--note", help="备注")

    province = action("province", "记录手续在省级学籍系统中的状态（已上报、已通过、已退回）")
    province.add_argument("id", type=int, help="手续编号")
    province.add_argument("state", help="已上报、已通过或已退回")
    province.add_argument("--on", type=day, help="日期 YYYY-MM-DD（默认今天）")
    province.add_argument("--note", help="备注（已退回时填写退回原因）")

    cancel = action("cancel", "撤销尚未生效的手续")
    cancel.add_argument("id", type=int, help="手续编号")
    cancel.add_argument("--reason", required=True, help="撤销原因")
    cancel.add_argument("--on", type=day, help="日期 YYYY-MM-DD（默认今天）")

    reverse = action("reverse", "冲正一条录错的异动记录")
    reverse.add_argument("status_change_id", type=int, help="异动记录编号（procedures list 的最后一列）")
    reverse.add_argument("--reason", required=True, help="冲正原因")
    reverse.add_argument("--on", type=day, help="日期 YYYY-MM-DD（默认今天）")
    group.set_defaults(handler=cmd_procedures)


def cmd_procedures(store, args: argparse.Namespace) -> int:
    """Exit 0: done (the procedure's id on stdout); 1: bad input or not found; 2: the regulation refuses (each
    finding on a line, naming its article)."""
    from xueji_desktop.rules.findings import RuleViolation
    from xueji_desktop.services.procedures import FindingsPreview

    on = getattr(args, "on", None) or date.today()
    try:
        if args.action == "kinds":
            return _list_kinds(args)
        if args.action == "list":
            return _list_procedures(store, args)
        if args.action == "open":
            return _open_procedure(store, args)
        return _procedure_step(store, args, on)
    except FindingsPreview as preview:
        return _show_preview(preview.findings, _decision(args), as_json=getattr(args, "json", False))
    except RuleViolation as refusal:
        if getattr(args, "preview", False):  # refused before the proofs were looked at (not suspended …)
            return _show_preview(refusal.findings, _decision(args), as_json=args.json)
        _print_findings(refusal.findings)
        _explain_refusal(refusal.findings)
        return 2
    except (InvalidInput, NotFound, LookupError, ValueError) as error:
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


def _list_kinds(args: argparse.Namespace) -> int:
    """Every kind from the registry: code, label, who may start it, what it asks, its proofs, its forms."""
    from xueji_desktop.services.procedures import all_kinds

    described = [_describe(kind) for kind in all_kinds().values()]
    if args.json:
        json.dump(described, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return 0
    for kind in described:
        statuses = "、".join(kind["statuses"]) or "（新学生，尚无学籍）"
        print(f"{kind['code']}\t{kind['label']}\t可办理：{statuses}\t步骤：{' → '.join(kind['steps'])}")
        for field in kind["fields"]:
            default = "（必填）" if field["required"] else f"（默认：{_shown_default(field['default'])}）"
            options = f"，可选：{'、'.join(map(str, field['options']))}" if field["options"] else ""
            print(f"\t--set {field['name']}=…\t{field['label']}：{field['type']}{options}{default}")
        proofs = kind["proofs"]
        needed = "；".join("或".join(group) for group in proofs["required"]) or "无"
        depends = f"（随 {'、'.join(proofs['depends_on'])} 而定）" if proofs["depends_on"] else ""
        print(f"\t证明材料（{proofs['rule_id']}）：{needed}{depends}")
        if kind["forms"]:
            print(f"\t可打印：{'、'.join(kind['forms'])}")
    print(f"共 {len(described)} 类异动手续", file=sys.stderr)
    return 0


def _describe(kind) -> dict[str, Any]:
    """One kind as `procedures kinds --json` lists it."""
    from dataclasses import MISSING

    fields = []
    for spec in kind.fields():
        options = [spec.shown(option) for option in spec.options()]
        fields.append(
            {
                "name": spec.name,
                "label": spec.label,
                "type": spec.form,
                "required": spec.required,
                "optional": spec.optional,
                "default": None if spec.default is MISSING else _plain(spec.default),
                "options": options,
            }
        )
    return {
        "code": kind.code,
        "label": kind.label,
        "statuses": list(kind.statuses),
        "takes_student": kind.picks_student,
        "steps": list(kind.steps),
        "effective_step": kind.effective,
        "fields": fields,
        "proofs": {
            "rule_id": kind.proofs.rule_id,
            "required": [list(group) for group in kind.required_proofs(_sample(kind))],
            "depends_on": list(kind.proofs.depends_on),
        },
        "forms": list(kind.forms),
        "batch_category": {"code": kind.batch.category_code, "name": kind.batch.category_name},
    }


def _sample(kind) -> Any:
    """A request of the kind with its defaults and the first option of every field without one: what the proofs
    are for when nothing else is said (`depends_on` names the fields that change them)."""
    from dataclasses import MISSING

    from xueji_desktop.services.procedures import ClassId

    values: dict[str, Any] = {}
    for spec in kind.fields():
        if spec.default is not MISSING:
            continue
        options = spec.options()
        blank = {date: date.today(), bool: False, float: 0.0, int: 1, ClassId: 0}
        values[spec.name] = options[0] if options else blank.get(spec.type, "")
    student = {"student_id": 0} if kind.picks_student else {}
    return kind.request(**student, **values)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _shown_default(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _open_procedure(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import procedures

    kinds = procedures.all_kinds()
    if args.kind not in kinds:
        raise InvalidInput(f"未知的手续类别：{args.kind}（可用：{'、'.join(kinds)}）")
    kind = kinds[args.kind]
    if kind.picks_student and args.student is None:
        raise InvalidInput("请用 --student 给出学生编号")
    if not kind.picks_student and args.student is not None:
        raise InvalidInput(
            "转入手续不用 --student：学生的学籍在手续办结时建立，请用 --set name=… 等给出学生信息"
        )
    values = dict(pair(text, "--set", "KEY=VALUE") for text in args.values)
    today = _convert("today", values.pop("today"), date) if "today" in values else None
    request = _request(store, kind, values, args.student)
    proofs = [_proof(text) for text in args.proofs]
    procedure_id = procedures.open(store, request, proofs, _decision(args), today)
    print(procedure_id)
    print(f"已办理：手续编号 {procedure_id}", file=sys.stderr)
    return 0


def _request(store, kind, values: dict[str, str], student_id: int | None) -> Any:
    """The kind's request from --set KEY=VALUE, each converted by its field's type; a 信息变更's other keys are the
    student fields it changes."""
    rest = dict(values)
    arguments: dict[str, Any] = {}
    mapping = None
    for spec in kind.fields():
        if spec.form == "student_fields":
            mapping = spec.name
        elif spec.name in rest:
            arguments[spec.name] = _field_value(store, spec, rest.pop(spec.name))
        elif spec.required:
            raise InvalidInput(f"请用 --set {spec.name}=… 给出“{spec.label}”")
    if mapping is not None:
        arguments[mapping] = {key: _student_field(key, value) for key, value in rest.items()}
    elif rest:
        known = "、".join(spec.name for spec in kind.fields())
        raise InvalidInput(f"这类手续没有这些内容：{'、'.join(rest)}（可用：{known}）")
    student = {"student_id": student_id} if kind.picks_student else {}
    return kind.request(**student, **arguments)


def _field_value(store, spec, text: str) -> Any:
    """One --set value as the request field takes it."""
    if spec.optional and text in ("", "无"):
        return None
    form = spec.form
    if form == "class":
        from xueji_desktop.services import roster

        return roster.class_by_name(store, text)
    if form == "code":
        return _code(spec.label, spec.meta["code_table"], text)
    if form == "choices":
        parts = [part for part in text.replace("，", "、").replace(",", "、").split("、") if part]
        return tuple(_choice(spec, part) for part in parts)
    if form == "choice":
        return _choice(spec, text)
    if spec.meta.get("percent") and text.endswith("%"):
        return _convert(spec.name, text[:-1], float) / 100
    return _convert(spec.name, text, spec.type)


def _choice(spec, text: str) -> Any:
    """An option by its Chinese value (or its enum name, or a 年级 by level or name)."""
    for option in spec.options():
        names = {spec.shown(option), str(option)}
        if isinstance(option, Enum):
            names.add(option.name)
        if text in names:
            return option
    shown = "、".join(spec.shown(option) for option in spec.options())
    raise InvalidInput(f"{spec.name} 应为以下之一：{shown}（现在是“{text}”）")


def _code(label: str, table: str, text: str) -> str:
    from xueji_desktop.reference.codes import code_table

    code = code_table(table).code_of(text)
    if code is None:
        raise InvalidInput(f"{label}：“{text}”不在代码表中")
    return code


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


def _convert(name: str, text: str, kind: Any) -> Any:
    """Text as a date (YYYY-MM-DD), a bool (是/否/true/false), an int or a float; anything else stays text."""
    try:
        if kind is date:
            return date.fromisoformat(text)
        if kind is bool:
            if text.lower() not in _YES_NO:
                raise ValueError
            return _YES_NO[text.lower()]
        if kind in (int, float):
            return kind(text)
    except ValueError:
        form = {date: "日期 YYYY-MM-DD", bool: "是 或 否", int: "整数", float: "数字"}[kind]
        raise InvalidInput(f"{name} 应为{form}：{text}") from None
    return text


def _student_field(key: str, text: str) -> Any:
    """A student field's value from text, as the record stores it: dates, 是/否, a code-table value by code or name."""
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
        return _code(spec.label, spec.table or key, text)
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


def _show_preview(findings: list, decision: Any, *, as_json: bool = False) -> int:
    """Exit 0 when the procedure would be opened with the decision given, 2 when it would be refused; --json prints
    every finding with its rule id, article, kind (block/warn) and message."""
    from dataclasses import replace

    from xueji_desktop.rules.findings import RuleViolation, article_name
    from xueji_desktop.services.procedures import decide

    refusal = None
    try:
        decide(findings, replace(decision, preview=False))
    except RuleViolation as refused:
        refusal = refused
    if as_json:
        listed = {
            "would_open": refusal is None,
            "findings": [
                {
                    "rule_id": f.rule_id,
                    "article": article_name(f.article),
                    "kind": f.severity.value,
                    "overridable": f.overridable,
                    "message": f.message,
                    "text": f.text,
                }
                for f in findings
            ],
        }
        json.dump(listed, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 2 if refusal is not None else 0
    _print_findings(findings)
    if refusal is not None:
        _explain_refusal(refusal.findings)
        return 2
    print(
        "预检通过：可以办理（没有写入任何内容）。"
        if findings
        else "没有发现问题，可以办理（没有写入任何内容）。",
        file=sys.stderr,
    )
    return 0
