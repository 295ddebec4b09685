"""A 学籍号 made of G and the 身份证件号 carries the ID number: masked wherever the ID number is."""

from __future__ import annotations

from datetime import date

from tests.factories import id_number
from xueji_desktop.rules.identity import mask_id_number, mask_national_student_id


def test_g_and_the_id_number_is_masked_as_the_id_number():
    number = id_number(date(2019, 3, 14), "1", 7)
    assert mask_national_student_id(f"G{number}") == "G" + mask_id_number(number)
    assert number[6:14] not in mask_national_student_id(f"G{number}")


def test_a_temporary_or_other_national_student_id_is_shown_whole():
    assert mask_national_student_id("L2026140406001") == "L2026140406001"
    assert mask_national_student_id("G12345") == "G12345"  # not an ID number after the G
    assert mask_national_student_id(None) == "" and mask_national_student_id("") == ""


def test_the_id_number_given_is_recognised_after_the_g():
    """A number of another document (not 18 characters) after the G, the student's own: masked too."""
    assert mask_national_student_id("GAB1234567", "AB1234567") == "G" + mask_id_number("AB1234567")
    assert mask_national_student_id("GAB1234567", "CD7654321") == "GAB1234567"
