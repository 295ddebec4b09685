"""`xueji`: the same services from a terminal — for scripting, tests and the installer's self-test.

Every command takes --data-dir (default: XUEJI_DATA_DIR, then the per-user data folder). Messages are Chinese; a
refused command exits 1 with one line saying why, an unreadable data folder exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from xueji_desktop import APP_NAME

STAGE_CHOICES = ("primary", "junior", "senior", "nine_year", "twelve_year", "special")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xueji", description=f"{APP_NAME} 命令行")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--data-dir", help="数据文件夹")
        return sub

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
    batch.add_argument("kind", choices=("new-students",), help="批次类型：new-students 新生信息")
    batch.add_argument("out", type=Path, help="输出的 .xlsx 文件（超过模板行数时另写 _2、_3 …）")
    batch.add_argument("--valid-only", action="store_true", help="只导出通过检查的学生")

    shot = command("screenshot", "把主窗口渲染成 PNG 图片（无需显示器）")
    shot.add_argument("out", type=Path, help="输出的 PNG 文件")
    shot.add_argument("--tab", choices=("名册", "新生建籍", "异动", "档案"), default="名册")
    shot.add_argument("--width", type=int, default=1280)
    shot.add_argument("--height", type=int, default=760)
    return parser


def _school_year_default(today: date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def cmd_init(store, args: argparse.Namespace) -> int:  # noqa: ANN001
    from xueji_desktop.services.school_setup import STAGES, SchoolSetup, SetupError, create_school

    year = args.year or _school_year_default(date.today())
    setup = SchoolSetup(
        name=args.name, code=args.code, stage=args.stage, region_code=args.region, authority=args.authority,
        principal=args.principal, registrar=args.registrar, start_year=year,
        term1_start=args.term1_start or date(year, 9, 1), term1_end=args.term1_end or date(year + 1, 1, 20),
        term2_start=args.term2_start or date(year + 1, 2, 20), term2_end=args.term2_end or date(year + 1, 7, 10),
        classes_per_grade={level: args.classes for level in STAGES[args.stage][1]},
    )  # fmt: skip
    try:
        create_school(store, setup)
    except SetupError as error:
        print(f"设置失败：{error}", file=sys.stderr)
        return 1
    print(f"已设置学校：{setup.name}（{store.folder.root}）")
    return 0


def cmd_demo(store, args: argparse.Namespace) -> int:  # noqa: ANN001
    from xueji_desktop.services.demo import create_demo_school
    from xueji_desktop.services.school_setup import is_set_up

    if is_set_up(store):
        print(f"这个数据文件夹已经有学校了：{store.folder.root}", file=sys.stderr)
        return 1
    create_demo_school(store, students=args.students, seed=args.seed)
    print(f"已生成演示学校（{args.students} 名学生）：{store.folder.root}")
    return 0


def cmd_students(store, args: argparse.Namespace) -> int:  # noqa: ANN001
    from xueji_desktop.rules.identity import mask_id_number
    from xueji_desktop.services.roster import student_listing

    rows = student_listing(store, class_name=args.class_name, status=args.status)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for row in rows:
        print("\t".join([row["school_number"], row["name"], row["gender"], row["birth_date"],
                         mask_id_number(row["id_number"]), row["national_student_id"], row["class_name"],
                         row["status"]]))  # fmt: skip
    print(f"共 {len(rows)} 名学生", file=sys.stderr)
    return 0


def cmd_import_students(store, args: argparse.Namespace) -> int:  # noqa: ANN001
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
        print(f"检查通过：可导入 {len(valid) - len(plan.updates)} 名新生，更新 {len(plan.updates)} 名（未写入）。",
              file=sys.stderr)  # fmt: skip
        return 0
    result = commit_import(store, plan, valid_only=args.valid_only, class_of_row=classes.class_of_row)
    print(f"已导入 {result.created} 名新生，更新 {result.updated} 名；跳过有错误的 {len(result.skipped_rows)} 行。",
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_export_batch(store, args: argparse.Namespace) -> int:  # noqa: ANN001
    """Exit 0: written (each file on a line); 1: students blocked (one line each) or nothing to export."""
    from xueji_desktop.services.upload_batches import BatchBlocked, BatchError, export_new_students
    from xueji_desktop.spreadsheets.batch_writer import BatchWriteError
    from xueji_desktop.store import StoreError

    try:
        result = export_new_students(store, args.out, valid_only=args.valid_only)
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
    print(f"已导出 {len(result.exported)} 名学生，{len(result.files)} 个文件。", file=sys.stderr)
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    from xueji_desktop.paths import default_data_dir
    from xueji_desktop.ui.screenshot import render_main_window

    if not render_main_window(default_data_dir(args.data_dir), args.out, args.tab, (args.width, args.height)):
        print(f"无法生成截图：{args.out}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


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
            "init": cmd_init, "demo": cmd_demo, "students": cmd_students, "import-students": cmd_import_students,
            "export-batch": cmd_export_batch,
        }[args.command]  # fmt: skip
        try:
            return handler(store, args)
        except BrokenPipeError:  # `xueji students | head`: the reader has all it wanted
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python's exit flush quiet
            return 0


if __name__ == "__main__":
    sys.exit(main())
