"""The API of a report's narrative sections and of the measurements' CSV import: the pages'
services and scoping (another programme's staff and another territory's lead: 404; a read-only
token: 403), the report's state (its territory's people stop writing once it is published: 409),
the import's all-or-nothing check named by line and column, and nothing imported twice."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.impact import services, services_reports
from essaim.impact.history import ReportAction
from essaim.impact.models import Channel, Measurement, Report, ReportSection, ReportStatus
from essaim.impact.tests.test_api_actions import bearer, post
from essaim.impact.tests.test_api_library import put
from essaim.projects.tests.factories import ProjectFactory
from essaim.testing import run_concurrently

pytestmark = pytest.mark.django_db
API = "/api/v1"


# --- A report's sections ----------------------------------------------------------------------


@pytest.fixture
def report(world):
    """The first territory's report of 2025, generated, not published."""
    report = services_reports.report_create(
        user=world.admin, programme=world.programme, label=world.label, year=2025
    )
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    report.refresh_from_db()
    return report


def section_body(**changes) -> dict:
    return {"title": "Ce que les chiffres taisent", "body": "Un récit.\n\n- un point", **changes}


def delete(client, url, user, access="write"):
    return client.delete(url, headers=bearer(user, access))


class TestReportSections:
    def test_staff_write_rewrite_and_delete_with_history(self, client, world, report):
        url = f"{API}/impact/reports/{report.pk}/sections"
        created = post(client, url, world.instructor, section_body())
        assert created.status_code == 201, created.content
        first = created.json()
        assert (first["title"], first["position"], first["report_id"]) == (
            "Ce que les chiffres taisent",
            10,
            report.pk,
        )
        second = post(client, url, world.admin, section_body(title="Suite", position=5)).json()
        listed = client.get(url, headers=bearer(world.admin, "read")).json()["items"]
        assert [s["id"] for s in listed] == [second["id"], first["id"]]  # by position
        rewritten = put(
            client,
            f"{url}/{first['id']}",
            world.admin,
            section_body(title="Nouveau titre", body="Nouveau texte"),
        )
        assert rewritten.status_code == 200, rewritten.content
        assert rewritten.json()["position"] == 10  # kept when not given
        section = ReportSection.objects.get(pk=first["id"])
        assert (section.title, section.body, section.author) == (
            "Nouveau titre",
            "Nouveau texte",
            world.admin,
        )
        assert delete(client, f"{url}/{second['id']}", world.admin).status_code == 204
        assert list(report.sections.values_list("pk", flat=True)) == [first["id"]]
        actions = list(
            HistoryEvent.objects.for_object(report)
            .filter(action__in=[ReportAction.SECTION_SAVED, ReportAction.SECTION_DELETED])
            .values_list("action", flat=True)
        )
        assert sorted(actions) == sorted(
            [ReportAction.SECTION_SAVED] * 3 + [ReportAction.SECTION_DELETED]
        )

    def test_the_territory_writes_until_publication_then_409(self, client, world, report):
        url = f"{API}/impact/reports/{report.pk}/sections"
        mine = post(client, url, world.lead, section_body())
        assert mine.status_code == 201, mine.content
        section_url = f"{url}/{mine.json()['id']}"
        services_reports.report_publish(user=world.admin, report=report)
        for response in (
            post(client, url, world.member, section_body()),
            put(client, section_url, world.lead, section_body(title="Après")),
            delete(client, section_url, world.lead),
        ):
            assert response.status_code == 409, response.content
            assert "publié" in response.json()["detail"]
        assert report.sections.get().title == "Ce que les chiffres taisent"
        # The programme's staff still may.
        assert put(client, section_url, world.admin, section_body()).status_code == 200

    def test_a_publication_committed_meanwhile_closes_the_sections(self, world, report):
        stale = Report.objects.get(pk=report.pk)  # read before the publication
        section = services_reports.section_save(
            user=world.lead, report=report, title="Avant", body="Texte"
        )
        services_reports.report_publish(user=world.admin, report=report)
        with pytest.raises(PermissionDenied):
            services_reports.section_save(user=world.lead, report=stale, title="Après", body="x")
        section.report = stale
        with pytest.raises(PermissionDenied):
            services_reports.section_delete(user=world.lead, section=section)
        assert list(ReportSection.objects.values_list("title", flat=True)) == ["Avant"]

    def test_attackers(self, client, world, report):
        url = f"{API}/impact/reports/{report.pk}/sections"
        section = services_reports.section_save(
            user=world.admin, report=report, title="Vrai", body="Vrai texte"
        )
        section_url = f"{url}/{section.pk}"
        # Not published: another programme's staff and another territory's lead do not see it.
        for user in (world.other_admin, world.other_lead, world.holder):
            assert post(client, url, user, section_body()).status_code == 404
            assert put(client, section_url, user, section_body()).status_code == 404
            assert delete(client, section_url, user).status_code == 404
            assert client.get(url, headers=bearer(user, "read")).status_code == 404
        assert client.get(url).status_code == 404
        # A read-only token, the staff's as well.
        assert post(client, url, world.admin, section_body(), access="read").status_code == 403
        assert delete(client, section_url, world.lead, access="read").status_code == 403
        assert client.post(url, section_body(), content_type="application/json").status_code == 401
        # Published: public to read, still nobody else's to write (403, not the state's 409).
        services_reports.report_publish(user=world.admin, report=report)
        assert client.get(url).json()["items"][0]["title"] == "Vrai"
        for user in (world.other_admin, world.other_lead, world.holder):
            assert post(client, url, user, section_body()).status_code == 403
            assert put(client, section_url, user, section_body()).status_code == 403
            assert delete(client, section_url, user).status_code == 403
        # A section asked through another report is not found there.
        other = services_reports.report_create(
            user=world.admin, programme=world.programme, label=world.other_label, year=2025
        )
        elsewhere = f"{API}/impact/reports/{other.pk}/sections/{section.pk}"
        assert put(client, elsewhere, world.admin, section_body()).status_code == 404
        assert delete(client, elsewhere, world.admin).status_code == 404
        section.refresh_from_db()
        assert (section.title, ReportSection.objects.count()) == ("Vrai", 1)

    def test_bad_input_names_the_field(self, client, world, report):
        url = f"{API}/impact/reports/{report.pk}/sections"
        for body, field in (
            (section_body(title=""), "title"),
            (section_body(title="t" * 201), "title"),
            (section_body(body=""), "body"),
            (section_body(body="b" * 20001), "body"),
            (section_body(position=1001), "position"),
            (section_body(position=-1), "position"),
            (section_body(title="   "), "title"),
        ):
            response = post(client, url, world.admin, body)
            assert response.status_code == 422, (field, response.content)
            assert response.json()["errors"][0]["field"] == field
        assert not ReportSection.objects.exists()


# --- The measurements' CSV import -------------------------------------------------------------

CLEAN = b"indicateur;periode;valeur\nemplois-crees;2025-12-31;3\nprojets-accompagnes;2025;12\n"
BAD = b"indicateur;periode;valeur\nemplois-crees;2025-12-31;3\nemplois-crees;2025-06-30;beaucoup\n"
URL = f"{API}/measurements/import"


def upload(client, user, world, data=CLEAN, access="write", label=None, **fields):
    body = {
        "territory_id": (label or world.label).pk,
        "source": "Registre",
        "file": SimpleUploadedFile("valeurs.csv", data, "text/csv"),
        **fields,
    }
    return client.post(URL, body, headers=bearer(user, access))


class TestCsvImport:
    def test_a_clean_file_is_imported_as_by_the_page(self, client, world):
        response = upload(client, world.lead, world)
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["rows"], body["valid"], body["imported"], body["errors"]) == (2, 2, 2, [])
        rows = Measurement.objects.order_by("pk")
        assert [m.pk for m in rows] == body["measurement_ids"]
        assert {(m.channel, m.source, m.label_id, m.author) for m in rows} == {
            (Channel.CSV, "Registre", world.label.pk, world.lead)
        }

    def test_errors_named_by_line_and_column_and_nothing_written(self, client, world):
        response = upload(client, world.member, world, BAD)
        assert response.status_code == 422, response.content
        errors = response.json()["errors"]
        assert [(e["field"], e["line"], e["column"]) for e in errors] == [("file", 3, "valeur")]
        assert "ligne 3" in response.json()["detail"]
        assert not Measurement.objects.exists()
        # The page's box: the valid rows, the others listed.
        accepted = upload(client, world.member, world, BAD, accept_valid="true")
        assert accepted.status_code == 201, accepted.content
        assert accepted.json()["imported"] == 1
        assert [e["line"] for e in accepted.json()["errors"]] == [3]
        assert Measurement.objects.get().value == 3

    def test_dry_run_checks_and_writes_nothing(self, client, world):
        response = upload(client, world.admin, world, dry_run="true")
        assert response.status_code == 200, response.content
        assert (response.json()["valid"], response.json()["imported"]) == (2, 0)
        refused = upload(client, world.admin, world, BAD, dry_run="true")
        assert refused.status_code == 422
        assert not Measurement.objects.exists()

    def test_the_same_file_twice_is_refused_by_line(self, client, world):
        assert upload(client, world.lead, world).status_code == 201
        again = upload(client, world.lead, world)
        assert again.status_code == 422, again.content
        assert {e["line"] for e in again.json()["errors"]} == {2, 3}
        assert Measurement.objects.count() == 2

    def test_a_value_recorded_meanwhile_rolls_the_whole_file_back(self, client, world, monkeypatch):
        """The race of two identical uploads: both checks pass before either writes; the second
        one's write meets the first one's values (the unique constraint), rolls back entirely
        and answers with the lines now recorded."""
        assert upload(client, world.lead, world).status_code == 201
        original, calls = services.measurement_check, []

        def check_before_the_other_wrote(**kwargs):
            calls.append(1)
            if len(calls) <= 2:  # the first pass, as if the other upload had not committed yet
                kwargs["check_existing"] = False
            return original(**kwargs)

        monkeypatch.setattr(services, "measurement_check", check_before_the_other_wrote)
        Measurement.objects.filter(indicator=world.ind("emplois-crees")).delete()
        # The first row is new, the second one was recorded "meanwhile": nothing is written.
        response = upload(client, world.lead, world)
        assert response.status_code == 422, response.content
        assert [e["line"] for e in response.json()["errors"]] == [3]
        assert Measurement.objects.count() == 1

    def test_attackers(self, client, world):
        # Another programme's staff, another territory's lead, a project holder: not their
        # territory (404); a read-only token: 403; anonymous: 401.
        for user in (world.other_admin, world.other_lead, world.holder):
            assert upload(client, user, world).status_code == 404
        assert upload(client, world.admin, world, access="read").status_code == 403
        assert client.post(URL, {"territory_id": world.label.pk}).status_code == 401
        # Their own territory's id does not let another territory's lead write here.
        assert upload(client, world.other_lead, world, label=world.other_label).status_code == 201
        assert not Measurement.objects.filter(label=world.label).exists()

    def test_a_file_naming_another_territory_or_programme(self, client, world):
        other_indicator = services.library_load(
            user=world.other_admin,
            programme=world.other_programme,
            entries=[{**services.starter_library()[0], "code": "seulement-ailleurs"}],
        )[0]
        other_project = ProjectFactory(
            perimeter=world.other_label.perimeter,
            collective=world.other_label.application.collective,
        )
        data = (
            "indicateur;periode;valeur;projet\n"
            f"{other_indicator.code};2025;3;\n"
            f"emplois-crees;2025;3;{other_project.pk}\n"
            "emplois-crees;2025;3;999999999\n"
        ).encode()
        response = upload(client, world.lead, world, data, accept_valid="true")
        assert response.status_code == 422, response.content
        assert [(e["line"], e["column"]) for e in response.json()["errors"]] == [
            (2, "indicateur"),
            (3, "projet"),
            (4, "projet"),
        ]
        assert not Measurement.objects.exists()

    def test_bad_input_names_the_field(self, client, world):
        for fields, field in (
            ({"file": None}, "file"),
            ({"campaign_id": 999_999}, "campaign_id"),
            ({"source": "s" * 201}, "source"),
        ):
            body = {
                "territory_id": world.label.pk,
                "file": SimpleUploadedFile("v.csv", CLEAN, "text/csv"),
                **fields,
            }
            body = {k: v for k, v in body.items() if v is not None}
            response = client.post(URL, body, headers=bearer(world.admin))
            assert response.status_code == 422, (field, response.content)
            assert response.json()["errors"][0]["field"] == field
        headerless = upload(client, world.admin, world, b"a;b\n1;2\n")
        assert headerless.status_code == 422
        assert headerless.json()["errors"][0]["field"] == "file"
        big = upload(client, world.admin, world, b"x" * 1_000_001)
        assert big.status_code == 422 and big.json()["errors"][0]["field"] == "file"
        assert not Measurement.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_ten_identical_uploads_at_once_import_once(world):
    headers = bearer(world.lead)

    def send(_index):
        return (
            Client()
            .post(
                URL,
                {
                    "territory_id": world.label.pk,
                    "source": "Registre",
                    "file": SimpleUploadedFile("v.csv", CLEAN, "text/csv"),
                },
                headers=headers,
            )
            .status_code
        )

    outcomes = run_concurrently(send, 10)
    assert Measurement.objects.count() == 2
    assert sorted(outcomes) == [201] + [422] * 9, outcomes
