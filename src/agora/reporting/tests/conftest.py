"""The reporting app until the lead adds it to INSTALLED_APPS (its templates are found through the app)."""

import pytest


@pytest.fixture(autouse=True)
def reporting_installed(settings):
    if "agora.reporting" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "agora.reporting"]
