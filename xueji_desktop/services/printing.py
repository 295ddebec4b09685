"""Printable documents that are not certificates: rosters first (在校生分班名册, R6.1). Each writes its PDF to a
temporary name and moves it into place, so a failure never leaves half a file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from xueji_desktop.documents.files import placed
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.rules.identity import mask_id_number
from xueji_desktop.services.roster import IN_SCHOOL_STATUSES
from xueji_desktop.services.school_setup import school_context
from xueji_desktop.store import Store


def class_roster(store: Store, class_id: int, out: Path, *, full_id_numbers: bool = False) -> int:
    """The class's students in school (在读, 休学), by 学号 then name; ID numbers masked unless `full_id_numbers` (the
    copy for the school archive). Returns the number of pages."""
    from xueji_desktop.documents import rosters

    context = school_context(store)
    with store.read() as session:
        school_class = session.get(SchoolClass, class_id)
        if school_class is None:
            raise LookupError(f"没有编号为 {class_id} 的班级")
        students = session.scalars(
            select(Student).where(Student.school_class_id == class_id, Student.status.in_(IN_SCHOOL_STATUSES))
            .order_by(Student.school_number, Student.pinyin_key)
        ).all()  # fmt: skip
        lines = [rosters.RosterLine(s.school_number or "", s.name, "男" if s.gender == "1" else "女",
                                    f"{s.birth_date:%Y-%m-%d}",
                                    (s.id_number or "") if full_id_numbers else mask_id_number(s.id_number or ""),
                                    s.national_student_id or "") for s in students]  # fmt: skip
        class_name = school_class.name
    school = context.school_name if context else ""
    term = context.term_label if context else ""
    subtitle = f"{school}　{term}　共{len(lines)}人" + ("　（存档用，含完整身份证件号）" if full_id_numbers else "")
    with placed(out) as temporary:
        return rosters.write(temporary, f"{class_name}在校生名册", subtitle, lines)
