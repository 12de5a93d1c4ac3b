"""Certificate codes survive being read aloud or typed again: one case, no ambiguous character,
four groups; verification forgives case, spaces, dashes, O/0 and I/L/1; codes made before the
readable ones (mixed case, ``_``) are still found by their exact value."""

import re

import pytest
from django.urls import reverse

from essaim.labels import codes
from essaim.labels.models import Label, new_verification_code
from essaim.labels.tests.test_public import label, published_wave  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

READABLE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_new_codes_are_grouped_crockford_base32():
    made = {new_verification_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert READABLE.match(code), code
        assert not set(code) & set("ILOU")


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M9XD-AB3F-0ZRT",
        "7kq2-m9xd-ab3f-0zrt",
        "7kq2 m9xd ab3f 0zrt",
        " 7KQ2M9XDAB3F0ZRT ",
        "7KQ2–M9XD—AB3F-OZRT",  # typographic dashes, O for 0
    ],
)
def test_typed_codes_normalise(typed):
    assert codes.normalise(typed) == "7KQ2-M9XD-AB3F-0ZRT"


def test_i_and_l_read_as_one():
    assert codes.normalise("1111-iiii-LLLL-llll") == "1111-1111-1111-1111"


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9XD-AB3F", "7KQ2-M9XD-AB3F-0ZRTX", "UUUU-1111-1111-1111"]
)
def test_what_cannot_be_a_code_is_not_normalised(typed):
    assert codes.normalise(typed) is None


def test_new_label_code_verifies_however_typed(client, label):  # noqa: F811
    assert READABLE.match(label.verification_code)
    typed = label.verification_code.lower().replace("-", " ").replace("0", "o")
    response = client.get(reverse("labels:verify", args=[typed]))
    # Found, and shown at the address of the code as printed.
    assert response.status_code == 302
    assert response.url == reverse("labels:verify", args=[label.verification_code])
    page = client.get(response.url)
    assert page.status_code == 200 and "Label valide" in page.text
    api = client.get(f"/api/v1/labels/verify/{typed}")
    assert api.status_code == 200 and api.json()["state"] == "valid"


def test_old_codes_still_verify_exactly_first(client, label):  # noqa: F811
    Label.objects.filter(pk=label.pk).update(verification_code="Z9auSbnj_vwkSpcm")
    response = client.get(reverse("labels:verify", args=["Z9auSbnj_vwkSpcm"]))
    assert response.status_code == 200 and "Label valide" in response.text
    assert Label.objects.with_code("Z9auSbnj_vwkSpcm").pk == label.pk
    # Typed in another case, it is still found (it is the only one with these letters).
    response = client.get(reverse("labels:verify", args=["z9ausbnj_vwkspcm"]))
    assert response.status_code == 302
    assert response.url == reverse("labels:verify", args=["Z9auSbnj_vwkSpcm"])
    assert client.get(reverse("labels:verify", args=["z9ausbnj_vwkspcX"])).status_code == 404


def test_verify_form_accepts_a_code_typed_loosely(client, label):  # noqa: F811
    typed = label.verification_code.lower().replace("-", "")
    response = client.get(reverse("labels:verify_form"), {"code": typed}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "labels:verify", args=[label.verification_code]
    )
