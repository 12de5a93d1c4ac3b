import pytest

from essaim.calls.models import WaveStatus
from essaim.labels import services
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    labelled,
    programme_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def labels(settings):
    settings.ESSAIM_BASE_URL = "https://essaim.example"
    wave1 = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    wave2 = WaveFactory(
        french_impact=True, programme=wave1.programme, number=2, status=WaveStatus.PUBLISHED
    )
    planned = WaveFactory(french_impact=True, programme=wave1.programme, number=3)
    admin = programme_admin(wave1.programme)
    result = {
        1: [labelled(ApplicationFactory(proposed=True, wave=wave1), admin) for _ in range(3)],
        2: [labelled(ApplicationFactory(proposed=True, wave=wave2), admin) for _ in range(2)],
        3: [labelled(ApplicationFactory(proposed=True, wave=planned), admin)],
    }
    result["admin"] = admin
    return result


def test_waves(client, labels):
    """Published waves are public; a planned one is seen by its programme's staff only."""
    response = client.get("/api/v1/waves")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(w["number"], w["status"], w["label_count"]) for w in items] == [
        (1, "published", 3),
        (2, "published", 2),
    ]
    assert items[0]["announced_on"] == "2019-02-25" and items[0]["announced_at"] == "Nantes"
    client.force_login(labels["admin"])
    items = client.get("/api/v1/waves").json()["items"]
    assert [(w["number"], w["status"], w["label_count"]) for w in items] == [
        (1, "published", 3),
        (2, "published", 2),
        (3, "planned", 0),
    ]


def test_labels_of_a_wave(client, labels):
    response = client.get("/api/v1/labels?wave=1")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    label = labels[1][0]
    item = next(i for i in body["items"] if i["id"] == label.pk)
    assert item["territory"] == label.perimeter.name
    assert item["territory_slug"] == label.perimeter.slug
    assert item["perimeter_id"] == label.perimeter_id
    assert item["wave"] == 1
    assert item["status"] == "valid" and item["state"] == "valid"
    assert item["verification_code"] == label.verification_code
    assert item["certificate_url"] == f"https://essaim.example/labels/{label.pk}/attestation.pdf"
    assert item["url"] == f"https://essaim.example/territoires/{label.perimeter.slug}/"
    assert client.get("/api/v1/labels?wave=2").json()["count"] == 2
    # Labels of an unpublished wave are not public.
    assert client.get("/api/v1/labels?wave=3").json()["count"] == 0
    assert client.get("/api/v1/labels").json()["count"] == 5


def test_labels_bad_wave_parameter(client, labels):
    response = client.get("/api/v1/labels?wave=premiere")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "wave"


def test_verify_real_code(client, labels):
    label = labels[2][1]
    response = client.get(f"/api/v1/labels/verify/{label.verification_code}")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "valid"
    assert body["label"]["territory"] == label.perimeter.name


def test_verify_revoked_code(client, labels):
    label = labels[1][0]
    services.label_revoke(label=label, user=labels["admin"], reason="Collectif dissous.")
    body = client.get(f"/api/v1/labels/verify/{label.verification_code}").json()
    assert body["state"] == "revoked"
    assert "Collectif dissous." in body["message"]
    assert body["label"]["certificate_url"] is None


def test_verify_made_up_code(client, labels):
    response = client.get("/api/v1/labels/verify/invente-de-toutes-pieces")
    assert response.status_code == 404
    assert "not found" in response.json()["detail"]
    assert "invente-de-toutes-pieces" in response.json()["detail"]
    # A code of an unpublished wave is not found either.
    hidden = labels[3][0]
    assert client.get(f"/api/v1/labels/verify/{hidden.verification_code}").status_code == 404


def test_label_list_query_budget(client, labels, django_assert_max_num_queries):
    wave = labels[1][0].wave
    for _ in range(100):
        labelled(ApplicationFactory(proposed=True, wave=wave), labels["admin"])
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/labels?wave=1")
    assert response.json()["count"] == 103
