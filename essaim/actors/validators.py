"""SIREN and SIRET checks (Luhn), with La Poste's exception."""

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


def validate_siren(value: str) -> None:
    if not (len(value) == 9 and value.isdigit()):
        raise ValidationError(
            _("Le SIREN doit compter 9 chiffres (reçu : « %(value)s »)."),
            code="siren_format",
            params={"value": value},
        )
    if not luhn_ok(value):
        raise ValidationError(
            _("Le SIREN « %(value)s » est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
            code="siren_checksum",
            params={"value": value},
        )


def validate_siret(value: str) -> None:
    if not (len(value) == 14 and value.isdigit()):
        raise ValidationError(
            _("Le SIRET doit compter 14 chiffres (reçu : « %(value)s »)."),
            code="siret_format",
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
