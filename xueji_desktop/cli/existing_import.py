"""`xueji import-students FILE --existing`: the school's existing students (issue 12 §1), with the exit codes of the
new-student import — 0 imported (or, --dry-run, would be), 1 the file has errors and nothing was written, 2 refused
(a file that cannot be read, a full disk), printed by main()."""

from __future__ import annotations

import argparse
import sys

from xueji_desktop.cli.common import report_import_plan


def cmd_import_existing(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.existing_import import commit_existing, plan_existing

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
    for planned in plan.classes:
        made = "（新建）" if planned.class_id is None else ""
        print(f"班级\t{planned.name}{made}\t{planned.students}名", file=sys.stderr)
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
