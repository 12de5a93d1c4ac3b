import datetime
import re

import pytest
import segno
from django.urls import reverse

from essaim.calls.models import WaveStatus
from essaim.labels import certificates, services
from essaim.labels.models import Label
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    programme_admin,
    with_collective_details,
    with_communes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_wave():
    return WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)


@pytest.fixture
def label(published_wave):
    from essaim.labels.tests.factories import labelled

    application = ApplicationFactory(
        proposed=True, wave=published_wave, collective__perimeter__name="Vallée de la Marne"
    )
    with_collective_details(application)
    with_communes(application.perimeter, ["77001", "77002", "51001"], region_code="11")
    return labelled(application, programme_admin(published_wave.programme))


# --- Certificates ---------------------------------------------------------------------------


def test_certificate_pdf_carries_the_verification_url_and_its_qr_code(label, settings):
    settings.ESSAIM_BASE_URL = "https://essaim.example"
    url = f"https://essaim.example/labels/verifier/{label.verification_code}/"
    assert label.verification_full_url == url
    html = certificates.certificate_html(label)
    assert url in html
    assert "Vallée de la Marne" in html and "Territoire French Impact" in html
    # The QR code in the page is the QR code of the verification URL (same matrix, as SVG).
    assert segno.make(url, error="m").svg_inline(scale=4, border=2, title=url) in html
    pdf = certificates.certificate_pdf(label, compress=False)
    assert pdf.startswith(b"%PDF")
    assert f"/URI ({url})".encode() in pdf  # the clickable verification link


def test_certificate_download_is_made_once_and_stored(client, label):
    response = client.get(reverse("labels:certificate", args=[label.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Reading the stream closes the response the way the test client expects; an explicit
    # close() sends request_finished, which closes the PostgreSQL connection inside the test's
    # transaction.
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    label.refresh_from_db()
    assert label.certificate.name.endswith(".pdf")
    name = label.certificate.name
    b"".join(client.get(reverse("labels:certificate", args=[label.pk])).streaming_content)
    label.refresh_from_db()
    assert label.certificate.name == name


def test_certificate_of_expired_label_is_not_served(client, label):
    Label.objects.filter(pk=label.pk).update(valid_until=datetime.date(2020, 1, 1))
    assert client.get(reverse("labels:certificate", args=[label.pk])).status_code == 404


def test_certificate_of_revoked_or_unpublished_label_is_not_served(client, label):
    admin = programme_admin(label.programme)
    services.label_revoke(label=label, user=admin, reason="Collectif dissous.")
    assert client.get(reverse("labels:certificate", args=[label.pk])).status_code == 404
    other = ApplicationFactory(
        proposed=True, wave=WaveFactory(french_impact=True, number=2)
    )  # planned wave: not public
    from essaim.labels.tests.factories import labelled

    hidden = labelled(other, admin)
    assert client.get(reverse("labels:certificate", args=[hidden.pk])).status_code == 404


# --- Verification page ----------------------------------------------------------------------


def test_verify_valid(client, label):
    response = client.get(reverse("labels:verify", args=[label.verification_code]))
    assert response.status_code == 200
    assert "Label valide" in response.text
    assert "Vallée de la Marne" in response.text


def test_verify_expired(client, label):
    Label.objects.filter(pk=label.pk).update(valid_until=datetime.date(2020, 1, 1))
    response = client.get(reverse("labels:verify", args=[label.verification_code]))
    assert "Label expiré" in response.text
    assert "1 janvier 2020" in response.text


def test_verify_revoked_shows_date_and_reason(client, label):
    services.label_revoke(
        label=label, user=programme_admin(label.programme), reason="Collectif dissous."
    )
    response = client.get(reverse("labels:verify", args=[label.verification_code]))
    assert "Label révoqué" in response.text
    assert "Collectif dissous." in response.text


def test_verify_made_up_code(client, label):
    response = client.get(reverse("labels:verify", args=["pas-un-vrai-code"]))
    assert response.status_code == 404
    assert "Code introuvable" in response.text


def test_verify_form_redirects_to_the_code(client, label):
    response = client.get(reverse("labels:verify_form"), {"code": f" {label.verification_code} "})
    assert response.status_code == 302
    assert response.url == reverse("labels:verify", args=[label.verification_code])
    page = client.get(reverse("labels:verify_form"))
    assert page.status_code == 200 and 'name="code"' in page.text


# --- Public list, map and territory page ------------------------------------------------------


def test_territory_list_shows_table_and_map_data(client, label):
    from essaim.geo.models import Departement, Region

    Departement.objects.create(code="29", name="Finistère", region=Region.objects.get(code="11"))
    response = client.get(reverse("territories:list"))
    assert response.status_code == 200
    assert "Vallée de la Marne" in response.text
    assert "Région 11" in response.text
    data = re.search(r'<map-chart data="([^"]*)"', response.text).group(1)
    # Every département is there, 0 where no labelled territory is.
    assert data == "{&quot;29&quot;: 0, &quot;51&quot;: 1, &quot;77&quot;: 1}"
    assert "MapChart.js" in response.text


def test_territory_list_filters(client, label):
    wave2 = WaveFactory(
        french_impact=True, programme=label.programme, number=2, status=WaveStatus.PUBLISHED
    )
    from essaim.labels.tests.factories import labelled

    other = labelled(
        ApplicationFactory(proposed=True, wave=wave2, collective__perimeter__name="Grand Poitiers"),
        label.application.created_by,
    )
    with_communes(other.perimeter, ["86194"], region_code="75")
    text = client.get(reverse("territories:list"), {"vague": 2}).text
    assert "Grand Poitiers" in text and "Vallée de la Marne" not in text
    text = client.get(reverse("territories:list"), {"region": "11"}).text
    assert "Grand Poitiers" not in text and "Vallée de la Marne" in text


def test_unpublished_labels_are_not_public(client, label):
    from essaim.labels.tests.factories import labelled

    hidden = labelled(
        ApplicationFactory(
            proposed=True,
            wave=WaveFactory(french_impact=True, number=3),
            collective__perimeter__name="Secret",
        ),
        label.application.created_by,
    )
    assert "Secret" not in client.get(reverse("territories:list")).text
    assert (
        client.get(reverse("territories:detail", args=[hidden.perimeter.slug])).status_code == 404
    )
    assert client.get(reverse("labels:verify", args=[hidden.verification_code])).status_code == 404


def test_territory_list_query_budget(client, published_wave, django_assert_max_num_queries):
    from essaim.labels.tests.factories import labelled

    admin = programme_admin(published_wave.programme)
    for n in range(110):
        application = ApplicationFactory(proposed=True, wave=published_wave)
        labelled(application, admin)
        with_communes(application.perimeter, [f"{n % 90 + 1:02d}{n:03d}"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("territories:list"))
    assert response.text.count("/territoires/territoire-") >= 110


def test_territory_page(client, label):
    response = client.get(reverse("territories:detail", args=[label.perimeter.slug]))
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Vallée de la Marne",
        "Région témoin",
        "chef de file",
        "Association témoin",
        "Alimentation et consommation",
        "supermarchés coopératifs",
        "Vague 1",
        reverse("labels:certificate", args=[label.pk]),
        reverse("labels:verify", args=[label.verification_code]),
    ):
        assert expected in text, expected
    assert client.get(reverse("territories:detail", args=["inconnu"])).status_code == 404


def test_pages_in_english(client, label, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("territories:list")).text
    assert "Labelled territories" in text and "1 labelled territory." in text
    text = client.get(reverse("labels:verify", args=[label.verification_code])).text
    assert "Valid label" in text


def test_territory_page_query_budget(client, label, django_assert_max_num_queries):
    from essaim.actors.models import CollectiveMember
    from essaim.applications.models import Challenge
    from essaim.labels.tests.factories import OrganisationFactory

    for n in range(30):
        CollectiveMember.objects.create(
            collective=label.application.collective,
            organisation=OrganisationFactory(),
            position=n + 2,
        )
        Challenge.objects.create(application=label.application, title=f"Défi {n}", lines=["a"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("territories:detail", args=[label.perimeter.slug]))
    assert response.text.count("Défi ") >= 30
