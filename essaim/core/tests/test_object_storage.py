"""Files on S3-compatible object storage (django-storages, against moto's in-process S3): the
views that serve attachments and certificates read them through the storage, keep their
permission checks, and nothing touches the local media directory."""

import boto3
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from moto import mock_aws

from essaim.calls.models import WaveStatus
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    labelled,
    programme_admin,
)
from essaim.regulatory.tests.factories import holder, ticket
from essaim.testing import close_response

pytestmark = pytest.mark.django_db

BUCKET = "essaim-test"


@pytest.fixture
def bucket(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "location": "essaim",
                    "file_overwrite": False,
                },
            },
        }
        yield s3


def keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_ticket_attachment_is_stored_in_the_bucket_and_served_to_its_author_only(
    bucket, client, settings
):
    author, other = holder(), holder()
    content = b"%PDF-1.4 etiquetage\n"
    opened = ticket(user=author, attachments=[ContentFile(content, name="etiquetage.pdf")])
    attachment = opened.attachments.get()
    assert keys(bucket) == [f"essaim/{attachment.file.name}"]
    url = reverse("regulatory:attachment_download", args=[opened.pk, attachment.pk])
    client.force_login(author)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    close_response(response)
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert not settings.MEDIA_ROOT.exists()


def test_certificate_is_made_once_into_the_bucket(bucket, client, settings):
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    label = labelled(ApplicationFactory(proposed=True, wave=wave), programme_admin(wave.programme))
    url = reverse("labels:certificate", args=[label.pk])
    first = b"".join(client.get(url).streaming_content)
    assert first.startswith(b"%PDF")
    stored = keys(bucket)
    assert len(stored) == 1 and stored[0].startswith("essaim/labels/certificates/")
    assert bucket.get_object(Bucket=BUCKET, Key=stored[0])["Body"].read() == first
    assert b"".join(client.get(url).streaming_content) == first
    assert keys(bucket) == stored
    assert not settings.MEDIA_ROOT.exists()
