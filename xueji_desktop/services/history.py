"""Read-only views of the append-only history for the 异动 and 档案 tabs: status changes, audit events, backups."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from xueji_desktop.errors import NotFound
from xueji_desktop.models import AuditEvent, StatusChange, Student
from xueji_desktop.store import Store, list_backups


@dataclass(frozen=True, slots=True)
class StatusChangeRow:
    id: int
    effective_date: date
    student_name: str
    kind: str
    status_before: str
    status_after: str
    authority_state: str
    actor: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    summary: str


@dataclass(frozen=True, slots=True)
class BackupRow:
    file_name: str
    created_at: str
    students: int
    size_bytes: int


ACTION_NAMES = {
    "school.create": "设置学校",
    "class.create": "新建班级",
    "class.rename": "重命名班级",
    "student.create": "新增学生",
    "student.update": "修改学生信息",
    "student.move": "调班",
    "demo.create": "生成演示学校",
    "enrolment.step": "建籍步骤",
    "enrolment.national_id": "导入学籍号",
    "student.import": "导入新生",
    "student.import_existing": "导入本校现有学生",
    "student.import_continuation": "导入初一/高一新生（学籍转接）",
    "batch.export": "导出上报批次",
    "procedure.open": "办理异动手续",
    "procedure.step": "异动手续下一步",
    "procedure.cancel": "撤销异动手续",
    "procedure.province": "省级系统状态",
    "status_change.reverse": "冲正异动",
    "certificate.issue": "开具证明",
    "setting.change": "修改证明文字或套打设置",
    "diploma.print": "套打毕业证书",
    "consultation.register": "查阅登记",
    "archive.place": "纸质档案存放位置",
    "holiday_list.save": "录入节假日安排",
    "holiday_list.import": "导入节假日安排",
    "holiday_list.remove": "删除本机录入的节假日安排",
    "holiday_list.take_in": "转入旧版保存的节假日安排文件",
    "award.add": "记录奖励",
    "sanction.add": "记录处分",
    "sanction.lift": "解除处分",
    "fitness.import": "导入体质健康成绩",
    "fitness.exempt": "体育免修",
    "year_end.run": "学年结束（毕业、升级、新学年）",
    "year_end.undo": "撤销学年结束",
}


ENTITY_NAMES = {
    "school": "学校",
    "school_class": "班级",
    "student": "学生",
    "procedure": "异动手续",
    "document_setting": "证明设置",
    "holiday_list": "节假日安排",
    "fitness_result": "体质健康成绩",
    "school_year": "学年",
}


def action_name(action: str) -> str:
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    if action.startswith("status_change."):
        return f"异动：{kind_name(action.split('.', 1)[1])}"
    return action


def kind_name(kind: str) -> str:
    """休学, or 冲正（休学） for the reversal of one: the procedure kinds' labels from their registry, the other status
    changes (入学, 升级 …) from services/procedures/kinds.py's OTHER_CHANGE_NAMES."""
    from xueji_desktop.services.procedures.registry import change_name

    return change_name(kind)


def status_changes(store: Store, limit: int = 500) -> list[StatusChangeRow]:
    with store.read() as session:
        rows = session.execute(
            select(StatusChange, Student.name)
            .join(Student, StatusChange.student_id == Student.id)
            .order_by(StatusChange.id.desc())
            .limit(limit)
        )
        return [
            StatusChangeRow(
                c.id,
                c.effective_date,
                name,
                kind_name(c.kind),
                c.status_before or "",
                c.status_after,
                c.authority_state,
                c.actor,
            )
            for c, name in rows
        ]


def audit_events(store: Store, limit: int = 500) -> list[AuditRow]:
    with store.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
        return [AuditRow(e.id, e.at, e.actor, action_name(e.action), _summary(e)) for e in events]


def _summary(event: AuditEvent) -> str:
    changes = json.loads(event.changes or "{}")
    fields = [name for name in changes if name != "家庭成员"] + (
        ["家庭成员"] if "家庭成员" in changes else []
    )
    shown = "、".join(fields[:6]) + ("等" if len(fields) > 6 else "")
    entity = ENTITY_NAMES.get(event.entity, event.entity)
    return f"{entity} #{event.entity_id}：{shown}" if event.entity_id else shown


def backups(store: Store) -> list[BackupRow]:
    rows = []
    for path in list_backups(store.folder):
        manifest_path = path.with_suffix(".json")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        rows.append(
            BackupRow(
                path.name,
                manifest.get("created_at", ""),
                manifest.get("counts", {}).get("student", 0),
                path.stat().st_size,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a student's 异动 timeline: a status change, or a step of a procedure."""

    day: date
    what: str
    detail: str


def timeline(store: Store, student_id: int) -> tuple[str, list[TimelineEntry]]:
    """(the student's name, every status change and every procedure step for the student, oldest first)."""
    from xueji_desktop.models import Procedure
    from xueji_desktop.services.procedures.base import PROVINCE
    from xueji_desktop.services.procedures.state import procedure_states

    with store.read() as session:
        student = session.get(Student, student_id)
        if student is None:
            raise NotFound(f"没有编号为 {student_id} 的学生")
        entries = []
        for change in session.scalars(select(StatusChange).where(StatusChange.student_id == student_id)):
            shown = f"{change.status_before or '（新建学籍）'} → {change.status_after}"
            entries.append(
                (
                    change.effective_date,
                    change.created_at,
                    TimelineEntry(
                        change.effective_date,
                        kind_name(change.kind),
                        shown + (f"；{change.reason}" if change.reason else ""),
                    ),
                )
            )
        ids = session.scalars(select(Procedure.id).where(Procedure.student_id == student_id)).all()
        for state in procedure_states(session, ids).values():
            for event in state.events:
                track = "省级系统" if event.track == PROVINCE else "手续"
                extra = "".join(f"；{part}" for part in (event.approval_number, event.note) if part)
                entries.append(
                    (
                        event.on,
                        event.created_at,
                        TimelineEntry(event.on, f"{state.label}{track}", event.state + extra),
                    )
                )
        entries.sort(key=lambda entry: (entry[0], entry[1]))
        return student.name, [entry for _, _, entry in entries]


def student_of_change(store: Store, status_change_id: int) -> int | None:
    with store.read() as session:
        return session.scalar(select(StatusChange.student_id).where(StatusChange.id == status_change_id))
