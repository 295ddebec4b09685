"""Commands for the school itself: init (the first-run setup), demo, students (the roster), screenshot."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from xueji_desktop.cli.common import day, subcommand

STAGE_CHOICES = ("primary", "junior", "senior", "nine_year", "twelve_year", "special")


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

    students = subcommand(commands, "students", "列出学生")
    students.add_argument("--class", dest="class_name", help="班级名称，如 一年级(2)班")
    students.add_argument("--status", help="学生状态，如 在读、休学")
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


def cmd_screenshot(store, args: argparse.Namespace) -> int:
    from xueji_desktop.paths import default_data_dir
    from xueji_desktop.ui.screenshot import render_main_window

    if not render_main_window(default_data_dir(args.data_dir), args.out, args.tab, (args.width, args.height)):
        print(f"无法生成截图：{args.out}", file=sys.stderr)
        return 1
    print(args.out)
    return 0
