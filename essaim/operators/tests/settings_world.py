"""The world of the settings pages' tests: a programme started from the French Impact template,
its admin, files written to a temporary media directory; helpers to post forms and files.
Test modules take the fixtures by assignment (``programme = settings_world.programme``)."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.operators import programme_file
from essaim.operators.services import programme_start
from essaim.testing import superuser

TEMPLATE = programme_file.TEMPLATES_DIR / "french-impact.yaml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def programme():
    root = superuser()
    return programme_start(user=root, template="french-impact", slug="neuf", name="Neuf").programme


@pytest.fixture
def admin(programme):
    return MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


def url(name: str, programme, *args) -> str:
    return reverse(f"operators:{name}", args=[programme.slug, *args])


def settings_data(programme, **changes) -> dict:
    data = {
        "name": programme.name,
        "short_name": programme.short_name,
        "label_name": programme.label_name,
        "description": programme.description,
        "home_text": programme.home_text,
        "website": programme.website,
        "contact_email": programme.contact_email,
        "single_window_email": programme.single_window_email,
        "label_validity_years": programme.label_validity_years,
    }
    data.update(changes)
    return data


def png(size=(40, 20), kind="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 0, 145)).save(buffer, kind)
    name = "logo.png" if kind == "PNG" else "logo.jpg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


def yaml_upload(text: str, name="configuration.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/yaml")


def page(response) -> str:
    """The page's text, entities decoded and white space collapsed."""
    return " ".join(html.unescape(response.content.decode()).split())
