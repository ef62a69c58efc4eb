"""The unified social credit code (统一社会信用代码) as GB 32100-2015 defines it."""

from __future__ import annotations

import pytest

from registry.domain.uscc import ALPHABET, CreditCode, check_character

VALID_CODES = [
    "91110000600037341L",
    "91110108551385082Q",
    "91350100M000100Y43",
    "52110108MJ0000122R",
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_a_code_with_the_right_check_character_is_accepted(code: str) -> None:
    assert CreditCode.parse(code).value == code


@pytest.mark.parametrize("code", VALID_CODES)
def test_the_check_character_is_computed_from_the_first_seventeen(code: str) -> None:
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID_CODES)
def test_every_single_character_change_of_a_valid_code_is_rejected(code: str) -> None:
    accepted = []
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            mistyped = code[:position] + replacement + code[position + 1 :]
            try:
                CreditCode.parse(mistyped)
            except ValueError:
                continue
            accepted.append(mistyped)
    assert accepted == []


@pytest.mark.parametrize(
    "raw", ["", "91110108551385082", "91110108551385082QQ", "9111010855138508"]
)
def test_a_code_that_is_not_eighteen_characters_long_is_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="18 characters"):
        CreditCode.parse(raw)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_the_letters_i_o_s_v_z_are_never_part_of_a_code(letter: str) -> None:
    # Put the forbidden letter where letters are allowed (the organisation code part).
    with pytest.raises(ValueError, match="without I, O, S, V, Z"):
        CreditCode.parse("91350100M" + letter + "00100Y43")


def test_the_registering_division_is_six_digits() -> None:
    with pytest.raises(ValueError, match="6-digit division code"):
        CreditCode.parse("9135010AM000100Y43")


def test_a_code_typed_in_lowercase_is_accepted_in_uppercase() -> None:
    assert CreditCode.parse("91350100m000100y43").value == "91350100M000100Y43"


def test_spaces_around_a_pasted_code_are_ignored() -> None:
    assert CreditCode.parse("  52110108MJ0000122R\n").value == "52110108MJ0000122R"


def test_a_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(ValueError, match="should be 'Q', not 'R'"):
        CreditCode.parse("91110108551385082R")


def test_a_private_non_enterprise_unit_is_non_profit() -> None:
    assert CreditCode.parse("52110108MJ0000122R").is_non_profit


@pytest.mark.parametrize("code", ["91110108551385082Q", "91350100M000100Y43"])
def test_an_enterprise_is_not_non_profit(code: str) -> None:
    assert not CreditCode.parse(code).is_non_profit


@pytest.mark.parametrize(
    ("code", "district"),
    [
        ("91110000600037341L", "110000"),
        ("91110108551385082Q", "110108"),
        ("91350100M000100Y43", "350100"),
        ("52110108MJ0000122R", "110108"),
    ],
)
def test_the_registering_district_is_read_from_positions_three_to_eight(
    code: str, district: str
) -> None:
    assert CreditCode.parse(code).registering_district == district


def test_a_code_prints_as_itself() -> None:
    assert str(CreditCode.parse("91110108551385082Q")) == "91110108551385082Q"
