"""The demo school: a 九年一贯制 school in 潞城区 full of students and families, the same data for the same seed.

`xueji-desktop --demo` opens it in a throwaway data folder so a newcomer sees the real app at work; benchmarks make
50,000 students with it. Every student carries a valid 居民身份证 number (GB 11643 check digit, birth date and gender
that agree with the record) and passes rules.student_record.check_student. Students and family members go in by bulk
insert in one transaction with one audit event, so 50,000 students take seconds, not minutes.

ID numbers carry a region code that was in force in the holder's birth year (python-stdnum checks it): a child born
in 潞城 before mid-2018 has 140481 (潞城市), later ones 140406 (潞城区); parents born before 1994 have 140422
(潞城县). Township names are the real ones of 潞城区; village and community names are illustrative.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from operator import mul
from random import Random
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from xueji_desktop.models import (
    FamilyMember,
    FitnessResult,
    Grade,
    PeExemption,
    School,
    SchoolClass,
    StatusChange,
    Student,
    StudentStatus,
)
from xueji_desktop.reference.pinyin import pinyin_keys, pinyin_spelling
from xueji_desktop.rules.class_size import limits_for_grade
from xueji_desktop.rules.graduation import fitness_grade
from xueji_desktop.rules.suspensions import default_end
from xueji_desktop.services import audit
from xueji_desktop.services.school_setup import STAGES, SchoolSetup, create_school
from xueji_desktop.store import Store

STAGE = "nine_year"
REGION = "140406"  # 山西省长治市潞城区
POSTCODE = "047500"
DISTRICT = "山西省长治市潞城区"
TARGET_CLASS_SIZE = (
    43  # at most 43 on average, ±2: classes of 38-45, under R12.1's standard of 45 / 50 (junior)
)
EMPTY_SCHOOL_CLASSES = 2  # classes per grade when no students are asked for
BATCH = 5000  # students inserted per statement batch: bounds memory for 50,000

# 姓: the common surnames of 长治, weighted (per mille, roughly); polyphonic ones (单, 曾, 解 …) left out so that
# the stored 拼音 is right.
_SURNAMES = (
    ("王", 80),
    ("李", 75),
    ("张", 65),
    ("刘", 50),
    ("赵", 40),
    ("郭", 35),
    ("杨", 30),
    ("申", 25),
    ("牛", 20),
    ("陈", 20),
    ("武", 20),
    ("韩", 18),
    ("高", 15),
    ("宋", 15),
    ("秦", 15),
    ("冯", 15),
    ("贾", 15),
    ("崔", 13),
    ("常", 13),
    ("程", 12),
    ("史", 12),
    ("田", 12),
    ("魏", 11),
    ("侯", 10),
    ("郝", 10),
    ("段", 10),
    ("马", 10),
    ("周", 10),
    ("吴", 10),
    ("孙", 10),
    ("黄", 8),
    ("胡", 8),
    ("徐", 8),
    ("朱", 8),
    ("靳", 8),
    ("董", 8),
    ("梁", 8),
    ("任", 8),
    ("栗", 6),
    ("路", 6),
    ("乔", 6),
    ("范", 6),
    ("石", 6),
    ("连", 5),
    ("苗", 5),
    ("许", 5),
    ("岳", 5),
    ("桑", 4),
    ("暴", 4),
    ("原", 4),
    ("霍", 4),
    ("闫", 6),
    ("薛", 5),
    ("白", 5),
    ("樊", 4),
)

# 名 of children born 2010-2020: whole given names as parents chose them, and characters to combine for variety.
_BOY_NAMES = (
    "子轩 浩宇 宇轩 浩然 俊熙 宇航 梓豪 子墨 皓轩 博文 奕辰 宇泽 子睿 锦程 铭轩 俊杰 思远 文博 明轩 天佑 昊然 晨阳 "
    "煜祺 智宸 正豪 昊天 雨泽 鹏涛 泽宇 子豪 瑞霖 家豪 伟诚 一鸣 嘉懿 逸飞 宸宇 承泽 浩轩 子骞 俊宇 梓睿 天翊 锦轩"
).split()
_GIRL_NAMES = (
    "梓涵 欣怡 子涵 诗涵 雨涵 可欣 梦琪 一诺 依诺 紫萱 思彤 语桐 雨桐 欣妍 佳怡 若汐 梓萱 语汐 芷若 沐晴 雨萱 可馨 "
    "佳琪 思雨 嘉怡 雅琪 悦彤 晓彤 心怡 子琪 雨欣 美琪 佳慧 婉婷 静怡 梓琳 诗琪 欣悦 梦瑶 雨晴 芊芊 思琪 安琪 若曦"
).split()
_BOY_CHARS = (
    "浩宇轩子俊博文泽睿辰昊然航鹏杰晨明天佑逸凯锦程铭熙瑞豪嘉伟志一诚涛鑫磊毅恒宸煜烨阳峰翔皓彬哲翰远森"
)
_GIRL_CHARS = "欣怡涵诗雨梓萱可馨梦琪紫思彤语桐妍佳若汐芷晴沐雅悦晓心静婷慧美蕊颖璐瑶琳娜丽雪菲蕾宁楠玥萌露月"
# 名 of parents (born 1975-1995) and grandparents.
_MEN_NAMES = (
    "建军 建国 志强 国庆 海军 伟 强 磊 军 勇 斌 鹏 宏伟 晓东 永刚 文斌 俊峰 建平 红军 卫东 立新 小龙 海涛 保平 "
    "晓军 志刚 建华 利军 永强 鹏飞 少华 向东 亮 波 超 晓峰 海龙 春生 建伟 宏亮"
).split()
_WOMEN_NAMES = (
    "丽 娟 敏 静 燕 霞 艳 红 芳 玲 丽娟 晓燕 丽萍 海霞 春梅 秀英 美玲 慧敏 晓丽 艳芳 红梅 雪梅 玉霞 翠萍 海燕 "
    "丽芳 晓红 艳萍 小娟 建英 俊芳 晓霞 丽霞 彩霞 瑞芳 丽君 雅琴 慧芳 素琴 晓静"
).split()
_OLD_MEN_NAMES = "福生 有才 保国 根生 长林 建华 富贵 满仓 金锁 玉明 天才 成林 全福 二虎 拴柱".split()
_OLD_WOMEN_NAMES = "秀英 桂兰 玉兰 凤英 桂英 翠兰 秀兰 玉梅 金凤 爱花 巧云 菊花 秀珍 桂芳 改莲".split()

# Where families are from (current county codes): mostly 潞城区, some from the neighbouring counties, a few from
# 河南林州 across the mountains. A child whose 户口 is outside 潞城区 is a 随迁子女.
_ORIGINS = (
    (REGION, 880),
    ("140426", 30),
    ("140425", 20),
    ("140427", 20),
    ("140403", 20),
    ("140423", 10),
    ("140404", 10),
    ("410581", 10),
)
_MOTHER_ORIGINS = ((REGION, 70), ("140426", 8), ("140425", 5), ("140427", 5), ("140403", 7), ("140404", 5))
# The codes a county had before (GB/T 2260): an ID number carries a code that was valid in its holder's birth year
# (python-stdnum checks this), e.g. 潞城县 142522 → 140422 (1983) → 潞城市 140481 (1994) → 潞城区 140406 (2018).
_EARLIER_CODES: dict[
    str, tuple[tuple[int, str], ...]
] = {  # current code: ((year it took over, code before), …)
    REGION: ((2018, "140481"), (1994, "140422"), (1983, "142522")),
    "140403": ((2018, "140402"),),  # 城区 from 1983; earlier years fall back to 潞城's codes
    "140404": ((2018, "140421"), (1983, "142521")),
    "140405": ((2018, "140424"), (1985, "142523")),
    "140423": ((1985, "142534"),),
    "140425": ((1985, "142531"),),
    "140426": ((1985, "142532"),),
    "140427": ((1985, "142530"),),
    "410581": ((1994, "410521"), (1983, "412121")),
}
_CODES_SINCE = {"140403": 1983}  # a current code with no known code before this year

# 潞城区's townships (resources/codes/xzqh_shanxi_changzhi_lucheng.csv), weighted by how many pupils live there.
_STREETS = (("潞华街道", 30), ("成家川街道", 25), ("翟店街道", 15))
_TOWNS = (("店上镇", 10), ("微子镇", 8), ("辛安泉镇", 6), ("史回镇", 6), ("黄牛蹄乡", 3))
_COMMUNITIES = "新华 和平 幸福 建设 东关 西关 南关 北关 文化 府后 光明 永安".split()
_VILLAGES = "东庄 西庄 南村 北村 前街 后街 河东 河西 新庄 上村 下村 石桥 沟口 坡头".split()
_COMPOUNDS = "锦绣家园 阳光小区 华府小区 潞宝花园 府前苑 康馨园 御景湾 金色家园".split()

_JOBS = (
    ("务农", "农民", 18),
    ("个体经营", "个体户", 15),
    ("自由职业", "无", 8),
    ("山西潞宝集团", "职工", 10),
    ("潞安化工集团", "职工", 10),
    ("长治市潞城区人民医院", "医护人员", 4),
    ("潞城区教育系统", "教师", 5),
    ("建筑公司", "工人", 8),
    ("物流公司", "司机", 6),
    ("超市", "销售", 6),
    ("乡镇人民政府", "公务员", 3),
    ("电力公司", "技术员", 4),
    ("外出务工（太原）", "工人", 3),
)
_AWAY_JOBS = ("外出务工（太原）", "外出务工（北京）", "外出务工（郑州）", "外出务工（天津）")
_MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 175 176 177 178 180 181 182 "
    "183 185 186 187 188 189 191 198 199"
).split()
_ETHNICITIES = (("01", 985), ("03", 8), ("11", 4), ("02", 3))  # 汉族, 回族, 满族, 蒙古族
_SUSPENSION_REASONS = (
    "因病需长期住院治疗（长治市人民医院诊断证明）",
    "因骨折需卧床休养（潞城区人民医院诊断证明）",
    "因病需居家治疗（山西省儿童医院诊断证明）",
)
_SPECIALTIES = ("书法", "绘画", "钢琴", "篮球", "舞蹈", "围棋")
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


class _Weighted:
    """Pick from (item, weight) pairs with one random number (random.choices is slower per single pick)."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, pairs: Sequence[tuple[Any, ...]]):
        self.items = [pair[:-1] if len(pair) > 2 else pair[0] for pair in pairs]
        self.cumulative = list(accumulate(pair[-1] for pair in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: Random) -> Any:
        return self.items[bisect_right(self.cumulative, rng.random() * self.total)]


_SURNAME = _Weighted(_SURNAMES)
_ORIGIN = _Weighted(_ORIGINS)
_MOTHER_ORIGIN = _Weighted(_MOTHER_ORIGINS)
_PLACE = _Weighted(_STREETS + _TOWNS)
_JOB = _Weighted(_JOBS)
_ETHNICITY = _Weighted(_ETHNICITIES)
_STREET_NAMES = frozenset(name for name, _ in _STREETS)


def demo_setup(today: date, classes_per_grade: dict[int, int]) -> SchoolSetup:
    """The demo school's SchoolSetup in the school year `today` falls in (from August on, the one starting then)."""
    start_year = today.year if today.month >= 8 else today.year - 1
    return SchoolSetup(
        name="潞城区演示九年一贯制学校",
        code="2140406999",
        stage=STAGE,
        region_code=REGION,
        authority="长治市潞城区教育局",
        principal="王建华",
        registrar="李晓燕",
        start_year=start_year,
        term1_start=date(start_year, 9, 1),
        term1_end=date(start_year + 1, 1, 20),
        term2_start=date(start_year + 1, 2, 20),
        term2_end=date(start_year + 1, 7, 10),
        classes_per_grade=classes_per_grade,
        is_demo=True,
    )


def create_demo_school(
    store: Store, students: int = 1000, seed: int = 2026, today: date | None = None
) -> None:
    """Create the demo school in an empty data folder: school, current year, grades 1-9, classes, students."""
    if students < 0:
        raise ValueError("students must be 0 or more")
    today = today or date.today()
    rng = Random(seed)
    levels = list(STAGES[STAGE][1])
    sizes = plan_class_sizes(students, levels, rng)
    setup = demo_setup(today, {level: len(sizes[level]) for level in levels})
    create_school(store, setup)
    generator = _Generator(rng, setup.start_year, today, setup)
    with store.transaction() as session:
        school = session.scalar(select(School).limit(1))
        assert school is not None
        grade_of = {grade_id: level for grade_id, level in session.execute(select(Grade.id, Grade.level))}
        class_ids = {
            (grade_of[grade_id], number): class_id
            for class_id, number, grade_id in session.execute(
                select(SchoolClass.id, SchoolClass.number, SchoolClass.grade_id)
            )
        }
        session.execute(
            update(SchoolClass),
            [{"id": class_ids[key], "head_teacher": generator.adult_name()} for key in sorted(class_ids)],
        )
        _write_students(session, generator, sizes, class_ids)
        _write_sanctions(session, Random(seed + 32), today)  # 第三十一条、第三十二条
        _write_fitness(session, Random(seed + 29), setup.start_year, today)
        audit.record(
            session,
            "demo.create",
            "school",
            school.id,
            {"演示学校": [None, school.name], "学生人数": [None, students], "随机种子": [None, seed]},
        )


def _write_students(
    session: Session,
    generator: _Generator,
    sizes: dict[int, list[int]],
    class_ids: dict[tuple[int, int], int],
) -> None:
    """Generate class by class, seat numbers (班内学号) in 拼音 order, and insert in batches of BATCH students."""
    next_id = (session.scalar(select(Student.id).order_by(Student.id.desc()).limit(1)) or 0) + 1
    suspended = generator.pick_suspended(sizes)
    number_width = 3 if max(len(s) for s in sizes.values()) > 99 else 2
    student_rows: list[dict[str, Any]] = []
    family_rows: list[dict[str, Any]] = []
    change_rows: list[dict[str, Any]] = []
    index = 0
    for level, class_sizes in sizes.items():
        entry_year = generator.start_year - level + 1
        for number, size in enumerate(class_sizes, start=1):
            members = [generator.student(level, index + i in suspended) for i in range(size)]
            index += size
            members.sort(key=lambda member: (member[0]["pinyin_key"], member[0]["id_number"]))
            for seat, (row, family) in enumerate(members, start=1):
                row["id"] = next_id
                row["school_class_id"] = class_ids[(level, number)]
                row["seat_number"] = str(seat)
                row["school_number"] = f"{entry_year}{number:0{number_width}d}{seat:02d}"
                for member in family:
                    member["student_id"] = next_id
                if row["status"] == StudentStatus.SUSPENDED.value:
                    change_rows.append(generator.suspension(next_id, session.info.get("actor")))
                student_rows.append(row)
                family_rows.extend(family)
                next_id += 1
            if len(student_rows) >= BATCH:
                _insert(session, student_rows, family_rows)
    _insert(session, student_rows, family_rows)
    if change_rows:
        session.execute(insert(StatusChange.__table__), change_rows)


def _write_fitness(session: Session, rng: Random, start_year: int, today: date) -> None:
    """体质健康 (第二十九条, R29.1): last 学年's result for every student in school who was in grade 2 or above, and —
    once the spring term's tests are done (from May) — this 学年's for the graduating grades (六年级, 九年级), so the
    diploma list has something to say; a few 不及格 (the 标准's spread), one 体育免修 and one ninth grader below 及格 in
    both years (no 毕业证书). Its own Random, so the students of a seed stay the same; one bulk insert for 50,000."""
    grade_of = dict(
        session.execute(select(SchoolClass.id, Grade.level).join(Grade, SchoolClass.grade_id == Grade.id))
        .tuples()
        .all()
    )
    students = session.execute(
        select(Student.id, Student.school_class_id).where(Student.status == StudentStatus.ACTIVE.value)
    ).all()
    actor, now = audit.actor(session), datetime.now()
    this_year_done = today >= date(start_year + 1, 5, 1)
    rows: list[dict[str, Any]] = []
    exempt: int | None = None
    failing: int | None = None
    for student_id, class_id in students:
        level = grade_of.get(class_id, 0)
        years = [start_year - 1] if level >= 2 else []
        if this_year_done and level in (6, 9):
            years.append(start_year)
        for year in years:
            total = round(min(max(rng.gauss(78, 9), 35.0), 108.0), 1)
            if level == 9 and exempt in (None, student_id):  # 体育免修: low results, and still a diploma
                exempt, total = student_id, round(rng.uniform(30, 50), 1)
            elif level == 9 and exempt is not None and failing in (None, student_id):  # R29.1 blocks him
                failing, total = student_id, round(rng.uniform(45, 58), 1)
            rows.append(
                {
                    "student_id": student_id,
                    "school_year": year,
                    "total_score": total,
                    "grade": fitness_grade(total),
                    "source": f"演示：{year}-{year + 1}学年体质健康测试成绩.xlsx",
                    "actor": actor,
                    "created_at": now,
                }
            )
    if rows:
        session.execute(insert(FitnessResult), rows)
    if exempt is not None:
        for year in (start_year - 1, start_year):
            session.add(
                PeExemption(
                    student_id=exempt,
                    school_year=year,
                    exempt=True,
                    reason="先天性心脏病，县人民医院诊断证明（演示数据，未附扫描件）",
                    attachment_id=None,
                    actor=actor,
                    created_at=now,
                )
            )


def _write_sanctions(session: Session, rng: Random, today: date) -> None:
    """奖励 and 处分 (第三十一条、第三十二条) for a few students in school, so the student dialog, the CLI, the 学生基本
    信息表 (R31.1, R32.2) and the 转出 rule (R18.4) have something to show: a 县级 and a 校级 award and a 班级 one (not
    archived); a 警告 already lifted and a 记过 in force (so that student cannot transfer out). Its own Random."""
    from xueji_desktop.models import SanctionLifting, StudentAward, StudentSanction

    candidates = list(
        session.scalars(
            select(Student.id)
            .join(SchoolClass, Student.school_class_id == SchoolClass.id)
            .join(Grade, SchoolClass.grade_id == Grade.id)
            .where(Student.status == StudentStatus.ACTIVE.value, Grade.level >= 4)
            .order_by(Student.id)
        )
    )
    if len(candidates) < 5:
        return
    awarded, honoured, praised, warned, demerited = rng.sample(candidates, 5)
    school_name = session.scalar(select(School.name).limit(1)) or ""
    for student_id, level, title, issuer, days in (
        (awarded, "县级", "优秀少先队员", "长治市潞城区教育局", 60),
        (honoured, "校级", "三好学生", school_name, 150),
        (praised, "班级", "劳动之星", "班主任", 30),
    ):
        audit.kept(
            session,
            StudentAward(
                student_id=student_id,
                level=level,
                title=title,
                awarded_on=today - timedelta(days=days),
                issuer=issuer,
            ),
        )
    warning = audit.kept(
        session,
        StudentSanction(
            student_id=warned,
            kind="警告",
            reason="多次在课堂上扰乱教学秩序（演示数据）",
            decided_on=today - timedelta(days=120),
            period_end=today - timedelta(days=30),
            document_number="潞实校〔演示〕1号",
        ),
    )
    audit.kept(
        session,
        SanctionLifting(
            sanction_id=warning.id, lifted_on=today - timedelta(days=20), reason="期满，表现良好"
        ),
    )
    audit.kept(
        session,
        StudentSanction(
            student_id=demerited,
            kind="记过",
            reason="故意损坏学校公共财物（演示数据）",
            decided_on=today - timedelta(days=40),
            period_end=today + timedelta(days=140),
            document_number="潞实校〔演示〕2号",
        ),
    )


def plan_class_sizes(students: int, levels: list[int], rng: Random) -> dict[int, list[int]]:
    """Class sizes per grade: 38-46 students each for a real-sized school (R12.1: never above the maximum), one or
    two primary classes a little above the standard so the roster's colouring shows; 2 empty classes per grade
    for 0 students; at least one class per grade."""
    if students == 0:
        return {level: [0] * EMPTY_SCHOOL_CLASSES for level in levels}
    # A nine-year school's junior section also takes pupils from village primaries: a quarter more per grade.
    weights = [1.25 if level >= 7 else 1.0 for level in levels]
    total_classes = max(len(levels), math.ceil(students / TARGET_CLASS_SIZE))
    counts = _apportion(total_classes, weights, minimum=1)
    jittered = [rng.randint(-2, 2) + students / total_classes for _ in range(total_classes)]
    flat = _apportion(students, jittered, minimum=0)
    plan: dict[int, list[int]] = {}
    position = 0
    for level, count in zip(levels, counts, strict=True):
        plan[level] = flat[position : position + count]
        position += count
    if students / total_classes >= 40:
        _push_above_standard(plan, rng)
    for level, class_sizes in plan.items():
        assert max(class_sizes) <= limits_for_grade(level).maximum, "R12.1"
    return plan


def _apportion(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split total into integer parts proportional to weights (largest remainder), each at least minimum."""
    spare = total - minimum * len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    parts = [minimum + math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _push_above_standard(plan: dict[int, list[int]], rng: Random) -> None:
    """One or two primary classes get standard+1 (R12.1 warns, the tree colours them); the students come
    from the largest other classes, so the total stays the same."""
    primary = [(level, i) for level in plan if level <= 6 for i in range(len(plan[level]))]
    chosen = rng.sample(primary, k=min(len(primary), rng.choice((1, 2))))
    for level, i in chosen:
        target = limits_for_grade(level).standard + 1
        for _ in range(max(0, target - plan[level][i])):
            donor = max(
                ((lv, j) for lv in plan for j in range(len(plan[lv])) if (lv, j) not in chosen),
                key=lambda key: (plan[key[0]][key[1]], -key[0], -key[1]),
            )
            plan[donor[0]][donor[1]] -= 1
            plan[level][i] += 1


def _insert(session: Session, student_rows: list[dict[str, Any]], family_rows: list[dict[str, Any]]) -> None:
    """Bulk insert through the tables (one executemany each): the ORM's bulk path splits rows by which values are
    None into thousands of statements, 3x slower."""
    if student_rows:
        session.execute(insert(Student.__table__), student_rows)
        session.execute(insert(FamilyMember.__table__), family_rows)
    student_rows.clear()
    family_rows.clear()


def id_check_digit(body: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    return "10X98765432"[sum(map(mul, map(int, body), _ID_WEIGHTS)) % 11]


def region_code_on(current: str, born: date) -> str:
    """The code an ID number of someone born on that day carries for a county known now by `current`."""
    if born.year < _CODES_SINCE.get(current, 0):
        current = REGION
    code = current
    for took_over, before in _EARLIER_CODES.get(current, ()):
        if born < date(took_over, 7, 1):  # mid-year: the year of a change accepts both codes
            code = before
    return code


class _Generator:
    """Draws people, IDs and addresses from one Random, in a fixed order: the same seed gives the same school."""

    def __init__(self, rng: Random, start_year: int, today: date, setup: SchoolSetup):
        self.rng = rng
        self.start_year = start_year
        self.today = today
        self.setup = setup
        self.taken_ids: set[str] = set()
        self.pinyin: dict[str, tuple[str, str, str]] = {}
        self.term = 1 if today <= setup.term1_end else 2

    # --- people ---------------------------------------------------------------------------------------------------

    def child_name(self, surname: str, male: bool) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return surname + rng.choice(_BOY_NAMES if male else _GIRL_NAMES)
        chars = _BOY_CHARS if male else _GIRL_CHARS
        if roll < 0.58:
            return surname + rng.choice(chars)
        first, second = rng.choice(chars), rng.choice(chars)
        return surname + first + (second if second != first else rng.choice(chars))

    def adult_name(self, male: bool | None = None, surname: str | None = None, old: bool = False) -> str:
        male = self.rng.random() < 0.5 if male is None else male
        names = (
            (_OLD_MEN_NAMES if male else _OLD_WOMEN_NAMES) if old else (_MEN_NAMES if male else _WOMEN_NAMES)
        )
        return (surname or _SURNAME.pick(self.rng)) + self.rng.choice(names)

    def other_surname(self, surname: str) -> str:
        for _ in range(5):
            other = _SURNAME.pick(self.rng)
            if other != surname:
                return other
        return other

    def keys(self, name: str) -> tuple[str, str, str]:
        """(姓名拼音, full key, initials), computed once per distinct name."""
        cached = self.pinyin.get(name)
        if cached is None:
            cached = self.pinyin[name] = (pinyin_spelling(name), *pinyin_keys(name))
        return cached

    def id_number(self, current_region: str, born: date, male: bool) -> str:
        region = region_code_on(current_region, born)
        while True:
            sequence = self.rng.randrange(1, 500) * 2 + (1 if male else 0)  # digit 17: odd for men (GB 11643)
            body = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = body + id_check_digit(body)
            if number not in self.taken_ids:
                self.taken_ids.add(number)
                return number

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def phone(self) -> str:
        return self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def address(self) -> tuple[str, bool]:
        """(address in 潞城区, is in town): a flat in a 街道's community or a house in a village."""
        rng = self.rng
        place = _PLACE.pick(rng)
        if place in _STREET_NAMES:
            if rng.random() < 0.5:
                return (
                    f"{DISTRICT}{place}{rng.choice(_COMPOUNDS)}{rng.randint(1, 24)}号楼"
                    f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
                ), True
            return f"{DISTRICT}{place}{rng.choice(_COMMUNITIES)}社区{rng.randint(1, 120)}号", True
        return f"{DISTRICT}{place}{rng.choice(_VILLAGES)}村{rng.randint(1, 260)}号", False

    # --- a student and the family -------------------------------------------------------------------------------

    def student(self, level: int, suspended: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        entry_year = self.start_year - level + 1
        # 6 years old by 31 August of the year they start grade 1; a few started a year late.
        age_at_entry = 7 if rng.random() < 0.03 else 6
        born = self.day_between(
            date(entry_year - age_at_entry - 1, 9, 1), date(entry_year - age_at_entry, 8, 31)
        )
        male = rng.random() < 0.52
        origin = _ORIGIN.pick(rng)
        family_surname = _SURNAME.pick(rng)
        mother_surname = self.other_surname(family_surname)
        surname = mother_surname if rng.random() < 0.03 else family_surname
        name = self.child_name(surname, male)
        spelling, full_key, initials = self.keys(name)
        id_number = self.id_number(origin, born, male)
        address, in_town = self.address()
        left_behind = "0" if rng.random() < 0.89 else ("1" if rng.random() < 0.75 else "2")
        family = self.family(born, family_surname, mother_surname, origin, address, left_behind)
        ethnicity = _ETHNICITY.pick(rng)
        for member in family:
            member["ethnicity"] = ethnicity if member["relation"] != "2" or rng.random() < 0.8 else "01"
        junior = level >= 7
        distance = rng.uniform(0.3, 2.5) if in_town else rng.uniform(1.0, 9.0)
        boarding = junior and not in_town and distance > 5 and rng.random() < 0.6
        if boarding:
            commute = "4"
        elif distance < 1.5:
            commute = "1" if junior or rng.random() < 0.4 else "4"
        elif distance < 4:
            commute = rng.choice(("2", "4")) if junior else "4"
        else:
            commute = rng.choice(("5", "4", "3"))
        needs_aid = rng.random() < 0.06
        waiting = level == 1 and rng.random() < 0.05  # a new pupil the national system has no 学籍号 for yet
        # born where the family lives, or in a hospital of 长治's city district
        birthplace = origin if rng.random() < 0.85 else "140403"
        native_place = origin if rng.random() < 0.9 else rng.choice(("140426", "140425", "140427", "140423"))
        specialty = rng.choice(_SPECIALTIES) if rng.random() < 0.1 else None
        hukou_type = ("2" if rng.random() < 0.6 else "1") if in_town else ("1" if rng.random() < 0.9 else "2")
        created = datetime.combine(date(entry_year, 9, rng.randint(1, 25)), time(9, rng.randrange(60)))
        row: dict[str, Any] = {
            "status": StudentStatus.SUSPENDED.value if suspended else StudentStatus.ACTIVE.value,
            "name": name,
            "gender": "1" if male else "2",
            "birth_date": born,
            "birthplace_region": birthplace,
            "native_place": native_place,
            "ethnicity": ethnicity,
            "nationality": "CHN",
            "id_type": "1",
            "id_number": id_number,
            "overseas_status": "00",
            "political_status": "03" if level >= 8 and rng.random() < 0.25 else "13",
            "health": "10" if rng.random() < 0.985 else "20",
            "name_pinyin": spelling,
            "former_name": None,
            "id_valid_until": None,
            "blood_type": rng.choice(("1", "2", "3", "4")) if rng.random() < 0.3 else None,
            "specialty": specialty,
            "photo_path": None,
            "national_student_id": None if waiting else "G" + id_number,
            "aux_student_id": None,
            "entry_month": f"{entry_year}-09",
            "admission_method": "11",
            "attendance_mode": "2" if boarding else "1",
            "student_source": "1",
            "current_address": address,
            "mailing_address": address,
            "home_address": address,
            "phone": next(m["phone"] for m in family if m["is_guardian"]),
            "postcode": POSTCODE,
            "email": None,
            "homepage": None,
            "only_child": rng.random() < 0.35,
            "preschool": rng.random() < 0.96,
            "left_behind": left_behind,
            "migrant_child": origin != REGION,
            "orphan": False,
            "martyr_child": False,
            "inclusive_education": "0",
            "disability_type": "0",
            "govt_funded_place": False,
            "needs_aid": needs_aid,
            "one_subsidy": boarding and needs_aid,
            "commute_distance": f"{distance:.1f}",
            "commute_mode": commute,
            "needs_school_bus": commute == "5",
            "hukou_region": origin,
            "hukou_type": hukou_type,
            "pinyin_key": full_key,
            "initials_key": initials,
            "created_at": created,
            "updated_at": created,
        }
        return row, family

    def family(
        self, born: date, surname: str, mother_surname: str, origin: str, address: str, left_behind: str
    ) -> list[dict[str, Any]]:
        """Two members: father and mother; for a left-behind child the parent(s) away and the one who stays (or a
        grandparent) as guardian."""
        rng = self.rng
        father = self.adult(born, "1", surname, origin, address, age=(24, 38))
        if left_behind == "2":  # both parents work away: a grandparent looks after the child
            grandfather = rng.random() < 0.5
            second = self.adult(
                born,
                "3",
                surname if grandfather else self.other_surname(surname),
                origin,
                address,
                age=(48, 62),
                male=grandfather,
            )
            second["relation_note"] = "祖父" if grandfather else "祖母"
            second["is_guardian"] = True
            father["employer"], father["position"], father["address"] = rng.choice(_AWAY_JOBS), "工人", None
            return [father, second]
        mother = self.adult(born, "2", mother_surname, _MOTHER_ORIGIN.pick(rng), address, age=(22, 35))
        if left_behind == "1":
            father["employer"], father["position"], father["address"] = rng.choice(_AWAY_JOBS), "工人", None
            mother["is_guardian"] = True
        elif rng.random() < 0.6:
            father["is_guardian"] = True
        else:
            mother["is_guardian"] = True
        return [father, mother]

    def adult(
        self,
        child_born: date,
        relation: str,
        surname: str,
        origin: str,
        address: str,
        *,
        age: tuple[int, int],
        male: bool | None = None,
    ) -> dict[str, Any]:
        rng = self.rng
        male = relation == "1" if male is None else male
        year = child_born.year - rng.randint(*age)
        born = self.day_between(date(year, 1, 1), date(year, 12, 31))
        employer, position = _JOB.pick(rng)
        if relation == "3":
            employer, position = ("务农", "农民") if rng.random() < 0.5 else ("退休", "无")
        return {
            "student_id": 0,
            "position_in_list": 1 if relation == "1" else 2,
            "name": self.adult_name(male, surname, old=relation == "3"),
            "relation": relation,
            "relation_note": None,
            "address": address,
            "hukou_region": origin,
            "phone": self.phone(),
            "is_guardian": False,
            "id_type": "1",
            "id_number": self.id_number(origin, born, male),
            "ethnicity": "01",
            "employer": employer,
            "position": position,
        }

    # --- 休学 ---------------------------------------------------------------------------------------------------

    def pick_suspended(self, sizes: dict[int, list[int]]) -> set[int]:
        """Indices (in generation order) of the few suspended students: about 1 in 250, never in the graduating
        grade's second term (R22.4) nor in grade 1 before its first term has begun."""
        eligible: list[int] = []
        index = 0
        for level, class_sizes in sizes.items():
            count = sum(class_sizes)
            blocked = (level == 9 and self.term == 2) or (level == 1 and self.today < self.setup.term1_start)
            if not blocked:
                eligible.extend(range(index, index + count))
            index += count
        total = sum(sum(s) for s in sizes.values())
        wanted = 0 if total < 20 else max(2, round(total / 250))
        return set(self.rng.sample(eligible, k=min(wanted, len(eligible))))

    def suspension(self, student_id: int, actor: str | None) -> dict[str, Any]:
        """The 异动 behind a 休学 status (R7.1, R21.1: for illness, with a county-level-or-above hospital's proof)."""
        term_start = self.setup.term1_start if self.term == 1 else self.setup.term2_start
        first = term_start if term_start <= self.today else self.today - timedelta(days=60)
        effective = self.day_between(first, self.today)
        reason = self.rng.choice(_SUSPENSION_REASONS)
        return {
            "student_id": student_id,
            "kind": "suspension",
            "effective_date": effective,
            "status_before": StudentStatus.ACTIVE.value,
            "status_after": StudentStatus.SUSPENDED.value,
            "reason": reason,
            "details": json.dumps(
                {
                    "申请表": "山西省中小学生休学、复学申请表",
                    "休学期限": "一年",
                    "start": effective.isoformat(),
                    "end": default_end(effective).isoformat(),
                },
                ensure_ascii=False,
            ),
            "authority_state": "已审核",
            "reverses_id": None,
            "actor": actor or "学籍管理员",
            "created_at": datetime.combine(effective, time(10, 0)),
        }
