"""A programme's knowledge-base categories and referenced financing instruments, run by its
admins from its settings; both (and its partners) travel in the programme file. Other
programmes' admins and instructors get 404 and change nothing; anonymous visitors are sent to
the login page."""

import pytest
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.history import ProgrammeAction
from essaim.calls.models import PartnerKind, Programme, ProgrammePartner
from essaim.core.models import HistoryEvent
from essaim.demo.financing import load_instruments
from essaim.financing.models import ProgrammeInstrument
from essaim.operators import programme_file
from essaim.operators.services import import_programme
from essaim.operators.tests import settings_world
from essaim.operators.tests.settings_world import page, url
from essaim.regulatory.models import KnowledgeArticle, KnowledgeCategory, Theme
from essaim.testing import other_programme, table_state

pytestmark = pytest.mark.django_db

media = settings_world.media
programme = settings_world.programme
admin = settings_world.admin


def _article(programme, theme="food", slug="vrac"):
    return KnowledgeArticle.objects.create(
        programme=programme,
        slug=slug,
        title="Vente en vrac",
        question="Peut-on ?",
        answer="Oui.",
        theme=theme,
        is_published=True,
    )


def _categories(programme):
    return list(
        KnowledgeCategory.objects.filter(programme=programme)
        .order_by("position")
        .values_list("code", "title")
    )


# --- Categories ---------------------------------------------------------------------------------


def test_a_new_programme_starts_with_the_default_categories(programme):
    assert [code for code, _title in _categories(programme)] == list(Theme.values)
    bare = Programme.objects.create(name="Nu", slug="nu", label_name="Nu")
    assert len(_categories(bare)) == len(Theme.values)


def test_the_admin_adds_renames_reorders_and_deletes_categories(client, programme, admin):
    client.force_login(admin)
    with_budget = client.get(url("categories", programme))
    assert with_budget.status_code == 200
    response = client.post(url("categories", programme), {"title": "Culture et patrimoine"})
    assert response.status_code == 302
    added = KnowledgeCategory.objects.get(programme=programme, title="Culture et patrimoine")
    assert added.code == "culture-et-pa" or added.code.startswith("culture")
    assert _categories(programme)[-1] == (added.code, "Culture et patrimoine")
    client.post(
        url("category_update", programme, added.pk),
        {f"category-{added.pk}-title": "Culture", f"category-{added.pk}-description": "Lieux"},
    )
    added.refresh_from_db()
    assert (added.title, added.description) == ("Culture", "Lieux")
    client.post(url("category_move", programme, added.pk), {"direction": "up"})
    assert _categories(programme)[-2][0] == added.code
    client.post(url("category_delete", programme, added.pk))
    assert not KnowledgeCategory.objects.filter(pk=added.pk).exists()
    actions = set(
        HistoryEvent.objects.filter(object_id=str(programme.pk)).values_list("action", flat=True)
    )
    assert {
        ProgrammeAction.CATEGORY_ADD,
        ProgrammeAction.CATEGORY_UPDATE,
        ProgrammeAction.CATEGORY_DELETE,
    } <= actions


def test_an_empty_title_is_refused_naming_the_field(client, programme, admin):
    client.force_login(admin)
    response = client.post(url("categories", programme), {"title": "  "})
    assert response.status_code == 422
    assert response.context["form"].errors["title"]


def test_a_category_that_articles_use_is_never_deleted_and_the_page_says_why(
    client, programme, admin
):
    _article(programme, "food")
    food = KnowledgeCategory.objects.get(programme=programme, code="food")
    client.force_login(admin)
    response = client.post(url("category_delete", programme, food.pk), follow=True)
    assert KnowledgeCategory.objects.filter(pk=food.pk).exists()
    assert "ne peut pas être supprimée" in page(response)


def test_a_renamed_category_is_what_the_public_knowledge_base_shows(client, programme, admin):
    _article(programme, "food")
    food = KnowledgeCategory.objects.get(programme=programme, code="food")
    client.force_login(admin)
    client.post(url("category_update", programme, food.pk), {f"category-{food.pk}-title": "Repas"})
    client.logout()
    kb = client.get(reverse("regulatory:knowledge_base"), {"theme": "food"})
    assert kb.status_code == 200
    assert "Repas" in page(kb) and "Vente en vrac" in page(kb)
    detail = client.get(reverse("regulatory:article_detail", args=["vrac"]))
    assert "Repas" in page(detail)


def test_the_categories_page_queries_stay_bounded(
    client, programme, admin, django_assert_max_num_queries
):
    for n in range(5):
        _article(programme, "food", slug=f"a{n}")
    client.force_login(admin)
    with django_assert_max_num_queries(14):
        assert client.get(url("categories", programme)).status_code == 200


# --- Instruments --------------------------------------------------------------------------------


def test_the_admin_searches_the_catalogue_adds_and_removes_an_instrument(
    client, programme, admin, django_assert_max_num_queries
):
    instruments = load_instruments()
    fiso = instruments["FISO #2"]
    client.force_login(admin)
    with django_assert_max_num_queries(14):
        found = client.get(url("instruments", programme), {"q": "FISO"})
    assert fiso in found.context["found"] and len(found.context["found"]) == 1
    client.post(url("instrument_add", programme), {"instrument": fiso.pk})
    client.post(url("instrument_add", programme), {"instrument": fiso.pk})  # twice: once
    assert list(ProgrammeInstrument.objects.values_list("programme", "instrument")) == [
        (programme.pk, fiso.pk)
    ]
    assert ProgrammeInstrument.objects.get().added_by == admin
    public = client.get(reverse("portal:programme", args=[programme.slug]))
    assert fiso.name in page(public)
    client.post(url("instrument_remove", programme), {"instrument": fiso.pk})
    assert not ProgrammeInstrument.objects.exists()
    actions = list(
        HistoryEvent.objects.filter(object_id=str(programme.pk)).values_list("action", flat=True)
    )
    assert ProgrammeAction.INSTRUMENT_ADD in actions
    assert ProgrammeAction.INSTRUMENT_REMOVE in actions


def test_a_bad_instrument_id_is_a_404(client, programme, admin):
    client.force_login(admin)
    assert client.post(url("instrument_add", programme), {"instrument": "x"}).status_code == 404
    assert client.post(url("instrument_add", programme), {"instrument": 999}).status_code == 404


# --- Attackers ----------------------------------------------------------------------------------


def test_other_programmes_admins_and_instructors_get_404_and_change_nothing(client, programme):
    fiso = load_instruments()["FISO #2"]
    food = KnowledgeCategory.objects.get(programme=programme, code="food")
    other = other_programme()
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    before = table_state(KnowledgeCategory, ProgrammeInstrument)
    for user in (other.admin, instructor):
        client.force_login(user)
        for name, args in (("categories", ()), ("instruments", ())):
            assert client.get(url(name, programme, *args)).status_code == 404
        for target, data in (
            (url("categories", programme), {"title": "Pirate"}),
            (url("category_update", programme, food.pk), {f"category-{food.pk}-title": "X"}),
            (url("category_move", programme, food.pk), {"direction": "down"}),
            (url("category_delete", programme, food.pk), {}),
            (url("instrument_add", programme), {"instrument": fiso.pk}),
            (url("instrument_remove", programme), {"instrument": fiso.pk}),
        ):
            assert client.post(target, data).status_code == 404, (user, target)
    # Another programme's admin cannot reach this programme's category through their own.
    client.force_login(other.admin)
    theirs = reverse("operators:category_delete", args=[other.programme.slug, food.pk])
    assert client.post(theirs).status_code == 404
    assert table_state(KnowledgeCategory, ProgrammeInstrument) == before


def test_anonymous_visitors_are_sent_to_the_login_page(client, programme):
    for name in ("categories", "instruments"):
        response = client.get(url(name, programme))
        assert response.status_code == 302 and "/comptes/connexion/" in response.url


# --- The programme file -------------------------------------------------------------------------


def test_categories_instruments_and_partners_travel_in_the_file_and_import_twice_is_idempotent(
    programme,
):
    fiso = load_instruments()["FISO #2"]
    ProgrammeInstrument.objects.create(programme=programme, instrument=fiso)
    company = OrganisationFactory(name="Atelier", siren="123456789")
    ProgrammePartner.objects.create(programme=programme, organisation=company, kind="company")
    KnowledgeCategory.objects.filter(programme=programme, code="other").update(title="Divers")
    data = programme_file.export_programme(programme)
    assert data["instruments"] == [fiso.name]
    assert data["partners"] == [
        {
            "organisation": {"siren": "123456789", "name": "Atelier", "kind": company.kind},
            "kind": "company",
        }
    ]
    assert {"code": "other", "title": "Divers", "description": ""} in data["knowledge_categories"]
    # Into a new programme: the same configuration, exactly the file's categories.
    data["programme"]["slug"] = "copie"
    data["calls"] = []
    data["knowledge_categories"] = data["knowledge_categories"][:3]
    text = programme_file.dump(data)
    read, problems = programme_file.read(text)
    assert problems == []
    import_programme(read)
    copy = Programme.objects.get(slug="copie")
    exported = programme_file.export_programme(copy)
    for key in ("knowledge_categories", "instruments", "partners"):
        assert exported[key] == data[key], key
    before = table_state(KnowledgeCategory, ProgrammeInstrument, ProgrammePartner)
    again = import_programme(programme_file.read(text)[0])
    assert not again.changed
    assert table_state(KnowledgeCategory, ProgrammeInstrument, ProgrammePartner) == before


def test_import_ends_no_partnership_and_removes_no_instrument(programme):
    fiso = load_instruments()["FISO #2"]
    ProgrammeInstrument.objects.create(programme=programme, instrument=fiso)
    company = OrganisationFactory(name="Atelier", siren="123456789")
    ProgrammePartner.objects.create(
        programme=programme, organisation=company, kind=PartnerKind.COMPANY
    )
    data = programme_file.export_programme(programme)
    data["instruments"], data["partners"] = [], []
    import_programme(programme_file.read(programme_file.dump(data))[0])
    assert ProgrammeInstrument.objects.filter(programme=programme).exists()
    assert ProgrammePartner.objects.active().filter(programme=programme).exists()


def test_bad_categories_instruments_and_partners_are_reported_with_their_paths(programme):
    data = programme_file.export_programme(programme)
    data["knowledge_categories"].append({"code": "food", "title": "Doublon"})
    data["knowledge_categories"].append({"code": "x", "title": ""})
    data["instruments"] = ["Outil qui n'existe pas"]
    data["partners"] = [{"organisation": {"name": "Atelier", "kind": "company"}, "kind": "ami"}]
    _data, problems = programme_file.read(programme_file.dump(data))
    paths = {problem.path for problem in problems}
    count = len(data["knowledge_categories"])
    assert {
        f"knowledge_categories[{count - 2}].code",
        f"knowledge_categories[{count - 1}].title",
        "instruments[0]",
        "partners[0].kind",
    } <= paths
