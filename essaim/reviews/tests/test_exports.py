import csv
import io
import re
import zipfile
from datetime import date
from xml.etree import ElementTree  # noqa: S405 - our own export, in a test

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember, CollectiveRole
from essaim.applications.models import Application, Challenge
from essaim.applications.tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    lead_of,
    staff,
)
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import (
    CallFactory,
    CriterionFactory,
    CutOffFactory,
    FormVersionFactory,
    GridFactory,
    WaveFactory,
)
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus
from essaim.testing import close_response

pytestmark = pytest.mark.django_db


def _application(version, index, status=Status.SUBMITTED, **kwargs):
    application = ApplicationFactory(
        form_version=version,
        reference=f"E-{index:04d}",
        title=f"Candidature {index}",
        status=status,
        submitted_at=timezone.now() if status != Status.DRAFT else None,
        answers={
            "pitch": f"=cmd {index}",
            "sector": "food",
            "partners": ["a", "b"],
            "ptce": False,
            "defis": [{"titre": "Manger", "budget": 3}, {"titre": "Bouger"}],
        },
        **kwargs,
    )
    lead = OrganisationFactory(name=f"Chef {index}", siret="")
    CollectiveMember.objects.create(
        collective=application.collective, organisation=lead, role=CollectiveRole.LEAD
    )
    CollectiveMember.objects.create(
        collective=application.collective,
        organisation=OrganisationFactory(name=f"Membre {index}"),
        role=CollectiveRole.SUPPORTER,
        position=1,
    )
    Challenge.objects.create(application=application, title=f"Défi {index}", lines=["a", "b"])
    return application


@pytest.fixture
def world():
    return build_world()


def build_world():
    """Two submitted applications (one with an expert's marks) and a draft of one call."""
    version = FormVersionFactory()
    call = version.call
    wave = WaveFactory(programme=call.programme, number=1)
    cutoff = CutOffFactory(call=call, date=date(2018, 10, 22), wave=wave)
    first = _application(version, 1, cutoff=cutoff, wave=wave)
    second = _application(version, 2, status=Status.IN_REVIEW)
    draft = _application(version, 3, status=Status.DRAFT)
    grid = GridFactory(call=call, scale_min=0, scale_max=4)
    criteria = [CriterionFactory(grid=grid, title=f"Critère {i}", position=i) for i in range(2)]
    expert = UserFactory(first_name="Eve", last_name="Experte")
    instructor = staff(call.programme)
    review = ReviewRequest.objects.create(
        application=first,
        expert=expert,
        requested_by=instructor,
        deadline=date(2030, 1, 1),
        status=ReviewStatus.SUBMITTED,
        recommendation="label",
        submitted_at=timezone.now(),
    )
    for criterion in criteria:
        CriterionMark.objects.create(review=review, criterion=criterion, mark=4, comment="Bien")
    return {
        "call": call,
        "applications": [first, second],
        "draft": draft,
        "instructor": instructor,
        "expert": expert,
    }


def _csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _xlsx(content: bytes) -> dict[str, list[list]]:
    """{sheet name: rows} of an XLSX (no spreadsheet library needed for what the export writes:
    inline or shared strings and numbers)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))  # noqa: S314
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    result = {}
    for index, sheet in enumerate(workbook.find("m:sheets", NS), start=1):
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{index}.xml"))  # noqa: S314
        rows = []
        for row in root.iter(f"{{{NS['m']}}}row"):
            cells = []
            for cell in row.findall("m:c", NS):
                column = re.match(r"[A-Z]+", cell.get("r")).group()
                position = 0
                for letter in column:
                    position = position * 26 + ord(letter) - 64
                cells.extend([None] * (position - 1 - len(cells)))
                kind = cell.get("t")
                if kind == "inlineStr":
                    value = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
                elif kind == "s":
                    value = shared[int(cell.find("m:v", NS).text)]
                elif cell.find("m:f", NS) is not None:
                    value = ("formula", cell.find("m:f", NS).text)
                else:
                    value = float(cell.find("m:v", NS).text)
                cells.append(value)
            rows.append(cells)
        result[sheet.get("name")] = rows
    return result


def _url(call, fmt):
    return f"/avis/instruction/exports/{call.pk}.{fmt}"


def test_csv_has_one_row_per_submitted_application_with_form_columns(client, world):
    client.force_login(world["instructor"])
    response = client.get(_url(world["call"], "csv"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    header = rows[0]
    assert header[:12] == [
        "Numéro",
        "Titre",
        "Territoire",
        "Région(s)",
        "Collectif porteur",
        "Chef de file",
        "État",
        "Date limite de dépôt",
        "Vague",
        "Déposée le",
        "Avis rendus",
        "Note consolidée /100",
    ]
    assert "Accroche" in header and "Défis" in header and "Nom du PTCE" in header
    assert [r[0] for r in rows[1:]] == ["E-0001", "E-0002"]  # the draft is not exported
    first = dict(zip(header, rows[1], strict=True))
    assert first["Chef de file"] == "Chef 1"
    assert first["État"] == "déposée"
    assert first["Date limite de dépôt"] == "2018-10-22"
    assert first["Vague"] == "1"
    assert first["Avis rendus"] == "1"
    assert first["Note consolidée /100"] == "100.0"
    assert first["Accroche"] == "'=cmd 1"  # never a formula in a spreadsheet
    assert first["Secteur"] == "Alimentation"
    assert first["Partenaires"] == "A, B"
    assert first["PTCE ?"] == "Non"
    assert first["Défis"] == "Défi 1 : Titre : Manger ; Budget : 3 | Défi 2 : Titre : Bouger"
    second = dict(zip(header, rows[2], strict=True))
    assert second["Note consolidée /100"] == "" and second["Avis rendus"] == "0"


def test_zip_holds_the_four_csv_files(client, world):
    client.force_login(world["instructor"])
    response = client.get(_url(world["call"], "zip"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    assert archive.namelist() == ["candidatures.csv", "defis.csv", "membres.csv", "notes.csv"]

    def read(name):
        text = archive.read(name).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    assert len(read("candidatures.csv")) == 3
    assert read("defis.csv")[1:] == [
        ["E-0001", "1", "Défi 1", "", "a ; b"],
        ["E-0002", "1", "Défi 2", "", "a ; b"],
    ]
    members = read("membres.csv")
    assert members[0] == ["Numéro", "Collectif porteur", "Organisation", "SIRET", "Rôle"]
    assert [(r[0], r[2], r[4]) for r in members[1:]] == [
        ("E-0001", "Chef 1", "chef de file"),
        ("E-0001", "Membre 1", "soutien"),
        ("E-0002", "Chef 2", "chef de file"),
        ("E-0002", "Membre 2", "soutien"),
    ]
    marks = read("notes.csv")
    assert len(marks) == 3
    assert marks[1][:2] == ["E-0001", "Eve Experte"]
    assert marks[1][4:] == ["labelliser", "Critère 0", "1.0", "4", "Bien"]


def _job_file(client, url, captured, data=None):
    """POST ``url`` (a background export), run the queued job, download its file."""
    with captured(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302
    job_page = response["Location"]
    assert client.get(job_page).status_code == 200
    download = client.get(job_page + "telecharger/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    close_response(download)
    return content


def test_xlsx_has_the_four_sheets(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["instructor"])
    assert client.get(_url(world["call"], "xlsx")).status_code == 405  # never built in a GET
    content = _job_file(client, _url(world["call"], "xlsx"), django_capture_on_commit_callbacks)
    workbook = _xlsx(content)
    assert list(workbook) == ["candidatures", "defis", "membres", "notes"]
    rows = workbook["candidatures"]
    assert [r[0] for r in rows[1:]] == ["E-0001", "E-0002"]
    assert rows[1][11] == 100.0  # a number, not text
    assert rows[1][rows[0].index("Accroche")] == "=cmd 1"  # a string cell, not a formula
    assert len(workbook["defis"]) == 3
    assert len(workbook["membres"]) == 5
    assert len(workbook["notes"]) == 3


def test_zip_job_applies_the_filters(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["instructor"])
    content = _job_file(
        client,
        _url(world["call"], "zip"),
        django_capture_on_commit_callbacks,
        {"status": "in_review"},
    )
    archive = zipfile.ZipFile(io.BytesIO(content))
    rows = archive.read("candidatures.csv").decode("utf-8-sig").splitlines()
    assert [r.split(";")[0] for r in rows[1:]] == ["E-0002"]


def test_export_carries_the_queue_filters(client, world):
    client.force_login(world["instructor"])
    rows = _csv(client.get(_url(world["call"], "csv") + "?status=in_review"))
    assert [r[0] for r in rows[1:]] == ["E-0002"]
    page = client.get("/avis/instruction/exports/?status=in_review&tri=title")
    assert page.status_code == 200
    assert f"{world['call'].pk}.csv?status=in_review" in page.text
    assert "État : en instruction" in page.text
    assert "tri=" not in page.text.split('id="export-calls"')[1]


def _ok(response):
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_permission_matrix(client, world, fmt):
    call = world["call"]
    url = _url(call, fmt)
    response = client.get(url)
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    applicant = lead_of(world["applications"][0]).user
    Membership.objects.create(
        user=applicant,
        role=Role.TERRITORY_LEAD,
        collective=world["applications"][0].collective,
    )
    expert = world["expert"]
    other_instructor = staff(CallFactory().programme)
    for user, expected in [(applicant, 403), (expert, 403), (other_instructor, 404)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected
        assert b"E-0001" not in response.content
    client.force_login(other_instructor)
    assert call.title not in client.get("/avis/instruction/exports/").text
    client.force_login(world["instructor"])
    _ok(client.get(url))
    assert client.get(_url(call, "pdf")).status_code == 404
    admin = staff(call.programme, role=Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    _ok(client.get(url))
    assert call.title in client.get("/avis/instruction/exports/").text


def test_export_page_permission(client, world):
    client.force_login(lead_of(world["applications"][1]).user)
    assert client.get("/avis/instruction/exports/").status_code == 403
    client.force_login(world["instructor"])
    response = client.get("/avis/instruction/exports/")
    assert response.status_code == 200
    assert world["call"].title in response.text


def test_queue_links_to_the_exports_with_its_filters(client, world):
    client.force_login(world["instructor"])
    response = client.get("/avis/instruction/?status=submitted")
    assert "/avis/instruction/exports/?status=submitted" in response.text


def _add(version, start, count):
    for index in range(start, start + count):
        _application(version, index)


@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_query_count_does_not_grow_with_the_applications(
    client, world, fmt, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["instructor"])
    version = world["applications"][0].form_version
    _add(version, 10, 8)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(world["call"], fmt))
            b"".join(response.streaming_content)
        return len(queries)

    small = count()
    _add(version, 100, 50)
    assert Application.objects.filter(call=world["call"]).count() == 61
    assert count() == small


def test_rows_are_the_same_when_read_in_many_small_batches(client, world, monkeypatch):
    from essaim.geo.models import Commune, Departement, PerimeterCommune, Region
    from essaim.reviews import exports

    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    departement = Departement.objects.create(code="79", name="Deux-Sèvres", region=region)
    niort = Commune.objects.create(
        insee="79191", name="Niort", departement=departement, region=region
    )
    PerimeterCommune.objects.create(perimeter=world["applications"][1].perimeter, commune=niort)
    _add(world["applications"][0].form_version, 10, 5)
    client.force_login(world["instructor"])
    whole = _csv(client.get(_url(world["call"], "csv")))
    monkeypatch.setattr(exports, "CHUNK", 2)
    assert _csv(client.get(_url(world["call"], "csv"))) == whole
    assert len(whole) == 8
    assert whole[2][3] == "Nouvelle-Aquitaine"
    assert [r[5] for r in whole[1:]] == [f"Chef {i}" for i in (1, 2, 10, 11, 12, 13, 14)]
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(_url(world["call"], "zip")).streaming_content))
    )
    assert len(archive.read("membres.csv").decode("utf-8-sig").splitlines()) == 15
