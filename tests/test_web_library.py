"""The web page over a newsroom-sized library, driven in headless Chromium: the library tab and the entities
panel send the browser the first names only (every article's row and removal choice went to each page, 600 kB
at 2,500 articles), and their search boxes find the others."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from corpus import newsroom_library
from servers import free_port
from test_web import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LIGHTHOUSE,
    PASSWORD,
    RECORD_STREAMS,
    USER,
    open_page,
    upload_and_index,
    wait_text,
)

from assistant import Assistant
from assistant.entities import PERSON
from assistant.lexical import fold
from assistant.web import start
from assistant.web.entities import ENTITY_PAGE, listed
from assistant.web.library import LIBRARY_PAGE

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (make browser installs it)"),
]

ARTICLES = 300  # beside the one below: a few hundred, quick to index with MiniLM
COREE = """La Corée du Nord renforce sa frontière avec la Russie

Pyongyang a annoncé lundi de nouveaux postes de garde le long du fleuve Tumen, a dit Kim Jong-un.
"""


@pytest.fixture(scope="module")
def library_app(tmp_path_factory):
    """The app as ``serve`` starts it, in this process, over ARTICLES + 1 articles: the French one indexed first,
    so that the newest, listed first, are the others."""
    base = tmp_path_factory.mktemp("library")
    coree = base / "first" / "coree-du-nord.txt"
    coree.parent.mkdir()
    coree.write_text(COREE, encoding="utf-8")
    port = free_port()
    assistant = Assistant(base / "index", embedding_model="all-MiniLM-L6-v2", data_dir=base / "data",
                          host="127.0.0.1", port=port, auth_user=USER, auth_password=PASSWORD)
    assert assistant.index([coree]).added == [str(coree)]
    assert len(assistant.index(newsroom_library(base / "news", ARTICLES)).added) == ARTICLES
    demo = start(assistant)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", assistant=assistant, data=base / "data")
    demo.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def search_box(page, selector: str):
    return page.locator(f"{selector} textarea, {selector} input").first


def test_the_library_sends_the_latest_articles_and_its_search_finds_and_removes_another(browser, library_app):
    context, page = open_page(browser, library_app)
    try:
        # the oldest article is neither in the page as built nor in what its load sends
        assert "coree-du-nord.txt" not in context.request.get(library_app.url + "config").text()
        context.add_init_script(RECORD_STREAMS)
        page.reload()
        page.wait_for_selector("#question textarea")
        page.locator("#tab-library-button").click()
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of {ARTICLES + 1} articles shown")
        # the newest; the note can be drawn before the recorder has read the rest of the stream (seen once, loaded)
        page.wait_for_function(f"window.__sent.join('').includes('story-{ARTICLES - 1:05d}.txt')", timeout=30_000)
        sent = "".join(page.evaluate("window.__sent"))
        assert "coree-du-nord.txt" not in sent and "story-00000.txt" not in sent
        page.locator("#remove-choice input").click()
        assert page.locator("[role=option]").count() == LIBRARY_PAGE
        page.keyboard.press("Escape")

        # found by its title without its accent, and removed from the search's result
        search_box(page, "#library-search").fill("coree")
        wait_text(page, "#articles", "La Corée du Nord renforce")
        page.wait_for_function("!document.querySelector('#articles').innerText.includes('story number')")
        assert page.locator("#library-note").inner_text().strip() == ""
        page.locator("#remove-choice input").click()
        page.locator("[role=option]", has_text="La Corée du Nord renforce").click()
        page.locator("#remove-button").click()
        wait_text(page, "#remove-confirm", "La Corée du Nord renforce sa frontière")
        page.locator("#remove-confirm-button").click()
        wait_text(page, "#remove-report", "Removed")
        wait_text(page, "#library-note", "No article matches “coree”")
        assert not any(a.title.startswith("La Corée") for a in library_app.assistant.articles())
        # the search emptied: the latest again
        search_box(page, "#library-search").fill("")
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of {ARTICLES} articles shown")
    finally:
        context.close()


def test_an_article_uploaded_during_a_search_is_listed(browser, library_app, tmp_path):
    # The search stayed as typed after an upload: the new article, not matching it, was nowhere in the table.
    article = tmp_path / "kerbrat-lighthouse.txt"
    article.write_text(LIGHTHOUSE, encoding="utf-8")
    context, page = open_page(browser, library_app)
    try:
        page.locator("#tab-library-button").click()
        search_box(page, "#library-search").fill("story-00007")
        page.wait_for_function("!document.querySelector('#articles').innerText.includes('story number 8')")
        upload_and_index(page, [article], "Files indexed: 1 of 1")
        wait_text(page, "#articles", "Glassmaker restores the Kerbrat lighthouse lens")
        assert search_box(page, "#library-search").input_value() == ""
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of ")
    finally:
        context.close()
        library_app.assistant.remove(str(library_app.data / "uploads" / article.name), wait=True)


def test_the_entities_panel_lists_the_most_mentioned_names_and_its_filter_finds_the_others(browser, library_app):
    people = listed(library_app.assistant, PERSON)
    assert len(people) > ENTITY_PAGE
    hidden = people[-1].label  # the least mentioned: not listed at first
    context, page = open_page(browser, library_app)
    try:
        wait_text(page, "#entities-person-more", f"{ENTITY_PAGE} of {len(people)} shown")
        group = page.locator("#entities-person")
        assert group.locator("input[type=radio]").count() == ENTITY_PAGE
        assert hidden not in group.inner_text()
        search_box(page, "#entity-filter").fill(fold(hidden).upper())  # without accents, in capitals
        wait_text(page, "#entities-person", hidden)
        group.locator("label", has_text=hidden).click()
        wait_text(page, "#entity-filter-status", hidden)
        search_box(page, "#entity-filter").fill("no such name anywhere")
        wait_text(page, "#entities-person-more", "No name matches “no such name anywhere”")
        assert group.locator("input[type=radio]").count() == 0
    finally:
        context.close()


def test_show_more_lists_the_next_articles_until_all_are_shown(browser, library_app):
    # Past the 50 latest, a search was the only way to an article: an archive could not be browsed.
    total = len(library_app.assistant.articles())
    context, page = open_page(browser, library_app)
    try:
        page.locator("#tab-library-button").click()
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of {total} articles shown")
        page.locator("#library-more").click()
        wait_text(page, "#library-note", f"{2 * LIBRARY_PAGE} of {total} articles shown")
        page.locator("#remove-choice input").click()
        assert page.locator("[role=option]").count() == 2 * LIBRARY_PAGE
        page.keyboard.press("Escape")
        # a new search starts from its latest page, and the button goes once all it finds are shown
        search_box(page, "#library-search").fill("story-002")  # story-00200 to story-00299
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of 100 articles shown")
        page.locator("#library-more").click()
        page.wait_for_function("document.querySelector('#library-note').innerText.trim() === ''")
        page.locator("#library-more").wait_for(state="hidden")
        page.locator("#remove-choice input").click()
        assert page.locator("[role=option]").count() == 100
        page.keyboard.press("Escape")
        # switching the language keeps the rows shown
        page.locator("#lang-toggle label", has_text="Français").click()
        wait_text(page, "#library-search", "Chercher")
        page.locator("#remove-choice input").click()
        assert page.locator("[role=option]").count() == 100
    finally:
        context.close()


def first_titles(page, count: int) -> list[str]:
    """The titles of the table's first rows (it draws the rows in view only)."""
    cells = page.locator("#articles .virtual-row .body-cell:first-child")
    return [cells.nth(i).inner_text().strip() for i in range(count)]


FIRST_TITLE = "t => document.querySelector('#articles .virtual-row .body-cell')?.innerText.trim() === t"


def test_the_library_is_listed_in_the_order_chosen_and_keeps_it(browser, library_app):
    # Only the newest indexed came first: an archive could not be read by title or by file.
    articles = library_app.assistant.articles()
    by_title = sorted((a.title for a in articles), key=fold)
    newest = [a.title for a in sorted(articles, key=lambda a: a.indexed_at, reverse=True)]
    context, page = open_page(browser, library_app)
    try:
        page.locator("#tab-library-button").click()
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of {len(articles)} articles shown")
        page.wait_for_function(FIRST_TITLE, arg=newest[0])
        page.locator("#library-order input").click()
        page.locator("[role=option]", has_text="Title (A–Z)").click()
        page.wait_for_function(FIRST_TITLE, arg=by_title[0])
        assert first_titles(page, 5) == by_title[:5]
        page.locator("#library-more").click()  # the next page, in the same order
        wait_text(page, "#library-note", f"{2 * LIBRARY_PAGE} of {len(articles)} articles shown")
        assert first_titles(page, 5) == by_title[:5]
        # a search lists what it finds in that order too
        search_box(page, "#library-search").fill("dinan")
        found = [t for t in by_title if "Dinan" in t]
        page.wait_for_function(FIRST_TITLE, arg=found[0])
        assert first_titles(page, 5) == found[:5]
        # the order outlives a switch of language, relabelled
        page.locator("#lang-toggle label", has_text="Français").click()
        wait_text(page, "#library-order", "Trier par")
        page.locator("#library-order input").click()
        assert page.locator("[role=option]", has_text="Titre (A–Z)").count() == 1
        page.keyboard.press("Escape")
        assert first_titles(page, 5) == found[:5]
    finally:
        context.close()


def test_the_keyboard_focus_stays_in_the_library_when_show_more_shows_the_last_page(browser, library_app):
    # Enter on "Show more" for the last page hid the button with the focus on it: the focus fell to the page's start,
    # and a keyboard or screen reader user was sent back above the title, the table out of reach.
    context, page = open_page(browser, library_app)
    try:
        page.locator("#tab-library-button").click()
        search_box(page, "#library-search").fill("story-002")  # story-00200 to story-00299: two pages
        wait_text(page, "#library-note", f"{LIBRARY_PAGE} of 100 articles shown")
        page.locator("#library-more").focus()
        page.keyboard.press("Enter")
        page.locator("#library-more").wait_for(state="hidden")
        page.wait_for_function("() => document.activeElement?.closest('#articles') !== null")
    finally:
        context.close()
