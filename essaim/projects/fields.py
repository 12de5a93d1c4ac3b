"""A small set of codes from a fixed taxonomy, stored as text: `` food health `` (codes between
spaces). Filtering on one code is ``field__contains=" food "`` on SQLite and PostgreSQL alike,
which a JSON list cannot offer portably."""

from django import forms
from django.db import models


class CodeListField(models.CharField):
    """A list of codes (from ``choices``) in one text column; Python sees a sorted list."""

    def __init__(self, *args, code_choices=None, **kwargs):
        self.code_choices = code_choices
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("code_choices", None)
        if kwargs.get("max_length") == 500:
            kwargs.pop("max_length")
        if kwargs.get("blank") is True:
            kwargs.pop("blank")
        if kwargs.get("default") is list:
            kwargs.pop("default")
        return name, path, args, kwargs

    @staticmethod
    def to_codes(value) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return sorted({code for code in value.split() if code})
        return sorted({str(code) for code in value if code})

    def from_db_value(self, value, expression, connection):
        return self.to_codes(value)

    def to_python(self, value):
        return self.to_codes(value)

    def get_prep_value(self, value):
        codes = self.to_codes(value)
        return f" {' '.join(codes)} " if codes else ""

    def value_to_string(self, obj):
        return " ".join(self.value_from_object(obj))

    def formfield(self, **kwargs):
        choices = list(self.code_choices.choices) if self.code_choices is not None else []
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": choices,
            "required": not self.blank,
            "widget": forms.CheckboxSelectMultiple,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        defaults.pop("max_length", None)
        defaults.pop("empty_value", None)
        return form_class(**defaults)

    def validate(self, value, model_instance):
        if self.code_choices is not None:
            allowed = set(self.code_choices.values)
            unknown = [code for code in self.to_codes(value) if code not in allowed]
            if unknown:
                from django.core.exceptions import ValidationError
                from django.utils.translation import gettext as _

                raise ValidationError(
                    _("Valeur inconnue : %(codes)s.") % {"codes": ", ".join(unknown)},
                    code="invalid_choice",
                )
        if not self.blank and not self.to_codes(value):
            super().validate("", model_instance)


def code_filter(field: str, code: str) -> dict:
    """The lookup selecting rows whose list holds ``code``."""
    return {f"{field}__contains": f" {code} "}
