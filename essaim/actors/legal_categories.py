"""INSEE *catégories juridiques* (level 3 of the nomenclature) that Essaim accepts, with their
official French labels.

Only the codes the programme's organisations commonly have are listed, and only codes whose
wording we are sure of; add a code here (with INSEE's exact label) when an organisation needs it.
Source: INSEE, nomenclature des catégories juridiques (niveau III).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LEGAL_CATEGORIES: dict[str, str] = {
    # Personnes physiques
    "1000": "Entrepreneur individuel",
    # Groupements de droit privé non dotés de la personnalité morale / GIE
    "6210": "Groupement européen d'intérêt économique (GEIE)",
    "6220": "Groupement d'intérêt économique (GIE)",
    # Sociétés commerciales
    "5458": "SARL coopérative ouvrière de production (SCOP)",
    "5460": "Autre SARL coopérative",
    "5498": "SARL unipersonnelle",
    "5499": "Société à responsabilité limitée (sans autre indication)",
    "5558": "SA coopérative ouvrière de production (SCOP) à conseil d'administration",
    "5560": "Autre SA coopérative à conseil d'administration",
    "5599": "SA à conseil d'administration (s.a.i.)",
    "5658": "SA coopérative ouvrière de production (SCOP) à directoire",
    "5660": "Autre SA coopérative à directoire",
    "5699": "SA à directoire (s.a.i.)",
    "5710": "SAS, société par actions simplifiée",
    "5720": "Société par actions simplifiée à associé unique ou société par actions simplifiée "
    "unipersonnelle",
    # Administration de l'État
    "7113": "Ministère",
    "7120": "Service central d'un ministère",
    # Collectivités territoriales
    "7210": "Commune et commune nouvelle",
    "7220": "Département",
    "7225": "Collectivité et territoire d'Outre Mer",
    "7229": "(Autre) Collectivité territoriale",
    "7230": "Région",
    # Établissements publics administratifs, dont EPCI
    "7343": "Communauté urbaine",
    "7344": "Métropole",
    "7346": "Communauté de communes",
    "7348": "Communauté d'agglomération",
    "7353": "Syndicat intercommunal à vocation unique (SIVU)",
    "7354": "Syndicat mixte fermé",
    "7355": "Syndicat mixte ouvert",
    "7357": "Pôle d'équilibre territorial et rural (PETR)",
    "7361": "Centre communal d'action sociale",
    "7381": "Organisme consulaire",
    "7389": "Établissement public national à caractère administratif",
    "7410": "Groupement d'intérêt public (GIP)",
    # Organismes mutualistes
    "8210": "Mutuelle",
    # Associations et fondations
    "9210": "Association non déclarée",
    "9220": "Association déclarée",
    "9221": "Association déclarée d'insertion par l'économique",
    "9222": "Association intermédiaire",
    "9223": "Groupement d'employeurs",
    "9230": "Association déclarée, reconnue d'utilité publique",
    "9260": "Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)",
    "9300": "Fondation",
}


def legal_category_label(code: str) -> str:
    return LEGAL_CATEGORIES.get(code, "")


def legal_category_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {label}") for code, label in sorted(LEGAL_CATEGORIES.items())]


def validate_legal_category(value: str) -> None:
    if value and value not in LEGAL_CATEGORIES:
        raise ValidationError(
            _(
                "Catégorie juridique inconnue : « %(value)s ». Indiquez un code INSEE à 4 chiffres "
                "de la nomenclature (par exemple 9220 pour une association déclarée)."
            ),
            code="legal_category_unknown",
            params={"value": value},
        )
