"""Read-only views of the append-only history for the 异动 and 档案 tabs: status changes, audit events, backups.

The operation log (操作记录) reads as a registrar's log: whose record (the student's name, the class, the procedure
and its student), the action in Chinese, each field's old → new value in words (code tables' names, 是/否, places);
the ID number and a 学籍号 made of G and the ID number masked as on every screen (rules/identity.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from xueji_desktop.errors import NotFound
from xueji_desktop.models import AuditEvent, Procedure, SchoolClass, StatusChange, Student
from xueji_desktop.reference.student_fields import FAMILY_FIELDS, STUDENT_FIELDS, FieldKind, FieldSpec
from xueji_desktop.rules.identity import mask_id_number, mask_national_student_id
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
class AuditChange:
    """One field of an audit entry, in words: 班级 一年级(1)班 → 一年级(2)班 (`old` empty for a value first set)."""

    field: str
    old: str
    new: str

    @property
    def text(self) -> str:
        return f"{self.field}：{self.old} → {self.new}" if self.old else f"{self.field}：{self.new}"


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One entry of the operation log: `action` in Chinese, `subject` whose record it is (张三, 一年级(1)班, 张三的休学),
    `summary` its first changes on one line, `changes` all of them."""

    id: int
    at: datetime
    actor: str
    action: str
    summary: str
    subject: str = ""
    changes: tuple[AuditChange, ...] = ()

    @property
    def text(self) -> str:
        """The whole entry, a line each, as the clerk reads it when the row is opened."""
        head = [
            f"时间：{self.at:%Y-%m-%d %H:%M:%S}",
            f"操作人：{self.actor}",
            f"操作：{self.action}",
        ]
        if self.subject:
            head.append(f"对象：{self.subject}")
        if not self.changes:
            return "\n".join(head)
        return "\n".join([*head, "内容：", *(f"　　{change.text}" for change in self.changes)])


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
            .order_by(StatusChange.effective_date.desc(), StatusChange.id.desc())  # newest first
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


SUMMARY_CHANGES = 3  # changes a row shows on its line; the whole entry opens on double-click


def audit_events(store: Store, limit: int = 500) -> list[AuditRow]:
    """The newest `limit` entries of the operation log, newest first, in the registrar's words."""
    with store.read() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
        subjects = _subjects(session, events)
        rows = []
        for event in events:
            changes = tuple(_changes(json.loads(event.changes or "{}")))
            subject = subjects.get((event.entity, event.entity_id), "")
            rows.append(
                AuditRow(
                    event.id,
                    event.at,
                    event.actor,
                    action_name(event.action),
                    _summary(changes),
                    subject,
                    changes,
                )
            )
        return rows


def _subjects(session: Any, events: Iterable[AuditEvent]) -> dict[tuple[str, int | None], str]:
    """Whose record each entry is: the student's name, the class's name, 张三的休学 for a procedure; the entity's
    Chinese name (学校, 节假日安排 …) for the rest."""
    ids: dict[str, set[int]] = {}
    for event in events:
        if event.entity_id is not None:
            ids.setdefault(event.entity, set()).add(event.entity_id)
    procedures = {
        pid: (sid, name, kind)
        for pid, sid, name, kind in session.execute(
            select(Procedure.id, Procedure.student_id, Procedure.student_name, Procedure.kind).where(
                Procedure.id.in_(ids.get("procedure", set()))
            )
        )
    }
    student_ids = ids.get("student", set()) | {sid for sid, _n, _k in procedures.values() if sid is not None}
    students = dict(
        session.execute(select(Student.id, Student.name).where(Student.id.in_(student_ids))).all()
    )
    classes = dict(
        session.execute(
            select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(ids.get("school_class", set())))
        ).all()
    )
    subjects: dict[tuple[str, int | None], str] = {}
    for event in events:
        key = (event.entity, event.entity_id)
        if event.entity == "student" and event.entity_id in students:
            subjects[key] = students[event.entity_id]
        elif event.entity == "procedure" and event.entity_id in procedures:
            sid, name, kind = procedures[event.entity_id]
            subjects[key] = f"{students.get(sid, name) if sid is not None else name}的{kind_name(kind)}"
        elif event.entity == "school_class" and event.entity_id in classes:
            subjects[key] = classes[event.entity_id]
        else:
            subjects[key] = ENTITY_NAMES.get(event.entity, event.entity)
    return subjects


def _summary(changes: tuple[AuditChange, ...]) -> str:
    shown = "；".join(change.text for change in changes[:SUMMARY_CHANGES])
    return f"{shown} 等{len(changes)}项" if len(changes) > SUMMARY_CHANGES else shown


_FIELDS_BY_LABEL: dict[str, FieldSpec] = {spec.label: spec for spec in STUDENT_FIELDS}
_FAMILY_BY_KEY: dict[str, FieldSpec] = {spec.key: spec for spec in FAMILY_FIELDS}


def _changes(changes: dict[str, Any]) -> list[AuditChange]:
    """Each field's old → new in words, the record's fields in the record's order (姓名 first), the family last."""
    order = {spec.label: number for number, spec in enumerate(STUDENT_FIELDS)}
    fields = sorted((name for name in changes if name != "家庭成员"), key=lambda name: order.get(name, -1))
    fields += ["家庭成员"] if "家庭成员" in changes else []
    result = []
    for field in fields:
        value = changes[field]
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            result.append(AuditChange(field, "" if old is None else _words(field, old), _words(field, new)))
        else:
            result.append(AuditChange(field, "", _words(field, value)))
    return result


def _words(field: str, value: Any) -> str:
    """A stored value as the clerk reads it: a code's name, 是/否, a place's name, a masked ID number."""
    if value is None or value == "":
        return "（空）"
    if field == "家庭成员" and isinstance(value, list):
        return _family_words(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    spec = _FIELDS_BY_LABEL.get(field)
    if spec is not None:
        return _field_words(spec, value)
    if isinstance(value, dict):
        return "，".join(f"{key} {_words(str(key), item)}" for key, item in value.items())
    if isinstance(value, list):
        return "、".join(_words(field, item) for item in value)
    return str(value)


def _field_words(spec: FieldSpec, value: Any) -> str:
    from xueji_desktop.reference.codes import code_table
    from xueji_desktop.reference.regions import region_table

    if value is None or value == "":
        return "（空）"
    text = str(value)
    if spec.key == "id_number":
        return mask_id_number(text)
    if spec.key == "national_student_id":
        return mask_national_student_id(text)
    if spec.kind == FieldKind.CODE and spec.table:
        return code_table(spec.table).name_of(text) or text
    if spec.kind == FieldKind.BOOL:
        return {"true": "是", "1": "是", "false": "否", "0": "否"}.get(text.lower(), text)
    if spec.kind == FieldKind.REGION:
        return region_table().full_name(text) or text
    return text


def _family_words(members: list[Any]) -> str:
    """家庭成员: each member's relation and name (张建军（父亲）), the guardian marked."""
    shown = []
    for member in members:
        if not isinstance(member, dict):
            shown.append(str(member))
            continue
        name = member.get("name") or "（未填姓名）"
        relation_spec = _FAMILY_BY_KEY.get("relation")
        relation = _field_words(relation_spec, member.get("relation")) if relation_spec else ""
        shown.append(f"{name}（{relation}）" if relation and relation != "（空）" else name)
    return "、".join(shown) if shown else "（无）"


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
