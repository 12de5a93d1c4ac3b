import pytest
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.navigation import ROLE_SHORTCUTS, role_shortcuts

pytestmark = pytest.mark.django_db


def test_header_links_the_public_sections(client):
    content = client.get(reverse("portal:home")).content.decode()
    for name in ("territories:list", "projects:directory", "regulatory:home"):
        assert f'href="{reverse(name)}"' in content


def test_the_current_section_is_marked(client):
    content = client.get(reverse("actors:directory")).content.decode()
    directory_link = content.split(f'href="{reverse("actors:directory")}"', 1)[1][:40]
    assert 'aria-current="page"' in directory_link


def test_home_is_current_only_on_the_portal_home(client):
    """Other apps name a view "home" too (the single window's): only the portal's marks Home."""
    on_home = client.get(reverse("portal:home")).content.decode()
    on_single_window = client.get(reverse("regulatory:home")).content.decode()
    marked = 'aria-current="page">Accueil'
    assert marked in on_home
    assert marked not in on_single_window


def test_every_role_has_shortcuts_that_resolve():
    for role in Role:
        shortcuts = role_shortcuts([role])
        assert len(shortcuts) == len(ROLE_SHORTCUTS[role]), role


def test_shortcuts_of_several_roles_are_not_repeated():
    shortcuts = role_shortcuts([Role.PROGRAMME_ADMIN, Role.INSTRUCTOR])
    urls = [item["url"] for item in shortcuts]
    assert len(urls) == len(set(urls))
    assert reverse("reviews:queue") in urls


def test_a_shortcut_to_a_page_not_built_is_left_out(monkeypatch):
    monkeypatch.setitem(ROLE_SHORTCUTS, Role.EXPERT, [("Nulle part", "nowhere:page")])
    assert role_shortcuts([Role.EXPERT]) == []


def test_user_shortcuts_follow_the_roles_held():
    from essaim.accounts.navigation import user_shortcuts
    from essaim.testing import other_programme

    staff = other_programme()
    urls = {item["url"] for item in user_shortcuts(staff.instructor)}
    assert reverse("reviews:queue") in urls
    assert reverse("calls:list") not in urls  # the admin's entry
    assert reverse("regulatory:queue") not in urls


def test_superuser_gets_the_staff_shortcuts_but_not_an_experts_or_a_territorys():
    from essaim.accounts.navigation import user_shortcuts
    from essaim.testing import superuser

    urls = {item["url"] for item in user_shortcuts(superuser())}
    assert {reverse("calls:list"), reverse("reviews:queue"), reverse("regulatory:queue")} <= urls
    assert reverse("reviews:my_requests") not in urls
    assert reverse("applications:mine") not in urls
