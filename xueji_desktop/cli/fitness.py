"""`xueji fitness`: 体质健康 (第二十九条, R29.1) — import each 学年's results from Excel, record 体育免修, show a
student's results, and list who may receive the 毕业证书 (services/fitness.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xueji_desktop.cli.common import subcommand
from xueji_desktop.errors import InvalidInput
from xueji_desktop.rules import proofs

EXIT_PROBLEMS = 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "fitness",
        help="体质健康（导入测试成绩、体育免修、毕业证书发放条件）",
        description="体质健康：《国家学生体质健康标准》测试成绩与体育免修（《细则》第二十九条）",
    )
    actions = group.add_subparsers(dest="action", required=True)

    load = subcommand(
        actions, "import", "从 Excel 导入体质健康测试成绩（身份证件号或学籍号、学年、总分、等级）"
    )
    load.add_argument("file", type=Path, help="Excel 文件（.xlsx / .xls）")
    load.add_argument("--sheet", help="工作表名称（默认：第一个有表头的工作表）")
    load.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    load.add_argument("--errors", type=Path, help="把有错误的行写成错误清单工作簿（.xlsx）")
    load.add_argument("--valid-only", action="store_true", help="只导入没有错误的行")
    load.set_defaults(handler=cmd_import)

    exempt = subcommand(actions, "exempt", "记录体育免修（须附医疗单位的证明），或用 --withdraw 取消")
    exempt.add_argument("student", help="学生：身份证件号、学籍号或学生编号")
    exempt.add_argument("--year", required=True, help="学年，如 2026-2027")
    exempt.add_argument("--reason", required=True, help="原因")
    exempt.add_argument(
        "--proof",
        type=Path,
        help=f"{proofs.PE_EXEMPTION_PROOF}的扫描件或照片（PDF 或图片），作为证明材料保存",
    )
    exempt.add_argument("--withdraw", action="store_true", help="取消该学年的体育免修")
    exempt.set_defaults(handler=cmd_exempt)

    show = subcommand(actions, "show", "列出一名学生各学年的体质健康成绩和体育免修")
    show.add_argument("student", help="学生：身份证件号、学籍号或学生编号")
    show.add_argument("--json", action="store_true", help="以 JSON 输出")
    show.set_defaults(handler=cmd_show)

    diploma = subcommand(actions, "diploma", "毕业证书发放条件：逐一列出可否发放及原因（第二十九条）")
    diploma.add_argument("--student", action="append", help="学生（可重复）：身份证件号、学籍号或学生编号")
    diploma.add_argument("--class", dest="class_name", help="班级名称，如 六年级(1)班")
    diploma.add_argument("--year", help="毕业学年，如 2026-2027（默认：当前学年）")
    diploma.add_argument("--json", action="store_true", help="以 JSON 输出")
    diploma.set_defaults(handler=cmd_diploma)


def _year(text: str) -> int:
    from xueji_desktop.services.fitness import parse_school_year

    year = parse_school_year(text)
    if year is None:
        raise InvalidInput(f"学年不正确：{text}（如 2026-2027）")
    return year


def cmd_import(store, args: argparse.Namespace) -> int:
    """Exit 0: imported (or, --dry-run, would be); 1: the file has errors, nothing written (unless --valid-only);
    2: refused — a file that cannot be read or lacks the columns — printed by main()."""
    from xueji_desktop.services import fitness

    plan = fitness.plan_import(store, args.file, sheet=args.sheet)
    for problem in plan.problems:
        hint = f"（{problem.hint}）" if problem.hint else ""
        print(f"{problem.row_number}\t{problem.header}\t{problem.message}{hint}")
    if plan.problems and args.errors:
        from xueji_desktop.spreadsheets.error_workbook import write_error_workbook

        write_error_workbook(args.errors, plan.table, plan.problems)
        print(f"错误清单已写入：{args.errors}", file=sys.stderr)
    if plan.problems and not args.valid_only:
        print(
            f"共 {len(plan.problems)} 处错误（{len(plan.error_rows)} 行），没有导入任何成绩。",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    if not plan.rows:
        print("没有可导入的行。", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.dry_run:
        print(
            f"检查通过：可导入 {len(plan.new_rows)} 条成绩，{len(plan.unchanged_rows)} 条与已有成绩相同（未写入）。",
            file=sys.stderr,
        )
        return 0
    result = fitness.commit_import(store, plan, valid_only=args.valid_only)
    print(
        f"已导入 {result.recorded} 条成绩，{result.unchanged} 条与已有成绩相同；"
        f"跳过有错误的 {len(result.skipped_rows)} 行。",
        file=sys.stderr,
    )
    return 0


def cmd_exempt(store, args: argparse.Namespace) -> int:
    from xueji_desktop.models.terms import school_year_name
    from xueji_desktop.services import fitness, roster

    student_id = roster.find_student(store, args.student)
    year = _year(args.year)
    fitness.record_exemption(store, student_id, year, args.reason, args.proof, exempt=not args.withdraw)
    done = "已取消" if args.withdraw else "已记录"
    print(f"{done}学生 {student_id} {school_year_name(year)}的体育免修。", file=sys.stderr)
    return 0


def cmd_show(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import fitness, roster

    seen = fitness.results_of(store, roster.find_student(store, args.student))
    if args.json:
        print(
            json.dumps(
                {
                    "results": [
                        {"学年": r.year_name, "总分": r.total_score, "等级": r.grade, "来源": r.source}
                        for r in seen.results
                    ],
                    "exemptions": [{"学年": e.year_name, "原因": e.reason} for e in seen.exemptions],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for result in seen.results:
        print(f"{result.year_name}\t{result.total_score:g}\t{result.grade}\t{result.source}")
    for exemption in seen.exemptions:
        print(f"{exemption.year_name}\t体育免修\t{exemption.reason}")
    return 0


def cmd_diploma(store, args: argparse.Namespace) -> int:
    """Exit 0 when every student named may receive the 毕业证书, 1 when any may not (each line says why)."""
    from xueji_desktop.cli.common import students_of
    from xueji_desktop.services import fitness

    year = _year(args.year) if args.year else None
    found = fitness.diploma_eligibility(store, students_of(store, args), school_year=year)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "student_id": e.student_id,
                        "姓名": e.name,
                        "可发毕业证书": e.may_receive,
                        "结论": e.outcome,
                        "原因": e.reason,
                        "rule_ids": [f.rule_id for f in e.findings],
                    }
                    for e in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for e in found:
            print(f"{e.student_id}\t{e.name}\t{e.outcome}\t{e.reason}")
    return EXIT_PROBLEMS if any(not e.may_receive for e in found) else 0
