"""What every command shares: a subcommand with --data-dir, KEY=VALUE pairs, and the students or class a command
names on its line (by 身份证件号, 学籍号 or the app's own number)."""

from __future__ import annotations

import argparse

from xueji_desktop.errors import InvalidInput, NotFound


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


def students_of(store, args: argparse.Namespace) -> list[int]:
    """The students --student names (by 身份证件号, 学籍号 or the app's own number), or the class --class names (its
    students in school, by 学号 then name)."""
    from xueji_desktop.services import roster

    if args.student:
        return [roster.find_student(store, given) for given in args.student]
    if args.class_name:
        return roster.students_in_class(store, roster.class_by_name(store, args.class_name))
    raise NotFound("请用 --student 指定学生，或用 --class 指定班级")
