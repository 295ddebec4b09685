"""套打: only the values, each at its place on the authority's blank, moved by the printer's offset; the
calibration page and the offset worked out from it; offsets remembered per printer."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from reportlab.lib.units import mm
from sqlalchemy import select

from tests.factories import add_graduate, add_student, class_id_of
from xueji_desktop.documents import overlay
from xueji_desktop.documents.overlay import CALIBRATION_MARK_MM, Offset
from xueji_desktop.models import SchoolClass
from xueji_desktop.services.printing import overlay_printing

LAYOUT = "diploma_primary"


def _graduate(store, name="林小满"):
    """A 三年级 pupil born in 2014 who graduated on 2026-07-01."""
    return add_graduate(
        store, class_id_of(store, 3), name=name, birth=date(2014, 5, 2), entry_month="2020-09"
    )


def _where(pdf, text, page=0):
    """(x, y) in mm from the page's top-left corner of the first character of `text`: its left edge and baseline."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        height = document[page].get_height()
        textpage = document[page].get_textpage()
        found = textpage.search(text).get_next()
        assert found is not None, text
        left, bottom, _, _ = textpage.get_charbox(found[0], loose=False)
        right = textpage.get_charbox(found[0] + len(text) - 1, loose=False)[2]
        return left / mm, right / mm, (height - bottom) / mm
    finally:
        document.close()


def _all_text(pdf):
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_only_the_values_are_printed_each_at_its_place(school, tmp_path):
    student = _graduate(school)
    out = tmp_path / "diploma.pdf"
    assert (
        overlay_printing.diplomas(school, [student], out, layout_key=LAYOUT, issued_on=date(2026, 7, 5)) == 1
    )
    layout = overlay_printing.layouts()[LAYOUT]
    text = _all_text(out)
    for value in ("林小满", "男", "2014", "2020", "潞城区实验小学", "王建国"):
        assert value in text
    assert (
        "姓名" not in text and "性别" not in text and "毕业证书" not in text
    )  # the blank has the words already
    name = next(p for p in layout.places if p.key == "姓名")
    left, right, baseline = _where(out, "林小满")
    assert (left + right) / 2 == pytest.approx(name.x, abs=0.6) and baseline == pytest.approx(name.y, abs=1.0)
    document = pypdfium2.PdfDocument(str(out))
    assert (document[0].get_width() / mm, document[0].get_height() / mm) == pytest.approx(
        layout.page_mm, abs=0.1
    )
    document.close()


def test_the_printers_offset_moves_every_value_by_as_much(school, tmp_path):
    student = _graduate(school)
    overlay_printing.diplomas(school, [student], tmp_path / "a.pdf", layout_key=LAYOUT)
    overlay_printing.diplomas(
        school, [student], tmp_path / "b.pdf", layout_key=LAYOUT, offset=Offset(-1.5, 2.0)
    )
    for value in ("林小满", "潞城区实验小学"):
        (a_left, _, a_base), (b_left, _, b_base) = (
            _where(tmp_path / "a.pdf", value),
            _where(tmp_path / "b.pdf", value),
        )
        assert b_left - a_left == pytest.approx(-1.5, abs=0.05) and b_base - a_base == pytest.approx(
            2.0, abs=0.05
        )


def test_a_student_who_has_not_graduated_gets_no_diploma(school, tmp_path):
    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    pupil = add_student(school, class_id, name="在读生")
    with pytest.raises(ValueError, match="不能打印毕业证书"):
        overlay_printing.diplomas(school, [_graduate(school), pupil], tmp_path / "x.pdf", layout_key=LAYOUT)
    assert not (tmp_path / "x.pdf").exists()


def test_diplomas_numbered_from_a_first_number_are_logged_and_never_reused(school, tmp_path):
    from xueji_desktop.models import CertificateIssue
    from xueji_desktop.services.printing import certificates

    assert overlay_printing.diploma_numbers("潞小毕2027098", 3) == [
        "潞小毕2027098",
        "潞小毕2027099",
        "潞小毕2027100",
    ]
    first, second = _graduate(school, "林小满"), _graduate(school, "周小雨")
    out = tmp_path / "numbered.pdf"
    assert (
        overlay_printing.diplomas(
            school, [first, second], out, layout_key=LAYOUT, first_number="潞小毕2027001"
        )
        == 2
    )
    text = _all_text(out)
    assert "潞小毕2027001" in text and "潞小毕2027002" in text
    with school.read() as session:
        logged = [
            (c.number, c.student_id)
            for c in session.scalars(select(CertificateIssue).order_by(CertificateIssue.id))
        ]
    assert logged == [("潞小毕2027001", first), ("潞小毕2027002", second)]
    assert "毕业证书 潞小毕2027002：周小雨" in certificates.verify(school, "潞小毕2027002").message
    with pytest.raises(ValueError, match="潞小毕2027002 已经用过"):
        overlay_printing.diplomas(
            school, [first], tmp_path / "again.pdf", layout_key=LAYOUT, first_number="潞小毕2027002"
        )
    assert not (tmp_path / "again.pdf").exists()
    with pytest.raises(ValueError, match="应以数字结尾"):
        overlay_printing.diplomas(
            school, [first], tmp_path / "x.pdf", layout_key=LAYOUT, first_number="潞小毕"
        )


def test_a_graduate_below_the_fitness_standard_gets_no_diploma_R29_1(school, tmp_path):
    from datetime import datetime

    from xueji_desktop.models import FitnessResult
    from xueji_desktop.rules.findings import RuleViolation

    fit, unfit = _graduate(school, "林小满"), _graduate(school, "周小雨")
    with school.transaction() as session:
        session.add(
            FitnessResult(
                student_id=unfit,
                school_year=2025,
                total_score=42.0,
                grade="不及格",
                source="测试",
                actor="测试",
                created_at=datetime.now(),
            )
        )
    with pytest.raises(RuleViolation, match="第二十九条") as refused:
        overlay_printing.diplomas(school, [fit, unfit], tmp_path / "x.pdf", layout_key=LAYOUT)
    assert "周小雨" in str(refused.value) and "林小满" not in str(refused.value)
    assert not (tmp_path / "x.pdf").exists()
    assert overlay_printing.diplomas(school, [fit], tmp_path / "y.pdf", layout_key=LAYOUT) == 1


def test_calibration_finds_the_offset_that_puts_the_cross_back(tmp_path):
    """A printer that lands everything 1.5 mm right and 2 mm high: the clerk measures the cross at 31.5 / 28 mm; the
    offset worked out from it, printed again, puts the cross where it belongs."""
    layout = overlay_printing.layouts()[LAYOUT]
    printer_shift = (1.5, -2.0)
    overlay.write_calibration(tmp_path / "first.pdf", layout.page_mm)
    left, _, top = _where(tmp_path / "first.pdf", "套打校准页")
    measured = (CALIBRATION_MARK_MM[0] + printer_shift[0], CALIBRATION_MARK_MM[1] + printer_shift[1])
    offset = Offset.from_calibration(*measured)
    assert offset == Offset(-1.5, 2.0)
    overlay.write_calibration(tmp_path / "second.pdf", layout.page_mm, offset)
    left2, _, top2 = _where(tmp_path / "second.pdf", "套打校准页")
    assert (left2 - left + printer_shift[0], top2 - top + printer_shift[1]) == pytest.approx((0, 0), abs=0.05)
    assert "向右 -1.5 毫米" in _all_text(tmp_path / "second.pdf")


def test_an_offset_past_twenty_millimetres_is_a_measuring_slip():
    with pytest.raises(ValueError, match="偏移量不能超过 20 毫米"):
        Offset.from_calibration(55, 30)


def test_offsets_are_remembered_per_printer(school):
    assert overlay_printing.printer_offset(school, "HP LaserJet 1020") == Offset()
    overlay_printing.save_printer_offset(school, "HP LaserJet 1020", Offset(1.0, -0.5))
    overlay_printing.save_printer_offset(school, "Canon LBP2900", Offset(-2.0, 1.0))
    overlay_printing.save_printer_offset(school, "HP LaserJet 1020", Offset(1.2, -0.4))
    assert overlay_printing.printer_offset(school, "HP LaserJet 1020") == Offset(1.2, -0.4)
    assert overlay_printing.printer_offset(school, "Canon LBP2900") == Offset(-2.0, 1.0)
