"""`xueji sanctions add|lift|list` and `xueji awards add|list`: 处分 and 奖励 (第三十一条、第三十二条) from a terminal,
with the same rules as the screen — a refusal names its article (R32.1) and exits 2 (cli/__init__.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from xueji_desktop.cli.common import day, subcommand
from xueji_desktop.rules.sanctions import AWARD_LEVELS, SENIOR_SANCTIONS

T = TypeVar("T")


def add_commands(commands: argparse._SubParsersAction) -> None:
    sanctions = commands.add_parser(
        "sanctions",
        help="处分：记录、解除、列出（第三十二条）",
        description="处分：记录、解除、列出（第三十二条）",
    )
    verbs = sanctions.add_subparsers(dest="verb", required=True)

    add = subcommand(verbs, "add", "记录一项处分")
    add.add_argument("--student", required=True, help="学生（身份证件号、学籍号或本系统编号）")
    add.add_argument("--kind", required=True, choices=SENIOR_SANCTIONS, help="处分类别")
    add.add_argument("--reason", required=True, help="处分事由")
    add.add_argument("--date", dest="decided_on", required=True, type=day, help="处分决定日期 YYYY-MM-DD")
    add.add_argument("--document", required=True, help="处分决定文号，如 潞实小〔2027〕3号")
    add.add_argument("--until", type=day, help="处分期限 YYYY-MM-DD（留校察看必填，最长一年）")
    add.add_argument("--city-approved", action="store_true", help="开除学籍已报市级教育行政部门批准")
    add.set_defaults(handler=cmd_sanction_add)

    lift = subcommand(verbs, "lift", "解除一项处分（新增一条解除记录）")
    lift.add_argument("sanction", type=int, help="处分编号（见 xueji sanctions list）")
    lift.add_argument("--date", dest="lifted_on", required=True, type=day, help="解除日期 YYYY-MM-DD")
    lift.add_argument("--reason", required=True, help="解除理由")
    lift.set_defaults(handler=cmd_sanction_lift)

    listing = subcommand(verbs, "list", "列出处分（默认全部学生）")
    listing.add_argument("--student", help="只列出此学生的处分")
    listing.add_argument("--in-force", action="store_true", help="只列出今天（或 --on 那天）仍在处分期间的")
    listing.add_argument("--on", type=day, help="日期 YYYY-MM-DD（默认今天）")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    listing.set_defaults(handler=cmd_sanction_list)

    awards = commands.add_parser(
        "awards", help="奖励：记录、列出（第三十一条）", description="奖励：记录、列出（第三十一条）"
    )
    award_verbs = awards.add_subparsers(dest="verb", required=True)

    add_award = subcommand(award_verbs, "add", "记录一项奖励")
    add_award.add_argument("--student", required=True, help="学生（身份证件号、学籍号或本系统编号）")
    add_award.add_argument("--level", required=True, choices=AWARD_LEVELS, help="奖励级别")
    add_award.add_argument("--title", required=True, help="奖励名称，如 三好学生")
    add_award.add_argument("--date", dest="awarded_on", required=True, type=day, help="获奖日期 YYYY-MM-DD")
    add_award.add_argument("--issuer", required=True, help="授奖单位")
    add_award.add_argument("--proof", type=Path, help="获奖证书扫描件（PDF 或图片，可不提供）")
    add_award.set_defaults(handler=cmd_award_add)

    list_awards = subcommand(award_verbs, "list", "列出奖励（默认全部学生）")
    list_awards.add_argument("--student", help="只列出此学生的奖励")
    list_awards.add_argument("--json", action="store_true", help="以 JSON 输出")
    list_awards.set_defaults(handler=cmd_award_list)


def cmd_sanction_add(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import roster, sanctions

    sanction_id = sanctions.add_sanction(
        store,
        roster.find_student(store, args.student),
        kind=args.kind,
        reason=args.reason,
        decided_on=args.decided_on,
        document_number=args.document,
        period_end=args.until,
        city_approved=args.city_approved,
    )
    print(f"已记录处分，编号 {sanction_id}")
    return 0


def cmd_sanction_lift(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import sanctions

    sanctions.lift_sanction(store, args.sanction, lifted_on=args.lifted_on, reason=args.reason)
    print(f"已解除处分 {args.sanction}（{args.lifted_on:%Y-%m-%d}）")
    return 0


def cmd_sanction_list(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import roster, sanctions

    today = args.on or date.today()
    student = roster.find_student(store, args.student) if args.student else None
    rows = sanctions.sanctions_of(store, student)
    if args.in_force:
        rows = [row for row in rows if row.in_force(today)]
    return _print_rows(
        args,
        rows,
        "处分",
        lambda row: {
            "id": row.id,
            "student_id": row.student_id,
            "student": row.student_name,
            "kind": row.kind,
            "reason": row.reason,
            "decided_on": row.decided_on.isoformat(),
            "period_end": row.period_end.isoformat() if row.period_end else None,
            "document_number": row.document_number,
            "lifted_on": row.lifted_on.isoformat() if row.lifted_on else None,
            "lift_reason": row.lift_reason,
            "in_force": row.in_force(today),
            "state": row.state(today),
            "archived": row.archived,  # R32.2
        },
        lambda row: [
            str(row.id),
            row.student_name,
            row.kind,
            f"{row.decided_on:%Y-%m-%d}",
            f"至{row.period_end:%Y-%m-%d}" if row.period_end else "",
            row.document_number,
            row.state(today),
            row.reason,
        ],
    )


def cmd_award_add(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import roster, sanctions

    award_id = sanctions.add_award(
        store,
        roster.find_student(store, args.student),
        level=args.level,
        title=args.title,
        awarded_on=args.awarded_on,
        issuer=args.issuer,
        proof=args.proof,
    )
    print(f"已记录奖励，编号 {award_id}")
    return 0


def cmd_award_list(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import roster, sanctions

    student = roster.find_student(store, args.student) if args.student else None
    rows = sanctions.awards_of(store, student)
    return _print_rows(
        args,
        rows,
        "奖励",
        lambda row: {
            "id": row.id,
            "student_id": row.student_id,
            "student": row.student_name,
            "level": row.level,
            "title": row.title,
            "awarded_on": row.awarded_on.isoformat(),
            "issuer": row.issuer,
            "has_proof": row.has_proof,
            "archived": row.archived,  # R31.1
        },
        lambda row: [
            str(row.id),
            row.student_name,
            row.level,
            row.title,
            f"{row.awarded_on:%Y-%m-%d}",
            row.issuer,
        ],
    )


def _print_rows(
    args: argparse.Namespace,
    rows: Sequence[T],
    noun: str,
    as_json: Callable[[T], dict[str, Any]],
    as_line: Callable[[T], list[str]],
) -> int:
    """The listed rows as JSON (--json) or one tab-separated line each with their count on stderr."""
    if args.json:
        json.dump([as_json(row) for row in rows], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for row in rows:
        print("\t".join(as_line(row)))
    print(f"共 {len(rows)} 项{noun}", file=sys.stderr)
    return 0
    return 0
