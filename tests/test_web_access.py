"""The web page checked against WCAG 2.2 AA as a keyboard and screen reader user meets it, in headless Chromium:
contrast in light and dark mode, a focus that shows, what is announced, where the focus goes, reduced motion.
The app is test_web's (the real `python app.py` over a copy of the sample index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_web import CHROMIUM, CONTRAST, app, ask, browser, open_page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (make browser installs it)"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_buttons_and_citation_markers_are_readable_in_light_and_dark_mode(browser, app, scheme):  # noqa: F811
    # Dark mode kept the chat's markers indigo 700 on slate 700 (1.31:1): Gradio prefixes a custom rule's selectors
    # with its container and put that prefix inside the second selector of ".dark .marker, .dark #chatbot a", so it
    # never matched. The primary buttons (Send, Index the files, Search) were white on indigo 500, 4.47:1.
    context, page = open_page(browser, app, color_scheme=scheme)
    try:
        ask(page, "What weapons were mentioned?", 0)
        page.locator("#tab-library-button").click()  # a tab's controls are drawn once it is opened
        page.locator("#index-button").wait_for()
        page.get_by_role("tab", name="Search").click()
        page.locator("#search-button").wait_for()
        for selector in ('#chatbot a[href^="#cite-"]', "#send", "#index-button", "#search-button", "#sources mark",
                         "#sources .source-card .marker"):
            ratio = page.evaluate(CONTRAST, selector)
            assert ratio is not None and ratio >= 4.5, (scheme, selector, ratio)
    finally:
        context.close()
