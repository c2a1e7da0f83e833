import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Photos written by a test land in its own folder, so tests can count what was left on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
