"""Programmes as portable data: the shipped French Impact template (the demo programme's export,
checked against the demo in ``essaim/demo/tests/test_demo.py``) imported on a fresh database
reproduces itself, a second import changes nothing, and a wrong file is refused whole, with every
problem and its path."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors.models import Organisation
from essaim.calls.models import Call, CallStatus, FormVersion, Programme
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.geo.tests.factories import load_tiny_geography
from essaim.operators import programme_file, services
from essaim.support.models import SupportAxis

pytestmark = pytest.mark.django_db

TEMPLATE = programme_file.TEMPLATES_DIR / "french-impact.yaml"
SLUG = "french-impact-territoires"


def template_data() -> dict:
    data, problems = programme_file.read(TEMPLATE.read_text(encoding="utf-8"))
    assert problems == []
    return data


def export_text(slug: str) -> str:
    out = io.StringIO()
    call_command("programme", "export", slug, stdout=out)
    return out.getvalue()


def row_counts() -> tuple:
    return tuple(
        model.objects.count() for model in (Programme, Call, FormVersion, SupportAxis, Organisation)
    )


def test_the_template_imported_on_a_fresh_database_exports_the_same_file(tmp_path):
    load_tiny_geography()
    call_command("programme", "import", str(TEMPLATE), stdout=io.StringIO())

    assert yaml.safe_load(export_text(SLUG)) == yaml.safe_load(TEMPLATE.read_text())
    programme = Programme.objects.get(slug=SLUG)
    assert programme.support_axes.count() == 6
    assert Call.objects.filter(programme=programme).count() == 2

    before = row_counts()
    out = io.StringIO()
    call_command("programme", "import", str(TEMPLATE), stdout=out)
    assert "nothing changed" in out.getvalue()
    assert row_counts() == before


def test_export_written_to_a_file_reads_back_without_problem(tmp_path):
    load_tiny_geography()
    services.import_programme(template_data())
    target = tmp_path / "programme.yaml"
    call_command("programme", "export", SLUG, "-o", str(target), stderr=io.StringIO())
    data, problems = programme_file.read(target.read_text())
    assert problems == []
    assert data["programme"]["slug"] == SLUG


def broken_file(tmp_path: Path) -> Path:
    data = template_data()
    data["waves"][0]["number"] = "premier"  # a wrong kind
    data["programme"]["regions"] = ["75", "99"]  # 99 is no region's INSEE code
    del data["support_axes"][2]["title"]  # a missing axis title
    path = tmp_path / "broken.yaml"
    path.write_text(programme_file.dump(data))
    return path


def test_a_wrong_file_is_refused_with_each_problem_and_its_path_and_nothing_changes(tmp_path):
    load_tiny_geography()
    before = row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 problem"):
        call_command("programme", "import", str(broken_file(tmp_path)), stderr=err)

    report = err.getvalue()
    assert "waves[0].number : doit être un nombre entier" in report
    assert "programme.regions[1] : code INSEE de région inconnu : 99" in report
    assert "support_axes[2] : il manque « title »" in report
    assert row_counts() == before


def test_a_published_form_version_is_never_changed_by_an_import():
    load_tiny_geography()
    data = template_data()
    services.import_programme(data)
    data["calls"][0]["forms"][0]["schema"]["title"] = "Autre titre"

    with pytest.raises(services.ProgrammeFileRefused) as refused:
        services.import_programme(data)
    assert [p.path for p in refused.value.problems] == ["calls[0].forms[0].schema"]
    assert (
        FormVersion.objects.get(call__slug=data["calls"][0]["slug"], number=1).schema["title"]
        != "Autre titre"
    )


def test_a_call_of_another_programme_cannot_be_taken_over():
    load_tiny_geography()
    data = template_data()
    services.import_programme(data)
    data["programme"]["slug"] = "autre-programme"

    _data, problems = programme_file.read(programme_file.dump(data))
    assert {p.path for p in problems} == {"calls[0].slug", "calls[1].slug"}


def test_cut_offs_must_point_at_a_wave_of_the_file():
    data = template_data()
    data["waves"] = []
    problems = programme_file.reference_problems(data)
    assert {p.path for p in problems} == {
        f"calls[0].cutoffs[{i}].wave" for i in range(len(data["calls"][0]["cutoffs"]))
    }


def test_yaml_that_does_not_parse_is_one_problem_with_its_line():
    data, problems = programme_file.read("format: essaim.programme/1\nprogramme: [\n")
    assert data is None
    assert len(problems) == 1 and problems[0].path.startswith("ligne")


def test_a_new_programme_starts_from_the_template_with_its_calls_in_preparation():
    load_tiny_geography()
    out = io.StringIO()
    call_command(
        "programme", "new", "economie-circulaire", "--name", "Économie circulaire", stdout=out
    )

    programme = Programme.objects.get(slug="economie-circulaire")
    assert programme.owner is None and programme.waves.count() == 0
    assert [axis.code for axis in programme.support_axes.order_by("position")] == [
        "strategy",
        "financing",
        "regulation",
        "synergies",
        "impact",
        "companies",
    ]
    calls = Call.objects.filter(programme=programme)
    assert {call.status for call in calls} == {CallStatus.DRAFT}
    assert all(call.slug.startswith("economie-circulaire-") for call in calls)
    label_call = calls.get(slug="economie-circulaire-ami-territoire-french-impact")
    assert label_call.form_versions.get().published_at is not None
    assert label_call.grid.criteria.count() == 5

    with pytest.raises(CommandError, match="exists already"):
        call_command("programme", "new", "economie-circulaire", "--name", "Encore")


def test_export_of_an_unknown_programme_names_the_known_ones():
    load_tiny_geography()
    services.import_programme(template_data())
    with pytest.raises(CommandError, match=SLUG):
        call_command("programme", "export", "inconnu")


def test_only_superusers_create_programmes_and_only_admins_configure_theirs():
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    admin = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    root = UserFactory(is_superuser=True)

    assert root.has_perm("operators.create_programme")
    assert not admin.has_perm("operators.create_programme")
    assert admin.has_perm("operators.configure_programme", programme)
    assert not admin.has_perm("operators.configure_programme", other)
    assert not instructor.has_perm("operators.configure_programme", programme)
    assert root.has_perm("operators.configure_programme", other)
