"""The logo printed on every PDF (invoices, reminders, orders, RFQs) comes from one helper."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agora.core.exports import logo_uri
from agora.core.services import organisation_logo_set

from .builders import make_organisation

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_no_logo_gives_none():
    assert logo_uri(make_organisation(slug="sans-logo")) is None


def test_a_stored_logo_gives_a_file_uri_weasyprint_can_read():
    organisation = make_organisation(slug="avec-logo")
    organisation_logo_set(actor=None, organisation=organisation,
                          upload=SimpleUploadedFile("logo.png", _png(), content_type="image/png"))
    uri = logo_uri(organisation)
    assert uri.startswith("file://") and uri.endswith(".png")
    with open(uri.removeprefix("file://"), "rb") as stored:
        assert stored.read() == _png()
