"""Excel in and out: import-students (a list of new students) and export-batch (the provincial system's upload
templates)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xueji_desktop.cli.common import report_import_plan, subcommand
from xueji_desktop.cli.existing_import import add_continuation_arguments

BATCH_KINDS = {"new-students": "export_new_students", "status-changes": "export_status_changes"}
# each kind of 异动手续 and the service that opens it (module in xueji_desktop.services, function)


def add_commands(commands: argparse._SubParsersAction) -> None:
    load = subcommand(commands, "import-students", "从 Excel 导入新生名单（.xlsx / .xls）")
    load.add_argument("file", type=Path, help="Excel 文件")
    load.add_argument("--sheet", help="工作表名称（默认：第一个有表头的工作表）")
    load.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    load.add_argument("--errors", type=Path, help="把有错误的行写成错误清单工作簿（.xlsx）")
    load.add_argument("--valid-only", action="store_true", help="只导入没有错误的行")
    load.add_argument("--grade", type=int, help="新生编入的年级（默认：本校的起始年级）")
    load.add_argument(
        "--number-scheme",
        help='学号编排，如 "{入学年}{班号:02}{序号:02}"（记为本校的编排，编入班级的新生按它编学号；"" 不再编排）',
    )
    load.add_argument(
        "--existing",
        action="store_true",
        help="导入本校现有学生（已有学籍号；按文件中的年级、班级和学籍状态，班级没有的自动新建）",
    )
    add_continuation_arguments(load)

    batch = subcommand(commands, "export-batch", "导出上报批次（省学籍系统的导入模板）")
    batch.add_argument(
        "kind",
        choices=tuple(BATCH_KINDS),
        help="批次类型：new-students 新生信息；status-changes 待上报或已退回的学籍异动",
    )
    batch.add_argument("out", type=Path, help="输出的 .xlsx 文件（超过模板行数时另写 _2、_3 …）")
    batch.add_argument("--valid-only", action="store_true", help="只导出通过检查的学生")

    load.set_defaults(handler=cmd_import_students)
    batch.set_defaults(handler=cmd_export_batch)


def cmd_import_students(store, args: argparse.Namespace) -> int:
    """Exit 0: imported (or, --dry-run, would be); 1: the file has errors, nothing written; 2: refused — a file
    that cannot be read (ImportFileError), a full disk — printed by main()."""
    if args.continuation:
        from xueji_desktop.cli.existing_import import cmd_import_continuation

        return cmd_import_continuation(store, args)
    if args.existing:
        from xueji_desktop.cli.existing_import import cmd_import_existing

        return cmd_import_existing(store, args)
    from xueji_desktop.rules.enrolment import enrolment_deadline
    from xueji_desktop.services.student_import import (
        check_number_scheme,
        commit_import,
        default_enrolment_date,
        number_scheme,
        plan_classes,
        plan_import,
        preview_school_numbers,
    )

    if args.number_scheme:
        check_number_scheme(args.number_scheme)
    plan = plan_import(store, args.file, sheet=args.sheet)
    for warning in plan.name_warnings:  # R13.1: a name beginning with = + - @
        print(f"{warning.row_number}\t{warning.header}\t提示：{warning.message}")
    if not report_import_plan(plan, args):
        return 1
    entered = args.date or default_enrolment_date(store)
    deadline = enrolment_deadline(entered)
    valid = plan.valid_records
    if not valid:
        print("没有可导入的行。", file=sys.stderr)
        return 1
    classes = plan_classes(store, plan, grade_level=args.grade)
    for finding in classes.findings:
        print(f"提示：{finding.text}", file=sys.stderr)
    if classes.blocking:
        return 1
    scheme = number_scheme(store) if args.number_scheme is None else args.number_scheme
    if args.dry_run:
        _print_updates(plan)
        if scheme:
            shown = "、".join(preview_school_numbers(scheme, entered.year, 1))
            print(f"学号编排：{scheme}（例，1班：{shown}……）", file=sys.stderr)
        print(
            f"检查通过：可导入 {len(plan.new_records)} 名新生，更新 {len(plan.updates)} 名；入学日期 "
            f"{entered:%Y-%m-%d}，建立学籍期限 {deadline:%Y-%m-%d}（《细则》第十条）（未写入）。",
            file=sys.stderr,
        )
        return 0
    result = commit_import(
        store,
        plan,
        valid_only=args.valid_only,
        class_of_row=classes.class_of_row,
        enrolment_date=entered,
        number_scheme=args.number_scheme,
    )
    print(
        f"已导入 {result.created} 名新生，更新 {result.updated} 名；跳过有错误的 {len(result.skipped_rows)} 行；"
        f"入学日期 {entered:%Y-%m-%d}，须在 {deadline:%Y-%m-%d} 前建立学籍（《细则》第十条）。",
        file=sys.stderr,
    )
    return 0


def _print_updates(plan) -> None:
    """The dry run's old → new for every student the file would update (students still being enrolled), one line
    per student on stdout: 更新, row, name, then each field as 「label：old → new」."""
    from xueji_desktop.services.student_import import shown_value

    for update in plan.updates:
        changes = "；".join(
            f"{label}：{shown_value(label, old)} → {shown_value(label, new)}"
            for label, (old, new) in update.changes.items()
        )
        print(f"更新\t第{update.row_number}行\t{update.name}\t{changes}")


def cmd_export_batch(store, args: argparse.Namespace) -> int:
    """Exit 0: written (each file on a line); 1: students blocked (one line each); 2: refused (nothing to export, a
    file that cannot be written, a full disk), printed by main()."""
    from xueji_desktop.services import upload_batches
    from xueji_desktop.services.upload_batches import BatchBlocked

    export = getattr(upload_batches, BATCH_KINDS[args.kind])
    try:
        result = export(store, args.out, valid_only=args.valid_only)
    except BatchBlocked as error:
        for student in error.blocked:
            print(student.line())
        print(f"{len(error.blocked)} 名学生的信息未通过检查，没有导出任何文件。", file=sys.stderr)
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
