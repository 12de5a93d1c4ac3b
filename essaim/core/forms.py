"""Form bases that render with the DSFR (django-dsfr), for plain, model and Django's own forms."""

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.safestring import SafeString
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from essaim.core import cache

# No integer column is wider than 64 bits: a form never hands a view a larger integer.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def bound_integer_fields(form: forms.BaseForm) -> None:
    """Give every integer field without bounds of its own the 64-bit range (Django's plain
    ``IntegerField`` accepts 10**30, which no database stores). Amounts use
    ``essaim.core.money.MoneyFormField``, bounded tighter."""
    for field in form.fields.values():
        if not isinstance(field, forms.IntegerField) or isinstance(
            field, forms.FloatField | forms.DecimalField
        ):
            continue
        if field.max_value is None:
            field.validators.append(MaxValueValidator(BIGINT_MAX))
        if field.min_value is None:
            field.validators.append(MinValueValidator(BIGINT_MIN))


class DsfrMixin:
    """Put before any form class to render it with the DSFR. Marks optional fields (the DSFR's
    current advice) without the transitional warning django-dsfr's own base emits. Every form
    of the site has it, so it also bounds integer fields (``bound_integer_fields``); text fields
    need nothing here: ``essaim.core.inputs.InputGuardMiddleware`` refuses NUL characters and
    lone surrogates before any form sees them."""

    bound_field_class = DsfrBaseForm.bound_field_class
    # django-dsfr's snippet, with the error summary above it (``core/form_snippet.html``).
    template_name = "core/form_snippet.html"
    # False when the page renders one summary for several forms ({% error_summary a b %}).
    show_error_summary = True
    default_renderer = DsfrBaseForm.default_renderer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_integer_fields(self)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)  # type: ignore[arg-type]
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


def error_entries(form: forms.BaseForm) -> list[dict]:
    """The errors of a bound form for the error summary: ``target`` (the id of the field's
    input, empty for errors of the whole form), ``label`` and ``message``, in field order."""
    if not form.is_bound:
        return []
    entries = [
        {"target": "", "label": "", "message": message} for message in form.non_field_errors()
    ]
    for bound in form:
        for message in bound.errors:
            # A message that already names its field ("« Titre » : …") is not prefixed again.
            named = bound.label and str(bound.label).casefold() in message.casefold()
            label = "" if named else bound.label
            entries.append({"target": _error_target(bound), "label": label, "message": message})
    return entries


def _error_target(bound) -> str:
    """The id a summary link points to: the input, or a group's first option (radios and
    checkboxes label a fieldset, not an input)."""
    if bound.is_hidden:
        return ""
    if bound.id_for_label:
        return bound.id_for_label
    subwidgets = bound.subwidgets
    if subwidgets and subwidgets[0].id_for_label:
        return subwidgets[0].id_for_label
    return bound.auto_id or ""


class EssaimForm(DsfrMixin, forms.Form):
    pass


class EssaimModelForm(DsfrMixin, forms.ModelForm):
    pass


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    rename: Callable[[str], str] | Mapping[str, str] | None = None,
) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message under its field when the
    form has that field, at the top otherwise. Works for every shape of ``ValidationError`` (a
    dict of fields, a list, a single message) — ``error.message_dict`` raises on the last two.

    ``rename`` maps the service's field names to the form's (a mapping, or a function of the
    name) where they differ, e.g. ``{"slug": "name"}`` when the form derives the slug."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.error_list)
        return
    if isinstance(rename, Mapping):
        mapping = rename
        rename = lambda name: mapping.get(name, name)  # noqa: E731
    for field, errors in error.error_dict.items():
        name = rename(field) if rename is not None else field
        form.add_error(name if name in form.fields else None, errors)


def fingerprint(form: forms.BaseForm) -> tuple:
    """What the rendering of ``form`` depends on: its class and prefix, each field's definition
    and choices (the labels as shown), the data given for its fields, its errors and initial
    values. Two forms with the same fingerprint render the same HTML (in the same language)."""
    parts: list = [type(form).__module__, type(form).__qualname__, form.prefix, form.is_bound]
    for name, field in form.fields.items():
        parts.append(
            (
                name,
                type(field).__name__,
                type(field.widget).__name__,
                field.required,
                str(field.label),
                str(field.help_text),
                repr(field.initial),
                repr(form.initial.get(name)),
                sorted(field.widget.attrs.items()),
            )
        )
        if hasattr(field, "choices"):
            parts.append([(str(value), str(label)) for value, label in field.choices])
        if form.is_bound:
            key = form.add_prefix(name)
            data = form.data
            parts.append(data.getlist(key) if hasattr(data, "getlist") else data.get(key))
    if form.is_bound:
        parts.append(form.errors.get_json_data())
    return tuple(parts)


def rendered(name: str, form: forms.BaseForm, render: Callable[[], str]) -> SafeString:
    """The HTML ``render()`` makes of ``form``, kept in the cache under the form's
    :func:`fingerprint`: nothing to invalidate, a form whose choices or data differ is another
    key. For forms rendered on every request of a busy page (the instruction queue's filters and
    bulk actions: 30 ms of its 84 ms), never for one whose HTML holds more than the form (a CSRF
    token: render the form's fields only)."""
    return cache.fragment(name, topics=(), parts=fingerprint(form), render=render)
