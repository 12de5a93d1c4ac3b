"""Form bases that render with the DSFR (django-dsfr), for plain, model and Django's own forms."""

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr


class DsfrMixin:
    """Put before any form class to render it with the DSFR. Marks optional fields (the DSFR's
    current advice) without the transitional warning django-dsfr's own base emits."""

    bound_field_class = DsfrBaseForm.bound_field_class
    template_name = DsfrBaseForm.template_name
    default_renderer = DsfrBaseForm.default_renderer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)  # type: ignore[arg-type]
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class EssaimForm(DsfrMixin, forms.Form):
    pass


class EssaimModelForm(DsfrMixin, forms.ModelForm):
    pass
