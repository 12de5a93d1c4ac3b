from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import Organisation
from essaim.calls.models import Call, PartnerKind, Programme, ProgrammePartner, Wave, WaveStatus
from essaim.financing.programme_instruments import published_for
from essaim.labels.models import Label, LabelStatus
from essaim.portal.news_queries import latest_news
from essaim.support.models import SupportAxis

# The seed's six axes; issue "support plans" makes them programme data.
SUPPORT_AXES = [
    _(
        "Co-construire un plan stratégique de développement territorial "
        "de l'innovation sociale et environnementale"
    ),
    _("Soutenir le financement : l'amorçage et le changement d'échelle"),
    _("Lever les freins réglementaires à l'innovation"),
    _("Renforcer les synergies territoriales et diffuser une culture de la coopération"),
    _("Promouvoir la mesure et l'évaluation de l'impact"),
    _("Créer des synergies avec les entreprises engagées et les réseaux entrepreneuriaux"),
]


def programme_summaries():
    """Every programme with its public figures (valid labels of published waves, published
    waves), in one query."""
    return Programme.objects.annotate(
        public_label_count=Count(
            "labels",
            filter=Q(labels__wave__status=WaveStatus.PUBLISHED, labels__status=LabelStatus.VALID),
            distinct=True,
        ),
        published_wave_count=Count(
            "waves", filter=Q(waves__status=WaveStatus.PUBLISHED), distinct=True
        ),
    ).order_by("name")


def programme_context(programme) -> dict:
    """A programme's public page: its presentation, open calls, axes and figures."""
    return {
        "programme": programme,
        "open_calls": list(
            Call.objects.open_now().filter(programme=programme).order_by("-opens_on")
        ),
        "axes": list(SupportAxis.objects.filter(programme=programme).order_by("position", "pk")),
        "regions": list(programme.regions.order_by("name")),
        "partners": list(
            ProgrammePartner.objects.active()
            .filter(programme=programme)
            .exclude(kind=PartnerKind.EXPERT)
            .select_related("organisation")
            .order_by("kind", "organisation__name")
        ),
        "instruments": published_for(programme),
    }


def home_context() -> dict:
    """What the home page shows: the programme, the calls open now (each leads to its page) and
    a few public figures. A fixed number of queries, whatever the volume."""
    programme = Programme.objects.select_related("owner", "expert_partner").first()
    return {
        "programme": programme,
        "support_axes": SUPPORT_AXES,
        "open_calls": list(
            Call.objects.open_now().select_related("programme").order_by("-opens_on")
        ),
        "label_count": Label.objects.public().filter(status=LabelStatus.VALID).count(),
        "wave_count": Wave.objects.filter(status=WaveStatus.PUBLISHED).count(),
        "organisation_count": Organisation.objects.count(),
        "programmes": list(programme_summaries()),
        "latest_news": latest_news(),
    }
