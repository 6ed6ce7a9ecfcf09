"""Settings refused when they are read, with messages that name the setting, its value and the rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.settings import Settings

BAD_URLS = ["not a url", "127.0.0.1:8080", "http://127.0.0.1:99999/v1", "ftp://x/v1", "http://:80"]


@pytest.mark.parametrize("field", ["llm_base_url", "chroma_url"])
@pytest.mark.parametrize("value", BAD_URLS)
def test_server_urls_are_checked_when_read(field, value, monkeypatch):
    with pytest.raises(ValidationError) as caught:
        Settings(**{field: value})
    assert field in str(caught.value) and repr(value) in str(caught.value)
    monkeypatch.setenv(f"ASSISTANT_{field.upper()}", value)
    with pytest.raises(ValidationError, match=field):
        Settings()


@pytest.mark.parametrize("value", ["http://127.0.0.1:8080/v1", "https://api.openai.com/v1", "http://bob:pw@host/v1",
                                   "http://[::1]:8000"])
def test_server_urls_that_are_urls_pass(value):
    assert Settings(llm_base_url=value, chroma_url=value).chroma_url == value
    assert Settings(chroma_url="").chroma_url is None
