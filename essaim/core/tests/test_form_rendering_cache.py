"""``core.forms.rendered``: a form's HTML kept under its fingerprint — rendered again whenever
its choices, its data, its errors or the language change, never served for another form."""

from django import forms
from django.utils import translation

from essaim.core.forms import EssaimForm, fingerprint, rendered


class Filters(EssaimForm):
    status = forms.ChoiceField(label="État", required=False)
    score = forms.IntegerField(label="Note", required=False, min_value=0, max_value=100)

    def __init__(self, *args, statuses=("a", "b"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous")] + [(s, s.upper()) for s in statuses]


class Renders:
    def __init__(self):
        self.count = 0

    def __call__(self, form):
        def render():
            self.count += 1
            return str(form)

        return render


def test_the_same_form_is_rendered_once():
    renders = Renders()
    first = rendered("filters", Filters(), renders(Filters()))
    again = rendered("filters", Filters(), renders(Filters()))
    assert renders.count == 1 and first == again and 'value="b"' in first


def test_other_choices_data_errors_or_language_render_again():
    renders = Renders()
    forms_ = [
        Filters(),
        Filters(statuses=("a", "b", "c")),  # a new choice (a new instructor, a new cut-off)
        Filters({"status": "a"}),
        Filters({"status": "b"}),
        Filters({"score": "500"}),  # an error
    ]
    for form in forms_:
        if form.is_bound:
            form.is_valid()
        rendered("filters", form, renders(form))
    assert renders.count == len(forms_)
    assert len({str(fingerprint(form)) for form in forms_}) == len(forms_)
    with translation.override("en"):
        rendered("filters", forms_[0], renders(forms_[0]))
    assert renders.count == len(forms_) + 1


def test_an_error_is_shown_from_the_cache_too():
    form = Filters({"score": "500"})
    assert not form.is_valid()
    html = rendered("filters", form, lambda: str(form))
    again = Filters({"score": "500"})
    again.is_valid()
    assert rendered("filters", again, lambda: "never") == html
    assert "100" in html
