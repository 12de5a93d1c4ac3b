import pytest
from django.core.exceptions import ValidationError

from essaim.actors.legal_categories import LEGAL_CATEGORIES, validate_legal_category
from essaim.actors.validators import luhn_ok, validate_siren, validate_siret

# Real identifiers: Région Nouvelle-Aquitaine (SIREN and its hôtel de région's SIRET), Bpifrance SA,
# La Poste's siège (an ordinary Luhn number) and a La Poste establishment numbered past Luhn.
REGION_NA_SIREN = "200053759"
REGION_NA_SIRET = "20005375900011"
BPIFRANCE_SIREN = "320252489"
LA_POSTE_SIEGE = "35600000000048"
LA_POSTE_ESTABLISHMENT = "35600000049837"


@pytest.mark.parametrize("siren", [REGION_NA_SIREN, BPIFRANCE_SIREN, "356000000"])
def test_real_sirens_pass(siren):
    validate_siren(siren)


@pytest.mark.parametrize("siret", [REGION_NA_SIRET, LA_POSTE_SIEGE, LA_POSTE_ESTABLISHMENT])
def test_real_sirets_pass(siret):
    validate_siret(siret)


def test_la_poste_establishment_passes_only_through_the_exception():
    assert not luhn_ok(LA_POSTE_ESTABLISHMENT)
    assert sum(int(c) for c in LA_POSTE_ESTABLISHMENT) % 5 == 0


def test_the_la_poste_rule_does_not_help_other_sirens():
    # Same digit sum rule, another SIREN: refused.
    value = "20005375900013"  # Luhn fails; digits sum to 35
    assert not luhn_ok(value)
    assert sum(int(c) for c in value) % 5 == 0
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == "siret_checksum"


def test_la_poste_siret_failing_both_rules_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_siret("35600000049838")
    assert error.value.code == "siret_checksum"


@pytest.mark.parametrize("siren", ["200053758", "320252488"])
def test_wrong_check_digit_siren(siren):
    with pytest.raises(ValidationError) as error:
        validate_siren(siren)
    assert error.value.code == "siren_checksum"
    assert "clé de contrôle" in error.value.messages[0]


def test_wrong_check_digit_siret_says_so():
    with pytest.raises(ValidationError) as error:
        validate_siret("20005375900012")
    assert error.value.code == "siret_checksum"
    assert "20005375900012" in error.value.messages[0]


@pytest.mark.parametrize("value", ["20005375", "2000537590", "2000537a9", ""])
def test_siren_wrong_length_or_characters(value):
    with pytest.raises(ValidationError) as error:
        validate_siren(value)
    assert error.value.code == "siren_format"


@pytest.mark.parametrize("value", ["2000537590001", "200053759000111", "2000537590001A"])
def test_siret_wrong_length_or_characters(value):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == "siret_format"
    assert "14 chiffres" in error.value.messages[0]


def test_legal_categories():
    assert LEGAL_CATEGORIES["9220"] == "Association déclarée"
    assert LEGAL_CATEGORIES["7230"] == "Région"
    assert all(len(code) == 4 and code.isdigit() for code in LEGAL_CATEGORIES)
    validate_legal_category("5458")
    validate_legal_category("")
    with pytest.raises(ValidationError) as error:
        validate_legal_category("1234")
    assert "1234" in error.value.messages[0]
