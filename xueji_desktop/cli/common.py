"""What every command shares: a subcommand with --data-dir, KEY=VALUE pairs, and the students or class a command
names on its line (by 身份证件号, 学籍号 or the app's own number)."""

from __future__ import annotations

import argparse
import sys
import typing
from datetime import date

from xueji_desktop.errors import InvalidInput, NotFound

# argparse's own words for a command line it cannot take, in the clerk's language (the rest of its message is ours)
_ARGPARSE_WORDS = (
    ("the following arguments are required: ", "缺少必填的参数："),
    ("invalid choice: ", "无效的选项："),
    ("choose from ", "可选："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("expected one argument", "需要一个值"),
    ("argument ", "参数 "),
)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser that says what is wrong with a command line in Chinese (exit 2, as argparse does)."""

    def error(self, message: str) -> typing.NoReturn:
        for english, chinese in _ARGPARSE_WORDS:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：命令行有误：{message}\n")


def day(text: str) -> date:
    """A date given on the command line (YYYY-MM-DD), refused in Chinese when it is not one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期 YYYY-MM-DD（如 2026-09-01），现在是“{text}”") from None


def subcommand(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    """A subcommand with its help, and the --data-dir every command takes."""
    sub = subparsers.add_parser(name, help=help_text, description=help_text)
    sub.add_argument("--data-dir", help="数据文件夹")
    return sub


def pair(text: str, option: str, form: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise InvalidInput(f"{option} 的格式应为 {form}：{text}")
    return key.strip(), value.strip()


def report_import_plan(plan, args: argparse.Namespace) -> bool:
    """An import plan's problems (row, column, message, hint) and likely duplicates (R13.1) on stdout, and --errors'
    workbook; False (said on stderr) when the file has errors and not --valid-only: nothing is to be written."""
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
    if problems and not args.valid_only:
        print(f"共 {len(problems)} 处错误（{len(plan.error_rows)} 行），没有导入任何学生。", file=sys.stderr)
        return False
    return True


def students_of(store, args: argparse.Namespace) -> list[int]:
    """The students --student names (by 身份证件号, 学籍号 or the app's own number), or the class --class names (its
    students in school, by 学号 then name)."""
    from xueji_desktop.services import roster

    if args.student:
        return [roster.find_student(store, given) for given in args.student]
    if args.class_name:
        return roster.students_in_class(store, roster.class_by_name(store, args.class_name))
    raise NotFound("请用 --student 指定学生，或用 --class 指定班级")
