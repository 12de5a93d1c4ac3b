"""The pages: the company's space from the home page, offers, "Je peux aider", the holder's
answer, events; ownership (other company, other territory, other programme's staff); query
budgets."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from essaim.projects.models import Need
from essaim.synergies import services
from essaim.synergies.models import Event, Introduction, Offer, Registration

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _links(html: str) -> dict[str, str]:
    """{link text: href} of a page."""
    found = {}
    for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        found.setdefault(re.sub(r"<[^>]+>|\s+", " ", text).strip(), href)
    return found


def test_first_time_company_from_the_home_page_to_je_peux_aider(client, syn):
    home = client.get("/")
    assert home.status_code == 200
    login = _links(home.content.decode()).get("Se connecter")
    assert login, "the home page links to the sign-in page"
    signed = client.post(
        "/comptes/connexion/", {"login": syn.company.email, "password": "secret-password"}
    )
    assert signed.status_code == 302
    space = client.get(reverse("accounts:dashboard"))
    needs_url = _links(space.content.decode())["Besoins des projets"]
    assert needs_url == reverse("synergies:company_space")
    page = client.get(needs_url).content.decode()
    assert syn.w.supermarket.title in page
    assert "région couverte : Nouvelle-Aquitaine" in page
    assert "mots en commun : logistique" in page
    help_url = reverse("synergies:need_help", args=[syn.logistics.pk])
    assert help_url in page
    form = client.get(help_url)
    assert (
        form.status_code == 200 and "Mécénat de compétences en logistique" in form.content.decode()
    )
    response = client.post(
        help_url,
        {
            "company": syn.boreal.pk,
            "offer": syn.offer.pk,
            "message": "Dès lundi",
            "idempotency_key": "k1",
        },
    )
    introduction = Introduction.objects.get()
    assert response.status_code == 302 and response["Location"] == introduction.get_absolute_url()
    assert (introduction.company, introduction.need, introduction.status) == (
        syn.boreal,
        syn.logistics,
        "proposed",
    )
    # Back on the space, the need says it was proposed instead of offering the button again.
    assert introduction.get_absolute_url() in client.get(needs_url).content.decode()


def test_the_holder_finds_the_proposal_in_its_space_and_accepts_it(client, syn):
    introduction = services.introduction_propose(
        user=syn.company, need=syn.logistics, company=syn.boreal
    )
    _login(client, syn.w.holder)
    space = client.get(reverse("accounts:dashboard")).content.decode()
    list_url = _links(space)["Mises en relation avec les entreprises"]
    assert introduction.get_absolute_url() in client.get(list_url).content.decode()
    detail = client.get(introduction.get_absolute_url()).content.decode()
    assert "Accepter la mise en relation" in detail and "Décliner" in detail
    url = reverse("synergies:introduction_transition", args=[introduction.pk])
    refused = client.post(url, {"name": "decline", "comment": ""})
    assert refused.status_code == 422 and "Indiquez le motif" in refused.content.decode()
    client.post(url, {"name": "accept"})
    assert Introduction.objects.get().status == "accepted"


def test_the_company_reports_what_its_help_produced(client, syn):
    introduction = services.introduction_propose(
        user=syn.company, need=syn.logistics, company=syn.boreal
    )
    services.introduction_transition(user=syn.w.holder, introduction=introduction, name="accept")
    url = reverse("synergies:introduction_report", args=[introduction.pk])
    assert _login(client, syn.w.holder).get(url).status_code == 403
    _login(client, syn.company)
    bad = client.post(url, {"hours": "-3", "purchases": "12.5"})
    assert bad.status_code == 422
    client.post(url, {"hours": "30", "purchases": "1500", "invested": "", "result": "Stock rangé"})
    introduction.refresh_from_db()
    assert (introduction.hours, introduction.purchases) == (30, 1500)
    assert "1 500 €" in client.get(introduction.get_absolute_url()).content.decode().replace(
        "\xa0", " "
    )


def test_a_company_publishes_an_offer_from_its_space(client, syn):
    _login(client, syn.company)
    assert (
        reverse("synergies:offer_create")
        in client.get(reverse("synergies:my_offers")).content.decode()
    )
    response = client.post(
        reverse("synergies:offer_create"),
        {
            "kind": "mentoring",
            "title": "Mentorat de dirigeants",
            "description": "Un dirigeant vous accompagne.",
            "regions": [syn.aquitaine.pk],
        },
    )
    offer = Offer.objects.get(title="Mentorat de dirigeants")
    assert response.status_code == 302 and offer.company == syn.boreal
    missing = client.post(
        reverse("synergies:offer_create"),
        {"kind": "mentoring", "title": "Sans territoire", "description": "x"},
    )
    assert missing.status_code == 422 and "toute la France" in missing.content.decode()


def test_other_people_cannot_change_an_offer_and_a_withdrawn_one_is_gone(client, syn):
    edit = reverse("synergies:offer_edit", args=[syn.offer.pk])
    status = reverse("synergies:offer_status", args=[syn.offer.pk])
    for user in (syn.other_company, syn.w.holder, syn.w.staff):
        _login(client, user)
        assert client.get(edit).status_code == 403
        assert client.post(status, {"status": "withdrawn"}).status_code == 403
    assert Offer.objects.get(pk=syn.offer.pk).status == "published"
    _login(client, syn.company)
    client.post(status, {"status": "withdrawn"})
    client.logout()
    assert client.get(syn.offer.get_absolute_url()).status_code == 404
    assert syn.offer.title not in client.get(reverse("synergies:offer_list")).content.decode()


def test_company_pages_are_for_engaged_companies(client, syn):
    for name, args in (
        ("synergies:company_space", []),
        ("synergies:my_offers", []),
        ("synergies:offer_create", []),
        ("synergies:need_help", [syn.logistics.pk]),
    ):
        _login(client, syn.w.holder)
        assert client.get(reverse(name, args=args)).status_code == 403


def test_introductions_of_others_are_not_found(client, syn, rival):
    introduction = services.introduction_propose(
        user=syn.company, need=syn.logistics, company=syn.boreal
    )
    url = introduction.get_absolute_url()
    action = reverse("synergies:introduction_transition", args=[introduction.pk])
    for user in (syn.other_company, syn.w.other_holder, rival.admin, rival.lead):
        _login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(action, {"name": "accept"}).status_code == 404
        assert (
            syn.w.supermarket.title
            not in client.get(reverse("synergies:introduction_list")).content.decode()
        )
    _login(client, syn.w.other_lead)  # another territory of the same programme
    assert client.get(url).status_code == 404
    assert Introduction.objects.get().status == "proposed"


def test_the_overview_counts_by_territory_for_the_programme_s_staff_only(client, syn, rival):
    introduction = services.introduction_propose(
        user=syn.company, need=syn.logistics, company=syn.boreal
    )
    services.introduction_transition(user=syn.w.holder, introduction=introduction, name="accept")
    _login(client, syn.w.staff)
    page = client.get(reverse("synergies:overview")).content.decode()
    assert "Région Nouvelle-Aquitaine" in page
    _login(client, rival.admin)
    assert (
        "Région Nouvelle-Aquitaine"
        not in client.get(reverse("synergies:overview")).content.decode()
    )
    for user in (syn.company, syn.w.lead):
        _login(client, user)
        assert client.get(reverse("synergies:overview")).status_code == 403


def _event(syn, **data):
    return services.event_create(
        user=syn.w.staff,
        programme=syn.w.programme,
        data={
            "title": "Échange de pratiques",
            "starts_at": timezone.now() + timedelta(days=5),
            "place": "Niort",
            "capacity": 1,
            **data,
        },
    )


def test_staff_create_an_event_territories_register_until_it_is_full(client, syn, rival):
    _login(client, syn.w.staff)
    response = client.post(
        reverse("synergies:event_create"),
        {
            "programme": syn.w.programme.pk,
            "title": "Rencontre en ligne",
            "starts_at": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "is_online": "on",
            "capacity": "1",
        },
    )
    event = Event.objects.get(title="Rencontre en ligne")
    assert response.status_code == 302
    register = reverse("synergies:event_register", args=[event.pk])
    _login(client, syn.w.lead)
    assert 'id="event-register"' in client.get(event.get_absolute_url()).content.decode()
    client.post(register)
    _login(client, syn.w.holder)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Complet" in page
    client.post(register)
    assert list(Registration.objects.values_list("user", flat=True)) == [syn.w.lead.pk]
    _login(client, rival.admin)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.post(register).status_code == 404
    assert client.post(reverse("synergies:event_attendance", args=[event.pk])).status_code == 404
    _login(client, rival.lead)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_staff_mark_attendance_on_the_event_page(client, syn):
    event = _event(syn, capacity=5)
    registration = services.event_register(user=syn.w.lead, event=event)
    _login(client, syn.w.lead)
    assert client.post(reverse("synergies:event_attendance", args=[event.pk])).status_code == 403
    _login(client, syn.w.staff)
    assert syn.w.lead.email in client.get(event.get_absolute_url()).content.decode() or (
        syn.w.lead.get_full_name() in client.get(event.get_absolute_url()).content.decode()
    )
    client.post(
        reverse("synergies:event_attendance", args=[event.pk]), {"present": [registration.pk]}
    )
    assert Registration.objects.get().attended is True


# --- Query budgets ------------------------------------------------------------------------------


def _many(syn, count=12):
    needs = [
        Need.objects.create(project=syn.w.supermarket, kind="skills", purpose=f"Logistique {i}")
        for i in range(count)
    ]
    for index, need in enumerate(needs):
        services.introduction_propose(user=syn.company, need=need, company=syn.boreal)
        services.offer_create(
            user=syn.company,
            company=syn.boreal,
            data={"kind": "mentoring", "title": f"Offre {index}", "description": "Mentorat"},
            regions=[syn.aquitaine],
        )
        services.event_register(user=syn.w.lead, event=_event(syn, title=f"Rencontre {index}"))


@pytest.mark.parametrize(
    ("who", "name", "budget"),
    [
        ("company", "synergies:company_space", 16),
        ("company", "synergies:my_offers", 10),
        ("anon", "synergies:offer_list", 10),
        ("company", "synergies:introduction_list", 12),
        ("staff", "synergies:introduction_list", 14),
        ("staff", "synergies:overview", 14),
        ("lead", "synergies:event_list", 14),
    ],
)
def test_query_budgets(client, syn, who, name, budget, django_assert_max_num_queries):
    _many(syn)
    user = {"company": syn.company, "staff": syn.w.staff, "lead": syn.w.lead}.get(who)
    if user is not None:
        _login(client, user)
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name)).status_code == 200


def test_the_company_space_reads_in_english(client, syn):
    _login(client, syn.company)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(reverse("synergies:company_space")).content.decode()
    assert "I can help" in page and "region covered: Nouvelle-Aquitaine" in page
    assert "Je peux aider" not in page
