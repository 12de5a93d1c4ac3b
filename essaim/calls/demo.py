from essaim.actors.models import Organisation, OrganisationKind
from essaim.calls.models import Programme


def load(ctx) -> None:
    ref = ctx.reference["programme"]
    owner, _ = Organisation.objects.get_or_create(
        name=ref["owner"], defaults={"kind": OrganisationKind.PUBLIC_BODY}
    )
    partner, _ = Organisation.objects.get_or_create(
        name=ref["expert_partner"], defaults={"kind": OrganisationKind.SUPPORT, "is_ess": True}
    )
    programme, _ = Programme.objects.update_or_create(
        slug="french-impact-territoires",
        defaults={
            "name": ref["name"],
            "label_name": ref["label_name"],
            "owner": owner,
            "expert_partner": partner,
            "website": ref["website"],
            "single_window_email": ref["single_window_address"],
        },
    )
    ctx.objects["programme"] = programme
