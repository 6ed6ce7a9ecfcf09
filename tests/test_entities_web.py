"""The entities panel in a real page, driven by headless Chromium: clicking a name shows its mentions and
filters the chat; a date range the sample is not in makes the chat refuse."""

from __future__ import annotations

import shutil
import socket

import gradio as gr
import pytest

from assistant.web.entities import build_entities_panel, mentions_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def test_mentions_html_highlights_each_mention(sample_assistant):
    boudanov = next(e for e in sample_assistant.entities() if e.key == "kyrylo boudanov")
    rendered = mentions_html(boudanov)
    assert "<mark>Kyrylo Boudanov</mark>" in rendered and "data-start='693' data-end='708'" in rendered
    # counted in words, and no character offsets beside the title ("[693:708]" meant nothing to a reader)
    assert "1 mention in 1 article" in rendered and "[693:708]" not in rendered, rendered
    assert "1 mention dans 1 article" in mentions_html(boudanov, "fr")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def page_url(sample_assistant):
    with gr.Blocks() as demo:
        with gr.Row():
            with gr.Column():
                question = gr.Textbox(label="Question", elem_id="question")
                ask = gr.Button("Ask", elem_id="ask")
                answer = gr.Markdown(elem_id="answer")
            with gr.Column():
                panel = build_entities_panel(sample_assistant)

        def respond(text: str, filters: dict):
            return sample_assistant.ask(text, filters=filters or None).text

        ask.click(respond, [question, panel.filters], [answer])
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_clicking_an_entity_filters_the_chat_and_shows_its_mentions(page_url, sample_assistant):
    sample_doc_id = sample_assistant.articles()[0].doc_id
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page()
            page.goto(page_url)
            people = page.locator("#entities-person")
            people.get_by_text("Kyrylo Boudanov (1)").click()
            page.locator("#entity-mentions mark", has_text="Kyrylo Boudanov").wait_for(timeout=30000)
            assert "[693:708]" not in page.locator("#entity-mentions").inner_text()
            status = page.locator("#entity-filter-status")
            page.wait_for_function("document.querySelector('#entity-filter-status').innerText.includes('Boudanov')")
            assert "Kyrylo Boudanov" in status.inner_text()

            page.locator("#question textarea").fill("Quelles armes ont été mentionnées ?")
            page.locator("#ask").click()
            page.wait_for_function("document.querySelector('#answer').innerText.includes('Grad')", timeout=60000)

            page.locator("#entity-since textarea, #entity-since input").first.fill("2030")
            page.locator("#entity-apply-dates").click()
            page.wait_for_function("document.querySelector('#entity-filter-status').innerText.includes('2030')")
            page.locator("#ask").click()
            page.wait_for_function(  # the refusal names the filters that left nothing
                "document.querySelector('#answer').innerText.includes('ne correspond aux filtres')", timeout=60000)

            page.locator("#entity-clear").click()
            page.wait_for_function("document.querySelector('#entity-filter-status').innerText.includes('all')")

            # A date filters to the articles that mention it, named by their titles, not their ids.
            page.get_by_text("Dates (", exact=False).first.click()  # the group starts closed
            page.locator("#entities-date").get_by_text("2019 (1)").click()
            page.wait_for_function("document.querySelector('#entity-filter-status').innerText.includes('Corée')")
            assert sample_doc_id not in status.inner_text()
            page.locator("#entity-since textarea, #entity-since input").first.fill("2024-13")
            page.locator("#entity-apply-dates").click()
            page.get_by_text("Not a date: “2024-13” (write YYYY, YYYY-MM or YYYY-MM-DD).").wait_for(timeout=30000)
        finally:
            browser.close()


def test_the_groups_are_listed_again_only_once_the_index_has_changed(writable_index, tmp_path):
    # Each key typed in the panel's filter box, and each switch of the page's language, listed every group
    # again from the entity index: about 2 s at 2,500 articles.
    from assistant import Assistant
    from assistant.entities import PERSON
    from assistant.web.entities import listed

    news = Assistant(writable_index)
    reads = []
    entities = news.entity_index.entities
    news.entity_index.entities = lambda *args, **kwargs: reads.append(kwargs) or entities(*args, **kwargs)
    first = listed(news, PERSON)
    assert listed(news, PERSON) is first and len(reads) == 1
    other = tmp_path / "port.txt"
    other.write_text("Brest\n\nLa ministre Amélie Durandeau a inauguré le port de Brest lundi.", encoding="utf-8")
    assert news.index([other]).added
    again = listed(news, PERSON)
    assert len(reads) == 2 and "amelie durandeau" in {e.key for e in again} - {e.key for e in first}
