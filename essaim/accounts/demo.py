"""The demo accounts, one per role (fictitious people, published password)."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from essaim.accounts.models import Role, User
from essaim.accounts.services import membership_grant
from essaim.actors.models import Collective, Organisation, OrganisationKind
from essaim.calls.models import Programme
from essaim.core.demo import DEMO_PASSWORD

# Fictitious organisations the demo needs for roles the reference file has no facts for.
PROJECT_HOLDER_ORG = "Épicerie coopérative du Marais poitevin"
COMPANY_ORG = "Atelier Boréal (entreprise engagée)"


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
        user = User.objects.filter(email=email).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=email, first_name=first, last_name=last, password=password_hash
            )
        # Sign-in asks for a verified address: the published demo addresses are.
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == Role.TERRITORY_LEAD and collective is None:
            continue
        membership_grant(user=None, member=user, role=role, **scope)
    admin = User.objects.get(email="admin@demo.essaim.fr")
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
