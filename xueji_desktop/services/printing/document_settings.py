"""The wording printed on certificates — letterhead, issuer, the authority's name, each certificate's title and text —
as settings the clerk can edit, with the defaults the app ships.

A text may name the certificate's values in braces (「兹证明{姓名}，……」); `Wording.fill` puts them in. Saving checks
every brace against the names the text may use and that a certificate's body still names the student, so a typing slip
is told in Chinese before anything prints. Every change is a new row (append-only): the newest row of a key is in force,
and 恢复默认 writes a row with no value.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import DocumentSetting, School
from xueji_desktop.services import audit
from xueji_desktop.store import Store

STUDENT_FIELDS = ("姓名", "性别", "出生日期", "身份证件号", "年级班级", "入学年月", "学校名称")


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    group: str  # 通用 / 在读证明 / 学历证明书 — the tab the settings dialog shows it on
    label: str
    default: str
    fields: tuple[str, ...] = ()  # the {names} this text may use
    required: tuple[str, ...] = ()  # the {names} it must use
    multiline: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("letterhead", "通用", "证明抬头", "{学校名称}", ("学校名称",)),
    Setting("issuer", "通用", "落款单位", "{学校名称}", ("学校名称",)),
    Setting("authority", "通用", "主管教育行政部门", "{主管部门}", ("主管部门",)),
    Setting("enrolment_proof.title", "在读证明", "标题", "在 读 证 明"),
    Setting(
        "enrolment_proof.body",
        "在读证明",
        "正文",
        "兹证明{姓名}，{性别}，{出生日期}出生，身份证件号{身份证件号}，于{入学年月}入学，现为我校{年级班级}在读学生。",
        STUDENT_FIELDS,
        ("姓名",),
        multiline=True,
    ),
    Setting(
        "enrolment_proof.closing", "在读证明", "结尾（填写了用途时）", "此证明{用途}。", ("用途",), ("用途",)
    ),
    Setting("enrolment_proof.closing_plain", "在读证明", "结尾（没有填写用途时）", "特此证明。"),
    Setting("education_certificate.title", "学历证明书", "标题", "学 历 证 明 书"),
    Setting(
        "education_certificate.body",
        "学历证明书",
        "正文",
        "{姓名}，{性别}，{出生日期}出生，身份证件号{身份证件号}，于{入学年月}至{学习截至}在我校学习，学习期满，"
        "准予毕业。其毕业证书遗失，特发此证明。",
        STUDENT_FIELDS + ("学习截至",),
        ("姓名",),
        multiline=True,
    ),
    Setting(
        "education_certificate.note",
        "学历证明书",
        "生效说明",
        "本证明书经主管教育行政部门验印后生效。",
        multiline=True,
    ),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}


class WordingError(InvalidInput):
    """A text the clerk typed cannot be used; the message says which and why, in Chinese."""


@dataclass(frozen=True, slots=True)
class Wording:
    """The texts in force, keyed as SETTINGS; the school's name and authority already put into the general ones."""

    texts: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.texts[key]

    def fill(self, key: str, values: Mapping[str, str]) -> str:
        return self.texts[key].format_map(dict(values))


def wording(session: Session) -> Wording:
    """The wording in force: the newest setting of each key, else its default."""
    chosen: dict[str, str | None] = {}
    for key, value in session.execute(
        select(DocumentSetting.key, DocumentSetting.value).order_by(DocumentSetting.id)
    ):
        chosen[key] = value
    school = session.scalar(select(School).limit(1))
    school_values = {
        "学校名称": school.name if school else "",
        "主管部门": school.authority if school else "",
    }
    texts = {}
    for setting in SETTINGS:
        text = chosen.get(setting.key) or setting.default
        texts[setting.key] = text.format_map(school_values) if setting.group == "通用" else text
    return Wording(texts)


def current(store: Store) -> dict[str, str]:
    """Each key's text as the clerk sees it in the settings dialog (braces not filled in)."""
    with store.read() as session:
        chosen: dict[str, str | None] = {}
        for key, value in session.execute(
            select(DocumentSetting.key, DocumentSetting.value).order_by(DocumentSetting.id)
        ):
            chosen[key] = value
    return {setting.key: chosen.get(setting.key) or setting.default for setting in SETTINGS}


def check(key: str, text: str) -> None:
    """Raise WordingError when `text` cannot be the setting `key`."""
    setting = BY_KEY.get(key)
    if setting is None:
        raise WordingError(f"没有名为 {key} 的设置")
    where = f"「{setting.group} · {setting.label}」"
    if not text.strip():
        raise WordingError(f"{where}不能为空；要用默认文字，请点“恢复默认”")
    if "\n" in text or "\r" in text:
        raise WordingError(f"{where}不能换行：证明上的一段文字会自动排成多行")
    try:
        parsed = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        raise WordingError(f"{where}中的花括号不成对：填写项要写成 {{姓名}} 这样，左右括号各一个") from None
    for name, spec, conversion in parsed:
        if spec or conversion:
            raise WordingError(
                f"{where}中的“{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}”"
                f"写法不对：填写项只写名称，如 {{{name}}}"
            )
    names = [name for name, _, _ in parsed]
    allowed = "、".join(f"{{{name}}}" for name in setting.fields) or "（无）"
    for name in names:
        if name not in setting.fields:
            raise WordingError(f"{where}中的“{{{name}}}”不是可用的填写项；可用的有：{allowed}")
    for name in setting.required:
        if name not in names:
            raise WordingError(f"{where}必须包含“{{{name}}}”")


def save(store: Store, changes: Mapping[str, str | None]) -> int:
    """Save the clerk's texts (None: back to the default); each is checked first and nothing is saved if one fails.
    Returns how many settings changed."""
    for key, text in changes.items():
        if text is not None:
            check(key, text)
    before = current(store)
    saved = 0
    with store.transaction() as session:
        entries = []
        for key, text in changes.items():
            value = None if text is None or text == BY_KEY[key].default else text
            if (value or BY_KEY[key].default) == before[key]:
                continue
            audit.kept(session, DocumentSetting(key=key, value=value))
            entries.append(
                (
                    "setting.change",
                    "document_setting",
                    None,
                    {BY_KEY[key].label: [before[key], value or BY_KEY[key].default]},
                )
            )
            saved += 1
        audit.record_many(session, entries)
    return saved
