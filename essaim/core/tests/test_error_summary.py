"""The DSFR error summary every form renders above its fields (``core/form_snippet.html``)."""

from django import forms

from essaim.core.forms import EssaimForm, error_entries
from essaim.core.templatetags.error_summary import error_summary


class _Form(EssaimForm):
    name = forms.CharField(label="Nom", max_length=10)
    kind = forms.ChoiceField(
        label="Type", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") == "x":
            raise forms.ValidationError("Tout le formulaire est faux.")
        return data


def test_no_summary_for_an_unbound_or_valid_form():
    assert "data-error-summary" not in str(_Form())
    assert "data-error-summary" not in str(_Form(data={"name": "Ana", "kind": "a"}))


def test_summary_counts_the_errors_and_links_to_each_field():
    html = str(_Form(data={"name": "trop long pour dix"}))
    summary = html[html.index("essaim-error-summary") : html.index("</ul>")]
    assert "Le formulaire contient 2 erreurs" in summary
    assert 'href="#id_name"' in summary and "Nom :" in summary
    assert 'href="#id_kind_0"' in summary  # radios: the group's first option
    assert 'id="id_name"' in html and 'id="id_kind_0"' in html
    assert 'value="trop long pour dix"' in html  # what was typed stays
    assert 'tabindex="-1"' in html


def test_form_wide_errors_are_listed_without_a_link():
    entries = error_entries(_Form(data={"name": "x", "kind": "a"}))
    assert entries == [{"target": "", "label": "", "message": "Tout le formulaire est faux."}]


def test_one_summary_for_several_forms_when_the_page_asks():
    first, second = _Form(data={}), _Form(data={"b-name": "Ana"}, prefix="b")
    first.show_error_summary = False
    assert "data-error-summary" not in str(first)
    context = error_summary(first, second, None)
    assert context["count"] == 3
    assert [e["target"] for e in context["entries"]] == ["id_name", "id_kind_0", "id_b-kind_0"]
