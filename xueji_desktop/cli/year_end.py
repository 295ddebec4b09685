"""`xueji year-end`: 学年结束 — check what is unfinished (在办业务清理), preview and run 毕业, 升级 and the new 学年, and
undo it while nothing has been done since (services/year_end.py; 第十五条、第二十一条、第二十九条)."""

from __future__ import annotations

import argparse
import json
from datetime import date

from xueji_desktop.cli.common import day, pair, subcommand
from xueji_desktop.errors import InvalidInput
from xueji_desktop.rules.findings import RuleViolation

EXIT_PROBLEMS = 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "year-end",
        help="学年结束（在办业务清理、毕业、升级、新学年）",
        description="学年结束：毕业年级毕业，其他年级升级，开始新学年（《细则》第十五条、第二十一条、第二十九条）",
    )
    actions = group.add_subparsers(dest="action", required=True)

    check = subcommand(actions, "check", "列出学年结束前须办结的业务；有则退出码为 1")
    check.add_argument("--date", type=day, help="办理日期 YYYY-MM-DD（默认：今天）")
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(handler=cmd_check)

    run = subcommand(actions, "run", "办理学年结束：毕业、升级、新学年（先自动备份）；--preview 只预览")
    run.add_argument("--date", type=day, required=True, help="办理日期 YYYY-MM-DD（写在毕业和升级记录上）")
    run.add_argument("--preview", action="store_true", help="只预览，不写入")
    run.add_argument(
        "--confirm-date", action="store_true", help="第二学期尚未结束时，确认仍以 --date 这一天办理"
    )
    run.add_argument(
        "--term1", help="新学年第一学期 开始,结束（如 2027-09-01,2028-01-20；默认按上一学年推算）"
    )
    run.add_argument("--term2", help="新学年第二学期 开始,结束")
    run.add_argument(
        "--classes",
        action="append",
        default=[],
        help="起始年级的班级数，如 一年级=4（可重复；默认与本学年相同）",
    )
    run.add_argument("--json", action="store_true", help="以 JSON 输出")
    run.set_defaults(handler=cmd_run)

    undo = subcommand(actions, "undo", "撤销最近一次学年结束（之后没有做过其他操作时），恢复到办理前")
    undo.set_defaults(handler=cmd_undo)


def cmd_check(store, args: argparse.Namespace) -> int:
    """Exit 0: nothing unfinished; 1: something is listed (graduating students' items first)."""
    from xueji_desktop.services import year_end

    found = year_end.check(store, on=args.date or date.today())
    if args.json:
        print(
            json.dumps(
                {"学年": found.school_year, "待办结": [item.as_dict() for item in found.items]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for item in found.items:
            mark = "阻止毕业" if item.graduating else ""
            print(
                "\t".join((item.problem, item.student_name, item.class_name, item.detail, item.advice, mark))
            )
        print(
            f"{found.school_year}：待办结 {len(found.items)} 项，其中阻止毕业 {len(found.blocking)} 项"
            if found.items
            else f"{found.school_year}：没有待办结的业务，可以办理学年结束"
        )
    return EXIT_PROBLEMS if found.items else 0


def cmd_run(store, args: argparse.Namespace) -> int:
    """Exit 0: done (or previewed with nothing in the way); 1: the preview found what stops it; 2: refused."""
    from xueji_desktop.services import year_end

    terms = _terms(store, args)
    starting = _classes(store, args.classes)
    if args.preview:
        plan = year_end.preview(
            store, on=args.date, terms=terms, starting_classes=starting, date_confirmed=args.confirm_date
        )
        if args.json:
            print(json.dumps(plan.as_dict(), ensure_ascii=False, indent=2))
        else:
            print(f"{plan.ended_name}结束 → {plan.new_name}（{plan.on:%Y-%m-%d}）：{plan.counts_line}")
            for grade in plan.grades:
                print(grade.line)
            for finding in plan.findings:
                print(finding.text)
        return EXIT_PROBLEMS if plan.findings else 0
    try:
        result = year_end.run(
            store, on=args.date, terms=terms, starting_classes=starting, date_confirmed=args.confirm_date
        )
    except RuleViolation as refusal:
        if not refusal.blocking:  # only the date to confirm
            raise InvalidInput(f"{refusal}\n确认以这一天办理，请加 --confirm-date") from None
        raise
    summary = {
        "结束学年": f"{result.ended_year}-{result.ended_year + 1}学年",
        "新学年": f"{result.new_year}-{result.new_year + 1}学年",
        "毕业": result.graduated,
        "小学毕业升入初中": result.continued,
        "升级": result.promoted,
        "休学留在原年级": result.stayed,
        "备份": str(result.backup),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(
            f"学年结束已办理：{result.counts_line}；当前学年为{summary['新学年']}。办理前的备份：{result.backup}"
        )
    return 0


def cmd_undo(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import year_end

    name = year_end.undo(store)
    print(f"已撤销{name}的学年结束，数据已恢复到办理前")
    return 0


def _terms(store, args: argparse.Namespace):
    from xueji_desktop.rules.year_end import TermDates
    from xueji_desktop.services import year_end

    if not args.term1 and not args.term2:
        return None
    proposed = year_end.proposed_terms(store)
    term1 = _span(args.term1, "--term1") if args.term1 else (proposed.term1_start, proposed.term1_end)
    term2 = _span(args.term2, "--term2") if args.term2 else (proposed.term2_start, proposed.term2_end)
    return TermDates(*term1, *term2)


def _span(text: str, option: str) -> tuple[date, date]:
    start, sep, end = text.partition(",")
    try:
        if not sep:
            raise ValueError
        return date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        raise InvalidInput(f"{option} 的格式应为 开始,结束（如 2027-09-01,2028-01-20）：{text}") from None


def _classes(store, given: list[str]) -> dict[int, int] | None:
    from xueji_desktop.services.year_end import grade_levels

    if not given:
        return None
    levels = grade_levels(store)
    wanted = {}
    for text in given:
        name, count = pair(text, "--classes", "年级=班级数")
        if name not in levels:
            raise InvalidInput(f"没有名为“{name}”的年级")
        if not count.isdigit():
            raise InvalidInput(f"--classes 的班级数应为数字：{text}")
        wanted[levels[name]] = int(count)
    return wanted
