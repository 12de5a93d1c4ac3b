"""What the news tests share: two programmes with their staff, posts, images made in memory."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from essaim.portal.news_services import news_create, news_publish
from essaim.testing import other_programme


def png(size=(40, 30), name="photo.png", kind="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def post(team, *, title="Une actualité", day=datetime.date(2019, 2, 28), publish=True, **kw):
    """A post of ``team``'s programme by its admin, published on ``day`` unless told not to."""
    fields = {"summary": "En bref.", "body": "Le **texte**."} | kw
    created = news_create(
        user=team.admin, programme=team.programme, title=title, published_at=day, **fields
    )
    return news_publish(user=team.admin, post=created) if publish else created


@pytest.fixture
def ours(db):
    return other_programme("Programme national")


@pytest.fixture
def theirs(db):
    return other_programme("Programme voisin")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
