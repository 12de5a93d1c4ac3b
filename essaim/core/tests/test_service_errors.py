"""Service errors shown on forms (``essaim.core.forms.add_service_errors``)."""


def test_service_errors_land_under_their_field_or_at_the_top():
    from django import forms
    from django.core.exceptions import ValidationError

    from essaim.core.forms import EssaimForm, add_service_errors

    class Form(EssaimForm):
        title = forms.CharField()

    for error, field_errors, top in (
        (ValidationError({"title": "bad", "other": "worse"}), ["bad"], ["worse"]),
        (ValidationError("plain"), [], ["plain"]),
        (ValidationError(["one", "two"]), [], ["one", "two"]),
    ):
        form = Form({"title": "x"})
        assert form.is_valid()
        add_service_errors(form, error)
        assert form.errors.get("title", []) == field_errors
        assert form.non_field_errors() == top
