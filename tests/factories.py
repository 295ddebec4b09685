"""Valid test data: 居民身份证 numbers with a correct GB 11643 check digit, and student forms that pass check_form.

Every student made here goes through services.students.create_student, the same path as the detail dialog.
"""

from __future__ import annotations

import itertools
from datetime import date

from xueji_desktop.services.students import StudentForm, blank_form, create_student
from xueji_desktop.store import Store

# Region prefixes that stdnum's table accepts for every birth year from 1995 on (潞城区 140406 only from 2018).
REGION_PREFIXES = ("110101", "310115", "440305", "650102", "140425")
LUCHENG = "140406"

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_sequence = itertools.count(1)


def check_digit(first17: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2): the 18th character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def id_number(birth: date, gender: str = "1", seq: int | None = None, region: str = LUCHENG) -> str:
    """A valid number: region + YYYYMMDD + a three-digit sequence whose last digit is odd for 男 ("1"), even for 女."""
    if seq is None:
        seq = next(_sequence)
    seq = seq % 500 * 2 + (1 if gender == "1" else 0)  # 0..999 with the parity of the gender
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def id_number_ending_in_x(birth: date, gender: str = "1", region: str = LUCHENG) -> str:
    """A valid number whose check digit is X (one sequence in eleven has it)."""
    for seq in range(500):
        number = id_number(birth, gender, seq, region)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")  # pragma: no cover - arithmetic guarantees one


def student_form(
    school_class_id: int | None = None,
    *,
    name: str | None = None,
    birth: date = date(2019, 3, 14),
    gender: str = "1",
    number: str | None = None,
    **values: object,
) -> StudentForm:
    """A form that passes check_form: blank_form's defaults plus name, birth date, gender, a matching ID number and
    two named family members (the father the guardian). Extra keyword arguments set more student fields."""
    form = blank_form(school_class_id)
    serial = next(_sequence)
    form.values.update(
        name=name or f"学生{serial}",
        gender=gender,
        birth_date=birth,
        id_number=number or id_number(birth, gender, serial),
        **values,
    )
    form.family[0].update(name="张建军", phone="13800138000")
    form.family[1].update(name="王丽")
    return form


def add_student(
    store: Store, school_class_id: int | None = None, *, confirmed: bool = False, **kwargs
) -> int:
    """Create a valid student through the service; returns its id."""
    return create_student(store, student_form(school_class_id, **kwargs), confirmed=confirmed)


def add_sanction(store: Store, student_id: int, kind: str = "警告", **kwargs) -> int:
    """Record a 处分 through the service (第三十二条): a 警告 decided 2026-09-10 for 多次违反课堂纪律 under 潞实小〔2026〕3号
    unless keyword arguments say otherwise; returns its id."""
    from xueji_desktop.services import sanctions

    values = {
        "reason": "多次违反课堂纪律",
        "decided_on": date(2026, 9, 10),
        "document_number": "潞实小〔2026〕3号",
    }
    return sanctions.add_sanction(store, student_id, kind=kind, **(values | kwargs))


def add_award(store: Store, student_id: int, level: str = "校级", **kwargs) -> int:
    """Record a 奖励 through the service (第三十一条): 三好学生 from 本校 on 2026-09-30 unless keyword arguments say
    otherwise; returns its id."""
    from xueji_desktop.services import sanctions

    values = {"title": "三好学生", "awarded_on": date(2026, 9, 30), "issuer": "本校"}
    return sanctions.add_award(store, student_id, level=level, **(values | kwargs))


# --- set-ups that several test files share: the school, a class, a graduate, a record ready for the upload batch, a
# new-student list as admissions offices send it, a 查阅登记 row. Imports are local: the import fuzzer's workers and
# benchmarks/import_fuzz.py load this module and need none of them until they call one.


def luchang_setup(**overrides):
    """The SchoolSetup of 潞城区实验小学, a primary school in 2026-2027 with classes 一年级(1)(2), 二年级(1)(2) and
    三年级(1); keyword arguments change any of its fields (another name, stage or classes)."""
    from xueji_desktop.services.school_setup import SchoolSetup

    values = dict(
        name="潞城区实验小学",
        code="2140012345",
        stage="primary",
        region_code="140406",
        authority="长治市潞城区教育局学籍管理办公室",
        principal="王建国",
        registrar="李敏",
        start_year=2026,
        term1_start=date(2026, 9, 1),
        term1_end=date(2027, 1, 22),
        term2_start=date(2027, 2, 24),
        term2_end=date(2027, 7, 9),
        classes_per_grade={1: 2, 2: 2, 3: 1},
    )
    values.update(overrides)
    return SchoolSetup(**values)


def class_id_of(store: Store, level: int, number: int = 1) -> int:
    """The id of class `number` of grade `level`: class_id_of(store, 3) is 三年级(1)班."""
    from sqlalchemy import select

    from xueji_desktop.models import SchoolClass

    with store.read() as session:
        return next(
            c.id
            for c in session.scalars(select(SchoolClass))
            if c.grade.level == level and c.number == number
        )


def add_graduate(
    store: Store, school_class_id: int | None = None, *, on: date = date(2026, 7, 1), **kwargs
) -> int:
    """A student (add_student's keyword arguments) who graduated on `on`: status 毕业 and the graduation 异动 beside it
    (what the 毕业生花名册 and the diploma read), with a 体质健康 result of 80 for the 学年 he graduated in (R29.1: he
    may receive the 毕业证书). Returns its id."""
    from datetime import datetime

    from xueji_desktop.models import FitnessResult, StatusChange, Student

    student_id = add_student(store, school_class_id, **kwargs)
    with store.transaction() as session:
        session.get(Student, student_id).status = "毕业"
        session.add(
            StatusChange(
                student_id=student_id,
                kind="graduation",
                effective_date=on,
                status_before="在读",
                status_after="毕业",
                actor="测试",
                created_at=datetime.now(),
            )
        )
        session.add(
            FitnessResult(
                student_id=student_id,
                school_year=on.year if on.month >= 8 else on.year - 1,
                total_score=80.0,
                grade="良好",
                source="测试",
                actor="测试",
                created_at=datetime.now(),
            )
        )
    return student_id


UPLOAD_ADDRESS = "山西省长治市潞城区潞华街道新华社区12号"


def upload_ready_form(school_class_id: int | None = None, **kwargs) -> StudentForm:
    """student_form's student (same keyword arguments) with every column the new-student upload template requires
    filled: born, registered and living in 潞城区, and each family member's address, 户口 and phone."""
    form = student_form(school_class_id, **kwargs)
    form.values.update(
        birthplace_region=LUCHENG,
        native_place=LUCHENG,
        hukou_region=LUCHENG,
        hukou_type="1",
        current_address=UPLOAD_ADDRESS,
        mailing_address=UPLOAD_ADDRESS,
        home_address=UPLOAD_ADDRESS,
        phone="13800138000",
        postcode="047500",
        only_child=True,
        preschool=True,
        left_behind="0",
        needs_aid=False,
        one_subsidy=False,
        orphan=False,
        martyr_child=False,
        migrant_child=False,
        political_status="13",
    )
    for member in form.family:
        member.update(address=UPLOAD_ADDRESS, hukou_region=LUCHENG, phone="13900139000")
    return form


NEW_STUDENT_LIST_TITLE = "潞城区实验小学2026年秋季一年级新生名单"
NEW_STUDENT_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "民族",
    "证件号码",
    "现住址",
    "成员1姓名",
    "成员1关系",
    "成员1是否监护人",
    "成员1联系电话",
]
NEW_STUDENTS = [  # (name, gender, birth date) of a clean list's six newcomers
    ("张三", "男", date(2020, 3, 12)),
    ("李小红", "女", date(2020, 5, 1)),
    ("王五", "男", date(2019, 11, 9)),
    ("赵六六", "女", date(2020, 8, 30)),
    ("孙七", "男", date(2020, 1, 15)),
    ("周八", "女", date(2019, 12, 2)),
]


def new_student_row(
    n: int, name: str, gender: str, born: date | str, number: str | None = None, ethnicity: str = "汉族"
) -> list[object]:
    """A row under NEW_STUDENT_HEADERS as an admissions office types it; `born` may be text such as an impossible
    「2020.02.30」. The ID number is a valid one for `born` unless given."""
    code = "1" if gender == "男" else "2"
    if isinstance(born, date):
        number = number or id_number(born, code, seq=100 + n)
        born = f"{born:%Y.%m.%d}"
    number = number or id_number(date(2020, 2, 28), code, seq=100 + n)
    return [n, name, gender, born, ethnicity, number, "潞城区潞华街道", "张建国", "父亲", "是", "13800138000"]


def new_student_book(rows, headers=NEW_STUDENT_HEADERS):
    """An openpyxl workbook (not saved) as admissions offices send it: a sheet 一年级新生 with a merged title row, the
    header row, then the rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "一年级新生"
    sheet.append([NEW_STUDENT_LIST_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return book


def write_new_student_list(path, rows, headers=NEW_STUDENT_HEADERS, *, notes_sheet: bool = False):
    """new_student_book saved at `path` (with a second sheet 填表说明 when notes_sheet); returns the path."""
    book = new_student_book(rows, headers)
    if notes_sheet:
        book.create_sheet("填表说明").append(["请按模板填写"])
    book.save(path)
    return path


def new_students_file(folder, name: str = "新生.xlsx", **kwargs):
    """A clean list of the six NEW_STUDENTS written in `folder` (write_new_student_list's keyword arguments)."""
    rows = [new_student_row(i + 1, *person) for i, person in enumerate(NEW_STUDENTS)]
    return write_new_student_list(folder / name, rows, **kwargs)


def police_letter_row() -> list[str]:
    """查阅登记 (R35.1) as the register lists it, on screen and in the exported .xlsx: on 2026-11-30 赵强 of the police
    brings a 介绍信 to check 周小雨's 户籍 and takes a copy under the authority's approval (date, visitor,
    organisation, basis, its number, student, what, copied or taken out, approval number)."""
    from xueji_desktop.rules.confidentiality import LETTER

    return [
        "2026-11-30",
        "赵强",
        "潞城区公安分局",
        LETTER,
        "潞公函〔2026〕12号",
        "周小雨",
        "核对户籍信息",
        "是",
        "潞教学籍〔2026〕12号",
    ]


# --- procedures as the services open them, and a school of another shape: the requests the procedure tests open again
# and again (a 转出 to 长治市实验小学, a 转入 from 平顺县实验小学, a 休学 for illness, a 退学 for settling abroad, a 辍学
# reported to all three bodies), each with the fields a test changes given as keyword arguments, and a procedure taken
# through its steps. Imports are local, as above.


def school_store(folder, **setup):
    """A data folder of its own at `folder` holding luchang_setup(**setup)'s school (only a 六年级, a senior school
    …), for a with-block that closes it: `with school_store(tmp_path / "grade6", …) as store:`."""
    from contextlib import closing

    from xueji_desktop.services.school_setup import create_school

    store = Store.open(folder)
    try:
        create_school(store, luchang_setup(**setup))
    except BaseException:
        store.close()
        raise
    return closing(store)


def senior_school(folder, levels=(10, 11, 12)):
    """school_store of 潞城区第一中学, a senior school with one class in each grade of `levels`."""
    classes = dict.fromkeys(levels, 1)
    return school_store(folder, name="潞城区第一中学", stage="senior", classes_per_grade=classes)


def transfer_proofs(scan, residence=None) -> list:
    """A transfer's proofs, each from scan(kind): the 转学申请 and the 户籍证明 (or `residence`, the 居住证)."""
    from xueji_desktop.rules import proofs

    return [scan(proofs.TRANSFER_APPLICATION), scan(residence or proofs.HUKOU_PROOF)]


def illness_proofs(scan) -> list:
    """A suspension's proofs for illness, each from scan(kind): the 休学、复学申请表 and a hospital record."""
    from xueji_desktop.rules import proofs

    return [scan(proofs.SUSPENSION_FORM), scan(proofs.HOSPITAL_RECORD)]


def abroad_proofs(scan) -> list:
    """A withdrawal's proofs for settling abroad, each from scan(kind): the form, the passport and the 户口簿."""
    from xueji_desktop.rules import proofs

    return [scan(proofs.WITHDRAWAL_FORM), scan(proofs.PASSPORT_COPY), scan(proofs.HOUSEHOLD_REGISTER_COPY)]


def _open(store, request, proofs, decision, today: date) -> int:
    from xueji_desktop.services import procedures

    return procedures.open(store, request, proofs, decision or procedures.NO_DECISION, today)


def open_transfer_out(store, student_id: int, proofs=(), *, today: date, decision=None, **fields) -> int:
    """procedures.open of a 转出 to 长治市实验小学, the family moved across the county with its 户籍; `fields` change
    the request (another school, reason …). Returns the procedure's id."""
    from xueji_desktop.services.procedures.transfers import TransferOutRequest, TransferReason

    values = {
        "to_school": "长治市实验小学",
        "reason": TransferReason.FAMILY_MOVED,
        "crosses_county": True,
        "hukou_moved": True,
    } | fields
    return _open(store, TransferOutRequest(student_id=student_id, **values), proofs, decision, today)


def workplace_move() -> dict:
    """open_transfer_in's fields for 王小丫 (女, born 6 May 2018), whose parents' workplace moved: her 户籍 stayed
    behind, a 居住证 stands for it."""
    from xueji_desktop.services.procedures.transfers import TransferReason

    return {
        "name": "王小丫",
        "gender": "2",
        "id_number": id_number(date(2018, 5, 6), "2", seq=77),
        "reason": TransferReason.WORKPLACE_MOVED,
        "hukou_moved": False,
    }


def open_transfer_in(store, proofs=(), *, today: date, decision=None, **fields) -> int:
    """procedures.open of a 转入 of 钱多多 (男, born 6 May 2018) from 平顺县实验小学's 二年级 into the first class of
    the same grade here, the family moved across the county with its 户籍; `fields` change the request (the
    person, the grade, to_class_id …; **workplace_move() for 王小丫). The ID number is a valid one unless given."""
    from xueji_desktop.services.procedures.transfers import TransferInRequest, TransferReason

    values = {
        "name": "钱多多",
        "gender": "1",
        "birth_date": date(2018, 5, 6),
        "from_school": "平顺县实验小学",
        "grade_level": 2,
        "reason": TransferReason.FAMILY_MOVED,
        "crosses_county": True,
        "hukou_moved": True,
    } | fields
    values.setdefault("id_number", id_number(values["birth_date"], values["gender"]))
    values.setdefault("to_class_id", class_id_of(store, values["grade_level"]))
    return _open(store, TransferInRequest(**values), proofs, decision, today)


def open_suspension(store, student_id: int, proofs=(), *, today: date, decision=None, **fields) -> int:
    """procedures.open of a 休学 for illness (half the term's hours) starting the day it is asked for; `fields` change
    the request (start, end, illness_share_of_term, reason …). Returns the procedure's id."""
    from xueji_desktop.rules.suspensions import SuspensionReason
    from xueji_desktop.services.procedures.suspensions import SuspensionRequest

    values = {"reason": SuspensionReason.ILLNESS, "start": today, "illness_share_of_term": 0.5} | fields
    return _open(store, SuspensionRequest(student_id=student_id, **values), proofs, decision, today)


def open_withdrawal(store, student_id: int, proofs=(), *, today: date, decision=None, **fields) -> int:
    """procedures.open of a 退学 for settling abroad approved by the county's education bureau; `fields` change the
    request (reason, approved_by). Returns the procedure's id."""
    from xueji_desktop.rules.withdrawals import ApprovingBody, WithdrawalReason
    from xueji_desktop.services.procedures.withdrawals import WithdrawalRequest

    values = {"reason": WithdrawalReason.SETTLING_ABROAD, "approved_by": ApprovingBody.COUNTY_BUREAU} | fields
    return _open(store, WithdrawalRequest(student_id=student_id, **values), proofs, decision, today)


def open_dropout(store, student_id: int, proofs=(), *, today: date, decision=None, **fields) -> int:
    """procedures.open of a 辍学 since 20 October 2026, reported in writing to all three bodies; `fields` change the
    request (since, reported_to). Returns the procedure's id."""
    from xueji_desktop.services.procedures.withdrawals import DROPOUT_RECIPIENTS, DropoutRequest

    values = {"since": date(2026, 10, 20), "reported_to": list(DROPOUT_RECIPIENTS)} | fields
    return _open(store, DropoutRequest(student_id=student_id, **values), proofs, decision, today)


# The columns of the 学籍异动 upload sheet, in order (resources/templates/status_changes.json)
STATUS_CHANGE_HEADERS = [
    "学校标识码",
    "学籍号",
    "姓名",
    "身份证件号",
    "异动类别",
    "异动日期",
    "异动原因/说明",
    "转入（转出）学校",
    "审批文号",
    "省级系统状态",
]


def advance_to(store, procedure_id: int, state: str | None = None, *, on: date, approval_number=None) -> int:
    """Take a procedure through each of its next steps on the day `on`, up to `state` (by default the step that
    makes it take effect, where its status change is written); the approval number goes with that last step.
    Returns the procedure's id."""
    from xueji_desktop.models import Procedure
    from xueji_desktop.services import procedures

    with store.read() as session:
        kind = procedures.kind_of(session.get(Procedure, procedure_id).kind)
        current = procedures.current_state(session, procedure_id, "steps")
    steps = kind.steps[kind.steps.index(current) + 1 : kind.steps.index(state or kind.effective) + 1]
    for step in steps:
        last = step == steps[-1]
        procedures.advance(
            store, procedure_id, step, on=on, approval_number=approval_number if last else None
        )
    return procedure_id
