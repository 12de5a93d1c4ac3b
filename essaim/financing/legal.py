"""Legal forms: INSEE legal categories (catégories juridiques, level III) grouped into the
families instruments name in their eligibility ("associations", "coopératives", …).

A code may sit in several families (a SCOP SARL is a cooperative and a company). When an
organisation has no INSEE code, its ``kind`` stands in (see ``families_of``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalFamily(models.TextChoices):
    ASSOCIATION = "association", _("associations")
    COOPERATIVE = "cooperative", _("coopératives (SCOP, SCIC…)")
    FOUNDATION = "foundation", _("fondations et fonds de dotation")
    MUTUAL = "mutual", _("mutuelles")
    COMPANY = "company", _("sociétés commerciales")
    SOLE_TRADER = "sole_trader", _("entrepreneurs individuels")
    PUBLIC = "public", _("personnes morales de droit public")


# INSEE codes of cooperative forms (SARL, SA, SAS coopératives, SCIC, SCOP, agricultural).
COOPERATIVE_CODES = frozenset(
    {
        "5443", "5451", "5453", "5454", "5455", "5458", "5459", "5460",
        "5543", "5546", "5547", "5551", "5552", "5553", "5554", "5555", "5558", "5559", "5560",
        "5643", "5646", "5647", "5651", "5652", "5653", "5654", "5655", "5658", "5659", "5660",
        "6316", "6317", "6318", "6532",
    }
)  # fmt: skip

_PREFIX_FAMILIES = (
    ("92", LegalFamily.ASSOCIATION),
    ("93", LegalFamily.FOUNDATION),
    ("82", LegalFamily.MUTUAL),
    ("83", LegalFamily.MUTUAL),
    ("5", LegalFamily.COMPANY),
    ("1", LegalFamily.SOLE_TRADER),
    ("7", LegalFamily.PUBLIC),
)

# When the INSEE code is unknown, the organisation's kind (essaim.actors.OrganisationKind).
_KIND_FAMILIES = {
    "association": LegalFamily.ASSOCIATION,
    "cooperative": LegalFamily.COOPERATIVE,
    "company": LegalFamily.COMPANY,
    "local_authority": LegalFamily.PUBLIC,
    "public_body": LegalFamily.PUBLIC,
}


def families_of(legal_category: str, kind: str = "") -> frozenset[str]:
    """The families of an INSEE legal category (or, failing that, of an organisation kind)."""
    code = (legal_category or "").strip()
    found: set[str] = set()
    if code:
        for prefix, family in _PREFIX_FAMILIES:
            if code.startswith(prefix):
                found.add(family.value)
                break
        if code in COOPERATIVE_CODES:
            found.add(LegalFamily.COOPERATIVE.value)
    elif kind in _KIND_FAMILIES:
        found.add(_KIND_FAMILIES[kind].value)
    return frozenset(found)


LEGAL_CATEGORY_NAMES = {
    "9220": _("association déclarée"),
    "9221": _("association déclarée d'insertion par l'économique"),
    "9230": _("association reconnue d'utilité publique"),
    "9300": _("fondation"),
    "5458": _("SCOP SARL"),
    "5460": _("SARL coopérative"),
    "5560": _("SA coopérative"),
    "5499": _("SARL"),
    "5710": _("SAS"),
    "5720": _("SASU"),
    "7220": _("département"),
    "7230": _("région"),
}


def describe_legal_form(legal_category: str, kind: str = "") -> str:
    code = (legal_category or "").strip()
    if code:
        name = LEGAL_CATEGORY_NAMES.get(code)
        return f"{name} ({code})" if name else str(code)
    families = families_of("", kind)
    if families:
        return str(LegalFamily(next(iter(families))).label)
    return str(_("forme juridique inconnue"))
