"""Saved pages of French news sites: the story and its standfirst indexed, the page's chrome and its links to
other articles left out, the byline and date read where only the page's head states them."""

from __future__ import annotations

import pytest
from conftest import DATA, article_text

from assistant import Assistant
from assistant.loaders import LoadError, load_file

PAGES = DATA / "news-pages"
# Words of the page that are no part of its story: menus, consent banners, related-article links, comments,
# most-read lists, paywall teasers, share buttons, footers.
CHROME = {
    "greve-orly.html": [
        "cookies",
        "Politique",
        "S'abonner",
        "Les compagnies low cost",
        "Jeanmi75",
        "inadmissible",
        "Réforme des retraites",
        "Mentions légales",
        "Partager",
        "Lecture 3 min",
    ],
    "secheresse-drome.html": [
        "partenaires",
        "Environnement",
        "Canicule",
        "Lire aussi",
        "réservé aux abonnés",
        "Nappes phréatiques",
        "retenues collinaires",
        "Gestion des cookies",
    ],
    "inondations-valence.html": [
        "Monde",
        "Accueil",
        "sécheresse menace",
        "lire aussi",
        "Mots-clés",
        "LinkedIn",
        "Élection américaine",
        "newsletter",
        "Tous droits réservés",
    ],
}


def loaded(name: str):
    doc = load_file(PAGES / name)
    assert not isinstance(doc, LoadError), doc
    return doc


@pytest.mark.parametrize("name", sorted(CHROME))
def test_a_news_page_indexes_its_story_and_nothing_around_it(name):
    text = loaded(name).page_content
    assert [words for words in CHROME[name] if words.casefold() in text.casefold()] == []


def test_the_standfirst_between_the_headline_and_the_story_is_part_of_it():
    # trafilatura left out the "chapô", the story's summary, with the page's header.
    orly = loaded("greve-orly.html").page_content
    assert orly.startswith(
        "La direction générale de l'aviation civile a demandé aux compagnies de réduire leurs "
        "programmes de vols de moitié jeudi.\nLes passagers qui devaient s'envoler jeudi"
    )
    drome = loaded("secheresse-drome.html").page_content
    assert drome.startswith("Face à un niveau des nappes historiquement bas, la préfecture a interdit mardi")
    assert drome.count("historiquement bas") == 1


def test_links_to_other_articles_are_no_part_of_the_story():
    # "Lire aussi : Canicule : les restrictions d'eau s'étendent à 60 départements" was a line of the story.
    drome = loaded("secheresse-drome.html").page_content
    assert "60 départements" not in drome
    assert "d'irrigation.\nPour les producteurs de fruits" in drome.replace("l'irrigation", "d'irrigation")
    assert "récoltes d'agrumes" not in loaded("inondations-valence.html").page_content


def test_the_byline_and_date_are_read_from_the_pages_head_and_metadata():
    metadata = {name: loaded(name).metadata for name in CHROME}
    assert {name: (m["title"], m["author"], m["published"]) for name, m in metadata.items()} == {
        "greve-orly.html": (
            "Grève des contrôleurs aériens : des centaines de vols annulés à Orly",
            "Hélène Marchetti",
            "2025-03-12",
        ),  # published, not modified
        "secheresse-drome.html": (
            "Sécheresse : les agriculteurs de la Drôme privés d'irrigation",
            "Julien Roux",
            "2025-07-08",
        ),
        # "Par AFP" and "Mis en ligne le 30/10/2024 à 09:12" sit above the story, and no metadata repeats them
        "inondations-valence.html": (
            "Inondations en Espagne : au moins 12 morts dans la région de Valence",
            "AFP",
            "2024-10-30",
        ),
    }


@pytest.fixture(scope="module")
def pages_desk(tmp_path_factory) -> Assistant:
    assistant = Assistant(tmp_path_factory.mktemp("pages") / "index")
    assert len(assistant.index([PAGES]).added) == 3
    return assistant


def test_an_answer_quotes_the_standfirst(pages_desk):
    reply = pages_desk.ask("Qu'a demandé la direction générale de l'aviation civile aux compagnies ?")
    assert reply.answered, reply.text
    assert "réduire leurs programmes de vols de moitié" in reply.citations[0].quote
    for citation in reply.citations:
        assert article_text(pages_desk, citation.source)[citation.start : citation.end] == citation.quote


def test_a_site_named_as_the_author_gives_way_to_the_byline(tmp_path):
    # <meta name="author" content="Le Quotidien du Matin">, the site's name on every page, was the author.
    page = (
        (PAGES / "greve-orly.html")
        .read_text(encoding="utf-8")
        .replace(
            "<head>",
            '<head><meta name="author" content="Le Quotidien du Matin">'
            '<meta property="og:site_name" content="Le Quotidien du Matin">',
        )
    )
    (tmp_path / "orly.html").write_text(page, encoding="utf-8")
    assert load_file(tmp_path / "orly.html").metadata["author"] == "Hélène Marchetti"
