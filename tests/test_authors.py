"""Who wrote an article: read from its byline or metadata at indexing, and said when asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pdfmaker import write_pdf

from assistant import Assistant
from assistant.cli import main
from assistant.loaders import byline, load_file

DATA = Path(__file__).parent / "data"
PAGE = """<!DOCTYPE html><html><head><title>Le port de Marseille bat un record de trafic</title>
<meta name="author" content="Claire Fontaine">
<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Claire Fontaine"},
"datePublished": "2024-03-05"}</script></head><body><nav>Accueil | Économie</nav><article>
<h1>Le port de Marseille bat un record de trafic</h1><p class="byline">Par Claire Fontaine</p>
<p>Le Grand Port maritime de Marseille a traité 81 millions de tonnes de marchandises en 2023, un record
depuis sa création, a annoncé mardi sa direction. Les conteneurs ont progressé de 12 % sur un an.</p>
<p>La direction attribue cette hausse au report du trafic de la mer Rouge vers la Méditerranée.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def newsdesk(tmp_path_factory) -> Assistant:
    folder = tmp_path_factory.mktemp("newsdesk")
    for name in ("newsroom/fr-election-benin.txt", "web-review/drones-kharkiv.md"):
        (folder / Path(name).name).write_bytes((DATA / name).read_bytes())
    (folder / "port-marseille.html").write_text(PAGE, encoding="utf-8")
    (folder / "sans-signature.txt").write_text(
        "Budget municipal de Lyon\n\nLe conseil municipal de Lyon a voté mardi soir un budget de 1,2 milliard "
        "d'euros pour 2024, dont 300 millions pour les transports.\n", encoding="utf-8")
    write_pdf(folder / "rapport.pdf", ["Rapport sur les vendanges en Bourgogne.",
                                       "La récolte 2023 a atteint 1,8 million d'hectolitres."],
              title="Vendanges en Bourgogne", author="Marc Vigneron")
    assistant = Assistant(folder / "index")
    assert len(assistant.index([folder]).added) == 5
    return assistant


def test_the_author_is_read_from_a_byline_front_matter_html_and_pdf_metadata(newsdesk, capsys):
    authors = {Path(a.source).name: a.author for a in newsdesk.articles()}
    assert authors == {"fr-election-benin.txt": "Aminata Diallo", "drones-kharkiv.md": "James Whitmore",
                       "port-marseille.html": "Claire Fontaine", "sans-signature.txt": "",
                       "rapport.pdf": "Marc Vigneron"}
    assert main(["--index", str(newsdesk.settings.index_dir), "list", "--json"]) == 0
    listed = {Path(a["source"]).name: a["author"] for a in json.loads(capsys.readouterr().out)}
    assert listed == authors
    # A line that opens with "By" or "Par" is a byline only when names follow it, and end there.
    assert byline("Titre\n\n*By James Whitmore, Kyiv — March 4, 2025*\n\nText") == "James Whitmore"
    assert byline("Titre\n\nPar Jean Dupont et Marie Curie | Publié le 5 mars 2024") == "Jean Dupont et Marie Curie"
    assert byline("Title\n\nBy the way, this is text.") is None and byline("Titre\n\nParis est une ville.") is None
    # A correspondent's post before the name; a post without a name names nobody
    assert byline("Titre\n\nDe notre correspondant à Moscou, Pierre Dupont\n\nTexte") == "Pierre Dupont"
    assert byline("Titre\n\nDe notre envoyée spéciale à Kharkiv, Marie-Anne Durand") == "Marie-Anne Durand"
    assert byline("Titre\n\n(De notre correspondant à Bruxelles)") is None
    assert byline("De Gaulle a dit non.") is None
    # and such a line is no answer to quote
    from assistant.loaders import METADATA_LINE

    assert METADATA_LINE.match("De notre correspondant à Moscou, Pierre Dupont")
    assert not METADATA_LINE.match("De notre correspondant à Moscou. Le Kremlin a dit que la guerre continuerait.")


def test_who_wrote_an_article_is_answered_from_its_record(newsdesk):
    # "Who wrote the article about the heatwave in India?" was answered with its temperatures (a reviewer).
    answer = newsdesk.ask("Who wrote the article about the Benin election?")
    assert answer.answered and "was written by Aminata Diallo [1]" in answer.text, answer.text
    quote = answer.citations[0]
    assert quote.quote == "Par Aminata Diallo | Publié le 14 avril 2026"
    assert newsdesk.article_text(quote.source)[quote.start:quote.end] == quote.quote
    answer = newsdesk.ask("Qui a écrit l'article sur le port de Marseille ?")  # the byline is not in its text
    assert answer.answered and "a été écrit par Claire Fontaine" in answer.text and "métadonnées" in answer.text
    answer = newsdesk.ask("Quel est l'auteur de l'article sur le budget municipal de Lyon ?")
    assert not answer.answered and answer.text == "« Budget municipal de Lyon » ne dit pas qui l'a écrit."
    answer = newsdesk.ask("Who wrote the article about the Mars landing?")  # "By ... March 4" is no subject
    assert not answer.answered and answer.text == "No indexed article is about “the Mars landing”."
    assert "Marc Vigneron" in newsdesk.ask("Who wrote rapport.pdf?").text
    assert newsdesk.ask("Who wrote it?").answerer != "article record"  # a follow-up: for the search
    # A book or a song, not an article: for the search (PIAF's "Qui est l'auteur de Don Quichotte ?" was refused).
    assert newsdesk.ask("Qui est l'auteur de Don Quichotte ?").answerer != "article record"


def test_an_html_page_keeps_its_author_from_its_metadata(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE.replace('<p class="byline">Par Claire Fontaine</p>', ""), encoding="utf-8")
    assert load_file(page).metadata["author"] == "Claire Fontaine"


def test_a_byline_that_dates_the_story_gives_its_date_too(tmp_path):
    # "By James Whitmore and Sarah Lee, Kyiv — February 3, 2024": the authors were read, the date was not.
    story = tmp_path / "drones.txt"
    story.write_text("Drones over Kyiv\n\n*By James Whitmore and Sarah Lee, Kyiv — February 3, 2024*\n\n"
                     "Russian forces launched 40 drones at the capital overnight, the air force said.\n",
                     encoding="utf-8")
    document = load_file(story)
    assert document.metadata["author"] == "James Whitmore and Sarah Lee"
    assert document.metadata["published"] == "2024-02-03"


def test_who_wrote_a_column_or_an_interview_is_asked_as_of_an_article(tmp_path):
    # "Who wrote the opinion column about the car park?" was answered with the column's sentences: only
    # "article", "story" and the like named a piece (a reviewer).
    (tmp_path / "column.txt").write_text(
        "A car park nobody needs\n\nBy Laura Brennan\n\nThe council's plan to build a £34 million multi-storey car "
        "park on Canal Street will be approved next week. The money would pay for three new bus routes.\n",
        encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assert assistant.index([tmp_path / "column.txt"]).added
    for question in ("Who wrote the opinion column about the Canal Street car park?",
                     "Qui a écrit la chronique sur le parking de Canal Street ?"):
        answer = assistant.ask(question)
        assert answer.answered and "Laura Brennan" in answer.text and answer.citations, answer.text
        assert answer.citations[0].quote == "By Laura Brennan"
