"""The projects' directory is cached for anonymous readers only (essaim.core.cache): a private
project is never in what anonymous readers are served, its holder sees it, and a project made
private through the service leaves the cached page at once."""

import pytest
from django.test import Client

from essaim.projects import services

pytestmark = pytest.mark.django_db

NAME = "Supermarché coopératif"


def test_private_project_never_served_to_anonymous(world, django_assert_num_queries):
    world.supermarket.is_published = False
    world.supermarket.save()
    holder = Client()
    holder.force_login(world.holder)
    # The holder's page (with their private project) is rendered first: never cached.
    assert NAME in holder.get("/projets/").text
    anonymous = Client()
    assert NAME not in anonymous.get("/projets/").text
    with django_assert_num_queries(0):  # cached for anonymous readers
        assert NAME not in anonymous.get("/projets/").text
    assert NAME in holder.get("/projets/").text  # and the holder still sees it


def test_project_unpublished_through_the_service_leaves_at_once(world):
    anonymous = Client()
    assert NAME in anonymous.get("/projets/").text  # now cached
    services.project_update(
        user=world.holder, project=world.supermarket, data={"is_published": False}
    )
    assert NAME not in anonymous.get("/projets/").text
