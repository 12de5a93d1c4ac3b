"""The demo accounts, one per role (fictitious people, published password).

``load_regional`` adds the staff of the second, fictitious programme — its admin, instructor and
single-window officer, whose roles are scoped to that programme only — and, for each of its
collectives, a fictitious referent who carries the application (no password: not a demo login).
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import is_password_usable, make_password

from essaim.accounts.models import Role, User
from essaim.accounts.services import membership_grant
from essaim.actors.models import Collective, Organisation, OrganisationKind
from essaim.calls.models import Programme
from essaim.demo import DEMO_PASSWORD
from essaim.demo.calls import REGIONAL_SLUG

# Fictitious organisations the demo needs for roles the reference file has no facts for.
PROJECT_HOLDER_ORG = "Épicerie coopérative du Marais poitevin"
COMPANY_ORG = "Atelier Boréal (entreprise engagée)"


def demo_user(email: str, first: str, last: str, password_hash: str | None) -> User:
    """The demo user of ``email`` (created with ``password_hash`` if missing; ``None``: no
    usable password), with its address verified — sign-in asks for a verified address, and the
    published demo addresses are. Idempotent."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            first_name=first,
            last_name=last,
            password=password_hash or make_password(None),
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load(ctx) -> None:
    programme = Programme.objects.get(slug="french-impact-territoires")
    avise = programme.expert_partner
    collective = Collective.objects.filter(perimeter__slug="region-nouvelle-aquitaine").first()
    financer = Organisation.objects.filter(name="Bpifrance").first() or Organisation.objects.create(
        name="Bpifrance", kind=OrganisationKind.FINANCER
    )
    holder, _ = Organisation.objects.get_or_create(
        name=PROJECT_HOLDER_ORG,
        defaults={
            # An association (INSEE 9220) running a cooperative grocery project.
            "kind": OrganisationKind.ASSOCIATION,
            "legal_category": "9220",
            "is_ess": True,
            "is_fictitious": True,
            "description": (
                "Supermarché coopératif en création (organisation fictive de démonstration)."
            ),
        },
    )
    company, _ = Organisation.objects.get_or_create(
        name=COMPANY_ORG,
        defaults={"kind": OrganisationKind.COMPANY, "is_fictitious": True},
    )
    accounts = [
        (
            "admin@demo.essaim.fr",
            "Camille",
            "Martin",
            Role.PROGRAMME_ADMIN,
            {"programme": programme},
        ),
        (
            "instructeur@demo.essaim.fr",
            "Lucas",
            "Bernard",
            Role.INSTRUCTOR,
            {"programme": programme},
        ),
        (
            "expert@demo.essaim.fr",
            "Inès",
            "Petit",
            Role.EXPERT,
            {"organisation": avise, "programme": programme},
        ),
        (
            "porteur@demo.essaim.fr",
            "Hugo",
            "Durand",
            Role.TERRITORY_LEAD,
            {"collective": collective, "programme": programme},
        ),
        ("projet@demo.essaim.fr", "Léa", "Moreau", Role.PROJECT_HOLDER, {"organisation": holder}),
        (
            "financeur@demo.essaim.fr",
            "Nathan",
            "Laurent",
            Role.FINANCER,
            {"organisation": financer},
        ),
        (
            "guichet@demo.essaim.fr",
            "Chloé",
            "Simon",
            Role.SINGLE_WINDOW_OFFICER,
            {"programme": programme},
        ),
        ("entreprise@demo.essaim.fr", "Louis", "Michel", Role.COMPANY, {"organisation": company}),
    ]
    password_hash = None  # hashing is deliberately slow: do it once for all the accounts
    for email, first, last, role, scope in accounts:
        if not User.objects.filter(email=email).exists():
            password_hash = password_hash or make_password(DEMO_PASSWORD)
        user = demo_user(email, first, last, password_hash)
        if role == Role.TERRITORY_LEAD and collective is None:
            continue
        membership_grant(user=None, member=user, role=role, **scope)
    admin = User.objects.get(email="admin@demo.essaim.fr")
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])


# The fictitious regional programme's staff: (e-mail, first name, last name, role).
REGIONAL_STAFF = [
    ("admin-region@demo.essaim.fr", "Aurélie", "Dufour (fictive)", Role.PROGRAMME_ADMIN),
    ("instructeur-region@demo.essaim.fr", "Karim", "Benali (fictif)", Role.INSTRUCTOR),
    ("guichet-region@demo.essaim.fr", "Manon", "Lefèvre (fictive)", Role.SINGLE_WINDOW_OFFICER),
]
# The referent of each regional collective (keyed by territory), lead of its collective.
REGIONAL_REFERENTS = {
    "Creuse": ("elise.chabrol@collectifs-na.example", "Élise", "Chabrol (fictive)"),
    "Landes": ("thibault.lacoste@collectifs-na.example", "Thibault", "Lacoste (fictif)"),
    "Grand Angoulême": ("sarah.mercier@collectifs-na.example", "Sarah", "Mercier (fictive)"),
    "Limoges Métropole": ("antoine.delage@collectifs-na.example", "Antoine", "Delage (fictif)"),
    "Pau Béarn Pyrénées": ("maialen.etchart@collectifs-na.example", "Maialen", "Etchart (fictive)"),
    "Agglomération de La Rochelle": (
        "bruno.guillon@collectifs-na.example",
        "Bruno",
        "Guillon (fictif)",
    ),
}


def load_regional(ctx) -> None:
    """The regional staff (demo password) and the collectives' referents (no password), with
    their memberships: idempotent (users by e-mail, ``membership_grant`` grants once)."""
    regional = ctx.objects.get("regional") or {}
    programme = regional.get("programme") or Programme.objects.get(slug=REGIONAL_SLUG)
    collectives = ctx.objects.get("regional_collectives") or {
        c.perimeter.name: c
        for c in Collective.objects.filter(
            perimeter__name__in=list(REGIONAL_REFERENTS), is_fictitious=True
        ).select_related("perimeter")
    }
    emails = [row[0] for row in REGIONAL_STAFF] + [r[0] for r in REGIONAL_REFERENTS.values()]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    # The same published password as the French Impact accounts: reuse admin@'s hash (hashing is
    # deliberately slow), or hash once for the three accounts.
    password_hash = (
        User.objects.filter(email="admin@demo.essaim.fr").values_list("password", flat=True).first()
    )
    if not is_password_usable(password_hash):
        password_hash = None
    staff = {}
    for email, first, last, role in REGIONAL_STAFF:
        if email not in users:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
        user = demo_user(email, first, last, password_hash)
        membership_grant(user=None, member=user, role=role, programme=programme)
        staff[role] = user
    referents = {}
    for territory, (email, first, last) in REGIONAL_REFERENTS.items():
        collective = collectives.get(territory)
        if collective is None:
            continue
        user = users.get(email)
        if user is None:
            user = User.objects.create(
                email=email, first_name=first, last_name=last, password=make_password(None)
            )
        membership_grant(user=None, member=user, role=Role.TERRITORY_LEAD, collective=collective)
        referents[territory] = user
    regional.update(
        admin=staff[Role.PROGRAMME_ADMIN],
        instructor=staff[Role.INSTRUCTOR],
        officer=staff[Role.SINGLE_WINDOW_OFFICER],
        referents=referents,
    )
    ctx.objects["regional"] = regional
