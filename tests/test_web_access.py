"""The web page checked against WCAG 2.2 AA as a keyboard and screen reader user meets it, in headless Chromium:
contrast in light and dark mode, a focus that shows, what is announced, where the focus goes, reduced motion.
The app is test_web's (the real `python app.py` over a copy of the sample index)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_web import (  # noqa: F401 (app and browser: fixtures)
    CHROMIUM,
    CONTRAST,
    LIGHTHOUSE,
    app,
    ask,
    browser,
    choose_to_remove,
    open_page,
    upload_and_index,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (make browser installs it)"),
]


def focus_shows(page, selector: str) -> bool:
    """Whether the element at ``selector``, focused from the keyboard, looks any different from unfocused: a ring
    computed but cut off by its box (or drawn in no colour) is no ring."""
    page.keyboard.press("Shift+Tab")  # a key pressed: a focus given next is a keyboard's (:focus-visible)
    element = page.locator(selector)
    element.focus()
    assert page.evaluate("s => document.activeElement === document.querySelector(s)", selector)
    box = element.bounding_box()
    clip = {"x": max(0, box["x"] - 8), "y": max(0, box["y"] - 8), "width": box["width"] + 16,
            "height": box["height"] + 16}
    focused = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("document.activeElement.blur()")
    return focused != page.screenshot(clip=clip, animations="disabled")


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


def test_every_control_shows_the_keyboard_focus(browser, app):  # noqa: F811
    # The question box's ring was drawn outside it and cut off by its block (computed 2 px, seen nowhere); the
    # library table's cell (the table's one stop for the keyboard) and the slider of the Settings tab had none.
    context, page = open_page(browser, app)
    try:
        assert focus_shows(page, "#send")  # a control whose focus showed: the check can tell
        assert focus_shows(page, "#question textarea")
        page.locator("#tab-library-button").click()
        cell = '#articles [role=gridcell][tabindex="0"]'
        page.locator(cell).wait_for()
        assert focus_shows(page, cell)
        page.locator("#tab-settings-button").click()
        page.locator("#k input[type=range]").wait_for()
        assert focus_shows(page, "#k input[type=range]")
    finally:
        context.close()


def test_the_keyboard_opens_the_upload_box_with_enter_as_with_space(browser, app, tmp_path):  # noqa: F811
    # Tab reached "Click to upload or drop files", and Enter there did nothing (only Space opened the chooser):
    # a keyboard user could not add an article.
    article = tmp_path / "ferry.txt"
    article.write_text("Ferry strike\n\nThe ferry crews of Calais went on strike.\n", encoding="utf-8")
    context, page = open_page(browser, app)
    try:
        page.locator("#tab-library-button").click()
        zone = page.locator("#upload button.upload-container")
        # The page's load script listens for Enter; on a loaded machine the key came before it had run.
        page.wait_for_function("() => window.__newsUploadEnter === true")
        for key in ("Enter", "Space"):
            zone.focus()
            with page.expect_file_chooser(timeout=5000) as chooser:
                page.keyboard.press(key)
            assert chooser.value.is_multiple()
        chooser.value.set_files([str(article)])  # the last one chosen: shown, not indexed
        page.locator("#upload", has_text="ferry").wait_for()
    finally:
        context.close()


ANNOUNCED = "() => document.querySelector('#news-announcer[role=status][aria-live=polite]')?.textContent || ''"


def wait_announced(page, text: str) -> None:
    """Wait for the page's live region to say ``text``: the region is there from the start (one added with its
    words is not read by every screen reader), and the same node all along (marked before)."""
    page.wait_for_function(f"t => ({ANNOUNCED})().includes(t) && document.querySelector('#news-announcer').__seen",
                           arg=text)


def watch_announcer(page) -> None:
    page.wait_for_function(f"() => ({ANNOUNCED})() !== null && document.querySelector('#news-announcer')")
    page.evaluate("document.querySelector('#news-announcer').__seen = true")


def test_search_results_a_no_result_and_a_warning_are_announced_where_the_focus_stays(browser, app):  # noqa: F811
    # The Search tab's count, its "no sentence holds" and a warning's toast were drawn with nothing that a screen
    # reader reads out: a blind journalist heard nothing after Enter.
    context, page = open_page(browser, app)
    try:
        watch_announcer(page)
        page.locator("#question textarea").fill("   ")
        page.keyboard.press("Enter")
        wait_announced(page, "Type a question first")
        assert page.evaluate("document.activeElement.closest('#question') !== null")

        page.get_by_role("tab", name="Search").click()
        box = page.get_by_role("textbox", name="Words to find in the articles")
        box.fill("Kim Jong-un")
        box.press("Enter")
        wait_announced(page, "sentences in 1 article hold “Kim Jong-un”")
        assert page.evaluate("document.activeElement.closest('#search-words') !== null")
        box.fill("zzzqqq")
        box.press("Enter")
        wait_announced(page, "No sentence of the articles holds “zzzqqq”")
        assert page.evaluate("document.activeElement.closest('#search-words') !== null")
    finally:
        context.close()


def test_an_upload_report_and_a_removal_are_announced(browser, app, tmp_path):  # noqa: F811
    # The upload's report, the removal's question and its outcome were drawn silently.
    article = tmp_path / "kerbrat-lighthouse.txt"
    article.write_text(LIGHTHOUSE, encoding="utf-8")
    context, page = open_page(browser, app)
    try:
        watch_announcer(page)
        upload_and_index(page, [article], "Files indexed: 1 of 1")
        wait_announced(page, "Files indexed: 1 of 1")
        choose_to_remove(page, "Glassmaker restores")
        page.locator("#remove-button").click()
        wait_announced(page, "from the index? Answers will no longer quote it.")
        page.locator("#remove-confirm-button").click()
        wait_announced(page, "Removed Glassmaker restores the Kerbrat lighthouse lens")
    finally:
        context.close()


FOCUSED = "() => { const el = document.activeElement; return el ? [el.tagName, el.id, el.innerText] : null; }"


def test_the_keyboard_reaches_a_cited_sentence_its_article_and_comes_back(browser, app):  # noqa: F811
    # Enter on a marker showed its card and left the focus in the answer: a screen reader said nothing of the
    # passage. Enter on "open the whole article" put the focus on the article's way back, the highlighted sentence
    # an unknown number of lines below it; Safari's keyboard could not scroll the article's box.
    context, page = open_page(browser, app)
    try:
        ask(page, "What weapons were mentioned?", 0)
        link = page.locator('#chatbot a[href^="#cite-0-"]').first
        href = link.get_attribute("href")
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement?.closest('#sources .source-card.active') !== null")
        focused = page.evaluate(FOCUSED)
        assert focused[0] == "MARK" and len(focused[2]) > 20, focused  # the cited sentence, read out
        page.keyboard.press("Tab")  # the card's button comes next
        assert page.evaluate("document.activeElement.matches('#sources .source-card.active .open-article')")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement?.id === 'article-mark'")
        text = page.locator("#sources .article-text")
        assert text.get_attribute("tabindex") == "0" and text.get_attribute("role") == "region"
        assert "Corée du Nord" in text.get_attribute("aria-label")
        page.keyboard.press("Escape")
        page.wait_for_function("() => document.activeElement?.matches('#sources .open-article')")
        page.keyboard.press("Escape")  # from the sources, back to the marker in the answer
        page.wait_for_function("h => document.activeElement?.getAttribute('href') === h", arg=href)

        # the Search tab's result opens on its sentence too
        page.get_by_role("tab", name="Search").click()
        box = page.get_by_role("textbox", name="Words to find in the articles")
        box.fill("Kim Jong-un")
        box.press("Enter")
        opener = page.locator("#search-results .open-in-article").first
        opener.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement?.id === 'search-mark'")
        assert page.locator("#search-results .article-text").get_attribute("role") == "region"
        page.keyboard.press("Escape")
        page.wait_for_function("() => document.activeElement?.matches('#search-results .open-in-article')")
    finally:
        context.close()


UNDERLINED = "s => [...document.querySelectorAll(s)].map(m => getComputedStyle(m).textDecorationLine)"


def test_highlighted_sentences_are_not_told_by_their_colour_alone(browser, app):  # noqa: F811
    # The cited sentence (in its card, in its article) and the words a search found were told from the text around
    # them by a pale yellow background alone (1.2:1 against white): lost to a reader who does not see the colour.
    context, page = open_page(browser, app)
    try:
        ask(page, "What weapons were mentioned?", 0)
        assert set(page.evaluate(UNDERLINED, "#sources mark")) == {"underline"}
        page.locator("#sources .open-article").first.click()
        page.wait_for_selector("#article-mark")
        assert page.evaluate(UNDERLINED, "#article-mark") == ["underline"]
        page.get_by_role("tab", name="Search").click()
        box = page.get_by_role("textbox", name="Words to find in the articles")
        box.fill("Kim Jong-un")
        box.press("Enter")
        page.locator("#search-results .search-mention mark").first.wait_for()
        assert set(page.evaluate(UNDERLINED, "#search-results mark")) == {"underline"}
    finally:
        context.close()


RECORD_SCROLLS = """
window.__scrolls = [];
const scrollIntoView = Element.prototype.scrollIntoView;
Element.prototype.scrollIntoView = function (options) {
  window.__scrolls.push(typeof options === 'object' && options ? options.behavior || 'auto' : 'auto');
  return scrollIntoView.call(this, options);
};
"""


def test_a_reader_who_asks_for_less_motion_gets_no_smooth_scroll_or_transition(browser, app):  # noqa: F811
    # A marker clicked scrolled the sources smoothly to its card, and the card's highlight faded in, whatever the
    # system's "reduce motion" said (WCAG 2.3.3).
    context, page = open_page(browser, app, reduced_motion="reduce")
    try:
        page.add_init_script(RECORD_SCROLLS)
        page.reload()
        page.wait_for_selector("#question textarea")
        ask(page, "What weapons were mentioned?", 0)
        page.locator('#chatbot a[href^="#cite-0-"]').first.click()
        page.wait_for_selector("#sources .source-card.active")
        page.locator("#sources .source-card.active .open-article").click()
        page.wait_for_selector("#article-mark")
        page.wait_for_function("() => window.__scrolls.length >= 2")  # the card, then the sentence: brought in view
        assert "smooth" not in page.evaluate("window.__scrolls"), page.evaluate("window.__scrolls")
        page.locator("#sources .back-to-sources").click()
        page.wait_for_selector("#sources .source-card.active")
        duration = "getComputedStyle(document.querySelector('#sources .source-card')).transitionDuration"
        assert {float(d.rstrip("s")) for d in page.evaluate(duration).split(",")} == {0.0}
    finally:
        context.close()


def heading_levels(page) -> list[int]:
    return [int(level) for level in re.findall(r"heading .*\[level=(\d)\]", page.locator("body").aria_snapshot())]


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_the_headings_go_down_one_level_at_a_time(browser, app, locale):  # noqa: F811
    # The page's title is a level 1 heading, and the start screen's, the sources' and the entities' were level 3:
    # a screen reader's list of headings skipped level 2 (WCAG 1.3.1), in English and in French.
    context, page = open_page(browser, app, locale=locale)
    try:
        page.wait_for_function("l => document.documentElement.lang === l", arg=locale[:2])
        levels = heading_levels(page)
        assert levels[0] == 1 and len(levels) >= 4, levels
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    finally:
        context.close()


def test_each_open_button_says_which_passage_it_opens(browser, app):  # noqa: F811
    # Every source card's button is "Open the whole article", every search result's "Open in the article": a screen
    # reader's list of buttons told them apart by nothing. Each is described by its card, or its sentence.
    context, page = open_page(browser, app)
    try:
        ask(page, "What weapons were mentioned?", 0)
        cards = page.locator("#sources .source-card")
        assert cards.count() >= 2
        for card in cards.all():
            head = " ".join(card.locator("header").inner_text().split())
            expect(card.locator(".open-article")).to_have_accessible_description(head)
        page.get_by_role("tab", name="Search").click()
        box = page.get_by_role("textbox", name="Words to find in the articles")
        box.fill("Kim Jong-un")
        box.press("Enter")
        mention = page.locator("#search-results .search-mention").nth(1)
        mention.wait_for()
        sentence = mention.locator("[id^=mention-]").inner_text()
        expect(mention.get_by_role("button")).to_have_accessible_description(sentence)
    finally:
        context.close()


BORDER_CONTRAST = """selector => {
  const el = document.querySelector(selector);
  const rgba = (c) => c.match(/[\\d.]+/g).map(Number);
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (v) => 0.2126 * f(v[0]) + 0.7152 * f(v[1]) + 0.0722 * f(v[2]);
  const style = getComputedStyle(el);
  if (parseFloat(style.borderTopWidth) < 1 || style.borderTopStyle === 'none') return 0;
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let node = el.parentElement, around = [255, 255, 255];
  for (; node && node.nodeType === 1; node = node.parentElement) {
    const v = rgba(getComputedStyle(node).backgroundColor);
    if (v.length < 4 || v[3] > 0) { around = v; break; }
  }
  const border = rgba(style.borderTopColor);
  // the edge that shows where the field is: its border against the field and against what is around it
  return Math.min(ratio(border, rgba(style.backgroundColor)), ratio(border, around));
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_text_fields_have_an_edge_that_shows(browser, app, scheme):  # noqa: F811
    # The question box and the other text fields were white on white with no border in light mode (a faint shadow
    # alone), slate 700 on slate 800 in dark mode (1.5:1): where to type was found by its placeholder (WCAG 1.4.11
    # asks 3:1 for what identifies a control).
    context, page = open_page(browser, app, color_scheme=scheme)
    try:
        for selector in ("#question textarea", "#entity-since textarea", "#entity-filter input"):
            ratio = page.evaluate(BORDER_CONTRAST, selector)
            assert ratio >= 3, (scheme, selector, ratio)
        page.locator("#tab-library-button").click()
        page.locator("#library-search input").wait_for()
        for selector in ("#library-search input", "#library-order .wrap:has(> .wrap-inner)"):
            ratio = page.evaluate(BORDER_CONTRAST, selector)
            assert ratio >= 3, (scheme, selector, ratio)
    finally:
        context.close()


def test_a_passage_says_the_language_of_its_article(browser, app):  # noqa: F811
    # The sample article is French: on an English page its passages, its whole text and the search's sentences were
    # marked English (the page's language alone), so a screen reader read French with English rules (WCAG 3.1.2).
    context, page = open_page(browser, app)
    try:
        ask(page, "What weapons were mentioned?", 0)
        assert set(page.locator("#sources .source-card").evaluate_all("cards => cards.map(c => c.lang)")) == {"fr"}
        page.locator("#sources .open-article").first.click()
        page.wait_for_selector("#article-mark")
        assert page.locator("#sources .article-text").get_attribute("lang") == "fr"
        assert page.evaluate("document.documentElement.lang") == "en"
        page.get_by_role("tab", name="Search").click()
        box = page.get_by_role("textbox", name="Words to find in the articles")
        box.fill("Kim Jong-un")
        box.press("Enter")
        page.locator("#search-results .search-mention").first.wait_for()
        assert set(page.locator("#search-results .search-mention").evaluate_all("ms => ms.map(m => m.lang)")) == {"fr"}
        page.locator("#search-results .open-in-article").first.click()
        page.wait_for_selector("#search-mark")
        assert page.locator("#search-results .article-text").get_attribute("lang") == "fr"
    finally:
        context.close()
