"""Saved pages of French news sites: the story and its standfirst indexed, the page's chrome and its links to
other articles left out, the byline and date read where only the page's head states them."""

from __future__ import annotations

import plistlib
import quopri
from pathlib import Path

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


def loaded_file(path: Path):
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    return doc


def loaded(name: str):
    return loaded_file(PAGES / name)


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


def test_a_photo_caption_or_a_logo_in_h1_is_not_taken_for_the_standfirst(tmp_path):
    # The lead photo's caption sits between the headline and the story on many sites, outside a <figure>; some
    # sites set their logo in an <h1>, and the page's lines from it to the story held its tagline.
    page = (PAGES / "greve-orly.html").read_text(encoding="utf-8")
    captioned = page.replace(
        '<p class="chapo">', '<p>Des passagers attendent à Orly, jeudi 13 mars. JEAN DUPONT / AFP</p><p class="chapo">'
    )
    logo = page.replace(
        "<header>", "<header><h1>Le Quotidien du Matin</h1><p>Le journal de référence des Franciliens depuis 1944.</p>"
    )
    for name, html in (("captioned.html", captioned), ("logo.html", logo)):
        (tmp_path / name).write_text(html, encoding="utf-8")
        text = loaded_file(tmp_path / name).page_content
        assert text.startswith("La direction générale de l'aviation civile a demandé"), (name, text[:80])
        assert "JEAN DUPONT" not in text and "journal de référence" not in text


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


def _saved_by_chrome(page: bytes) -> bytes:
    """``page`` saved as Chrome saves a page as one file (.mhtml): no charset named for it, a stylesheet after it."""
    return (
        b"From: <Saved by Blink>\nSnapshot-Content-Location: https://www.example.fr/eco/greve.html\n"
        b"Subject: =?utf-8?Q?Gr=C3=A8ve_des_contr=C3=B4leurs?=\nDate: Fri, 14 Mar 2025 09:00:00 +0100\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/related;\n\ttype="text/html";\n\tboundary="--B--"\n\n\n'
        b"----B--\nContent-Type: text/html\nContent-ID: <frame-1@mhtml.blink>\n"
        b"Content-Transfer-Encoding: quoted-printable\nContent-Location: https://www.example.fr/eco/greve.html\n\n"
        + quopri.encodestring(page)
        + b"\n----B--\nContent-Type: text/css\nContent-Transfer-Encoding: "
        b"quoted-printable\nContent-Location: https://www.example.fr/style.css\n\nbody { color: red; }\n----B----\n"
    )


def test_a_page_saved_as_one_file_by_chrome_is_read_as_the_page(tmp_path):
    # "Webpage, Single File" (.mhtml) is how Chrome and Edge save a page on Windows: it was refused.
    saved = tmp_path / "greve.mhtml"
    saved.write_bytes(_saved_by_chrome((PAGES / "greve-orly.html").read_bytes()))
    doc, page = loaded_file(saved), loaded("greve-orly.html")
    assert doc.page_content == page.page_content  # accents and all: Chrome names no charset
    assert [doc.metadata[key] for key in ("title", "author", "published", "format")] == [
        page.metadata[key] for key in ("title", "author", "published", "format")
    ]  # not the day it was saved
    assert doc.metadata["url"] == "https://www.example.fr/eco/greve.html"  # where Chrome saved it from
    (tmp_path / "notes.mht").write_bytes(b"From: someone\nSubject: x\nContent-Type: text/plain\n\nJust notes.\n")
    assert load_file(tmp_path / "notes.mht").reason == "not a web page saved as one file (no HTML page inside)"


def _saved_by_safari(page: bytes, encoding: str = "UTF-8", url: str = "https://www.example.fr/eco/greve.html",
                     mime: str = "text/html") -> bytes:
    """``page`` as Safari saves it (.webarchive): a binary property list, the page its main resource."""
    main = {"WebResourceData": page, "WebResourceMIMEType": mime, "WebResourceTextEncodingName": encoding,
            "WebResourceURL": url, "WebResourceFrameName": ""}
    image = {"WebResourceData": b"\x89PNG\r\n\x1a\n", "WebResourceMIMEType": "image/png",
             "WebResourceURL": "https://www.example.fr/logo.png"}
    return plistlib.dumps({"WebMainResource": main, "WebSubresources": [image]}, fmt=plistlib.FMT_BINARY)


def test_a_page_saved_by_safari_is_read_as_the_page(tmp_path):
    # A Mac's "Save As... Web Archive" (.webarchive) was skipped: "open it and save it as .html".
    saved = tmp_path / "greve.webarchive"
    saved.write_bytes(_saved_by_safari((PAGES / "greve-orly.html").read_bytes()))
    doc, page = loaded_file(saved), loaded("greve-orly.html")
    assert doc.page_content == page.page_content  # the story, without the menus and the "Lire aussi" links
    assert [doc.metadata[key] for key in ("title", "author", "published", "format")] == [
        page.metadata[key] for key in ("title", "author", "published", "format")
    ]
    assert doc.metadata["url"] == "https://www.example.fr/eco/greve.html"  # where Safari saved it from
    # In the encoding Safari names (an old regional site in Latin-1); its own canonical link before Safari's.
    latin = (PAGES / "greve-orly.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', '').replace(
        "<head>", '<head><link rel="canonical" href="https://www.example.fr/eco/greve-orly.html">')
    (tmp_path / "latin.webarchive").write_bytes(_saved_by_safari(latin.encode("latin-1", "replace"), "ISO-8859-1"))
    doc = loaded_file(tmp_path / "latin.webarchive")
    assert doc.page_content == page.page_content and doc.metadata["url"] == "https://www.example.fr/eco/greve-orly.html"
    (tmp_path / "notes.webarchive").write_text("Appeler la mairie.", encoding="utf-8")
    (tmp_path / "photo.webarchive").write_bytes(_saved_by_safari(b"\x89PNG\r\n\x1a\n", mime="image/png"))
    for name in ("notes.webarchive", "photo.webarchive"):
        assert load_file(tmp_path / name).reason == "not a web page Safari saved (no HTML page inside)"


def test_a_saved_page_is_cited_with_its_address_and_the_source_card_links_it(tmp_path, capsys):
    # A reporter checks a quote against the site: the saved page names its address (canonical link, og:url),
    # and the citation and the web page's source card gave only the saved file's name.
    from assistant.web.render import sources_html

    page = (PAGES / "greve-orly.html").read_text(encoding="utf-8")
    head = '<head><link rel="canonical" href="https://www.example.fr/eco/greve-orly.html?a=1&amp;b=2">'
    (tmp_path / "orly.html").write_text(page.replace("<head>", head), encoding="utf-8")
    (tmp_path / "og.html").write_text(page.replace("<head>", '<head><meta content="https://example.org/og" '
                                                   'property="og:url">'), encoding="utf-8")
    assert load_file(tmp_path / "og.html").metadata["url"] == "https://example.org/og"
    (tmp_path / "og.html").unlink()
    news = Assistant(tmp_path / "index")
    assert news.index([tmp_path]).added
    reply = news.ask("Combien de vols ont été annulés à Orly ?")
    assert reply.answered and reply.citations[0].url == "https://www.example.fr/eco/greve-orly.html?a=1&b=2"
    card = sources_html(reply, 0, "fr")
    assert ('<a class="source-url" href="https://www.example.fr/eco/greve-orly.html?a=1&amp;b=2" target="_blank" '
            'rel="noopener noreferrer"') in card and "example.fr ↗</a>" in card
    from assistant.cli import main

    assert main(["--index", str(tmp_path / "index"), "ask", "Combien de vols ont été annulés à Orly ?"]) == 0
    assert "\n    https://www.example.fr/eco/greve-orly.html?a=1&b=2\n" in capsys.readouterr().out
    # a page that names no address, or one that is no web address, gets no link
    assert load_file(PAGES / "greve-orly.html").metadata["url"] == ""
    (tmp_path / "js.html").write_text(page.replace("<head>", '<head><link rel="canonical" href="javascript:x()">'),
                                      encoding="utf-8")
    assert load_file(tmp_path / "js.html").metadata["url"] == ""
