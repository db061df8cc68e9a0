import pytest

from atlasia.core.identifiers import finess_error, luhn_valid, siren_error


@pytest.mark.parametrize("siren", ["130005481", "180036048", "732829320"])
def test_valid_sirens_pass(siren: str) -> None:
    assert luhn_valid(siren)
    assert siren_error(siren) is None


def test_siren_with_spaces_is_normalised() -> None:
    assert siren_error("130 005 481") is None


def test_siren_with_wrong_key_is_refused_with_a_reason() -> None:
    message = siren_error("130005482")
    assert message is not None and "clé de contrôle" in message and "130005482" in message


@pytest.mark.parametrize("value", ["12345678", "1234567890", "ABCDEFGHI"])
def test_siren_with_wrong_length_is_refused(value: str) -> None:
    message = siren_error(value)
    assert message is not None and "9 chiffres" in message


@pytest.mark.parametrize("finess", ["750712184", "2A0000154", "970100178", "590780193"])
def test_valid_finess_formats(finess: str) -> None:
    assert finess_error(finess) is None


@pytest.mark.parametrize("finess,fragment", [("75071218", "9 caractères"), ("7X07A2184", "format")])
def test_invalid_finess(finess: str, fragment: str) -> None:
    message = finess_error(finess)
    assert message is not None and fragment in message
