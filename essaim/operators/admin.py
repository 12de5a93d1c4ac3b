"""The Django admin as a last resort, for the platform's operators (superusers) only: every model
of every Essaim app is registered (the apps' own ``admin.py`` first; a plain, read-mostly admin
for the others), and every object that keeps a history shows it, in words, on its page.

Roles are not given here: programme admins invite people and grant roles from the pages. The
admin is for what no page does yet, and each change it makes is in Django's admin log.
"""

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.core.history import described_models, history_rows

# Lists stay fast whatever the table's size: no select of every row of a foreign key.
LIST_COLUMNS = 5


def _operators_only(request) -> bool:
    return permissions.runs_the_platform(request.user)


admin.site.has_permission = _operators_only
admin.site.site_header = _("Essaim — administration technique")
admin.site.site_title = _("Essaim — administration technique")


def essaim_history(obj) -> str:
    if obj is None or obj.pk is None:
        return "—"
    return render_to_string("operators/admin_history.html", {"rows": history_rows(obj)})


essaim_history.short_description = _("historique")


def _plain_admin(model: type[models.Model]) -> type[admin.ModelAdmin]:
    """A ModelAdmin for a model its app did not register: its first columns, a search on its
    first text fields, foreign keys by id (raw_id_fields), the history when it keeps one."""
    fields = [f for f in model._meta.fields if not f.primary_key]
    relations = [f.name for f in fields if isinstance(f, models.ForeignKey)]
    texts = [
        f.name
        for f in fields
        if isinstance(f, models.CharField | models.EmailField) and f.choices is None
    ]
    list_columns = [f.name for f in fields[: LIST_COLUMNS - 1]]
    return type(
        f"{model.__name__}Admin",
        (admin.ModelAdmin,),
        {
            "list_display": ["__str__", *list_columns],
            "list_select_related": [n for n in relations if n in list_columns],
            "raw_id_fields": relations
            + [
                f.name
                for f in model._meta.many_to_many
                if f.remote_field.through._meta.auto_created
            ],
            "search_fields": texts[:3],
            "list_per_page": 50,
            "show_full_result_count": False,
        },
    )


def register_every_model() -> None:
    """Called by ``OperatorsConfig.ready``: after every app's own admin and history
    descriptions (``django.contrib.admin`` discovers admin modules before the apps are ready)."""
    described = set(described_models())
    for config in apps.get_app_configs():
        if not config.name.startswith("essaim."):
            continue
        for model in config.get_models():
            if not admin.site.is_registered(model):
                admin.site.register(model, _plain_admin(model))
            if model in described:
                model_admin = admin.site.get_model_admin(model)
                if essaim_history not in model_admin.readonly_fields:
                    model_admin.readonly_fields = (*model_admin.readonly_fields, essaim_history)
