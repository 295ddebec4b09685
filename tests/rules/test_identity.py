"""T12: 居民身份证 numbers (GB 11643) — property tests of rules.identity, plus masking.

Every valid number is accepted and its birth date and gender read back; every one-digit error and every adjacent swap
is refused; full-width digits and a lower-case x are normalised; other Unicode digits are refused.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import REGION_PREFIXES, check_digit, id_number, id_number_ending_in_x
from xueji_desktop.rules.identity import (
    IdNumberError,
    check_id_number,
    mask_id_number,
    mismatches,
    normalise_id_number,
)

PROPERTY = settings(max_examples=150, deadline=None)

valid_numbers = st.builds(
    lambda region, born, gender, seq: (id_number(born, gender, seq, region), born, gender, region),
    st.sampled_from(REGION_PREFIXES),
    st.dates(date(1995, 1, 1), date(2025, 12, 31)),
    st.sampled_from(["1", "2"]),
    st.integers(0, 499),
)

# Decimal digit sets that NFKC leaves alone: 阿拉伯-印度, 扩展阿拉伯-印度, 天城文, 孟加拉, 泰文, 藏文 digits.
FOREIGN_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x0F20)


def _refused(number: str) -> bool:
    try:
        check_id_number(number)
    except IdNumberError:
        return True
    return False


@PROPERTY
@given(valid_numbers)
def test_every_valid_number_is_accepted_and_its_facts_read_back(case):
    """T12: a generated valid number passes; birth date, gender (17th digit odd = 男) and region are read back."""
    number, born, gender, region = case
    facts = check_id_number(number)
    assert facts.number == number
    assert facts.birth_date == born
    assert facts.gender == gender
    assert facts.region_code == region
    assert mismatches(facts, born, gender) == []


@PROPERTY
@given(valid_numbers)
def test_every_single_character_change_is_refused(case):
    """T12: each of the 17 digits changed to each other digit, and the check character changed, is refused."""
    number = case[0]
    for position in range(18):
        alphabet = "0123456789X" if position == 17 else "0123456789"
        for replacement in alphabet:
            if replacement == number[position]:
                continue
            changed = number[:position] + replacement + number[position + 1 :]
            assert _refused(changed), f"{changed} (position {position + 1} of {number}) was accepted"


@PROPERTY
@given(valid_numbers)
def test_every_adjacent_transposition_is_refused(case):
    """T12: swapping two neighbouring different characters (the check character included) is refused."""
    number = case[0]
    swaps = 0
    for position in range(17):
        a, b = number[position], number[position + 1]
        if a == b:
            continue
        swaps += 1
        swapped = number[:position] + b + a + number[position + 2 :]
        assert _refused(swapped), f"{swapped} (swap at {position + 1} of {number}) was accepted"
    assert swaps > 0


@PROPERTY
@given(valid_numbers)
def test_full_width_digits_are_normalised(case):
    """T12: ０-９ and Ｘ typed with a Chinese input method mean the same number."""
    number = case[0]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert check_id_number(full_width).number == number


@PROPERTY
@given(valid_numbers, st.integers(0, 16), st.sampled_from(FOREIGN_ZEROS))
def test_other_unicode_digits_are_refused(case, position, zero):
    """T12: a `\\d`-style digit from another script (e.g. Arabic-Indic ٣) is refused, not read as a digit."""
    number = case[0]
    foreign = chr(zero + int(number[position]))
    assert normalise_id_number(foreign) != number[position]  # NFKC really leaves it alone
    changed = number[:position] + foreign + number[position + 1 :]
    with pytest.raises(IdNumberError, match="只能是数字"):
        check_id_number(changed)


def test_arabic_indic_three_is_refused():
    """T12: the brief's example, ٣ (U+0663), in place of a 3."""
    number = id_number(date(2013, 3, 3), "1", 7, "110101")
    assert "3" in number[:17]
    with pytest.raises(IdNumberError):
        check_id_number(number.replace("3", "٣", 1))


@pytest.mark.parametrize("gender", ["1", "2"])
def test_lower_case_x_is_normalised(gender):
    """T12: a final x is the same as X."""
    number = id_number_ending_in_x(date(2019, 5, 20), gender)
    facts = check_id_number(number[:-1] + "x")
    assert facts.number == number
    assert facts.gender == gender
    assert check_id_number(number[:-1] + "ｘ").number == number  # full-width lower-case too


def test_spaces_and_dashes_are_ignored():
    number = id_number(date(2018, 12, 1), "2", 3)
    spaced = f" {number[:6]} {number[6:14]}-{number[14:]}　"
    assert check_id_number(spaced).number == number


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "身份证件号不能为空"),
        ("14040620190314001", "应为18位，现在是17位"),
        ("1404062019031400111", "应为18位，现在是19位"),
        ("14040620190314A011", "只能是数字"),
        ("X40406201903140011", "只能是数字"),
    ],
)
def test_shape_errors_have_clear_chinese_messages(raw, message):
    with pytest.raises(IdNumberError, match=message):
        check_id_number(raw)


def test_checksum_error_message_suggests_what_went_wrong():
    number = id_number(date(2019, 3, 14), "1", 11)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(IdNumberError, match="校验位不对"):
        check_id_number(wrong)


def test_impossible_birth_date_is_named():
    """An impossible date with a correct check digit is refused naming the date (2019-02-30)."""
    first17 = "14040620190230001"
    with pytest.raises(IdNumberError, match="出生日期 2019-02-30 不存在"):
        check_id_number(first17 + check_digit(first17))


def test_region_codes_of_another_period_are_accepted():
    """Numbers are for life while region codes change: 潞城区 140406 exists only from 2018 and 潞城市 140481 only
    until 2018, yet a child born in 2016 and registered later may carry 140406 — not refused, and not blamed on the
    (valid) birth date."""
    for region, born in (("140406", date(2016, 5, 1)), ("140481", date(2020, 5, 1))):
        facts = check_id_number(id_number(born, "2", 12, region))
        assert (facts.region_code, facts.birth_date) == (region, born)


def test_field_name_is_used_in_the_message():
    with pytest.raises(IdNumberError, match="家庭成员1 身份证件号不能为空"):
        check_id_number("", "家庭成员1 身份证件号")


def test_mismatches_name_birth_date_and_gender():
    facts = check_id_number(id_number(date(2019, 3, 14), "1", 5))
    problems = mismatches(facts, date(2019, 3, 15), "2")
    assert problems == [
        "出生日期 2019-03-15 与身份证件号中的 2019-03-14 不一致",
        "性别“女”与身份证件号（第17位表示男）不一致",
    ]


def test_mask_keeps_first_and_last_four():
    """GB/T 35273: 1404**********123X on screens and paper."""
    assert mask_id_number("14040620190314123X") == "1404**********123X"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""
    assert mask_id_number("A1234") == "A****"
