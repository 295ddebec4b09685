"""print …: every printable document as a PDF (certificates, forms, rosters, 套打) and verify, the check of a
certificate's QR code, number or scan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xueji_desktop.cli.common import students_of, subcommand
from xueji_desktop.errors import NotFound

PRINT_FORMS = {
    "info-form": "学生基本信息表",
    "enrolment-proof": "在读证明",
    "education-certificate": "学历证明书",
    "suspension-form": "休学、复学申请表",
    "withdrawal-form": "退学申请表",
    "transfer-letter": "转学联系函",
    "dropout-report": "辍学书面报告",
    "class-roster": "在校生分班名册",
    "graduate-roster": "毕业生花名册",
    "admission-roster": "录取花名册",
    "diploma": "毕业证书（套打）",
    "calibration": "套打校准页",
}


def add_commands(commands: argparse._SubParsersAction) -> None:
    printing = subcommand(commands, "print", "生成可打印的 PDF：证明、申请表、名册、套打")
    printing.add_argument(
        "form",
        choices=tuple(PRINT_FORMS),
        metavar="FORM",
        help="；".join(f"{key}：{label}" for key, label in PRINT_FORMS.items()),
    )
    printing.add_argument("out", type=Path, help="输出的 PDF 文件")
    printing.add_argument(
        "--student",
        action="append",
        default=[],
        help="学生：身份证件号、学籍号或编号（可重复，多名学生合成一个 PDF）",
    )
    printing.add_argument("--class", dest="class_name", help="班级名称（如「三年级(1)班」）或班级编号：全班")
    printing.add_argument(
        "--procedure", type=int, help="申请表、联系函、辍学报告：手续编号（默认为该生最近一项同类手续）"
    )
    printing.add_argument(
        "--year", type=int, help="毕业生花名册：毕业年份；录取花名册：入学学年的起始年份（默认今年）"
    )
    printing.add_argument("--full-ids", action="store_true", help="名册中显示完整身份证件号（存档用）")
    printing.add_argument("--studied-until", help="学历证明书：学习截至年月，如 2023-07")
    printing.add_argument("--approval-number", default="", help="学历证明书再次开具：主管部门批准文号")
    printing.add_argument("--reason", default="", help="学历证明书再次开具：原因")
    printing.add_argument("--purpose", default="", help="用途，如「用于办理医保」")
    printing.add_argument(
        "--layout", default="diploma_primary", help="套打版式：diploma_primary 小学、diploma_junior 初中"
    )
    printing.add_argument("--printer", default="", help="套打：用这台打印机保存的偏移（打印机名称）")
    printing.add_argument(
        "--first-number",
        default="",
        help="毕业证书套打：证书起始编号，按学生顺序递增并登记（如 潞小毕2027001）",
    )
    check = subcommand(
        commands, "verify", "核验证明：扫描所得的二维码内容、证明编号，或扫描件（图片、PDF）的路径"
    )
    check.add_argument("code")
    printing.set_defaults(handler=cmd_print)
    check.set_defaults(handler=cmd_verify)


def cmd_print(store, args: argparse.Namespace) -> int:
    handler = {
        "enrolment-proof": _print_enrolment_proof,
        "education-certificate": _print_education_certificate,
        "info-form": _print_info_form,
        "class-roster": _print_roster,
        "graduate-roster": _print_year_roster,
        "admission-roster": _print_year_roster,
        "diploma": _print_diploma,
        "calibration": _print_calibration,
    }.get(args.form, _print_procedure_form)
    from xueji_desktop.rules.findings import RuleViolation

    try:
        return handler(store, args)
    except RuleViolation as refusal:  # printed by main() (exit 2), with what the clerk can do about it
        if any(f.overridable for f in refusal.findings) and not refusal.hint:
            refusal.hint = "经主管教育行政部门批准可再次开具：请加 --approval-number 和 --reason。"
        raise


def _print_enrolment_proof(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.printing import certificates

    issued = certificates.issue_enrolment_proofs(
        store, students_of(store, args), args.out, purpose=args.purpose
    )
    print(f"已开具在读证明 {len(issued.numbers)} 份（编号 {'、'.join(issued.numbers)}）：{issued.path}")
    return 0


def _print_info_form(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.printing import forms

    ids = students_of(store, args)
    if not ids:
        raise NotFound(f"{args.class_name}没有在校学生")
    pages = forms.info_forms(store, ids, args.out)
    print(f"已生成学生基本信息表 {len(ids)} 份，共 {pages} 页：{args.out}")
    return 0


def _print_procedure_form(store, args: argparse.Namespace) -> int:
    """A procedure's form: the kinds that print it are those whose registry entry names it."""
    from xueji_desktop.services import procedures
    from xueji_desktop.services.printing import forms

    form = PRINT_FORMS[args.form]
    kinds = procedures.kinds_printing(form)
    procedure_id = args.procedure
    if procedure_id is None:
        if len(args.student) != 1:
            raise NotFound(
                "请用 --procedure 给出手续编号，或用 --student 指定一名学生（取其最近一项同类手续）"
            )
        procedure_id = procedures.latest_procedure_of_kinds(store, students_of(store, args)[0], kinds)
        if procedure_id is None:
            raise NotFound(f"这名学生没有可打印{form}的手续")
    elif procedures.kind_of_procedure(store, procedure_id) not in kinds:
        raise NotFound(f"手续 {procedure_id} 不是可打印{form}的手续")
    path = forms.procedure_form(store, procedure_id, args.out)
    print(f"已生成{form}（手续 {procedure_id}）：{path}")
    return 0


def _print_year_roster(store, args: argparse.Namespace) -> int:
    from datetime import date

    from xueji_desktop.services.printing import rosters

    year = args.year or date.today().year
    make = rosters.graduate_roster if args.form == "graduate-roster" else rosters.admission_roster
    pages = make(store, year, args.out, full_id_numbers=args.full_ids)
    print(f"已生成{year}年{PRINT_FORMS[args.form]}，共 {pages} 页：{args.out}")
    return 0


def _print_diploma(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.printing import overlay_printing

    offset = overlay_printing.printer_offset(store, args.printer)
    pages = overlay_printing.diplomas(
        store,
        students_of(store, args),
        args.out,
        layout_key=args.layout,
        offset=offset,
        first_number=args.first_number,
    )
    print(
        f"已生成毕业证书套打 {pages} 张（偏移：向右 {offset.dx:g} 毫米，向下 {offset.dy:g} 毫米）：{args.out}"
    )
    return 0


def _print_calibration(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services.printing import overlay_printing

    offset = overlay_printing.printer_offset(store, args.printer)
    overlay_printing.calibration_page(args.out, args.layout, offset, args.printer)
    print(f"已生成套打校准页：{args.out}")
    return 0


def _print_education_certificate(store, args: argparse.Namespace) -> int:
    from datetime import date

    from xueji_desktop.services.printing import certificates

    if len(args.student) != 1 or not args.studied_until:
        raise NotFound(
            "学历证明书须用 --student 指定一名学生，并用 --studied-until 给出学习截至年月（如 2023-07）"
        )
    year, _, month = args.studied_until.partition("-")
    issued = certificates.issue_education_certificate(
        store,
        students_of(store, args)[0],
        args.out,
        studied_until=date(int(year), int(month), 1),
        approval_number=args.approval_number,
        reason=args.reason,
    )
    print(f"已开具学历证明书（编号 {issued.numbers[0]}）：{issued.path}")
    return 0


def _print_roster(store, args: argparse.Namespace) -> int:
    from xueji_desktop.services import roster
    from xueji_desktop.services.printing.rosters import class_roster

    pages = class_roster(
        store, roster.class_by_name(store, args.class_name or ""), args.out, full_id_numbers=args.full_ids
    )
    print(f"已生成{args.class_name}在校生名册，共 {pages} 页：{args.out}")
    return 0


def cmd_verify(store, args: argparse.Namespace) -> int:
    from xueji_desktop.documents.qr_scan import ScanError
    from xueji_desktop.services.printing import certificates

    if Path(args.code).is_file():  # a scanned certificate
        try:
            results = certificates.verify_scan(store, Path(args.code))
        except ScanError as error:
            print(str(error), file=sys.stderr)
            return 1
    else:
        results = [certificates.verify(store, args.code)]
    for result in results:
        print(result.message)
    return 0 if all(result.ok for result in results) else 2
