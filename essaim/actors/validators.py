"""SIREN and SIRET checks (Luhn), with La Poste's exception, and the refusal of placeholder
numbers that pass Luhn but name no one (``000000000``, ``123456789``…)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_run(digits: str) -> bool:
    """Each digit one more (or each one less) than the previous, modulo 10: 123456789,
    987654321, 012345678…"""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({1}, {9})


def is_placeholder(digits: str) -> bool:
    """Whether a SIREN or a SIRET is a placeholder someone typed to get past the form: all one
    digit, or a SIREN (the first nine digits) that is all one digit or whose first eight digits
    (the ninth is the check digit) run like 12345678. Some pass the Luhn check (000000000,
    00000000000000, 123456782…); INSEE issues none of them."""
    siren = digits[:9]
    return len(set(digits)) == 1 or len(set(siren)) == 1 or _is_run(siren[:8])


def validate_siren(value: str) -> None:
    if not (len(value) == 9 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("Le SIREN doit compter 9 chiffres (reçu : « %(value)s »)."),
            code="siren_format",
            params={"value": value},
        )
    if is_placeholder(value):
        raise ValidationError(
            _(
                "Le SIREN « %(value)s » est un numéro fictif (chiffres tous identiques ou suite "
                "comme 123456789) : indiquez le SIREN réel de l'organisation."
            ),
            code="siren_placeholder",
            params={"value": value},
        )
    if not luhn_ok(value):
        raise ValidationError(
            _("Le SIREN « %(value)s » est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
            code="siren_checksum",
            params={"value": value},
        )


def validate_siret(value: str) -> None:
    if not (len(value) == 14 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("Le SIRET doit compter 14 chiffres (reçu : « %(value)s »)."),
            code="siret_format",
            params={"value": value},
        )
    if is_placeholder(value):
        raise ValidationError(
            _(
                "Le SIRET « %(value)s » est un numéro fictif (chiffres tous identiques ou SIREN "
                "comme 123456789) : indiquez le SIRET réel de l'organisation."
            ),
            code="siret_placeholder",
            params={"value": value},
        )
    # La Poste's establishments share one SIREN and are numbered past what Luhn allows: INSEE
    # accepts theirs when the sum of the digits is a multiple of 5.
    if luhn_ok(value):
        return
    if value.startswith(LA_POSTE_SIREN) and sum(int(c) for c in value) % 5 == 0:
        return
    raise ValidationError(
        _("Le SIRET « %(value)s » est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
        code="siret_checksum",
        params={"value": value},
    )
