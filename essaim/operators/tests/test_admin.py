"""The Django admin, last resort for the platform's operators: every model of every Essaim app
is registered, each list and add page answers for a superuser, an object that keeps a history
shows it in words, and nobody else — not even a programme admin with ``is_staff`` — gets in."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.calls.history import CallAction
from essaim.calls.tests.factories import CallFactory, ProgrammeFactory
from essaim.core.services import history_record

pytestmark = pytest.mark.django_db

ESSAIM_MODELS = [
    model
    for config in apps.get_app_configs()
    if config.name.startswith("essaim.")
    for model in config.get_models()
]


def test_every_essaim_model_is_registered():
    assert [m for m in ESSAIM_MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize(
    "model", ESSAIM_MODELS, ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_each_model_list_answers_for_a_superuser(client, model):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_an_object_page_shows_its_history_in_words(client):
    root = UserFactory(is_superuser=True, is_staff=True)
    call = CallFactory()
    history_record(obj=call, user=root, action=CallAction.UPDATE, comment="dates revues")
    client.force_login(root)
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    assert "historique" in page.lower()
    assert "appel modifié" in page and "dates revues" in page


def test_programme_staff_do_not_get_in_even_with_staff_status(client):
    admin_user = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=ProgrammeFactory()).user
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:calls_call_changelist"))
    assert response.status_code == 302
    assert "/admin/" not in response["Location"].split("?")[0] or "login" in response["Location"]
