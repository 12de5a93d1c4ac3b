"""The demo's news, written through the portal's services by each programme's admin.

French Impact's first post tells, in the demo's own words, what the reference file holds about
the first wave (``data/french-impact-2019.yaml``): Nouvelle-Aquitaine labelled on 25 February 2019
among the first twenty territories, its three challenges and its collective, with a link to the
programme's site. The others are fictitious and say so (title and ``is_fictitious``): one more
published post, one draft, and one post of the fictitious regional programme. Idempotent: a post
whose slug is there is kept as it is."""

import datetime

from django.utils.text import slugify

from essaim.accounts.models import User
from essaim.calls.models import Programme
from essaim.portal.models import NewsPost
from essaim.portal.news_services import news_create, news_publish

# When the reference file has no site for the programme (it has: le-frenchimpact.fr).
DEFAULT_WEBSITE = "https://le-frenchimpact.fr"

FIRST_WAVE_TITLE = "La Nouvelle-Aquitaine reçoit le label Territoire French Impact"
FIRST_WAVE_DATE = datetime.date(2019, 2, 28)
FIRST_WAVE_SUMMARY = (
    "Annoncée à Nantes le 25 février 2019, la première vague du label réunit vingt territoires. "
    "La Nouvelle-Aquitaine en fait partie, labellisée pour toute la région autour de trois défis."
)
FIRST_WAVE_BODY = """\
Le lundi 25 février 2019, à Nantes, le Haut-commissaire à l'économie sociale et solidaire et à
l'innovation sociale a fait connaître les **vingt premiers territoires** labellisés « Territoire
French Impact ». La Nouvelle-Aquitaine est du nombre : c'est la région entière qui est distinguée,
comme la Bretagne et la Normandie.

## Un label pour les écosystèmes d'innovation sociale

L'appel à manifestation d'intérêt, ouvert en permanence depuis juillet 2018, s'adresse aux
territoires qui veulent structurer leur écosystème d'innovation sociale, rapprocher ses acteurs
et aider les innovations à naître, à grandir puis à essaimer. Les candidatures de cette première
vague ont été instruites par le Haut-Commissariat, avec la contribution de l'Avise ; une deuxième
vague doit suivre avant la fin de 2019.

Chaque territoire labellisé bâtira avec l'équipe du programme un plan d'accompagnement sur mesure :
stratégie territoriale, financement de l'amorçage et du changement d'échelle, levée des freins
réglementaires (avec un guichet unique), coopération entre acteurs, mesure de l'impact et liens
avec les entreprises engagées.

## Les trois défis de la Nouvelle-Aquitaine

1. **Santé et silver économie** : des approches non médicamenteuses pour accompagner les
   personnes âgées, et un nouveau modèle de prévention primaire.
2. **Alimentation et consommation** : supermarchés coopératifs, projets alimentaires
   territoriaux, tiers-lieux agricoles.
3. **Qualité de vie au travail et innovation organisationnelle** : accompagner la transformation
   numérique et des salariés en quête de sens.

## Le collectif porteur

Six structures portent le projet : la Région Nouvelle-Aquitaine, ADI N-A, ATIS, France Active,
Ellyx et la CMA79.

- [La page du territoire](/territoires/region-nouvelle-aquitaine/)
- [Le site du programme French Impact]({website})
"""

# (title, date or None for a draft, summary, body): fictitious, and saying so.
FICTITIOUS_POSTS = [
    (
        "Guichet unique : trois mois de saisines (fictif)",
        datetime.date(2019, 6, 12),
        "Exemple d'actualité inventée pour la démonstration : le guichet unique fait le point "
        "sur les freins réglementaires qu'on lui a signalés.",
        "*Cette actualité est fictive : elle montre ce qu'une équipe peut publier.*\n\n"
        "Depuis son ouverture, le guichet unique reçoit les freins réglementaires que rencontrent "
        "les projets des territoires labellisés. Les réponses qui peuvent servir à d'autres sont "
        "publiées, anonymisées, dans la [base de connaissances](/guichet-unique/"
        "base-de-connaissances/).\n\n"
        "Vous rencontrez une règle qui bloque votre projet ? "
        "[Saisissez le guichet unique](/guichet-unique/saisir/).",
    ),
    (
        "Deuxième vague : le calendrier (brouillon fictif)",
        None,
        "Brouillon inventé pour la démonstration : visible de l'équipe du programme seulement.",
        "*Brouillon fictif.* Le calendrier de la deuxième vague sera précisé ici.",
    ),
]

REGIONAL_POST = (
    "L'appel à projets régional est ouvert (fictif)",
    "Exemple d'actualité du programme régional fictif de la démonstration.",
    "*Cette actualité est fictive, comme le programme régional qui la publie.*\n\n"
    "L'appel à projets du programme régional est ouvert : les collectifs de la région peuvent "
    "déposer leur candidature.",
)


def _write(*, admin, programme, title, day, summary, body) -> bool:
    if NewsPost.objects.filter(slug=slugify(title)).exists():
        return False
    post = news_create(
        user=admin,
        programme=programme,
        title=title,
        summary=summary,
        body=body,
        published_at=day,
        is_fictitious="fictif" in title,
    )
    if day is not None:
        news_publish(user=admin, post=post)
    return True


def load(ctx) -> None:
    programme = Programme.objects.get(slug="french-impact-territoires")
    admin = User.objects.get(email="admin@demo.essaim.fr")
    website = ctx.reference.get("programme", {}).get("website") or DEFAULT_WEBSITE
    written = _write(
        admin=admin,
        programme=programme,
        title=FIRST_WAVE_TITLE,
        day=FIRST_WAVE_DATE,
        summary=FIRST_WAVE_SUMMARY,
        body=FIRST_WAVE_BODY.format(website=website),
    )
    for title, day, summary, body in FICTITIOUS_POSTS:
        written += _write(
            admin=admin, programme=programme, title=title, day=day, summary=summary, body=body
        )
    ctx.say(f"    {written} actualités écrites")


def load_regional(ctx) -> None:
    programme = ctx.objects["regional"]["programme"]
    admin = User.objects.filter(email="admin-region@demo.essaim.fr").first()
    if admin is None:
        return
    title, summary, body = REGIONAL_POST
    day = datetime.date(2026, 2, 2)  # the day its call opens
    _write(admin=admin, programme=programme, title=title, day=day, summary=summary, body=body)
