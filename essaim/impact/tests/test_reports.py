"""Evaluation reports: generation in the background (progress, one generation for many clicks,
failure and retry), the PDF and its HTML, the narrative sections, who may do what (attackers get
404/403), the query budget of the report page."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from essaim.impact import reports, services, services_reports
from essaim.impact.models import Report, ReportStatus
from essaim.testing import close_response


def record(world, code, value, year=2025, label=None):
    return services.measurement_record(
        user=world.admin,
        indicator=world.ind(code),
        label=label or world.label,
        period_end=datetime.date(year, 12, 31),
        value=value,
        source="Registre",
    )


def make_report(world, label="mine", year=2025):
    label = world.label if label == "mine" else label
    return services_reports.report_create(
        user=world.admin, programme=world.programme, label=label, year=year
    )


def generate(world, report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = services_reports.report_generate(user=world.admin, report=report)
    report.refresh_from_db()
    return queued


def test_generation_makes_the_pdf_and_the_html_with_the_figures_and_sections(
    world, django_capture_on_commit_callbacks
):
    record(world, "emplois-crees", "12")
    record(world, "emplois-crees", "7", year=2024)
    report = make_report(world)
    services_reports.section_save(
        user=world.lead, report=report, title="Ce qui a marché", body="- **trois** projets\n- <b>x"
    )
    assert report.status == ReportStatus.DRAFT
    assert generate(world, report, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.DONE and report.progress == 100 and report.error == ""
    assert "Ce qui a marché" in report.html
    assert "<li><strong>trois</strong> projets</li>" in report.html
    assert "&lt;b&gt;x" in report.html  # the team's text is escaped
    assert "Emplois créés" in report.html and "<svg" in report.html
    assert report.html.count("<table") >= 3  # key figures, the series' table, the map's table
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_pdf_text_is_the_report_title(world):
    report = make_report(world)
    pdf = reports.report_pdf(report, reports.report_html(report), compress=False)
    assert pdf.startswith(b"%PDF")
    # The document's title is the PDF's /Title (UTF-16 for its accents, maybe written in hex).
    wide = ("\ufeff" + report.title).encode("utf-16-be")
    assert wide in pdf or wide.hex().encode() in pdf.lower() or report.title.encode() in pdf


def test_ten_clicks_queue_one_generation(world, django_capture_on_commit_callbacks):
    report = make_report(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results = [
            services_reports.report_generate(user=world.admin, report=report) for _ in range(10)
        ]
    assert results == [True] + [False] * 9
    assert len(callbacks) == 1  # one task enqueued once the transaction commits
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.progress == 0
    # A second worker taking the same job finds it already running or done: nothing twice.
    assert reports.run_generation(report.pk) is True
    assert reports.run_generation(report.pk) is False


def test_progress_is_written_at_each_step(world, django_capture_on_commit_callbacks):
    report = make_report(world)
    seen = []
    real = reports._progress

    def spy(report_, percent, step):
        real(report_, percent, step)
        seen.append((Report.objects.get(pk=report_.pk).status, percent))

    with mock.patch.object(reports, "_progress", side_effect=spy):
        generate(world, report, django_capture_on_commit_callbacks)
    assert [p for _s, p in seen] == [20, 50, 70, 90]
    assert {s for s, _p in seen} == {ReportStatus.RUNNING}


def test_failure_is_shown_with_its_reason_and_can_be_retried(
    client, world, django_capture_on_commit_callbacks
):
    report = make_report(world)
    with mock.patch.object(reports, "report_pdf", side_effect=OSError("police introuvable")):
        generate(world, report, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED and "police introuvable" in report.error
    client.force_login(world.admin)
    page = client.get(reverse("impact:report", args=[report.pk])).content.decode()
    assert "police introuvable" in page and "Relancer la génération" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("impact:report_generate", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.error == ""


def test_page_refreshes_while_in_progress(client, world):
    report = make_report(world)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=50)
    client.force_login(world.admin)
    page = client.get(reverse("impact:report", args=[report.pk])).content.decode()
    assert "report-progress.js" in page and 'value="50"' in page
    status = client.get(reverse("impact:report_status", args=[report.pk])).json()
    assert status == {"status": "running", "in_progress": True, "progress": 50, "step": ""}
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE, progress=100)
    page = client.get(reverse("impact:report", args=[report.pk])).content.decode()
    assert "report-progress.js" not in page
    assert (
        client.get(reverse("impact:report_status", args=[report.pk])).json()["in_progress"] is False
    )


def test_programme_report_aggregates_every_territory(world, django_capture_on_commit_callbacks):
    record(world, "emplois-crees", "12")
    record(world, "emplois-crees", "30", label=world.other_label)
    report = make_report(world, label=None)
    generate(world, report, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.DONE
    assert ">42<" in report.html  # the programme's sum
    assert world.other_label.perimeter.name in report.html  # on the map's table


def test_territory_report_shows_only_its_territory(world, django_capture_on_commit_callbacks):
    record(world, "emplois-crees", "12")
    record(world, "emplois-crees", "30", label=world.other_label)
    report = make_report(world)
    generate(world, report, django_capture_on_commit_callbacks)
    assert world.other_label.perimeter.name not in report.html


@pytest.mark.parametrize("who", ["other_admin", "other_lead", "holder", "anonymous"])
def test_attackers_get_404_and_change_nothing(client, world, who):
    report = make_report(world)
    section = services_reports.section_save(
        user=world.admin, report=report, title="Bilan", body="Texte"
    )
    if who != "anonymous":
        client.force_login(getattr(world, who))
    for name in ("impact:report", "impact:report_pdf", "impact:report_status"):
        arg = report.pk
        assert client.get(reverse(name, args=[arg])).status_code == 404
    for name, arg in (
        ("impact:report_generate", report.pk),
        ("impact:report_publish", report.pk),
        ("impact:report_section", section.pk),
        ("impact:report_section_delete", section.pk),
    ):
        assert client.post(reverse(name, args=[arg]), {"title": "x", "body": "y"}).status_code in (
            302 if who == "anonymous" else 404,
            404,
        )
    report.refresh_from_db()
    section.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and section.title == "Bilan"
    listing = client.get(reverse("impact:reports")).content.decode()
    assert reverse("impact:report", args=[report.pk]) not in listing


def test_lead_reads_and_writes_sections_but_does_not_generate_nor_publish(client, world):
    report = make_report(world)
    client.force_login(world.lead)
    assert client.get(reverse("impact:report", args=[report.pk])).status_code == 200
    response = client.post(
        reverse("impact:report_section_create", args=[report.pk]),
        {"title": "Notre récit", "body": "Un paragraphe.", "position": "10"},
    )
    assert response.status_code == 302 and report.sections.get().title == "Notre récit"
    assert client.post(reverse("impact:report_generate", args=[report.pk])).status_code == 403
    assert client.post(reverse("impact:report_publish", args=[report.pk])).status_code == 403
    programme_report = make_report(world, label=None)
    assert client.get(reverse("impact:report", args=[programme_report.pk])).status_code == 404


def test_section_form_names_the_field_in_error(client, world):
    report = make_report(world)
    client.force_login(world.admin)
    response = client.post(
        reverse("impact:report_section_create", args=[report.pk]),
        {"title": "", "body": "x", "position": "5000"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "title" in form.errors and "position" in form.errors
    assert not report.sections.exists()


def test_published_report_is_public_and_frozen_for_the_territory(
    client, world, django_capture_on_commit_callbacks
):
    report = make_report(world)
    assert client.get(reverse("impact:report", args=[report.pk])).status_code == 404
    generate(world, report, django_capture_on_commit_callbacks)
    services_reports.report_publish(user=world.admin, report=report)
    assert client.get(reverse("impact:report", args=[report.pk])).status_code == 200
    pdf = client.get(reverse("impact:report_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    close_response(pdf)  # without closing the database connection (PostgreSQL)
    listing = client.get(reverse("impact:reports")).content.decode()
    assert reverse("impact:report", args=[report.pk]) in listing
    client.force_login(world.lead)
    response = client.post(
        reverse("impact:report_section_create", args=[report.pk]),
        {"title": "Tard", "body": "x", "position": "1"},
    )
    assert response.status_code == 403 and not report.sections.exists()


def test_publishing_needs_a_generated_report(world):
    report = make_report(world)
    with pytest.raises(services.ValidationError):
        services_reports.report_publish(user=world.admin, report=report)


def test_staff_of_another_programme_cannot_create_here(client, world):
    client.force_login(world.other_admin)
    url = reverse("impact:report_create", args=[world.programme.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"year": "2025"}).status_code == 404
    assert not Report.objects.exists()


def test_first_time_admin_creates_a_report_from_the_list(client, world):
    client.force_login(world.admin)
    listing = client.get(reverse("impact:reports")).content.decode()
    url = reverse("impact:report_create", args=[world.programme.slug])
    assert url in listing
    response = client.post(url, {"label": world.label.pk, "year": "2025", "title": ""})
    report = Report.objects.get()
    assert response.status_code == 302 and report.label == world.label
    assert world.label.perimeter.name in report.title
    bad = client.post(url, {"label": world.other_programme.pk + 999, "year": "1800"})
    assert "year" in bad.context["form"].errors


def test_report_page_query_budget(
    client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    report = make_report(world)
    for i in range(5):
        services_reports.section_save(
            user=world.admin, report=report, title=f"Section {i}", body="Texte"
        )
    generate(world, report, django_capture_on_commit_callbacks)
    client.force_login(world.admin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("impact:report", args=[report.pk]))
    assert response.status_code == 200


def test_report_context_has_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for code in ("emplois-crees", "projets-accompagnes", "personnes-touchees"):
        record(world, code, "5")
    report = make_report(world, label=None)
    with django_assert_max_num_queries(12):
        report = Report.objects.select_related("programme").get(pk=report.pk)
        context = reports.report_context(report)
    assert len(context["key_figures"]) >= 3
