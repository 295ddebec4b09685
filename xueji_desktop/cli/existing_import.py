"""`xueji import-students FILE --existing`: the school's existing students; `xueji import-students FILE --continuation
[--date YYYY-MM-DD] [--json]`: 初一/高一新生学籍转接 (第十五条, R15.1), the incoming students with their 学籍号. Both with
the exit codes of the new-student import — 0 imported (or, --dry-run, would be), 1 the file has errors and nothing was
written, 2 refused (a file that cannot be read, a school without grade 7/10, a full disk), printed by main()."""

from __future__ import annotations

import argparse
import json
import sys

from xueji_desktop.cli.common import day, report_import_plan
from xueji_desktop.errors import InvalidInput


def cmd_import_existing(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.existing_import import commit_existing, plan_existing

    if args.date is not None:
        raise InvalidInput("--date 只用于新生导入和 --continuation：现有学生的入学年月照文件保留")
    plan = plan_existing(store, args.file, sheet=args.sheet)
    if not plan.mapping.usable:
        print(
            f"缺少必需的列：{'、'.join(plan.mapping.missing_required)}，没有导入任何学生。", file=sys.stderr
        )
        return 1
    if not report_import_plan(plan, args):
        return 1
    count = len([r for r in plan.valid_records if r.row_number in plan.placements])
    if not count:
        print("没有可导入的行。", file=sys.stderr)
        return 1
    _print_classes(plan)
    statuses = "、".join(f"{s}{n}名" for s, n in plan.status_counts.items())
    if args.dry_run:
        print(
            f"检查通过：可导入 {count} 名现有学生（{statuses}），新建 {len(plan.new_classes)} 个班级（未写入）。",
            file=sys.stderr,
        )
        return 0
    result = commit_existing(store, plan, valid_only=args.valid_only)
    print(
        f"已导入 {result.created} 名现有学生（{statuses}），新建 {len(plan.new_classes)} 个班级；"
        f"跳过有错误的 {len(result.skipped_rows)} 行。",
        file=sys.stderr,
    )
    return 0


def add_continuation_arguments(load: argparse.ArgumentParser) -> None:
    """import-students' options of the 初一/高一新生学籍转接 mode."""
    load.add_argument(
        "--continuation",
        action="store_true",
        help="初一/高一新生学籍转接（《细则》第十五条：新生已有学籍号，自入学之日起限期转接）",
    )
    load.add_argument(
        "--date",
        type=day,
        help="新生入学日期 YYYY-MM-DD，建立学籍（第十条）或学籍转接（第十五条）的期限从它算起（默认：本学期开学日）",
    )
    load.add_argument("--json", action="store_true", help="--continuation：以 JSON 输出检查和导入结果")


def cmd_import_continuation(store, args: argparse.Namespace) -> int:
    """初一/高一新生学籍转接: the plan (problems, R13.1 warnings, classes), then the import with the entry date (--date,
    else the first day of the current term); --json prints the plan and what was written as one JSON object."""
    from xueji_desktop.rules.enrolment import continuation_deadline
    from xueji_desktop.services.continuation import (
        commit_continuation,
        continuation_days,
        default_entry_date,
        plan_continuation,
    )

    if args.existing:
        raise InvalidInput("--existing 与 --continuation 不能同时使用：请选择一种导入方式")
    plan = plan_continuation(store, args.file, sheet=args.sheet)
    entry = args.date or default_entry_date(store)
    days = continuation_days()
    deadline = continuation_deadline(entry, days)
    count = len([r for r in plan.valid_records if r.row_number in plan.placements])
    report = {
        "file": str(args.file),
        "entry_date": f"{entry:%Y-%m-%d}",
        "deadline": f"{deadline:%Y-%m-%d}",
        "days": days,
        "missing_columns": plan.mapping.missing_required,
        "problems": [
            {"row": p.row_number, "column": p.header, "value": p.value, "message": p.message, "hint": p.hint}
            for p in plan.problems
        ],
        "warnings": [
            {"row": w.row_number, "rule": w.finding.rule_id, "message": w.finding.text} for w in plan.warnings
        ],
        "classes": [
            {"grade": c.grade_level, "class": c.name, "new": c.class_id is None, "students": c.students}
            for c in plan.classes
        ],
        "students": count,
        "unplaced": plan.unplaced,
        "created": 0,
        "skipped_rows": [],
        "written": False,
    }
    code = _continuation_checked(plan, args, count)
    if code == 0 and not args.dry_run:
        result = commit_continuation(store, plan, entry_date=entry, valid_only=args.valid_only)
        report.update(created=result.created, skipped_rows=result.skipped_rows, written=True)
        print(
            f"已导入 {result.created} 名初一/高一新生（学籍转接），入学日期 {entry:%Y-%m-%d}，"
            f"须在 {deadline:%Y-%m-%d} 前转接完成（《细则》第十五条）；跳过有错误的 {len(result.skipped_rows)} 行。",
            file=sys.stderr,
        )
    elif code == 0:
        print(
            f"检查通过：可导入 {count} 名初一/高一新生（学籍转接），入学日期 {entry:%Y-%m-%d}，"
            f"转接期限 {deadline:%Y-%m-%d}（未写入）。",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return code


def _continuation_checked(plan, args: argparse.Namespace, count: int) -> int:
    """0 when the plan may be written; else 1, said on stderr (the rows' problems on stdout unless --json)."""
    if not plan.mapping.usable:
        print(
            f"缺少必需的列：{'、'.join(plan.mapping.missing_required)}，没有导入任何学生。", file=sys.stderr
        )
        return 1
    if args.json:
        if plan.problems and not args.valid_only:
            print(
                f"共 {len(plan.problems)} 处错误（{len(plan.error_rows)} 行），没有导入任何学生。",
                file=sys.stderr,
            )
            _write_errors(plan, args)
            return 1
        _write_errors(plan, args)
    elif not report_import_plan(plan, args):
        return 1
    if not count:
        print("没有可导入的行。", file=sys.stderr)
        return 1
    _print_classes(plan)
    if plan.unplaced:
        print(f"未分班\t{plan.unplaced}名（导入后在名册中调班）", file=sys.stderr)
    return 0


def _write_errors(plan, args: argparse.Namespace) -> None:
    if plan.problems and args.errors:
        from xueji_desktop.spreadsheets.error_workbook import write_error_workbook

        write_error_workbook(args.errors, plan.table, plan.problems)
        print(f"错误清单已写入：{args.errors}", file=sys.stderr)


def _print_classes(plan) -> None:
    """The classes the file fills, each marked when the import creates it."""
    for planned in plan.classes:
        made = "（新建）" if planned.class_id is None else ""
        print(f"班级\t{planned.name}{made}\t{planned.students}名", file=sys.stderr)
