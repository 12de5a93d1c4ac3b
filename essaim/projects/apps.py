from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "essaim.projects"
    label = "projects"
    verbose_name = _("projets")

    def ready(self):
        from essaim.core import history
        from essaim.projects.history import ProjectAction
        from essaim.projects.models import NeedStatus, Project

        history.describe(Project, actions=ProjectAction, states=NeedStatus)
