"""The web app's parts without a browser: safe uploads, rendering with highlights, languages, launch settings."""

from __future__ import annotations

import html as html_lib
import os
import re
import string
from pathlib import Path

import gradio as gr
import pytest
from conftest import SAMPLE, article_text
from corpus import small_disk

from assistant import Assistant, Settings
from assistant.reasons import ENGLISH, Reason
from assistant.types import Answer, Citation
from assistant.web import UI, Panel, build_app, launch_options
from assistant.web.answerers import AnswererPool
from assistant.web.i18n import STRINGS, add_strings, browser_language
from assistant.web.library import UploadStore, report_markdown, safe_name
from assistant.web.render import answer_markdown, article_html, parse_cite_href, sources_html


@pytest.mark.parametrize(("given", "expected"), [
    ("article.txt", "article.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("/abs/path/Report 2024 (final).PDF", "Report-2024-final.pdf"),
    (".hidden.html", "hidden.html"),
    ("..", "article"),
    ("élection présidentielle.txt", "élection-présidentielle.txt"),
    ("a;rm -rf ~.txt", "a-rm-rf.txt"),
])
def test_safe_name_keeps_no_folder_and_no_odd_character(given, expected):
    assert safe_name(given) == expected


def test_an_upload_is_named_as_its_file_not_as_the_browser_encoded_it(tmp_path):
    # Chromium sends 'Breaking <news> & "quotes".html' as 'Breaking <news> & %22quotes%22.html'.
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    temp = tmp_path / "browser" / 'Breaking <news> & %22quotes%22.html'
    temp.parent.mkdir()
    temp.write_text("<p>Un article.</p>", encoding="utf-8")
    saved = store.save_all([temp], "en")[0]
    assert saved.name == 'Breaking <news> & "quotes".html'
    assert saved.stored == tmp_path / "uploads" / "Breaking-news-quotes.html"


def test_a_long_question_is_shortened_over_its_sources():
    question = "Quelles armes ont été mentionnées " + "et par qui exactement " * 100 + "?"
    rendered = sources_html(Answer(text="…", question=question, answered=False), 0, "fr")
    head = rendered.split('<div class="sources-head">')[1].split("</div>")[0]
    shown = head.split('">', 1)[1]
    assert len(shown) < 200 and shown.endswith(" …</q>") and shown.startswith("Quelles armes")
    assert f'title="{question}"' in head  # the whole question on hover


def test_upload_store_never_overwrites_and_reuses_identical_files(tmp_path):
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    first, second, same = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    first.write_text("first article", encoding="utf-8")
    second.write_text("another article", encoding="utf-8")
    same.write_text("first article", encoding="utf-8")

    saved = store.save(first, "../news.txt", "en")
    assert saved.stored == tmp_path / "uploads" / "news.txt" and not saved.renamed
    other = store.save(second, "news.txt", "en")
    assert other.stored == tmp_path / "uploads" / "news-2.txt" and other.renamed
    again = store.save(same, "news.txt", "en")
    assert again.stored == saved.stored  # same bytes: the stored file is reused, not copied again
    assert saved.stored.read_text(encoding="utf-8") == "first article"
    assert other.stored.read_text(encoding="utf-8") == "another article"
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["news-2.txt", "news.txt"]


def test_an_edited_article_uploaded_again_replaces_its_earlier_version(tmp_path, writable_index):
    assistant = Assistant(writable_index)
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    browser = tmp_path / "browser"
    browser.mkdir()

    def upload(text: str, name: str = "port.txt", replace: bool = True) -> list:
        temp = browser / str(len(list(browser.iterdir()))) / name  # Gradio's copies differ by folder
        temp.parent.mkdir()
        temp.write_text(text, encoding="utf-8")
        saved = store.save_all([temp], "en", replace=replace)
        report = assistant.index([u.stored for u in saved if u.stored])
        store.settle(saved, report)
        return saved, report

    first = "Port news\n\nThe harbour of Brest opened a new dock for research vessels on Monday."
    edited = first.replace("on Monday", "on Tuesday, a day late")
    (saved,), report = upload(first)
    stored = saved.stored
    (again,), report = upload(edited)
    assert again.stored == stored and again.previous is not None and report.updated == [str(stored)]
    assert "✓ `port.txt`: updated (replaced the earlier upload of that name)" in report_markdown([again], report, "en")
    assert sorted(p.name for p in store.folder.iterdir()) == ["port.txt"]  # the old version is gone
    assert "a day late" in assistant.ask("When did Brest open its dock?").text
    assert sum(a.source == str(stored) for a in assistant.articles()) == 1

    # A new version the index refuses leaves the indexed one its file.
    (broken,), report = upload("\x00" * 50, replace=True)
    assert str(stored) in report.failed
    assert stored.read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in store.folder.iterdir()) == ["port.txt"]
    assert assistant.check().ok

    # Unticked, or the same name twice in one batch: kept beside, never replaced.
    (kept,), _ = upload(first, replace=False)
    assert kept.stored == store.folder / "port-2.txt" and stored.read_text(encoding="utf-8") == edited
    one, two = browser / "a" / "news.txt", browser / "b" / "news.txt"
    for path, text in ((one, first.replace("Brest", "Lorient")), (two, first.replace("Brest", "Roscoff"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    pair = store.save_all([one, two], "en", replace=True)
    assert [u.stored.name for u in pair] == ["news.txt", "news-2.txt"] and not any(u.previous for u in pair)
    assert "Lorient" in pair[0].stored.read_text(encoding="utf-8")


def test_upload_store_refuses_big_and_unsupported_files_with_their_reason(tmp_path):
    store = UploadStore(tmp_path / "uploads", max_mb=0.001)
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000, encoding="utf-8")
    script = tmp_path / "run.sh"
    script.write_text("echo hi", encoding="utf-8")
    refused = store.save(big, "big.txt", "en")
    assert refused.stored is None and "too large" in refused.reason
    wrong = store.save(script, "run.sh", "fr")
    assert wrong.stored is None and ".sh" in wrong.reason and "non pris en charge" in wrong.reason
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_an_uploads_folder_that_cannot_be_made_is_said_for_each_file(tmp_path):
    # With ASSISTANT_DATA_DIR a file (or a folder this user may not write), an upload raised out of the
    # handler: Gradio's red "Error" toast with "[Errno 20] Not a directory", and no line in the report.
    data = tmp_path / "data"
    data.write_text("not a folder")
    store = UploadStore(data / "uploads", max_mb=1)
    article = tmp_path / "article.txt"
    article.write_text("Brest\n\nLe port de Brest ouvre un quai.\n", encoding="utf-8")
    for lang, says in (("en", f"the uploads folder {data / 'uploads'} cannot be made (Not a directory): check "
                               "ASSISTANT_DATA_DIR"),
                       ("fr", f"le dossier des fichiers envoyés {data / 'uploads'} ne peut pas être créé (Not a "
                              "directory) : vérifiez ASSISTANT_DATA_DIR")):
        [refused] = store.save_all([article], lang)
        assert refused.stored is None and refused.reason == says


def test_an_upload_the_disk_has_no_room_for_is_refused_whole(tmp_path):
    # A full disk left half an article under the upload's own name (indexed later as if whole, by the
    # watcher or `assistant index data/uploads`), and the report said it "could not be read".
    with small_disk(tmp_path / "disk", "1m") as folder:
        store = UploadStore(folder / "uploads", max_mb=25)
        small, big = tmp_path / "small.txt", tmp_path / "big.txt"
        small.write_text("Brest\n\nLe port de Brest ouvre un quai.\n", encoding="utf-8")
        big.write_text("Brest ouvre un quai. " * 100_000, encoding="utf-8")  # 2 MB
        kept = store.save(small, "article.txt", "en")
        assert kept.stored is not None

        for replace in (False, True):
            refused = store.save(big, "article.txt" if replace else "other.txt", "fr", replace=replace)
            assert refused.stored is None, refused
            assert refused.reason == "le fichier envoyé n'a pas pu être enregistré (No space left on device)"
            assert sorted(p.name for p in store.folder.iterdir()) == ["article.txt"]
            assert kept.stored.read_text(encoding="utf-8") == small.read_text(encoding="utf-8")


def test_report_names_each_file_and_why_it_failed(tmp_path, writable_index):
    assistant = Assistant(writable_index)
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    good, bad = tmp_path / "good.md", tmp_path / "bad.pdf"
    good.write_text("# Port news\n\nThe harbour of Brest opened a new dock for research vessels.", encoding="utf-8")
    bad.write_bytes(b"not a pdf")
    saved = [store.save(good, "good.md", "en"), store.save(bad, "bad.pdf", "en")]
    report = assistant.index([s.stored for s in saved])
    store.settle(saved, report)
    text = report_markdown(saved, report, "en")
    assert "Files indexed: 1 of 2" in text
    assert "✓ `good.md`: indexed" in text
    assert "✗ `bad.pdf`: **failed**:" in text and "PDF" in text
    assert not (tmp_path / "uploads" / "bad.pdf").exists()  # a refused file is not kept
    assert (tmp_path / "uploads" / "good.md").exists()


def test_browser_language():
    assert browser_language("fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert browser_language("de-DE,de;q=0.9,fr;q=0.5,en;q=0.8") == "en"
    assert browser_language("de-DE,fr;q=0.5") == "fr"
    assert browser_language("") == "en"
    assert browser_language(None) == "en"


def test_every_string_exists_in_both_languages():
    # but the reasons a file failed, whose English is assistant/reasons.py's (the test below)
    assert set(STRINGS["en"]) == {key for key in STRINGS["fr"] if not key.startswith("reason.")}


def test_answer_markers_become_links_and_article_text_stays_text():
    citation = Citation(marker=1, source="/x/a.txt", title='Title "quoted"', quote="q", start=0, end=1, score=0.9)
    answer = Answer(text="Some *bold* <b>html</b> $$x$$ [1] and [7]", citations=[citation])
    markdown = answer_markdown(answer, turn=3)
    assert '[[1]](#cite-3-1 "Title \'quoted\'")' in markdown
    assert "\\[7\\]" in markdown  # not a citation of this answer: left as text
    assert "\\*bold\\*" in markdown and "\\<b\\>" in markdown and "\\$\\$" in markdown
    assert parse_cite_href("#cite-3-1") == (3, 1)
    assert parse_cite_href("#cite-x") is None


def test_sources_and_article_highlight_the_cited_sentence(sample_assistant):
    answer = sample_assistant.ask("What weapons were mentioned?")
    html = sources_html(answer, 0, "en", active=answer.citations[0].marker)
    text = article_text(sample_assistant, str(SAMPLE))
    for c in answer.citations:
        assert f'id="source-0-{c.marker}"' in html
        assert f"<mark>{html_lib.escape(c.quote)}</mark>" in html
    assert html.count("source-card active") == 1
    citation = answer.citations[0]
    view = article_html(citation, text, "fr")
    marked = view.split('<mark id="article-mark">')[1].split("</mark>")[0]
    assert html_lib.unescape(marked) == text[citation.start : citation.end] == citation.quote
    assert "Retour aux sources" in view
    assert "article is no longer" in article_html(citation, None, "en")


def test_markers_quoting_one_passage_share_one_card():
    passage = "Alpha one. Beta two. Gamma three."

    def cite(marker: int, quote: str, chunk: str = "c1", text: str = passage) -> Citation:
        start = 100 + text.index(quote)
        return Citation(marker=marker, source="/x/a.txt", title="A", quote=quote, start=start, end=start + len(quote),
                        score=0.5 + marker / 100, chunk_id=chunk, passage=text, passage_start=100,
                        passage_end=100 + len(text))

    citations = [cite(1, "Beta two."), cite(2, "Alpha one."), cite(3, "Other one.", "c2", "Other one. More."),
                 cite(4, "Beta two.")]  # [4] quotes [1]'s sentence again
    answer = Answer(text="Beta two. [1] Alpha one. [2] Other one. [3] [4]", citations=citations)
    html = sources_html(answer, 0, "en", active=2)
    assert html.count("<article") == 2 and html.count("Gamma three.") == 1  # the passage shown once
    assert ('<article class="source-card active" id="source-0-1" data-turn="0" data-marker="1" '
            'data-markers="1 2 4">') in html
    assert ('<span class="marker" data-marker="1">[1]</span> <span class="marker" data-marker="2">[2]</span> '
            '<span class="marker" data-marker="4">[4]</span>') in html
    # each quote highlighted once, the active marker's as the current one; the article opens on it
    assert ('<p class="passage"><mark data-markers="2" class="current">Alpha one.</mark> '
            '<mark data-markers="1 4">Beta two.</mark> Gamma three.</p>') in html
    assert 'class="open-article" data-turn="0" data-marker="2"' in html
    assert 'data-markers="3"><header>' in html and "<mark>Other one.</mark> More." in html  # a card of its own
    assert html.count("source-card active") == 1 and 'id="source-0-3"' in html
    other = sources_html(answer, 0, "en", active=3)
    assert '<article class="source-card active" id="source-0-3"' in other and "current" not in other
    assert 'class="open-article" data-turn="0" data-marker="1"' in other  # no marker of that card chosen


def test_refusal_panel_says_no_passage(sample_assistant):
    answer = sample_assistant.ask("Who won the 2022 football World Cup?")
    html = sources_html(answer, 0, "fr")
    assert "Aucun passage cité" in html and "source-card" not in html
    # searched, but nothing quoted: the footer said "réponse citée des articles"
    assert "articles consultés en " in html and "citée" not in html


def test_a_reply_made_without_a_search_has_no_footer(tmp_path):
    # Asked of an empty index, the reply was followed by "answer quoted from the articles in 0.0 s"; so was "Merci !".
    from assistant.web.app import nothing_indexed

    empty = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    for lang in ("en", "fr"):
        for answer in (nothing_indexed(empty, "What weapons?", lang, "extractive"), empty.ask("Merci !")):
            html = sources_html(answer, 0, lang)
            assert "sources-foot" not in html and " 0.0 s" not in html and " 0,0 s" not in html, html
            assert ("No passage cited." if lang == "en" else "Aucun passage cité.") in html


@pytest.mark.parametrize(("lang", "reply"), [
    ("en", "Questions are answered in English or French: please ask in one of them."),
    ("fr", "Les questions sont traitées en anglais ou en français : posez-la dans l'une de ces langues."),
])
def test_a_question_in_another_script_is_refused_in_the_page_language_only(sample_index, tmp_path, lang, reply):
    # The page said it in English and French at once ("... in one of them. / Les questions sont ..."), whichever
    # language the reader had chosen.
    from assistant.web.app import other_script
    from assistant.web.panels import Conversation

    respond = handler(build_app(Assistant(sample_index, data_dir=tmp_path / "data"), panels=[]), "ask")
    *_, (box, chat, conv, panel) = list(respond("Какое оружие упоминалось?", Conversation(), 5, "extractive", lang, {}))
    assert chat[-1]["content"] == reply and not conv.turns[0].answer.answered
    assert other_script("Qui est 金正恩 ?", lang, "extractive") is None  # a name in its own script is a name


def test_launch_defaults_are_safe_and_auth_comes_from_settings(sample_index):
    options = launch_options(Assistant(sample_index))
    assert options["server_name"] == "127.0.0.1"
    assert options["auth"] is None
    assert options["max_file_size"] >= Settings().upload_max_mb * 1e6
    secured = launch_options(Assistant(sample_index, host="0.0.0.0", port=8080, auth_user="ana",
                                       auth_password="s3cret"))
    assert (secured["server_name"], secured["server_port"]) == ("0.0.0.0", 8080)
    assert secured["auth"] == ("ana", "s3cret")


def test_answerer_pool_reuses_the_app_assistant_and_refuses_unknown_names(sample_assistant):
    pool = AnswererPool(sample_assistant)
    assert pool.get("extractive") is sample_assistant
    assert pool.get(None) is sample_assistant
    with pytest.raises(ValueError, match="unknown answerer"):
        pool.get("oracle")


def test_panels_plug_into_the_page(sample_assistant):
    """The extension point: a tab and a side panel get the UI context and can hook the page's events."""
    add_strings({"en": {"extra.title": "Extra"}, "fr": {"extra.title": "En plus"}})
    built: dict[str, UI] = {}

    def build_tab(ui: UI) -> None:
        built["tab"] = ui
        ui.i18n.bind(gr.Markdown("", elem_id="extra-tab"), value="extra.title")
        ui.on_answer(lambda conv: "", [ui.conversation], [])

    def build_side(ui: UI) -> None:
        built["side"] = ui
        gr.Markdown("side", elem_id="extra-side")

    demo = build_app(sample_assistant, panels=[Panel("extra", "tab", build_tab, title="extra.title"),
                                               Panel("extra-side", "side", build_side)])
    assert built["tab"] is built["side"] and built["tab"].assistant is sample_assistant
    ids = {getattr(block, "elem_id", None) for block in demo.blocks.values()}
    assert {"extra-tab", "extra-side", "chatbot", "sources"} <= ids
    assert built["tab"].answer_hooks  # wired after each way of asking
    assert isinstance(build_app(sample_assistant), gr.Blocks)  # the default: no extra panel


def test_a_changed_article_and_a_listed_name_are_shown_for_what_they_are(sample_assistant):
    answer = sample_assistant.ask("What weapons were mentioned?")
    citation = answer.citations[0]
    # Replaced since the answer: the new text was shown with an empty highlight and no word.
    view = article_html(citation, "Un tout autre texte.", "en")
    assert "This article has changed since the answer" in view and html_lib.escape(citation.quote) in view
    assert "a changé depuis la réponse" in article_html(citation, "Un tout autre texte.", "fr")
    # Edited since, the cited sentence repeated in a summary put above it: the summary's copy was highlighted,
    # another passage than the one cited; the copy inside the cited passage is.
    original = article_text(sample_assistant, citation.source)
    summary = f"Résumé : {citation.quote}"
    view = article_html(citation, f"{summary}\n\n{original}", "en")
    before, mark, _ = view.partition('<mark id="article-mark">')
    assert mark and html_lib.escape(summary) in before, view[:400]
    assert "changed since the answer" not in view
    # A name listed from the entity index: its card said "score 3.000" for three mentions.
    people = sample_assistant.ask("Who is mentioned?")
    cards = sources_html(people, 0, "en")
    assert "mentioned 4 times" in cards and "score" not in cards  # Kim Jong-un, four mentions
    # said in words, not by the answerer's internal name ("réponse entity index en 0,0 s"), with a decimal comma;
    # timed (it read "0,0 s", as it was not), under a twentieth of a second "< 0,1 s"
    assert people.timings and 0 < people.timings["answer"] < 30, people.timings
    assert re.search(r"noms relevés dans l'index des articles en (< 0,1|\d+,\d) s", sources_html(people, 0, "fr"))
    assert " 0,0 s" not in sources_html(people, 0, "fr")
    people.timings = {"answer": 0.01}
    assert "names listed from the index of the articles in < 0.1 s" in sources_html(people, 0, "en")
    people.timings = {"answer": 0.26}
    assert "en 0,3 s" in sources_html(people, 0, "fr")
    assert "entity index" not in sources_html(people, 0, "fr") + sources_html(people, 0, "en")
    weapons = sources_html(sample_assistant.ask("What weapons were mentioned?"), 0, "fr")
    assert "réponse citée des articles en " in weapons and "extractive" not in weapons
    # A refusal's panel says no passage is cited, not why (the answer says it: another script, filters).
    assert "No passage cited.</p>" in sources_html(sample_assistant.ask("今天天气怎么样？"), 0, "en")


def test_a_source_card_and_the_article_view_say_when_the_article_was_published():
    # The date was read (filters used it) and shown nowhere.
    citation = Citation(marker=1, source="/x/port.txt", title="Grève au Havre", quote="Le port est bloqué.",
                        start=0, end=19, score=0.93, passage="Le port est bloqué.", passage_end=19,
                        published="2024-03-05")
    answer = Answer(text="Le port est bloqué. [1]", citations=[citation], question="Quoi ?", answered=True)
    assert "published 2024-03-05" in sources_html(answer, 0, "en")
    assert "publié le 2024-03-05" in article_html(citation, "Le port est bloqué.", "fr")
    undated = Citation(marker=1, source="/x/port.txt", title="Grève", quote="Le port est bloqué.", start=0, end=19,
                       score=0.93)
    assert "published" not in sources_html(Answer(text="…", citations=[undated], answered=True), 0, "en")


def test_the_library_lists_when_each_article_was_published(tmp_path):
    # The table said when an article was indexed, not when it was published, which is what a reader sorts
    # the news by; a copy of another file is named in its source cell.
    from assistant.web.library import article_rows, table_headers

    folder = tmp_path / "news"
    folder.mkdir()
    body = "Le port du Havre en grève\n\nLe Havre, le 14 mars 2025 — Les dockers ont cessé le travail mardi.\n"
    (folder / "greve.txt").write_text(body, encoding="utf-8")
    (folder / "copie.txt").write_text(body, encoding="utf-8")
    (folder / "sans-date.txt").write_text("Un article\n\nPar Jean Martin\n\nLes dockers ont repris le travail.\n",
                                          encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([folder])
    rows = {row[1]: row for row in article_rows(assistant, UploadStore(tmp_path / "uploads", max_mb=1))}
    assert table_headers("en")[3] == "Published" and table_headers("fr")[3] == "Publié le"
    # copie.txt, indexed first, is the original; greve.txt the copy, whose passages are copie.txt's
    assert rows["…/news/copie.txt"][3] == "2025-03-14", rows
    assert rows["…/news/greve.txt (= copie.txt)"][3] == "2025-03-14", rows
    assert rows["…/news/sans-date.txt"][3] == "—"
    assert rows["…/news/sans-date.txt"][0] == "Un article · Jean Martin"  # its byline's author


def test_the_library_shows_no_server_folder(tmp_path, monkeypatch):
    # The sample was listed as '/home/…/samples/russie-coree-du-nord.txt', an upload as 'uploads/<name>': every
    # visitor saw the server's folders.
    from assistant.web.library import article_rows, remove_choices

    monkeypatch.chdir(tmp_path)
    (tmp_path / "samples").mkdir()
    sample = tmp_path / "samples" / "port.txt"
    sample.write_text("Le port du Havre\n\nLes dockers ont cessé le travail mardi au Havre.\n", encoding="utf-8")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-other" / "brest.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text("Le port de Brest\n\nUn nouveau quai a ouvert lundi à Brest.\n", encoding="utf-8")
    store = UploadStore(tmp_path / "data" / "uploads", max_mb=1)
    upload = tmp_path / "browser" / "marseille.txt"
    upload.parent.mkdir()
    upload.write_text("Le port de Marseille\n\nLes ferries sont restés à quai jeudi.\n", encoding="utf-8")
    saved = store.save_all([upload], "en")
    assistant = Assistant(tmp_path / "index")
    assistant.index([sample, elsewhere, *(u.stored for u in saved)])
    shown = {row[1] for row in article_rows(assistant, store)}
    assert shown == {"samples/port.txt", f"…/{tmp_path.name}-other/brest.txt", "marseille.txt"}, shown
    choices = remove_choices(assistant, store)
    assert all(str(tmp_path) not in label for label, _ in choices), choices
    # what removes it is the article's id: the browser is sent no server path, as label or as value
    marseille = next(a for a in assistant.articles() if a.source == str(saved[0].stored))
    assert ("Le port de Marseille — marseille.txt", marseille.doc_id) in choices, choices
    assert all(str(tmp_path) not in value for _, value in choices), choices


@pytest.mark.parametrize(("query", "fields", "found"), [
    ("coree", ["La Russie et la Corée du Nord"], True),
    ("CORÉE nord", ["la coree du NORD"], True),
    ("Élysée", ["Macron à l'elysee"], True),
    ("russie-coree", ["Un titre", "russie-coree-du-nord.txt"], True),  # the file name
    ("nord russie", ["La Russie et la Corée du Nord"], True),  # every word, in any order
    ("coree sud", ["La Russie et la Corée du Nord"], False),
    ("", ["anything"], True),
    ("   ", ["anything"], True),
])
def test_the_library_search_ignores_accents_and_case(query, fields, found):
    from assistant.web.library import matches

    assert matches(query, *fields) is found


def test_the_entities_filter_lists_the_matching_names_capped():
    from assistant.entities import PERSON, Entity
    from assistant.web.entities import more_text, shown_names

    people = [Entity(key=f"p{n}", name=f"Person {n}", kind=PERSON) for n in range(100)]
    people.append(Entity(key="jose", name="José Pérez", kind=PERSON))
    shown, total = shown_names(people, "", limit=30)
    assert [e.key for e in shown] == [f"p{n}" for n in range(30)] and total == 101
    assert more_text(len(shown), total, "") == ("30 of 101 shown, the most mentioned: type a name above to find "
                                                "the others.")
    shown, total = shown_names(people, "JOSE perez", limit=30)
    assert [e.key for e in shown] == ["jose"] and total == 1
    assert more_text(len(shown), total, "jose") == ""
    assert shown_names(people, "nobody", limit=30) == ([], 0)
    assert more_text(0, 0, "nobody", "fr") == "Aucun nom ne correspond à « nobody »."
    # an empty group said so (open over blank space, it read as still loading); an empty index, what to do
    assert more_text(0, 0, "", "en", indexed=True) == "None in the indexed articles."
    assert more_text(0, 0, "", "fr", indexed=False) == "Aucune entité : indexez d'abord des articles."


def test_the_library_listing_shows_the_latest_articles_and_finds_the_others(tmp_path):
    # Every article's row and removal choice went to each page (600 kB at 2,500 articles): the tab shows the
    # latest indexed, and a search (title, file name; accents and case ignored) finds any other.
    from assistant.web.library import library_listing, listing_note

    folder = tmp_path / "news"
    folder.mkdir()
    titles = {"port.txt": "Le port du Havre en grève", "coree.txt": "La Corée du Nord et la Russie",
              "brest.txt": "Un quai neuf à Brest"}
    for name, title in titles.items():
        (folder / name).write_text(f"{title}\n\nLes dockers ont cessé le travail mardi.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_model="all-MiniLM-L6-v2")
    assistant.index([folder / name for name in titles])
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    first = library_listing(assistant, store, limit=2)
    assert first.total == 3 and len(first.rows) == len(first.choices) == len(first.ids) == 2
    assert listing_note(first, "", "en") == ("2 of 3 articles shown, the latest indexed: refine the search, or "
                                             "show more.")
    found = library_listing(assistant, store, "COREE", limit=2)
    assert found.total == 1 and [label for label, _ in found.choices] == [
        "La Corée du Nord et la Russie — …/news/coree.txt"]
    assert found.ids == [value for _, value in found.choices] and listing_note(found, "COREE", "en") == ""
    assert library_listing(assistant, store, "brest.txt").total == 1  # by its file name
    nothing = library_listing(assistant, store, "Marseille")
    assert nothing.total == 0 and listing_note(nothing, "Marseille", "fr") == \
        "Aucun article ne correspond à « Marseille »."


def handler(demo: gr.Blocks, api_name: str):
    """The Python function behind one of the page's events, to call without a browser."""
    return next(block_fn.fn for block_fn in demo.fns.values() if block_fn.api_name == api_name)


def upload_through_library(demo: gr.Blocks, paths: list[str], lang: str) -> str:
    """The library's report on ``paths`` uploaded and indexed as from the page: through Gradio's own
    preprocessing of the upload box, which keeps every file (it refused a whole batch for one .docx)."""
    from gradio.data_classes import FileData, ListFiles

    upload = next(block for block in demo.blocks.values() if getattr(block, "elem_id", None) == "upload")
    kept = upload.preprocess(ListFiles(root=[FileData(path=path, orig_name=Path(path).name) for path in paths]))
    assert [str(path) for path in kept] == paths
    report, _ = handler(demo, "index")(kept, True, lang, progress=lambda *args, **kwargs: None)
    return report


def test_the_remove_api_removes_an_article_by_its_id_without_asking(tmp_path):
    # The page asks before removing; a client of the "remove" endpoint has decided: it names the article by the
    # id the page's list gives (no longer its path on the server), and a folder's path removes nothing.
    article = tmp_path / "news" / "port.txt"
    article.parent.mkdir()
    article.write_text("Le port de Brest\n\nUn nouveau quai a ouvert lundi à Brest.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    assistant.index([article])
    remove = handler(build_app(assistant, panels=[]), "remove")
    assert "no longer in the index" in remove(str(article.parent), "en")
    assert len(assistant.articles()) == 1
    doc_id = assistant.articles()[0].doc_id
    assert remove(doc_id, "fr") == "**Le port de Brest** (port.txt) a été retiré de l'index."
    assert assistant.articles() == [] and article.exists()  # the user's own file stays
    assert "no longer in the index" in remove(doc_id, "en")


def test_a_question_asked_of_an_empty_index_is_told_to_use_the_library_tab(tmp_path):
    # The chat said "Aucun article n'est encore indexé dans /tmp/.../index : ajoutez-en d'abord (`assistant index
    # CHEMIN`, ou `Assistant.index(chemins)` en Python)": a server path and developer commands in a web page.
    from assistant.web.panels import Conversation

    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    respond = handler(build_app(assistant, panels=[]), "ask")
    for lang, question, expected in (
        ("fr", "Quelles armes ont été mentionnées ?", "ajoutez-en dans l'onglet Bibliothèque"),
        ("en", "Quelles armes ont été mentionnées ?", "add some in the Library tab"),  # the page's language
    ):
        *_, (box, chat, conv, panel) = list(respond(question, Conversation(), 5, "extractive", lang, {}))
        reply = chat[-1]["content"]
        assert expected in reply, reply
        assert str(tmp_path) not in reply and "assistant index" not in reply and "`" not in reply
        assert conv.turns[0].answer is not None and not conv.turns[0].answer.answered


def test_an_unsupported_file_in_a_batch_is_reported_and_the_others_indexed(tmp_path):
    # Gradio refused the whole batch ("Invalid file type: notes.docx", the upload box showing "Error"); indexing
    # then reported "0 of 2" without a word about the .docx (read since; an Apple Pages file is not).
    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    browser = tmp_path / "browser"
    browser.mkdir()
    (browser / "notes.pages").write_bytes(b"PK\x03\x04 an Apple Pages file")
    (browser / "port.txt").write_text("Port news\n\nBrest harbour opened a new dock on Monday.", encoding="utf-8")
    paths = [str(browser / "notes.pages"), str(browser / "port.txt")]
    report = upload_through_library(demo, paths, "fr")
    assert "Fichiers indexés : 1 sur 2" in report
    assert "✓ `port.txt` : indexé" in report
    assert "✗ `notes.pages` : **échec** : type de fichier non pris en charge .pages" in report



def test_word_and_email_files_are_uploaded_from_the_library(tmp_path):
    # A colleague's .docx, a newsletter saved as .eml and a locked Word file: the first two were refused as
    # "unsupported file type"; the third is named with its reason, in the page's language.
    from officemaker import write_docx
    from olemaker import write_doc

    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    browser = tmp_path / "browser"
    browser.mkdir()
    write_docx(browser / "port.docx", ["Le port de Brest", "Le port de Brest a ouvert lundi un nouveau quai de 400 "
                                       "mètres pour les porte-conteneurs."])
    (browser / "lettre.eml").write_text("From: La Matinale <lettre@example.fr>\nSubject: Le phare de Kerbrat\n"
                                        "Content-Type: text/plain; charset=utf-8\n\nLe phare de Kerbrat a été "
                                        "rallumé samedi après deux ans de travaux.\n", encoding="utf-8")
    (browser / "verrou.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
                                          + "EncryptedPackage".encode("utf-16-le"))
    # A Word 97-2003 file was refused ("enregistrez-le en .docx"); one locked with a password is named as such.
    write_doc(browser / "vieux.doc", ["La criée de Lorient\rLa criée de Lorient a vendu 25 000 tonnes de poisson en "
                                      "2014, un record depuis dix ans.\r"])
    write_doc(browser / "secret.doc", ["La criée de Lorient ferme.\r"], encrypted=True)
    paths = [str(browser / name) for name in ("port.docx", "lettre.eml", "verrou.docx", "vieux.doc", "secret.doc")]
    report = upload_through_library(demo, paths, "fr")
    assert "Fichiers indexés : 3 sur 5" in report
    assert "✓ `port.docx` : indexé" in report and "✓ `lettre.eml` : indexé" in report
    assert "✗ `verrou.docx` : **échec** : document Word protégé par un mot de passe" in report
    assert "✓ `vieux.doc` : indexé" in report
    assert "✗ `secret.doc` : **échec** : document Word 97-2003 protégé par un mot de passe" in report
    assert {a.title for a in assistant.articles()} == {"Le port de Brest", "Le phare de Kerbrat", "La criée de Lorient"}


def test_an_emails_attachment_left_out_is_said_under_its_line_in_the_library(tmp_path):
    # An e-mail indexed without its damaged attachment said only "indexé": the story in the attachment was never
    # missed. Said in the page's language, the attachment's reason too.
    from email.message import EmailMessage

    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    message = EmailMessage()
    message["From"], message["Subject"] = "Paul Girard <paul.girard@example.fr>", "Papier port"
    message.set_content("Voici le papier sur le nouveau quai du port de Brest, à publier demain matin.\n")
    message.add_attachment(b"PK\x03\x04 cut", maintype="application", subtype="octet-stream", filename="quai.docx")
    mail = tmp_path / "port.eml"
    mail.write_bytes(bytes(message))
    report = upload_through_library(demo, [str(mail)], "fr")
    assert ("- ✓ `port.eml` : indexé\n  - ⚠ sa pièce jointe quai.docx a été laissée de côté : document Word "
            "endommagé (not a zip package: File is not a zip file)") in report


def test_rich_text_and_outlook_files_are_uploaded_from_the_library(tmp_path):
    # An archive's .rtf exports and the shared mailbox's .msg e-mails were refused ("enregistrez-le en .docx");
    # a file that is neither is named with its reason in the page's language.
    from olemaker import write_msg

    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    browser = tmp_path / "browser"
    browser.mkdir()
    (browser / "phare.rtf").write_bytes(rb"{\rtf1\ansi\ansicpg1252{\info{\title Le phare de Kerbrat}}\pard Le phare "
                                        rb"de Kerbrat a \'e9t\'e9 rallum\'e9 samedi apr\'e8s deux ans de travaux.\par}")
    write_msg(browser / "port.msg", subject="Le port de Brest", sender="Paul Girard",
              body="Le port de Brest a ouvert lundi un nouveau quai de 400 mètres pour les porte-conteneurs.")
    (browser / "notes.msg").write_text("Appeler la capitainerie.", encoding="utf-8")
    (browser / "scan.rtf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    paths = [str(browser / name) for name in ("phare.rtf", "port.msg", "notes.msg", "scan.rtf")]
    report = upload_through_library(demo, paths, "fr")
    assert "Fichiers indexés : 2 sur 4" in report
    assert "✓ `phare.rtf` : indexé" in report and "✓ `port.msg` : indexé" in report
    assert "✗ `notes.msg` : **échec** : pas un e-mail Outlook (.msg)" in report
    # Markdown-escaped: the page shows "{\rtf"
    assert r"✗ `scan.rtf` : **échec** : pas un document Rich Text : il ne commence pas par \{\\rtf" in report
    assert {a.title for a in assistant.articles()} == {"Le port de Brest", "Le phare de Kerbrat"}


def test_the_upload_report_says_why_a_file_failed_in_the_page_language(tmp_path):
    # "échec: empty file", "échec: broken PDF (Stream has ended unexpectedly)": the loaders' English in a French page.
    from assistant.web.library import reason_text

    assistant = Assistant(tmp_path / "index")
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    empty, broken = tmp_path / "vide.txt", tmp_path / "corrompu.pdf"
    empty.write_text("  \n", encoding="utf-8")
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    saved = [store.save(empty, "vide.txt", "fr"), store.save(broken, "corrompu.pdf", "fr")]
    report = assistant.index([s.stored for s in saved])
    text = report_markdown(saved, report, "fr")
    # French sets a space before a colon ("`vide.txt`: **échec**: ..." read as English typography)
    assert "✗ `vide.txt` : **échec** : fichier vide" in text, text
    assert "✗ `corrompu.pdf` : **échec** : PDF endommagé (" in text, text  # pypdf's own words kept in parentheses
    assert "empty file" not in text and "broken PDF" not in text
    # English stays as the loaders say it; the known reasons, with their numbers and variables
    assert "`vide.txt`: **failed**: empty file" in report_markdown(saved, report, "en")
    too_large = Reason("too_large", size="3.0", limit="2", setting=": ASSISTANT_MAX_FILE_MB")
    assert too_large == "too large (3.0 MB, the limit is 2 MB: ASSISTANT_MAX_FILE_MB)"  # what the CLI prints
    assert reason_text(too_large, "fr") == "trop volumineux (3,0 Mo ; la limite est de 2 Mo : ASSISTANT_MAX_FILE_MB)"
    assert reason_text(Reason("scanned_pdf"), "fr") == "PDF sans texte extractible (des images numérisées ?)"
    assert reason_text(Reason("bad_type", suffix=".docx"), "fr").startswith("type de fichier non pris en charge .docx")
    assert reason_text("something new", "fr") == "something new"


def test_an_email_failing_for_its_attachment_says_both_in_the_page_language(tmp_path):
    # "e-mail sans texte propre ; sa pièce jointe scan.pdf : PDF without extractable text (scanned images?)"
    from email.message import EmailMessage

    from pdfmaker import write_pdf

    from assistant.loaders import load_file
    from assistant.web.library import reason_text

    message = EmailMessage()
    message["From"], message["Subject"] = "paul.girard@example.fr", "Papier"
    message.set_content("Voir PJ.")
    message.add_attachment(write_pdf(tmp_path / "scan.pdf", []).read_bytes(), maintype="application",
                           subtype="pdf", filename="scan.pdf")
    (tmp_path / "papier.eml").write_bytes(bytes(message))
    reason = load_file(tmp_path / "papier.eml").reason
    assert reason == "e-mail without text of its own; its attachment scan.pdf: PDF without extractable text " \
                     "(scanned images?)"
    assert reason_text(reason, "fr") == ("e-mail sans texte propre ; sa pièce jointe scan.pdf : PDF sans texte "
                                         "extractible (des images numérisées ?)")


def test_every_reason_has_french_words_with_the_same_values():
    # The French page says a reason by its code: one without French words would be shown in English.
    french = STRINGS["fr"]
    for code, english in ENGLISH.items():
        assert f"reason.{code}" in french, code
        fields = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        assert fields == {name for _, name, _, _ in string.Formatter().parse(french[f"reason.{code}"]) if name}, code


def test_a_failed_update_says_in_french_that_the_indexed_version_stays(tmp_path):
    # "empty file; its indexed version is kept (...)" matched no French wording: it was shown in English.
    from assistant.web.library import reason_text

    assistant = Assistant(tmp_path / "index")
    article = tmp_path / "note.txt"
    article.write_text("La grève continue à Marseille depuis mardi, selon les syndicats.", encoding="utf-8")
    assert assistant.index([article]).added
    article.write_text("   \n", encoding="utf-8")
    report = assistant.index([article])
    reason = report.failed[str(article)]
    assert reason.startswith("empty file; its indexed version is kept")
    assert reason_text(reason, "fr") == (
        "fichier vide ; sa version indexée est gardée (« assistant remove » la retire)")


def component(demo: gr.Blocks, elem_id: str):
    return next(block for block in demo.blocks.values() if getattr(block, "elem_id", None) == elem_id)


def test_the_settings_offer_only_the_answerers_this_server_is_set_up_for(sample_index, tmp_path):
    # Both LLM answerers were offered on a server set up for neither: picking one warned, in English inside
    # the French toast ("La méthode openai n'est pas disponible : the openai answerer needs ..."), and snapped back.
    bare = build_app(Assistant(sample_index, data_dir=tmp_path / "data"), panels=[])
    assert [value for _, value in component(bare, "answerer").choices] == ["extractive"]
    note = component(bare, "answerer-missing").value
    assert "ASSISTANT_LLM_BASE_URL" in note and "ASSISTANT_LLM_MODEL_PATH" in note and "\n" not in note
    assert note.startswith("Not available on this server: OpenAI-compatible server (LLM) (set ")

    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    served = Assistant(sample_index, data_dir=tmp_path / "data", llm_base_url="http://127.0.0.1:9/v1",
                       llm_model="qwen", llm_model_path=gguf)
    demo = build_app(served, panels=[])
    assert [value for _, value in component(demo, "answerer").choices] == ["extractive", "openai", "llamacpp"]
    assert component(demo, "answerer-missing").value == ""
    assert handler(demo, "choose_answerer")("openai", "fr") == gr.skip()  # set up: chosen as before, no warning


def test_a_source_card_shows_no_retrieval_score():
    # "score 1.028": a number a reader cannot interpret, above the 1.0 the README calls the best.
    citation = Citation(marker=1, source="/x/port.txt", title="Grève", quote="Le port est bloqué.", start=0, end=19,
                        score=1.028, passage="Le port est bloqué.", passage_end=19)
    for lang in ("en", "fr"):
        card = sources_html(Answer(text="Le port est bloqué. [1]", citations=[citation], answered=True), 0, lang)
        meta = card.split('<div class="source-meta">')[1].split("</div>")[0]
        assert "1.028" not in card and "1,028" not in card and "score" not in meta, meta
        assert meta.endswith(">port.txt</span>"), meta


def test_the_example_questions_are_offered_only_with_the_article_they_ask_about(sample_assistant, tmp_path):
    # With nothing indexed, the start screen still offered questions about the bundled sample (Kim Jong-un, the
    # Kremlin), each then refused.
    assert component(build_app(sample_assistant, panels=[]), "chatbot").examples  # the sample is there: offered
    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    chatbot = component(demo, "chatbot")
    assert not chatbot.examples and chatbot.placeholder.startswith("## No article indexed yet")
    library_view = handler(demo, "library_view")
    # another article: the examples would be refused too, and the start screen does not invite to try them
    other = tmp_path / "port.txt"
    other.write_text("Port news\n\nThe harbour of Brest opened a new dock for research vessels.", encoding="utf-8")
    assistant.index([other])
    update = library_view("fr")[4]
    assert not update["examples"] and "Essayez un exemple" not in update["placeholder"], update
    assert update["placeholder"].startswith("## Interrogez vos articles")
    assistant.index([SAMPLE])  # the sample added: they are offered again
    update = library_view("en")[4]
    assert {"text": "What weapons were mentioned?"} in update["examples"] and "Try an example" in update["placeholder"]


def test_a_question_sent_twice_at_once_is_asked_once(sample_assistant):
    import time

    # A double click on Send, or Enter pressed twice, asked the question twice: two turns, two answers, and the
    # duplicate held the slot a real follow-up needs. A different question sent meanwhile still waits its turn.
    from assistant.web.panels import Conversation

    respond = handler(build_app(sample_assistant, panels=[]), "ask")
    conv = Conversation()
    first = respond("What weapons were mentioned?", conv, 5, "extractive", "en", {})
    next(first)  # its turn is shown, its answer not yet given
    assert list(respond("What weapons were mentioned?", conv, 5, "extractive", "en", {})) == [(gr.skip(),) * 4]
    assert len(conv.turns) == 1
    follow_up = respond("Comment les États-Unis ont-ils réagi ?", conv, 5, "extractive", "en", {})
    next(follow_up)
    assert [turn.question for turn in conv.turns] == ["What weapons were mentioned?",
                                                      "Comment les États-Unis ont-ils réagi ?"]
    list(first), list(follow_up)
    assert all(turn.answer is not None for turn in conv.turns)
    # the second click arriving after a quick answer, within a second of the first: dropped too
    conv.turns[-1].asked_at = time.monotonic() - 0.5
    assert list(respond("Comment les États-Unis ont-ils réagi ?", conv, 5, "extractive", "en", {})) == [
        (gr.skip(),) * 4]
    assert len(conv.turns) == 2
    # asked again on purpose, later: answered again
    conv.turns[-1].asked_at -= 10
    list(respond("Comment les États-Unis ont-ils réagi ?", conv, 5, "extractive", "en", {}))
    assert len(conv.turns) == 3 and conv.turns[-1].answer is not None


def test_tell_me_more_in_the_chat_leaves_out_what_an_answer_in_other_words_cited(sample_assistant):
    # The chat gave its follow-ups the answers' texts only: after a model's answer, which words what it cites its
    # own way, "Tell me more" quoted the same sentences again.
    from dataclasses import replace

    from assistant.web.panels import Conversation

    respond = handler(build_app(sample_assistant, panels=[]), "ask")
    conv = Conversation()
    list(respond("What weapons were mentioned?", conv, 5, "extractive", "en", {}))
    first = conv.turns[0].answer
    conv.turns[0].answer = replace(first, text="Pyongyang sends artillery rounds and rocket launchers [1] [2].")
    list(respond("Tell me more", conv, 5, "extractive", "en", {}))
    more = conv.turns[1].answer
    assert more.citations, more.text
    assert {c.start for c in more.citations}.isdisjoint(c.start for c in first.citations), more.text


def test_a_blank_question_is_answered_with_a_notice_in_the_page_language(sample_assistant, monkeypatch):
    # Spaces sent did nothing at all: no message, no toast, the spaces left in the box.
    from assistant.web.panels import Conversation

    warned: list[str] = []
    monkeypatch.setattr(gr, "Warning", lambda message, *args, **kwargs: warned.append(message))
    respond = handler(build_app(sample_assistant, panels=[]), "ask")
    conv = Conversation()
    for lang, expected in (("fr", "Écrivez d'abord une question : la zone est vide."),
                           ("en", "Type a question first: the box is empty.")):
        warned.clear()
        assert list(respond("   \n ", conv, 5, "extractive", lang, {})) == [("", gr.skip(), gr.skip(), gr.skip())]
        assert warned == [expected] and conv.turns == []
    # a second Enter, the box already emptied by the question just sent: nothing to say
    sent = respond("What weapons were mentioned?", conv, 5, "extractive", "en", {})
    next(sent)
    warned.clear()
    assert list(respond("", conv, 5, "extractive", "en", {})) == [("", gr.skip(), gr.skip(), gr.skip())]
    assert warned == [] and len(conv.turns) == 1
    list(sent)


def test_the_question_box_and_the_radios_have_their_names_from_the_start(sample_assistant):
    # In English, a screen reader announced "Textbox" and "Radio": the labels came only with a language switch.
    from assistant.entities import KINDS
    from assistant.web.entities import GROUPS

    demo = build_app(sample_assistant)
    assert component(demo, "question").label == "Question"
    assert component(demo, "lang-toggle").label == "Interface language"
    assert [component(demo, f"entities-{kind}").label for kind in KINDS] == [GROUPS["en"][kind] for kind in KINDS]
    # and they follow the switch
    from assistant.web.panels import Conversation

    updates = handler(demo, "relabel")("fr", Conversation(), None)
    labels = [update.get("label") for update in updates if isinstance(update, dict)]
    assert "Personnes" in labels and "Langue de l'interface" in labels


def test_a_refused_question_is_told_why_in_the_page_language_under_a_title_in_it(sample_index, tmp_path, monkeypatch):
    # "Cette question ne peut pas être posée : the question has no words to search for", in a toast titled "Warning".
    from assistant import QuestionError
    from assistant.web.entities import WORDS
    from assistant.web.panels import Conversation

    toasts: list[tuple[str, str]] = []
    monkeypatch.setattr(gr, "Warning", lambda message, *args, title="Warning", **kwargs: toasts.append(
        (title, message)))
    assistant = Assistant(sample_index, data_dir=tmp_path / "data", max_question_chars=20)
    demo = build_app(assistant)
    respond = handler(demo, "ask")
    for lang, question, expected in (
        ("fr", "?", ("Avertissement", "Cette question ne peut pas être posée : la question n'a aucun mot à "
                                      "rechercher")),
        ("fr", "Quelles armes ont été mentionnées ?",
         ("Avertissement", "Cette question ne peut pas être posée : la question est trop longue (35 caractères, 20 "
                           "au plus)")),
        ("en", "?", ("Warning", "This question cannot be asked: the question has no words to search for")),
    ):
        toasts.clear()
        list(respond(question, Conversation(), 5, "extractive", lang, {}))
        assert toasts == [expected]
    with pytest.raises(QuestionError, match=r"^the question is too long \(35 characters, at most 20\)$") as error:
        assistant.check_question("Quelles armes ont été mentionnées ?")  # the API's words stay English
    assert (error.value.code, error.value.values) == ("too_long", {"count": "35", "limit": "20"})
    # the other French words of our own: a list separated as French separates it, the tab's name
    updates = handler(demo, "relabel")("fr", Conversation(), None)
    missing = next(u["value"] for u in updates if str(u.get("value", "")).startswith("Non disponible"))
    assert ") ; " in missing and "); " not in missing, missing
    assert WORDS["fr"]["all"] == "Discussion : tous les articles." and STRINGS["fr"]["tab.chat"] == "Discussion"


def test_every_question_error_has_french_words(sample_index, tmp_path):
    from assistant import QuestionError
    from assistant.web.i18n import question_reason

    assistant = Assistant(sample_index, data_dir=tmp_path / "data", max_question_chars=20)
    codes = []
    for question in (42, " ", "?", "x" * 21):
        with pytest.raises(QuestionError) as error:
            assistant.check_question(question)
        codes.append(error.value.code)
        assert question_reason(error.value, "en") == str(error.value)
        assert question_reason(error.value, "fr").startswith("la question "), question_reason(error.value, "fr")
    assert codes == ["not_text", "empty", "no_words", "too_long"]
    assert question_reason(ValueError("anything else"), "fr") == "anything else"


def test_the_upload_bar_moves_while_a_large_article_is_embedded(tmp_path, monkeypatch):
    # One 96 KB article: the bar stood at 0.0% ("0/1 files written") for the 74 s of its embedding.
    import assistant.web.app as web_app
    from assistant.types import IndexReport

    def index_uploads(assistant, saved, progress, embedding_progress):
        source = str(saved[0].stored)
        for done in (32, 600, 1101):  # the indexer waits for the file's passages, then writes it
            embedding_progress(done, 1101, source)
        progress(1, 1, source)
        return IndexReport(added=[source])

    monkeypatch.setattr(web_app, "index_uploads", index_uploads)
    demo = build_app(Assistant(tmp_path / "index", data_dir=tmp_path / "data"), panels=[])
    article = tmp_path / "dossier.txt"
    article.write_text("Un long dossier sur l'économie.", encoding="utf-8")
    shown: list[tuple[object, str]] = []
    handler(demo, "index")([str(article)], True, "fr",
                           progress=lambda value, desc=None, **kwargs: shown.append((value, desc)))
    # Once saved, the bar says the files are read, and why the first upload waits: it stood at "Enregistrement des
    # fichiers - 0.0%" through the 22 s the models took to load.
    assert shown[0] == (0, "Enregistrement des fichiers") and shown[1][0] == 0, shown
    assert shown[1][1].startswith("Lecture des fichiers (le premier envoi") and "modèles" in shown[1][1], shown
    values = [value for value, _ in shown[2:]]  # after "saving the uploads" and "reading the files"
    assert values == sorted(values) and len(set(values[:3])) == 3 and 0 < values[0] < values[1] < values[2] < 1, shown
    assert shown[3][1] == "Vectorisation des passages : 600 sur 1101"
    assert shown[5][1] == "Indexation de dossier.txt (fichier 1 sur 1)" and values[-1] == 1.0, shown


def test_a_date_range_that_ends_before_it_starts_is_refused_in_the_panel(sample_index, tmp_path, monkeypatch):
    # "Publié depuis 2025", "Publié jusqu'au 2024" was applied ("≥ 2025 · ≤ 2024"), and every question then failed:
    # "Un problème est survenu pendant la réponse : since (2025) is after until (2024): no date is both".
    toasts: list[tuple[str, str]] = []
    monkeypatch.setattr(gr, "Warning", lambda message, *args, title="Warning", **kwargs: toasts.append(
        (title, message)))
    demo = build_app(Assistant(sample_index, data_dir=tmp_path / "data"))
    apply_dates = handler(demo, "apply_dates")
    assert apply_dates("2025", "2024", {"entity": "x"}, "fr") == (gr.skip(), gr.skip())
    assert toasts == [("Avertissement", "Dates incompatibles : « 2025 » est après « 2024 ».")]
    # one month, or one year, is a range of its own
    state, status = apply_dates("2024-03", "2024-03", {}, "fr")
    assert state == {"since": "2024-03", "until": "2024-03"} and "≥ 2024-03 · ≤ 2024-03" in status
    assert apply_dates("2024", "2024-06", {}, "en")[0] == {"since": "2024", "until": "2024-06"}
    assert len(toasts) == 1


def test_the_filter_line_shows_a_title_as_written():
    # A date picked in the entities panel names its articles in the line, a Markdown component: "3 TGV sur 5
    # <b>supprimés</b> & les *usagers* en colère" showed "supprimés" in bold and "usagers" in italics.
    from assistant.web.entities import status_text
    from assistant.web.render import escape_markdown

    title = "3 TGV sur 5 <b>supprimés</b> & les *usagers* en colère"
    line = status_text({"source": ["d1"]}, {}, "fr", {"d1": title})
    assert line == f"Discussion filtrée : « {escape_markdown(title)} ».", line
    line = status_text({"entity": "person:x"}, {"person:x": "Jean *Dupont*"}, "en")
    assert "Jean \\*Dupont\\*" in line, line


def test_a_filter_on_an_entity_whose_articles_were_removed_is_dropped(writable_index, tmp_path):
    # The one article naming the chosen person removed, the person left the list and no choice showed ticked, but
    # the chat stayed filtered to them: every question was refused ("Aucun article indexé ne correspond aux filtres
    # (mentionnant christel heydemann)"), and the panel still showed the removed article's mentions.
    from assistant.entities import KINDS, PERSON

    assistant = Assistant(writable_index, data_dir=tmp_path / "data")
    demo = build_app(assistant)
    key = next(e.key for e in assistant.entities(kind=PERSON) if "Boudanov" in e.name)
    selected = [key if kind == PERSON else None for kind in KINDS]
    refresh = handler(demo, "refresh")
    # still indexed: the filter stays as it is
    kept = refresh(*selected, {"entity": key, "since": "2024"}, "fr")
    assert kept[len(KINDS) * 2:len(KINDS) * 2 + 3] == [gr.skip(), gr.skip(), gr.skip()], kept
    assistant.remove(SAMPLE)
    updates = refresh(*selected, {"entity": key, "since": "2024"}, "fr")
    assert updates[KINDS.index(PERSON)]["value"] is None
    state, status, mentions = updates[len(KINDS) * 2:len(KINDS) * 2 + 3]
    assert state == {"since": "2024"} and status == "Discussion filtrée : ≥ 2024." and mentions == "", updates


# -- hostile input and what the page may tell a visitor (a newsroom's server, articles scraped from the web)
def test_a_report_shows_names_and_reasons_as_written_on_one_line_each(tmp_path):
    # A page whose menu held "![b](http://…)" made the report fetch that image (the reason quotes the menu);
    # a name sent with line breaks ended its line and the code span around it, and started a link.
    from assistant.types import IndexReport
    from assistant.web.library import Upload

    store = UploadStore(tmp_path / "uploads", max_mb=1)
    store.folder.mkdir(parents=True)
    stored = store.folder / "a-phish-x-_x_.txt"
    stored.write_text("text", encoding="utf-8")
    menu = store.folder / "menu.html"
    uploads = [Upload("a\n\n[phish](http&#58;x)\n\n`_x_`.txt", stored=stored),
               Upload("menu.html", stored=menu),
               Upload("big <b>.txt", reason="too large (<img src=x onerror=alert(1)>)")]
    boilerplate = Reason("html_boilerplate", detail='"Home / ![b](http://tracker.example/p.png) / [x](http://e.example)"')
    report = IndexReport(added=[str(stored)], failed={str(menu): boilerplate})
    text = report_markdown(uploads, report, "en")
    lines = text.splitlines()
    assert len(lines) == 2 + len(uploads), lines  # the summary, a blank line, one line a file
    assert lines[2].startswith("- ✓ ``a␊␊[phish](http&#58;x)␊␊`_x_`.txt``: indexed"), lines[2]  # a code span
    assert "(stored as a-phish-x-\\_x\\_.txt)" in lines[2]
    assert "\\!\\[b\\](http://tracker.example/p.png)" in lines[3] and "\\[x\\](http://e.example)" in lines[3]
    assert lines[4] == "- ✗ `big <b>.txt`: **failed**: too large (\\<img src=x onerror=alert(1)\\>)"


def test_search_results_show_titles_and_sentences_as_written_and_no_server_folder():
    from types import SimpleNamespace

    from assistant import Mention
    from assistant.web.search import results_html

    text = "Le <script>alert(1)</script> port & la grève."
    word = text.index("grève")
    mention = Mention(source="/srv/newsroom/private/port.txt", title="<img src=x onerror=alert(1)>", text=text,
                      start=100, end=100 + len(text), matches=((100 + word, 100 + word + 5),), doc_id="d",
                      published="2025-03-12")
    shown = results_html(SimpleNamespace(search=lambda words: [mention] * 3), "grève <b>", "en", limit=2)
    assert "<script>" not in shown and "<img" not in shown and "<b>" not in shown and "/srv/" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt; port &amp; la <mark>grève</mark>." in shown
    # the file by its name, as the chat's sources say it (where it lies on hover), and no character offsets
    # ("[100:147]" beside each sentence meant nothing to a reader)
    assert ("&lt;img src=x onerror=alert(1)&gt; <small><span class='source-file' title='…/private/port.txt'>"
            "port.txt</span> · 2025-03-12</small>") in shown
    assert "[100:" not in shown and ":147]" not in shown
    assert "3 sentences in 1 article hold “grève &lt;b&gt;”." in shown
    assert "Common words left out: b." in shown and "The first 2 are shown" in shown
    assert shown.count("class='search-mention'") == 2


@pytest.mark.parametrize(("lang", "counts", "said"), [
    ("en", (1, 1), "1 sentence in 1 article holds “port”."),
    ("en", (2, 1), "2 sentences in 1 article hold “port”."),
    ("en", (5, 3), "5 sentences in 3 articles hold “port”."),
    ("fr", (1, 1), "1 phrase dans 1 article contient « port »."),
    ("fr", (4, 2), "4 phrases dans 2 articles contiennent « port »."),
])
def test_the_search_count_puts_its_words_in_their_number(lang, counts, said):
    # "1 phrase(s) dans 1 article(s) contiennent" read as a form to fill in.
    from types import SimpleNamespace

    from assistant import Mention
    from assistant.web.search import results_html

    sentences, articles = counts
    text = "Le port est bloqué."
    mentions = [Mention(source=f"/srv/news/{i % articles}.txt", title="Port", text=text, start=0, end=len(text),
                        matches=((3, 7),), doc_id=str(i % articles)) for i in range(sentences)]
    shown = results_html(SimpleNamespace(search=lambda words: mentions), "port", lang)
    assert said in shown, shown


def test_a_search_result_opens_its_article_with_the_sentence_highlighted(sample_assistant):
    from assistant.web.search import article_view_html

    mention = sample_assistant.search("Grad")[0]
    view = article_view_html(sample_assistant, mention.doc_id, mention.start, mention.end, "fr")
    assert f"<mark id='search-mark'>{html_lib.escape(mention.text)}</mark>" in view
    assert "← Retour aux résultats" in view and "russie-coree-du-nord.txt" in view
    assert "n'est plus dans l'index" in html_lib.unescape(article_view_html(sample_assistant, "gone", 0, 5, "fr"))
    assert "changé depuis la recherche" in article_view_html(sample_assistant, mention.doc_id, 0, 10**7, "fr")


def test_a_result_whose_article_was_edited_since_says_so_rather_than_mark_other_words(tmp_path):
    import re

    from assistant.web.search import article_view_html, results_html

    article = tmp_path / "port.txt"
    article.write_text("Port news\n\nThe harbour of Brest opened a new dock for research vessels.", encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_model="all-MiniLM-L6-v2")
    assistant.index([article])
    shown = results_html(assistant, "dock", "en")
    doc, start, end, digest = re.search(r"data-doc='(\w+)' data-start='(\d+)' data-end='(\d+)' "
                                        r"data-digest='(\w+)'", shown).groups()
    view = article_view_html(assistant, doc, int(start), int(end), "en", digest)
    assert "<mark id='search-mark'>The harbour of Brest opened a new dock" in view
    # Edited elsewhere (longer now, under the same name): the offsets searched no longer hold that sentence.
    article.write_text("Port news\n\nA storm closed the port of Lorient on Sunday. The harbour of Brest opened a new "
                       "dock for research vessels.", encoding="utf-8")
    assistant.index([article])
    view = article_view_html(assistant, doc, int(start), int(end), "en", digest)
    assert "has changed since the search" in view and "search-mark" not in view


def test_a_toast_shows_its_message_as_text(monkeypatch):
    # Gradio shows a toast's message as HTML: a date typed as "<img src=x>" showed an image.
    from assistant.web.i18n import warn

    toasts = []
    monkeypatch.setattr(gr, "Warning", lambda message, *args, **kwargs: toasts.append(message))
    warn("en", "Not a date: “<img src=x onerror=alert(1)> & co”")
    assert toasts == ["Not a date: “&lt;img src=x onerror=alert(1)&gt; &amp; co”"]


def test_marker_titles_and_notices_are_shown_as_written_on_one_line():
    title = '<img src=x> [x](javascript:alert(1)) *a*\n\n# "b" \\'
    citation = Citation(marker=1, source="/srv/news/a.txt", title=title, quote="q", start=0, end=1, score=0.9)
    answer = Answer(text="q [1]", citations=[citation],
                    notice="The language model could not be reached (/srv/models/secret/model.gguf)")
    markdown = answer_markdown(answer, turn=0)
    link = markdown.splitlines()[0]
    assert link == ('q [[1]](#cite-0-1 "\\<img src=x\\> \\[x\\](javascript:alert(1)) \\*a\\* \\# \'b\' \\\\")'), link
    assert "/srv/" not in markdown and "(…/model.gguf)" in markdown
    # a model's (or a quoted article's) Markdown link, image or HTML stays text
    written = Answer(text="See [click](javascript:alert(1)) ![x](http://t.example/p.png) <script>x</script> [1]",
                     citations=[citation])
    assert answer_markdown(written, turn=0).startswith(
        "See \\[click\\](javascript:alert(1)) \\!\\[x\\](http://t.example/p.png) \\<script\\>x\\</script\\> [[1]]")


def test_the_page_names_no_server_folder_in_sources_article_view_or_errors(tmp_path, monkeypatch):
    from assistant.web.render import public_error, public_path

    monkeypatch.chdir(tmp_path)
    secret = "/srv/newsroom/private/scraped/port.txt"
    citation = Citation(marker=1, source=secret, title="Port", quote="Quai.", start=0, end=5, score=1.0,
                        passage="Quai.", passage_start=0, passage_end=5)
    answer = Answer(text="Quai. [1]", citations=[citation], question="q")
    for shown in (sources_html(answer, 0, "en"), article_html(citation, "Quai.", "en")):
        assert "/srv/newsroom" not in shown and 'title="…/scraped/port.txt"' in shown, shown
    assert public_path(str(tmp_path / "samples" / "a.txt")) == "samples/a.txt"
    assert public_error("[Errno 28] No space left on device: '/srv/news/data/uploads/.a.txt.incoming'") == (
        "[Errno 28] No space left on device: '…/.a.txt.incoming'")
    # a URL and a fraction are not folders
    assert public_error("cannot reach http://10.0.0.5:8080/v1 (1/2)") == "cannot reach http://10.0.0.5:8080/v1 (1/2)"


def test_the_settings_tab_names_no_server_folder(sample_index, tmp_path):
    demo = build_app(Assistant(sample_index, data_dir=tmp_path / "data"), panels=[])
    info = component(demo, "index-info").value
    assert str(sample_index) not in info and f"…/{sample_index.parent.name}/{sample_index.name}" in info, info


def test_a_failure_while_indexing_uploads_names_no_server_folder(tmp_path, monkeypatch):
    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    upload = tmp_path / "browser" / "port.txt"
    upload.parent.mkdir()
    upload.write_text("Le port de Brest\n\nUn nouveau quai a ouvert lundi à Brest.\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError(f"[Errno 5] Input/output error: '{tmp_path}/index/chroma.sqlite3'")

    monkeypatch.setattr(assistant, "index", broken)
    report, _ = handler(demo, "index")([str(upload)], True, "en", progress=lambda *args, **kwargs: None)
    assert str(tmp_path) not in report and "…/chroma.sqlite3" in report, report


def test_gradio_copies_of_indexed_uploads_are_deleted(tmp_path, monkeypatch):
    # Gradio keeps an upload as <its folder>/<hash>/<name> and serves it to whoever has the link: the copy
    # stayed after the article was indexed, and after it was removed from the index.
    gradio_folder = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(gradio_folder))
    copy = gradio_folder / "0f3a" / "port.txt"
    copy.parent.mkdir(parents=True)
    copy.write_text("Le port de Brest\n\nUn nouveau quai a ouvert lundi à Brest.\n", encoding="utf-8")
    mine = tmp_path / "mine.txt"  # a file outside Gradio's folder is never touched
    mine.write_text("Le port du Havre\n\nLes dockers ont cessé le travail mardi au Havre.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data")
    demo = build_app(assistant, panels=[])
    assert demo.delete_cache  # an upload never indexed goes too, later
    report, cleared = handler(demo, "index")([str(copy), str(mine)], True, "en", progress=lambda *a, **k: None)
    assert "Files indexed: 2 of 2" in report and cleared is None
    assert not copy.exists() and not copy.parent.exists() and mine.exists()
    assert (tmp_path / "data" / "uploads" / "port.txt").exists()


def test_a_login_half_set_up_is_refused_and_an_open_server_is_warned_about(sample_index, caplog):
    from assistant.settings import SettingsError
    from assistant.web.app import loopback

    for half in ({"auth_user": "ana"}, {"auth_password": "s3cret"}):
        with pytest.raises(SettingsError, match="ASSISTANT_AUTH_"):
            launch_options(Assistant(sample_index, **half))  # it served the page with no login at all
    options = launch_options(Assistant(sample_index))
    assert options["show_error"] is False  # an uncaught error's message (a server path) stays in the log
    assert loopback("127.0.0.1") and loopback("::1") and loopback("localhost") and loopback("127.0.1.1")
    assert not loopback("0.0.0.0") and not loopback("10.1.2.3") and not loopback("newsroom.lan")


def test_a_stored_name_fits_a_file_system_whatever_its_script():
    for name in ("中" * 100 + ".txt", "㍿" * 66 + ".txt", "é" * 140 + ".md"):
        stored = safe_name(name)
        assert len(stored.encode("utf-8")) <= 160 and stored.endswith((".txt", ".md")), stored


def test_requests_another_sites_page_makes_are_refused_but_a_link_from_it_opens_the_page():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from assistant.web.app import SameOriginOnly

    async def ok(request):
        return PlainTextResponse("ok")

    client = TestClient(Starlette(routes=[Route("/{path:path}", ok, methods=["GET", "POST"])],
                                  middleware=[Middleware(SameOriginOnly)]))
    for site, mode, method, status in [("cross-site", "cors", "GET", 403), ("cross-site", "no-cors", "POST", 403),
                                       ("same-site", "cors", "POST", 403), ("cross-site", "navigate", "POST", 403),
                                       ("cross-site", "navigate", "GET", 200), ("same-origin", "cors", "POST", 200),
                                       ("none", "navigate", "GET", 200), (None, None, "POST", 200)]:
        headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode} if site else {}
        assert client.request(method, "/gradio_api/upload", headers=headers).status_code == status, (site, mode)


def test_each_question_is_one_line_of_the_servers_log(sample_assistant, caplog):
    # The server's log said where the page was and nothing more: an operator could not tell whether the desk
    # used it, how long answers took, or how many were refused. One INFO line per question now (not its text:
    # a journalist's question may be confidential, and a failure's line or traceback does not name it either).
    import logging

    from assistant.web.panels import Conversation

    respond = handler(build_app(sample_assistant, panels=[]), "ask")
    with caplog.at_level(logging.INFO, logger="assistant.web.app"):
        list(respond("What weapons were mentioned?", Conversation(), 5, "extractive", "en", {}))
        list(respond("Who won the 1998 football World Cup?", Conversation(), 5, "extractive", "en", {}))
    lines = [r.getMessage() for r in caplog.records if r.name == "assistant.web.app" and r.levelno == logging.INFO]
    assert len(lines) == 2, lines
    assert lines[0].startswith("question answered (extractive, 2 citations) in "), lines
    assert lines[1].startswith("question refused (extractive) in "), lines
    assert not any("weapons" in line or "football" in line for line in lines)


def test_a_question_sent_during_an_answer_is_answered_after_that_answer_is_shown(sample_assistant):
    # The second question's answer was made as soon as the first one's was, before Gradio had sent the first to
    # the page: on a loaded machine the first one's chat and sources came last and hid the second answer (the
    # Chromium test waiting for it timed out in CI).
    from assistant.web.panels import Conversation

    respond = handler(build_app(sample_assistant, panels=[]), "ask")
    conv = Conversation()
    first = respond("What weapons were mentioned?", conv, 5, "extractive", "en", {})
    step = next(first)
    while not (isinstance(step[3], str) and 'data-turn="0"' in step[3]):
        step = next(first)
    # The first answer's last step is being sent: the next question must wait for it.
    assert conv.answering.locked()
    second = respond("Where did Kim Jong-un and Vladimir Putin meet?", conv, 5, "extractive", "en", {})
    next(second)  # shown under the first, waiting
    assert [turn.answer is None for turn in conv.turns] == [False, True]
    assert list(first) == []
    *_, (_, chat, _, panel) = list(second)
    assert 'data-turn="1"' in panel
    assert "Grad" in chat[1]["content"] and "Poutine" in chat[3]["content"], chat


def test_a_conversation_is_saved_as_one_markdown_file_and_stale_ones_are_removed(tmp_path, monkeypatch):
    from datetime import datetime

    from assistant.web import export
    from assistant.web.panels import Conversation, Turn

    monkeypatch.setattr(export, "EXPORTS", tmp_path / "exports")
    stale = tmp_path / "exports" / "old-conversation"
    stale.mkdir(parents=True)
    (stale / "conversation.md").write_text("yesterday's", encoding="utf-8")
    os.utime(stale, (0, 0))
    conv = Conversation([Turn("Où ?", Answer(text="À Brest. [1]", question="Où ?", citations=[Citation(
        marker=1, source="/srv/port.txt", title="Le port", quote="À Brest.", start=0, end=8, score=1.0)]))])
    assert export.conversation_file(Conversation([Turn("Où ?")]), "fr") is None  # nothing answered yet
    first = export.conversation_file(conv, "fr", datetime(2026, 12, 7, 10, 32, 5))
    assert not stale.exists()
    assert first.name == "conversation-2026-12-07-103205.md"
    assert first.read_text(encoding="utf-8").startswith("# Conversation du 2026-12-07 10:32, Assistant d'actualité\n\n"
                                                        "## Où ?\n\nÀ Brest. [1]\n\n**[1]** Le port · port.txt\n")
    conv.turns.append(Turn("Quand ?", Answer(text="Lundi.", question="Quand ?")))
    second = export.conversation_file(conv, "en", datetime(2026, 12, 7, 10, 40))
    assert second.parent == first.parent and list(first.parent.iterdir()) == [second]  # its latest version only
    assert "## Quand ?" in second.read_text(encoding="utf-8")


def test_the_library_orders_newest_indexed_newest_published_title_and_file(tmp_path):
    from types import SimpleNamespace

    from assistant.web.library import sorted_articles

    def article(title, source, published, indexed_at):
        return SimpleNamespace(title=title, source=f"/srv/news/{source}", published=published, indexed_at=indexed_at)

    articles = [article("Économie", "b.txt", "2024-05-01", 3), article("zèbre", "a.txt", "", 1),
                article("Accord", "c.txt", "2025-01-02", 2), article("Budget", "d.txt", "", 4)]
    store = UploadStore(tmp_path / "uploads", max_mb=1)

    def titles(order):
        return [a.title for a in sorted_articles(articles, order, store)]

    assert titles("indexed") == ["Budget", "Économie", "Accord", "zèbre"]
    assert titles("published") == ["Accord", "Économie", "Budget", "zèbre"]  # the undated last, by title
    assert titles("title") == ["Accord", "Budget", "Économie", "zèbre"]  # accents and case folded
    assert titles("source") == ["zèbre", "Économie", "Accord", "Budget"]


def test_report_says_how_many_files_were_already_indexed_unchanged(tmp_path, writable_index):
    # Five files sent again unchanged read "Files indexed: 5 of 5", as if each had been read anew.
    assistant = Assistant(writable_index)
    store = UploadStore(tmp_path / "uploads", max_mb=1)
    first, second = tmp_path / "port.md", tmp_path / "quai.md"
    first.write_text("# Port news\n\nThe harbour of Brest opened a new dock for research vessels.", encoding="utf-8")
    second.write_text("# Quai\n\nLe port de Brest ouvre un quai pour les navires de recherche.", encoding="utf-8")
    saved = [store.save(first, "port.md", "en")]
    report = assistant.index([s.stored for s in saved])
    store.settle(saved, report)
    assert report_markdown(saved, report, "en").startswith("**Files indexed: 1 of 1**\n")

    again = [store.save(first, "port.md", "en", replace=True), store.save(second, "quai.md", "fr")]
    report = assistant.index([s.stored for s in again])
    store.settle(again, report)
    text = report_markdown(again, report, "en")
    assert text.startswith("**Files indexed: 2 of 2, one of them already there and unchanged**\n"), text
    assert "✓ `port.md`: already indexed, unchanged" in text and "✓ `quai.md`: indexed" in text
    french = report_markdown(again, report, "fr")
    assert french.startswith("**Fichiers indexés : 2 sur 2, dont un déjà présent et inchangé**\n"), french
