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
    """The students --student names, or the class --class names (in school, by 学号 then name)."""
    if args.student:
        ids = []
        for given in args.student:
            found = find_student(store, given)
            if found is None:
                raise NotFound(f"找不到学生：{given}（可用身份证件号、学籍号或学生编号）")
            ids.append(found)
        return ids
    if args.class_name:
        from sqlalchemy import select

        from xueji_desktop.models import Student
        from xueji_desktop.services.roster import IN_SCHOOL_STATUSES

        class_id = find_class(store, args.class_name)
        with store.read() as session:
            return list(
                session.scalars(
                    select(Student.id)
                    .where(Student.school_class_id == class_id, Student.status.in_(IN_SCHOOL_STATUSES))
                    .order_by(Student.school_number, Student.pinyin_key)
                )
            )
    raise NotFound("请用 --student 指定学生，或用 --class 指定班级")


def find_class(store, given: str) -> int:
    from sqlalchemy import select

    from xueji_desktop.models import SchoolClass

    with store.read() as session:
        found = session.scalar(select(SchoolClass.id).where(SchoolClass.name == given.strip()))
        if found is None and given.strip().isdigit():
            found = session.scalar(select(SchoolClass.id).where(SchoolClass.id == int(given)))
    if found is None:
        raise NotFound(f"找不到班级：{given}（请用 --class 给出名册中的班级名称）")
    return found


def find_student(store, given: str) -> int | None:
    """A student by 身份证件号, 学籍号 or the app's own id."""
    from sqlalchemy import or_, select

    from xueji_desktop.models import Student
    from xueji_desktop.rules.identity import normalise_id_number

    text = given.strip()
    with store.read() as session:
        found = session.scalar(
            select(Student.id)
            .where(or_(Student.id_number == normalise_id_number(text), Student.national_student_id == text))
            .limit(1)
        )
        if found is None and text.isdigit() and len(text) < 10:
            found = session.scalar(select(Student.id).where(Student.id == int(text)))
        return found
