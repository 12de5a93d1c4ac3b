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


def _map_links(text: str) -> dict[str, str]:
    """{accessible name: href} of the territory links drawn in the map's SVG."""
    svg = "".join(re.findall(r'<svg class="essaim-map[^"]*".*?</svg>', text, re.S))
    return {
        name: href
        for href, name in re.findall(
            r'<a href="([^"]+)"\s+class="essaim-map__territory"\s+aria-label="([^"]+)">', svg
        )
    }


def test_territory_list_shows_table_and_map(client, label):
    from essaim.geo.models import Commune, Departement, Region

    # Département 77 holds only the territory's two communes: the territory fills it (outline);
    # 51 holds another commune: the territory is a disc there.
    Commune.objects.create(
        insee="51002",
        name="Autre",
        departement=Departement.objects.get(code="51"),
        region=Region.objects.get(code="11"),
    )
    response = client.get(reverse("territories:list"))
    assert response.status_code == 200
    text = response.text
    assert "Vallée de la Marne" in text
    assert "Région 11" in text
    # No web component any more: the map is SVG drawn on the server, each territory a link.
    assert "MapChart.js" not in text and "<map-chart" not in text
    links = _map_links(text)
    assert links == {"Vallée de la Marne, Vague 1": label.get_absolute_url()}
    link = re.search(r'aria-label="Vallée de la Marne, Vague 1">(.*?)</a>', text, re.S).group(1)
    assert "<title>Vallée de la Marne, Vague 1</title>" in link
    assert link.count("<path ") == 1  # département 77's outline (from the stored shapes)
    assert link.count("<circle ") == 1  # its share of département 51
    # SVG numbers, never localised ("705,5" would draw nothing).
    circle = re.search(r'<circle cx="([^"]+)" cy="([^"]+)" r="([^"]+)"', link).groups()
    assert all(re.fullmatch(r"\d+(\.\d+)?", value) for value in circle), circle
    assert "Mise à jour : 20/12/2019" not in text and "Légende 02" not in text
    legend = re.search(r'id="territory-map-legend">(.*?)</div>', text, re.S).group(1)
    assert "Tous les territoires labellisés" in legend
    assert "Vague 1 (1 territoire)" in legend
    published = label.wave.published_at or label.granted_on
    assert f"Données à jour au {published:%-d}" in legend


def test_map_legend_reflects_the_filter(client, label):
    from essaim.labels.tests.factories import labelled

    wave2 = WaveFactory(
        french_impact=True,
        programme=label.programme,
        number=2,
        status=WaveStatus.PUBLISHED,
        published_at=datetime.datetime(2020, 6, 3, 10, tzinfo=datetime.UTC),
    )
    other = labelled(
        ApplicationFactory(proposed=True, wave=wave2, collective__perimeter__name="Grand Poitiers"),
        label.application.created_by,
        granted_on=datetime.date(2020, 6, 3),
    )
    with_communes(other.perimeter, ["86194"], region_code="75")
    text = client.get(reverse("territories:list"), {"vague": 2}).text
    assert set(_map_links(text)) == {"Grand Poitiers, Vague 2"}
    legend = re.search(r'id="territory-map-legend">(.*?)</div>', text, re.S).group(1)
    assert "Filtre : vague 2, toutes les régions." in legend
    assert "1 territoire affiché" in legend
    assert "Vague 2 (1 territoire)" in legend and "Vague 1" not in legend
    assert "Données à jour au 3 juin 2020" in legend

    text = client.get(reverse("territories:list"), {"region": "11"}).text
    assert set(_map_links(text)) == {"Vallée de la Marne, Vague 1"}
    legend = re.search(r'id="territory-map-legend">(.*?)</div>', text, re.S).group(1)
    assert "Filtre : toutes les vagues, région Région 11." in legend
    assert "Vague 2" not in legend

    text = client.get(reverse("territories:list")).text
    assert set(_map_links(text)) == {"Grand Poitiers, Vague 2", "Vallée de la Marne, Vague 1"}
    legend = re.search(r'id="map-waves">(.*?)</ul>', text, re.S).group(1)
    colours = re.findall(r'fill="(#[0-9A-F]{6})" />\s*</svg>\s*(Vague \d)', legend)
    assert len(colours) == 2 and colours[0][0] != colours[1][0]  # one colour per wave


def test_revoked_territory_is_hatched_and_named_so(client, label):
    Label.objects.filter(pk=label.pk).update(
        status="revoked", revoked_at=datetime.datetime(2021, 2, 1, 9, tzinfo=datetime.UTC)
    )
    text = client.get(reverse("territories:list")).text
    assert set(_map_links(text)) == {"Vallée de la Marne, Vague 1 (label révoqué)"}
    assert 'fill="url(#map-hatch-metro)"' in text
    assert "Label expiré ou révoqué" in text
    assert "Données à jour au 1 février 2021" in text


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


def test_map_of_two_programmes_query_budget(client, django_assert_max_num_queries):
    """Territories of several programmes: the legend names each wave's programme, read with the
    labels (no query per territory)."""
    from essaim.labels.tests.factories import labelled

    for programme_name in ("Programme A", "Programme B"):
        wave = WaveFactory(
            number=1,
            status=WaveStatus.PUBLISHED,
            programme__name=programme_name,
            announced_on=datetime.date(2020, 1, 1),
        )
        admin = programme_admin(wave.programme)
        for n in range(15):
            application = ApplicationFactory(
                proposed=True, wave=wave, call__programme=wave.programme
            )
            labelled(application, admin)
            with_communes(application.perimeter, [f"{n % 90 + 1:02d}{n + 100:03d}"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("territories:list"))
    legend = re.search(r'id="map-waves">(.*?)</ul>', response.text, re.S).group(1)
    assert "Vague 1 — Programme A (15 territoires)" in legend
    assert "Vague 1 — Programme B (15 territoires)" in legend
    assert len(_map_links(response.text)) == 30
