from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynergiesConfig(AppConfig):
    """Axes 4 and 6: the ecosystem network, engaged companies' offers matched to projects'
    needs, introductions and events between territories."""

    name = "essaim.synergies"
    label = "synergies"
    verbose_name = _("synergies")

    def ready(self):
        from essaim.core import history
        from essaim.projects.hooks import project_editor_sections, project_need_actions
        from essaim.synergies.history import (
            EventAction,
            IntroductionAction,
            OfferAction,
            ProjectRelationAction,
        )
        from essaim.synergies.models import (
            Event,
            Introduction,
            IntroductionStatus,
            Offer,
            OfferStatus,
            ProjectRelation,
        )
        from essaim.synergies.network_views import project_section
        from essaim.synergies.views import need_actions

        history.describe(Offer, actions=OfferAction, states=OfferStatus)
        history.describe(Introduction, actions=IntroductionAction, states=IntroductionStatus)
        history.describe(Event, actions=EventAction)
        history.describe(ProjectRelation, actions=ProjectRelationAction)
        # The ecosystem network: a project's relations on its page, for its editors.
        project_editor_sections.register(project_section)
        # "Je peux aider" beside a published project's open needs, for engaged companies.
        project_need_actions.register(need_actions)
