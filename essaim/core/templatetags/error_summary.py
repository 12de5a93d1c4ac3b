"""``{% error_summary form [other_form …] %}``: the DSFR error summary at the top of a form — a
``fr-alert--error`` titled with the number of errors, one link per error to its field's id.
``essaim.core.forms.DsfrMixin`` renders it above every form (``{{ form }}``); a page that renders
several forms or renders fields one by one calls the tag itself once, for all of them.
``core/error-summary.js`` (loaded by ``base.html``) moves the focus to it on load."""

from django import template

from essaim.core.forms import error_entries

register = template.Library()


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms) -> dict:
    entries = [entry for form in forms if form is not None for entry in error_entries(form)]
    return {"entries": entries, "count": len(entries)}
