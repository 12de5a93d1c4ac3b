"""The partner organisations of the demo's French Impact programme, added through the operators'
services by its admin: Avise (expert partner, from the reference file), the financers whose
instruments the reference file lists (Bpifrance, Banque des Territoires, France Active) and the
demo's fictitious engaged company. Idempotent: a partnership already there is kept."""

from essaim.accounts.models import User
from essaim.actors.models import Organisation
from essaim.calls.models import PartnerKind, Programme, ProgrammePartner
from essaim.demo.accounts import COMPANY_ORG
from essaim.operators.partners import partner_add

PARTNERS = [
    ("Bpifrance", PartnerKind.FINANCER),
    ("Banque des Territoires", PartnerKind.FINANCER),
    ("France Active", PartnerKind.FINANCER),
    (COMPANY_ORG, PartnerKind.COMPANY),
]


def load(ctx) -> None:
    programme = Programme.objects.select_related("expert_partner").get(
        slug="french-impact-territoires"
    )
    admin = User.objects.get(email="admin@demo.essaim.fr")
    wanted = [(programme.expert_partner, PartnerKind.EXPERT)] if programme.expert_partner else []
    for name, kind in PARTNERS:
        organisation = Organisation.objects.filter(name=name).order_by("pk").first()
        if organisation is not None:
            wanted.append((organisation, kind))
    added = 0
    for organisation, kind in wanted:
        there = ProgrammePartner.objects.active().filter(
            programme=programme, organisation=organisation, kind=kind
        )
        if not there.exists():
            partner_add(user=admin, programme=programme, organisation=organisation, kind=kind)
            added += 1
    ctx.say(f"    {added} partenaires du programme ajoutés")
