"""Commands for the school itself: init (the first-run setup), demo, students (the roster: list, search, 批量修改,
补录模板 out and back in), screenshot."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from xueji_desktop.cli.common import day, subcommand

STAGE_CHOICES = ("primary", "junior", "senior", "nine_year", "twelve_year", "special")
STUDENT_ACTIONS = ("set", "complete-template", "complete")


def add_commands(commands: argparse._SubParsersAction) -> None:
    init = subcommand(commands, "init", "设置学校（相当于首次设置向导）")
    init.add_argument("--name", required=True, help="学校名称")
    init.add_argument("--code", required=True, help="学校标识码（10位数字）")
    init.add_argument("--stage", required=True, choices=STAGE_CHOICES, help="学段")
    init.add_argument("--region", default="140406", help="所在地行政区划代码（默认 140406 潞城区）")
    init.add_argument("--authority", default="长治市潞城区教育局", help="学籍管理部门")
    init.add_argument("--principal", required=True, help="校长")
    init.add_argument("--registrar", required=True, help="学籍管理员")
    init.add_argument("--year", type=int, help="学年开始的年份（默认：当前学年）")
    for term in ("term1-start", "term1-end", "term2-start", "term2-end"):
        init.add_argument(f"--{term}", type=day, help="学期日期 YYYY-MM-DD（默认 9/1、1/20、2/20、7/10）")
    init.add_argument("--classes", type=int, default=2, help="每个年级的班级数（默认2）")

    demo = subcommand(commands, "demo", "生成一所演示学校")
    demo.add_argument("--students", type=int, default=1000, help="学生人数（可为0：只有学校和班级）")
    demo.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")

    students = subcommand(
        commands,
        "students",
        "列出、查找学生；批量修改（set 字段=值）；补录模板（complete-template 生成，complete 导入）",
    )
    students.add_argument(
        "action",
        nargs="?",
        choices=STUDENT_ACTIONS,
        help="不填：列出学生；set 字段=值：批量修改；complete-template 输出.xlsx：生成补录模板；"
        "complete 文件.xlsx：导入补录模板",
    )
    students.add_argument("target", nargs="?", help="set 的 字段=值，或补录模板的文件")
    students.add_argument("--class", dest="class_name", help="班级名称，如 一年级(2)班")
    students.add_argument("--status", help="学生状态，如 在读、休学")
    students.add_argument("--search", help="按姓名、拼音首字母、身份证件号或学籍号查找（与名册的查找相同）")
    students.add_argument(
        "--student", action="extend", nargs="+", help="学生（身份证件号、学籍号或学生编号），可给多个"
    )
    students.add_argument("--pending", action="store_true", help="上报批次中未通过检查的新生（补录模板）")
    students.add_argument(
        "--dry-run", action="store_true", help="只显示将要修改的内容（原值 → 新值），不写入"
    )
    students.add_argument("--errors", type=Path, help="补录模板有错误时，把错误清单写入这个 .xlsx")
    students.add_argument("--json", action="store_true", help="以 JSON 输出（含完整身份证件号）")

    init.set_defaults(handler=cmd_init)
    demo.set_defaults(handler=cmd_demo)
    students.set_defaults(handler=cmd_students)

    shot = subcommand(commands, "screenshot", "把主窗口渲染成 PNG 图片（无需显示器）")
    shot.add_argument("out", type=Path, help="输出的 PNG 文件")
    shot.add_argument("--tab", choices=("名册", "新生建籍", "异动", "档案"), default="名册")
    shot.add_argument("--width", type=int, default=1280)
    shot.add_argument("--height", type=int, default=760)
    shot.set_defaults(handler=cmd_screenshot, needs_store=False)


def _school_year_default(today: date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def cmd_init(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.school_setup import STAGES, SchoolSetup, create_school

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
    create_school(store, setup)  # a SetupError is printed by main() (exit 2)
    print(f"已设置学校：{setup.name}（{store.folder.root}）")
    return 0


def cmd_demo(store, args: argparse.Namespace) -> int:
    from xueji_desktop.demo import create_demo_school
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

    if args.action is not None:
        return _STUDENT_ACTIONS[args.action](store, args)
    if args.search is not None:
        return _search(store, args)
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


def _search(store, args: argparse.Namespace) -> int:
    """The roster's search (name, 拼音, ID number or 学籍号 fragment): masked ID numbers, as on the screen."""
    from dataclasses import asdict

    from xueji_desktop.services.roster import search_students

    rows = search_students(store, args.search, statuses=(args.status,) if args.status else ())
    if args.json:
        json.dump(
            [asdict(row) | {"birth_date": row.birth_date.isoformat()} for row in rows],
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        print()
        return 0
    for row in rows:
        print(
            "\t".join(
                [
                    str(row.id),
                    row.school_number,
                    row.name,
                    row.gender,
                    row.birth_date.isoformat(),
                    row.id_number_masked,
                    row.national_student_id,
                    row.class_name,
                    row.status,
                ]
            )
        )
    print(f"找到 {len(rows)} 名学生", file=sys.stderr)
    return 0


def _need_target(args: argparse.Namespace, what: str) -> str:
    from xueji_desktop.errors import InvalidInput

    if not args.target:
        raise InvalidInput(f"xueji students {args.action} 需要{what}")
    return args.target


def _bulk_set(store, args: argparse.Namespace) -> int:
    """批量修改: one field to one value for --student … or --class; old → new per student; 第十四条 refusals exit 2."""
    from xueji_desktop.cli.common import pair, students_of
    from xueji_desktop.services import bulk_edit

    key, text = pair(_need_target(args, "“字段=值”，如 民族=回族"), "set", "字段=值")
    spec = bulk_edit.field_of(key)
    plan = bulk_edit.preview(store, spec.key, bulk_edit.parse_value(spec, text), students_of(store, args))
    for row in plan.rows:
        note = f"（{row.note}）" if row.note else ""
        print(f"{row.name}\t{row.class_name}\t{row.old or '（空）'} → {row.new or '（空）'}{note}")
    if args.dry_run:
        print(f"试运行：将修改 {plan.changes} 名学生的{plan.label}，没有写入。", file=sys.stderr)
        return 0
    changed = bulk_edit.commit(store, plan)
    print(f"已修改 {changed} 名学生的{plan.label}。", file=sys.stderr)
    return 0


def _complete_template(store, args: argparse.Namespace) -> int:
    """补录模板 for --class, --student … or --pending (the new students the upload batch refuses)."""
    from xueji_desktop.cli.common import students_of
    from xueji_desktop.services import completion_template

    out = Path(_need_target(args, "输出的 .xlsx 文件"))
    ids = completion_template.pending_student_ids(store) if args.pending else students_of(store, args)
    result = completion_template.write_template(store, out, ids)
    print(result.path)
    print(
        f"补录模板：{result.students} 名学生，{len(result.columns)} 列待填：{'、'.join(result.columns)}",
        file=sys.stderr,
    )
    return 0


def _complete(store, args: argparse.Namespace) -> int:
    """Take a 补录模板 back: old → new per student; bad cells listed (and --errors' workbook), nothing written, exit 1."""
    from xueji_desktop.services import completion_template

    plan = completion_template.plan_completion(store, Path(_need_target(args, "补录模板文件")))
    for problem in plan.problems:
        hint = f"（{problem.hint}）" if problem.hint else ""
        print(f"{problem.row_number}\t{problem.header}\t{problem.message}{hint}")
    if plan.problems:
        if args.errors:
            completion_template.write_errors(plan, args.errors)
            print(f"错误清单已写入：{args.errors}", file=sys.stderr)
        print(f"共 {len(plan.problems)} 处错误，没有写入任何信息。", file=sys.stderr)
        return 1
    for line in completion_template.preview_lines(plan):
        print(line)
    if args.dry_run:
        print(
            f"试运行：将补录 {len(plan.updates)} 名学生（{plan.unchanged} 名没有变化），没有写入。",
            file=sys.stderr,
        )
        return 0
    changed = completion_template.commit_completion(store, plan)
    print(f"已补录 {changed} 名学生的信息（{plan.unchanged} 名没有变化）。", file=sys.stderr)
    return 0


_STUDENT_ACTIONS = {"set": _bulk_set, "complete-template": _complete_template, "complete": _complete}


def cmd_screenshot(store, args: argparse.Namespace) -> int:
    from xueji_desktop.paths import default_data_dir
    from xueji_desktop.ui.screenshot import render_main_window

    if not render_main_window(default_data_dir(args.data_dir), args.out, args.tab, (args.width, args.height)):
        print(f"无法生成截图：{args.out}", file=sys.stderr)
        return 1
    print(args.out)
    return 0
