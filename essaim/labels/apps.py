from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelsConfig(AppConfig):
    name = "essaim.labels"
    label = "labels"
    verbose_name = _("labels")

    def ready(self):
        from essaim.applications.hooks import application_links
        from essaim.labels import queries

        application_links.register(queries.application_links)
