"""Loaders: formats, encodings, metadata, and bad input reported with the file and the reason."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from conftest import SAMPLE
from pdfmaker import write_pdf, write_pdf_pages

from assistant.chunking import chunk_document, chunk_sentences
from assistant.loaders import LoadError, iter_files, load_file, load_paths
from assistant.sentences import sentence_spans

FRENCH = ("L'économie française a progressé de 0,8 % au troisième trimestre, selon l'Insee. "
          "Les ménages ont consommé davantage.")

NAV_PAGE = """<!doctype html><html><head><title>Budget : le gouvernement présente son plan</title>
<meta name="date" content="2024-03-05"><script>var tracker = "SCRIPT_NOISE";</script></head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/politique">MENU_POLITIQUE</a></li>
<li><a href="/sport">MENU_SPORT</a></li></ul></nav>
<header><div class="menu">Se connecter · S'abonner · MENU_NEWSLETTER</div></header>
<main><article><h1>Budget : le gouvernement présente son plan</h1>
<p>Le gouvernement a présenté mardi un plan d'économies de dix milliards d'euros, qui touche surtout les
dépenses de fonctionnement des ministères et le budget de la défense.</p>
<p>Le ministre de l'Économie a défendu ce plan devant l'Assemblée nationale, estimant qu'il permettrait
de ramener le déficit public sous les 3 % du PIB d'ici à 2027, comme l'exige la Commission européenne.</p>
<p>L'opposition a dénoncé des coupes qui pèseront sur les collectivités locales et les services publics.</p>
</article></main>
<footer>Mentions légales FOOTER_NOISE · Plan du site · Contact</footer></body></html>"""


def test_sample_txt_metadata():
    doc = load_file(SAMPLE)
    assert doc.metadata["source"] == str(SAMPLE)
    assert doc.metadata["language"] == "fr"
    assert doc.metadata["title"].startswith("La relation entre la Russie")
    assert len(doc.metadata["content_hash"]) == 64
    assert "Vostotchny" in doc.page_content


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be"])
def test_non_utf8_encodings_are_detected(tmp_path, encoding):
    text = FRENCH + " Le « prix » de l’énergie a baissé." if encoding != "latin-1" else FRENCH + " Déjà là, où ça ?"
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert doc.page_content == text
    assert doc.metadata["language"] == "fr"


def test_utf16_without_a_bom_is_read_and_binary_with_nuls_still_refused(tmp_path):
    russian = "Правительство представило исправленный бюджет. Дефицит составит 4,4 % ВВП в этом году."
    (tmp_path / "russian.txt").write_bytes(russian.encode("utf-16-le"))  # NULs in one pair in five only
    doc = load_file(tmp_path / "russian.txt")
    assert not isinstance(doc, LoadError), doc
    assert doc.page_content == russian and doc.metadata["language"] == "ru"
    random = bytes((n * 7919 + n // 3) % 256 for n in range(20000))
    for binary in (bytes(range(256)) * 50, random, struct.pack("<5000h", *range(5000)), b"MZ\x90\x00\x03\x00" * 999):
        (tmp_path / "binary.txt").write_bytes(binary)
        result = load_file(tmp_path / "binary.txt")
        assert isinstance(result, LoadError) and result.reason == "binary content, not text", binary[:16]


def test_cp1252_quotes_win_over_latin1_controls_whatever_the_detector_ranks_first(monkeypatch):
    """latin-1 reads cp1252's ’ as an invisible control character, and the language detector is then as
    sure of both decodings: the control characters must decide, not the order of the candidates."""
    import charset_normalizer

    from assistant.loaders import decode_text

    class Match:
        encoding = "latin_1"

    class Matches(list):
        def best(self):
            return self[0]

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: Matches([Match()]))
    text = FRENCH + " Le « prix » de l’énergie a baissé – encore."
    assert decode_text(text.encode("cp1252")) == text


def test_html_keeps_the_article_and_drops_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(NAV_PAGE, encoding="utf-8")
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert "dix milliards d'euros" in doc.page_content
    assert "Commission européenne" in doc.page_content
    for noise in ("MENU_POLITIQUE", "MENU_SPORT", "SCRIPT_NOISE", "FOOTER_NOISE", "MENU_NEWSLETTER"):
        assert noise not in doc.page_content
    assert doc.metadata["title"] == "Budget : le gouvernement présente son plan"
    assert doc.metadata["published"] == "2024-03-05"


CHROME_ONLY = """<!doctype html><html><head><title>Home</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/contact">Contact</a></li>
</ul></nav>
<header><div class="menu">Home | News | Contact</div></header>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<footer>© 2024 Example News. All rights reserved. · Privacy · Terms</footer></body></html>"""


@pytest.mark.parametrize("page", [
    CHROME_ONLY,
    "<html><body><p>Home | News | Contact</p></body></html>",
    "<html><head><title>Une</title></head><body><ul><li><a href='/'>Accueil</a></li></ul>"
    "<p><a href='/a'>Le gouvernement présente son plan de budget pour 2025</a></p>"
    "<p><a href='/b'>Les agriculteurs manifestent devant la préfecture de Rennes</a></p></body></html>",
    "<html><head><title>App</title></head><body><noscript>You need to enable JavaScript to run this app."
    "</noscript><div id='root'></div></body></html>",
    # A banner's sentence that does not name cookies made the page an article titled as the site.
    "<html><head><title>Le Journal du Nord</title></head><body><nav>Accueil | Politique | Sport</nav>"
    "<div class='consent'><p>Nous utilisons des cookies pour améliorer votre expérience. En continuant votre "
    "navigation, vous acceptez notre politique de confidentialité.</p></div></body></html>",
    "<html><body><nav>Accueil | Politique</nav><p>Cet article est réservé aux abonnés. Abonnez-vous dès maintenant "
    "pour lire la suite de cet article et tous nos contenus.</p></body></html>",
])
def test_a_page_of_navigation_and_boilerplate_only_is_not_an_article(tmp_path, page):
    path = tmp_path / "home.html"
    path.write_text(page, encoding="utf-8")
    result = load_file(path)
    assert isinstance(result, LoadError), result.metadata["title"]
    assert "no article text found in the page" in result.reason


@pytest.mark.parametrize(("page", "kept"), [
    ("<html><head><title>Incendie à Lyon</title></head><body><nav><a href='/'>Accueil</a> | <a href='/n'>Actualités"
     "</a></nav><article><h1>Incendie à Lyon</h1><p>Un incendie s'est déclaré mardi soir dans un entrepôt de Gerland. "
     "Personne n'a été blessé.</p></article><footer>Mentions légales · Contact</footer></body></html>",
     "Personne n'a été blessé."),
    ("<html><body><div class='menu'>Home | News | Contact</div><div class='content'><p>A fire broke out on Tuesday "
     "in a warehouse. Nobody was hurt.</p></div><div id='cookie-banner'>We use cookies. <a href='#'>Accept</a></div>"
     "</body></html>", "Nobody was hurt."),
    ("<html><body><p>Fire breaks out in Lyon warehouse. No one was hurt.</p></body></html>", "No one was hurt."),
    ("<html><body><article><p>La CNIL a infligé une amende à Google pour ses cookies. L'entreprise a trois mois pour "
     "se mettre en conformité.</p></article></body></html>", "pour ses cookies."),
    # No spaces between words: counted in characters.
    ("<html><body><article><p>东京电力公司周二表示，福岛核电站的处理水排放工作将于下周恢复。</p></article></body></html>",
     "福岛核电站"),
])
def test_a_short_news_brief_is_an_article(tmp_path, page, kept):
    page = page.replace("<body>", "<body><img src='data:image/png;base64," + "A" * 10_500_000 + "'>")
    # A page saved as a single file inlines its images; lxml stopped reading at a 10 M-character one.
    path = tmp_path / "brief.html"
    path.write_text(page, encoding="utf-8")
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert kept in doc.page_content


def test_pdf_text_and_title(tmp_path):
    path = write_pdf(tmp_path / "report.pdf", ["Rapport annuel sur la defense.", "Les depenses ont augmente de 7 %."],
                     title="Rapport annuel")
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert "Les depenses ont augmente de 7 %." in doc.page_content
    assert doc.metadata["title"] == "Rapport annuel"
    assert doc.metadata["format"] == "pdf"


def test_a_pdf_is_dated_by_its_text_before_the_day_it_was_made(tmp_path):
    # A page printed to PDF from a browser was dated the day it was printed (its creation date), not the day it says.
    lines = ["Greve des controleurs aeriens a Orly", "Publié le 12 mars 2025 à 10h32",
             "Pres de 340 vols ont ete annules."]
    printed = write_pdf(tmp_path / "orly.pdf", lines, created="D:20250601120000")
    assert load_file(printed).metadata["published"] == "2025-03-12"
    undated = write_pdf(tmp_path / "rapport.pdf", ["Rapport annuel.", "Les depenses ont augmente."],
                        created="D:20250601120000")
    assert load_file(undated).metadata["published"] == "2025-06-01"  # a text that states no date: its creation

@pytest.mark.parametrize("name", ["report.txt", "report.md", "report.html"])
def test_a_pdf_saved_under_another_name_is_read_as_a_pdf(tmp_path, name):
    # A PDF named .txt (a scraper naming a download after its URL) was read as text: its title "%PDF-1.4", its
    # passages the file's syntax ("obj", "endstream").
    made = write_pdf(tmp_path / "made.pdf", ["Rapport annuel sur la defense.", "Les depenses ont augmente de 7 %."],
                     title="Rapport annuel")
    path = tmp_path / name
    path.write_bytes(made.read_bytes())
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert doc.metadata["title"] == "Rapport annuel" and doc.metadata["format"] == "pdf"
    assert "Les depenses ont augmente de 7 %." in doc.page_content and "endobj" not in doc.page_content
    path.write_bytes(b"%PDF-1.4\n" + b"garbage " * 50)  # one that is no PDF after its first line: refused as one
    refused = load_file(path)
    assert isinstance(refused, LoadError) and "PDF" in refused.reason


def test_a_pdf_paragraph_wrapped_over_lines_reads_as_whole_sentences(tmp_path):
    # Each line as set on the page was a paragraph: "Les loyers ... des loyers," was quoted without its end.
    lines = ["Crise du logement : les loyers flambent",
             "Les loyers ont augmente de 7 % en un an a Paris, selon l'Observatoire des loyers,",
             "un record depuis 2012. Le gouvernement envisage d'etendre l'encadrement des loyers",
             "a d'autres grandes villes comme Lyon et Marseille.",
             "Le ministre a promis 30 000 logements sociaux supplementaires d'ici 2026, finances",
             "par une taxe sur les logements vacants."]
    doc = load_file(write_pdf(tmp_path / "loyers.pdf", lines))
    # The heading and each paragraph's last line are shorter than the lines that wrap: they end a line.
    assert doc.page_content.splitlines() == [lines[0], " ".join(lines[1:4]), " ".join(lines[4:])]


@pytest.mark.parametrize(("created", "published"), [("D:20240301120000", "2024-03-01"), ("garbage", "")])
def test_a_pdf_with_a_malformed_creation_date_still_loads(tmp_path, created, published):
    path = write_pdf(tmp_path / "report.pdf", ["Rapport annuel sur la defense."], title="Rapport", created=created)
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert doc.metadata["title"] == "Rapport"
    assert doc.metadata["published"] == published


@pytest.mark.parametrize(("line", "body", "published"), [
    ("Date : 05/03/2024", "Le gouvernement a présenté un budget rectificatif devant les députés.", "2024-03-05"),
    ("Publié le 5 mars 2024 à 10h32", "Le gouvernement a présenté un budget rectificatif.", "2024-03-05"),
    ("Date: 05/03/2024", "The government presented a revised budget to parliament on Tuesday.", "2024-05-03"),
    ("Published on March 5, 2024", "The government presented a revised budget to parliament.", "2024-03-05"),
    ("Dates clés du conflit", "La guerre a commencé en 2022 et dure encore.", None),
    ("Présidentielle", "Dakar, le 25 mars 2024 — Bassirou Diomaye Faye a été élu président.", "2024-03-25"),
    ("Grève", "PARIS, 1er avril 2024 (AFP) - Les contrôleurs de la SNCF sont en grève.", "2024-04-01"),
    # AFP names the country after a foreign town, and shortens the month: these wires were undated.
    ("Crue", "Valence (Espagne), 30 oct. 2024 (AFP) - Douze personnes ont été tuées par les crues.", "2024-10-30"),
    ("Vote", "Washington (Etats-Unis), 5 févr. 2025 (AFP) - Le Sénat a adopté le texte mardi.", "2025-02-05"),
    ("Drones", "Kyiv, March 5, 2024 – Russia launched a wave of drones overnight.", "2024-03-05"),
    ("Bilan", "Au Havre, le 8 mars 2024, les dockers ont cessé le travail.", None),  # a date in a sentence
    # The whole line went to dateparser, which found no date in it: the first full date is the day.
    ("Publié le 05 mars 2024 à 10h32, modifié le 06 mars 2024 à 08h12", "Le budget a été présenté.", "2024-03-05"),
    ("Par Jean Dupont | Publié le 5 mars 2024", "Le budget a été présenté.", "2024-03-05"),
    ("Published: 5 March 2024 | 3 min read", "The budget was presented to parliament.", "2024-03-05"),
    # Read against the clock, these dated the article on the day it was indexed, or the 1st of this month.
    ("Publié il y a 3 heures", "Le budget a été présenté.", None),
    ("Published 2 days ago", "The budget was presented to parliament.", None),
    ("Date: 2023", "Le budget a été présenté.", None),
])
def test_a_date_line_is_read_as_the_article_language_writes_dates(tmp_path, line, body, published):
    path = tmp_path / "article.txt"
    path.write_text(f"Budget\n{line}\n\n{body}\n", encoding="utf-8")
    assert (load_file(path).metadata.get("published") or None) == published


@pytest.mark.parametrize(("head", "title"), [
    ("Date: 2024-05-02\nSource: Ouest-France\n\nLe Havre : le port bloqué", "Le Havre : le port bloqué"),
    ("Titre : Grève au port du Havre\nDate: 2024-05-02\n\nLe Havre : le port bloqué", "Grève au port du Havre"),
    ("Publié le 5 mars 2024\nLe port bloqué", "Le port bloqué"),
])
def test_a_text_files_title_is_not_its_metadata_line(tmp_path, head, title):
    path = tmp_path / "havre.txt"
    path.write_text(f"{head}\n\nLes dockers du Havre ont bloqué le port mardi.\n", encoding="utf-8")
    assert load_file(path).metadata["title"] == title


def test_markdown_title_and_date(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("---\ndate: 2023-09-14\n---\n# Sommet à Vladivostok\n\n" + FRENCH, encoding="utf-8")
    doc = load_file(path)
    assert doc.metadata["title"] == "Sommet à Vladivostok"
    assert doc.metadata["published"] == "2023-09-14"


MARKDOWN = """---
layout: post
title: "Sommet de l'OTAN à Vilnius"
date:   2023-07-11 18:30:00 +0200
---

# Sommet de l'OTAN : l'Ukraine attendra

Les dirigeants réunis à **Vilnius** ont promis que l'Ukraine rejoindrait l'_Alliance_. Voir [le communiqué
officiel](https://www.nato.int/cps/fr/217320.htm "OTAN") et <https://example.com>.

![Photo des dirigeants](https://example.com/img/vilnius.jpg)

| Pays | Dépenses (% du PIB) |
|------|--------------------:|
| Pologne | 3,9 |

```python
print("du code")
```

Zelensky a qualifié la décision d'\\*absurde\\* avant son `arrivée`.
"""


def test_markdown_is_read_as_text_without_its_marks(tmp_path):
    # It was read as plain text: answers quoted "**Vilnius**" and links, the front matter was article text.
    path = tmp_path / "otan.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = load_file(path)
    assert doc.metadata["title"] == "Sommet de l'OTAN à Vilnius"  # the front matter's, before the heading
    assert doc.metadata["published"] == "2023-07-11"
    assert doc.page_content == (
        "Sommet de l'OTAN : l'Ukraine attendra\n\n"
        "Les dirigeants réunis à Vilnius ont promis que l'Ukraine rejoindrait l'Alliance. Voir le communiqué\n"
        "officiel et https://example.com.\n\n"
        "Pays; Dépenses (% du PIB)\nPologne; 3,9\n\n"
        "Zelensky a qualifié la décision d'*absurde* avant son arrivée.")


def test_a_markdown_heading_gives_its_title_without_its_marks(tmp_path):
    # The body was read without its marks, the title kept them: "3 TGV sur 5 <b>supprimés</b> & les *usagers*".
    path = tmp_path / "greve.md"
    path.write_text("# 3 TGV sur 5 <b>supprimés</b> & les *usagers* en [colère](https://example.com)\n\n"
                    "La grève a perturbé le trafic mardi.\n", encoding="utf-8")
    doc = load_file(path)
    assert doc.metadata["title"] == "3 TGV sur 5 supprimés & les usagers en colère"
    assert doc.page_content.startswith("3 TGV sur 5 supprimés & les usagers en colère\n")


def test_invisible_characters_leave_the_words_whole_and_a_link_is_no_title(tmp_path):
    # A soft hyphen cut "Zelen\u00adsky" in two for the search and the entities, a line separator kept the
    # dateline from starting a line, and a text that opens with the link it was copied from was titled so.
    path = tmp_path / "copie.txt"
    path.write_text("https://www.example.com/monde/article-123\u2028Kyiv, le 5 mars 2024 — Volodymyr Zelen\u00adsky "
                    "a\u200b rencontré les dirigeants européens.\n", encoding="utf-8")
    doc = load_file(path)
    assert "Zelensky a rencontré" in doc.page_content and "\u00ad" not in doc.page_content
    assert doc.page_content.splitlines()[1].startswith("Kyiv, le 5 mars 2024")
    assert doc.metadata["title"].startswith("Kyiv, le 5 mars 2024") and doc.metadata["published"] == "2024-03-05"


@pytest.mark.parametrize(("text", "title", "published"), [
    ('+++\ntitle = "Brexit : nouvel accord"\ndate = 2023-02-27\n+++\n\nLondres et Bruxelles ont conclu un accord.',
     "Brexit : nouvel accord", "2023-02-27"),
    ("Séisme au Maroc\n===============\n\nUn séisme a frappé la région d'Al-Haouz.", "Séisme au Maroc", None),
    ('---\ntitle: Inflation en Argentine\ndate: "12 mars 2024"\n---\n\nL\'inflation a atteint 276 %.',
     "Inflation en Argentine", "2024-03-12"),
    # Hugo's front matter dates with a time ("{{ .Date }}"): the article was left undated.
    ("---\ntitle: Retraites\ndate: 2023-03-11T18:30:00+01:00\n---\n\nLe Sénat a adopté la réforme.",
     "Retraites", "2023-03-11"),
])
def test_markdown_front_matter_and_headings_give_title_and_date(tmp_path, text, title, published):
    path = tmp_path / "note.md"
    path.write_text(text, encoding="utf-8")
    doc = load_file(path)
    assert (doc.metadata["title"], doc.metadata["published"] or None) == (title, published)
    assert "+++" not in doc.page_content and "===" not in doc.page_content and "title" not in doc.page_content


@pytest.mark.parametrize(("front", "title", "author", "published"), [
    # A key left empty took the next line for its value: the title read "date: 2024-05-02", the date was lost.
    ("title:\ndate: 2024-05-02\nauthor: Jean Dupont", "Plan vélo à Nantes", "Jean Dupont", "2024-05-02"),
    ("author:\ntitle: Plan vélo\ndate: 2024-05-02", "Plan vélo", "", "2024-05-02"),
    # YAML's lists and folded text, as Jekyll and Hugo sites write them ("- Jean Dupont", ">").
    ("title: Plan vélo\nauthor:\n  - Jean Dupont\n  - Marie Curie\ndate: 2024-05-02", "Plan vélo",
     "Jean Dupont, Marie Curie", "2024-05-02"),
    ("title: >\n  Plan vélo\n  nantais\nauthor: [Jean Dupont, 'Marie Curie']", "Plan vélo nantais",
     "Jean Dupont, Marie Curie", None),
])
def test_markdown_front_matter_fields_are_read_one_key_a_line(tmp_path, front, title, author, published):
    path = tmp_path / "velo.md"
    path.write_text(f"---\n{front}\n---\n\n# Plan vélo à Nantes\n\nLe conseil municipal a voté mardi un plan "
                    "vélo de 30 millions d'euros.\n", encoding="utf-8")
    meta = load_file(path).metadata
    assert (meta["title"], meta["author"], meta["published"] or None) == (title, author, published)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", bytes(range(256)) * 50, "binary content"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "broken PDF"),
        ("nobody.html", b"<html><head><title>x</title></head></html>", "HTML page without readable main text"),
        ("image.png", b"\x89PNG....", "unsupported file type"),
        # Chroma cannot store the escaped bytes of the name: indexing it failed half-way, check then failed.
        (os.fsdecode(b"latin1-\xe9.txt"), b"Un article.", "its name is not valid UTF-8"),
    ],
)
def test_bad_files_give_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    result = load_file(path)
    assert isinstance(result, LoadError)
    assert result.source == os.fsencode(path).decode("utf-8", "backslashreplace")
    assert reason in result.reason


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(FRENCH * 100, encoding="utf-8")
    result = load_file(path, max_bytes=1000)
    assert isinstance(result, LoadError) and "too large" in result.reason


def test_folders_are_walked_recursively_and_symlink_loops_end(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(FRENCH)
    (tmp_path / "a" / "b" / "two.md").write_text("# Deux\n" + FRENCH)
    (tmp_path / "a" / "b" / "skip.jpg").write_bytes(b"jpg")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "loop")
    files = list(iter_files([tmp_path / "a"]))
    assert sorted(p.name for p in files) == ["one.txt", "two.md"]
    results = list(load_paths([tmp_path / "a", tmp_path / "missing"]))
    errors = [r for r in results if isinstance(r, LoadError)]
    assert [e.reason for e in errors] == ["no such file or folder"]


def test_files_of_other_types_in_a_folder_are_named_and_hidden_ones_are_not(tmp_path):
    (tmp_path / "sub" / ".git").mkdir(parents=True)
    (tmp_path / "one.txt").write_text(FRENCH)
    for name in ("notes.pages", "sub/photo.JPG", "README", ".DS_Store", "sub/.notes.pages", "sub/.git/config"):
        (tmp_path / name).write_bytes(b"x")
    skipped: dict[str, str] = {}
    assert [p.name for p in iter_files([tmp_path], skipped=skipped)] == ["one.txt"]
    assert skipped == {str(tmp_path / "README"): "unsupported file type (none)",
                       str(tmp_path / "notes.pages"): "unsupported file type .pages: open it and save it as .docx",
                       str(tmp_path / "sub" / "photo.JPG"): "unsupported file type .jpg"}


def test_chunk_offsets_match_the_text():
    doc = load_file(SAMPLE)
    for size, overlap in ((800, 100), (300, 50), (120, 0)):
        chunks = chunk_document(doc, size, overlap)
        assert chunks
        for chunk in chunks:
            start, end = chunk.metadata["start"], chunk.metadata["end"]
            assert doc.page_content[start:end] == chunk.page_content
            assert chunk.metadata["doc_id"] == doc.metadata["doc_id"]
            assert len(chunk.page_content) <= size


def test_an_english_article_is_cut_into_sentences_the_english_way(tmp_path):
    path = tmp_path / "nato.txt"
    path.write_text("NATO asks for air defence\n\nNATO Secretary General Jens Stoltenberg urged allies to send "
                    "more air defence. Mr. Biden met Dr. Smith in Washington on Jan. 5 to discuss it.\n",
                    encoding="utf-8")
    doc = load_file(path)
    assert doc.metadata["language"] == "en"
    text = doc.page_content
    sentences = [text[a:b] for chunk in chunk_document(doc, 800, 100) for a, b in chunk_sentences(chunk)]
    # the French recogniser cut "NATO | Secretary General ..." and "on Jan. | 5"
    assert sentences == ["NATO asks for air defence",
                         "NATO Secretary General Jens Stoltenberg urged allies to send more air defence.",
                         "Mr. Biden met Dr. Smith in Washington on Jan. 5 to discuss it."]


def test_a_sentence_is_quoted_whole_not_cut_at_a_semicolon_or_before_a_lower_case_word():
    # spaCy's French recogniser cuts both of these inside a sentence (PIAF paragraphs): the answerer
    # quoted "... droits de citoyen français ;" and "(en russe : Приднестровская Молдавская Республика ;".
    charter = ("L'indigène musulman est français, néanmoins il continuera à être régi par la Charia. Il peut, "
               "sur sa demande, être admis à jouir des droits de citoyen français ; dans ce cas, il est régi par "
               "les lois civiles et politiques de la France.")
    assert [charter[a:b] for a, b in sentence_spans(charter)] == [
        "L'indigène musulman est français, néanmoins il continuera à être régi par la Charia.",
        charter[charter.index("Il peut") :]]
    names = ("La Transnistrie, en forme longue la république moldave du Dniestr (en russe : Приднестровская "
             "Молдавская Республика ; en ukrainien : Придністровська Молдавська Республіка), est un État non "
             "reconnu. Trois autres États non reconnus ont des relations diplomatiques avec elle.")
    assert [names[a:b] for a, b in sentence_spans(names)] == [names[: names.index(" Trois")],
                                                               names[names.index("Trois") :]]
    # ... and before a lower-case word: "Celui- | ci se prolonge", "Pentagón Jr. | perdent"
    city = ("Le centre ancien est au bord du fleuve. Celui-ci se prolonge à l'ouest par des quartiers plus "
            "récents tels que la Croix-Rousse.")
    assert [city[a:b] for a, b in sentence_spans(city)] == ["Le centre ancien est au bord du fleuve.",
                                                             city[city.index("Celui-ci") :]]
    match = "Lors de la troisième nuit du tournoi, lui et Pentagón Jr. perdent contre The Young Bucks."
    assert [match[a:b] for a, b in sentence_spans(match)] == [match]


def test_an_agency_dateline_stays_with_the_sentence_it_opens():
    # spaCy's French recogniser ends a sentence after "(AFP)": the lead was quoted as "- La direction de la SNCF
    # a annoncé ...", without the place and the date that open it.
    lead = ("PARIS, 12 mars 2026 (AFP) - La direction de la SNCF a annoncé mercredi que 60 % des TGV seraient "
            "supprimés jeudi. Le précédent mouvement avait duré 37 jours.")
    assert [lead[a:b] for a, b in sentence_spans(lead)] == [lead[: lead.index(" Le précédent")],
                                                           lead[lead.index("Le précédent") :]]
    short = "BRUXELLES (Belga) — Le gouvernement a présenté mercredi son budget."
    assert [short[a:b] for a, b in sentence_spans(short)] == [short]


@pytest.mark.parametrize(("dated", "published"), [
    ('<time datetime="2023-05-04">4 May 2023</time>', "2023-05-04"),
    ("<p>Publié le 5 mars 2023 à 10h32</p>", "2023-03-05"),
    ("", None),  # the footer's "© 2024" is the site's year, not the article's date (it was 2024-01-01)
])
def test_an_html_date_comes_from_the_article_not_the_copyright_line(tmp_path, dated, published):
    path = tmp_path / "story.html"
    path.write_text("<html><body><article><h1>Port closed</h1>" + dated + "<p>The port of Dover was closed on "
                    "Tuesday because of a storm. Ferries were held in Calais.</p></article>"
                    "<footer>© 2024 Coastal Times. All rights reserved.</footer></body></html>", encoding="utf-8")
    assert (load_file(path).metadata["published"] or None) == published


def test_an_article_set_out_in_a_layout_table_reads_as_text_and_a_data_table_stays(tmp_path):
    path = tmp_path / "old-site.html"
    path.write_text('<html><body><table width="600"><tr><td><a href="/">Home</a> | <a href="/local">Local</a></td>'
                    "</tr><tr><td><b>Council votes 2024 budget</b><br><br>The Lyon city council adopted on Monday a "
                    "budget of 1.2 billion euros, by 42 votes to 21.<br><br>The opposition criticised a rise in "
                    "property tax.</td></tr><tr><td>© Lyon Daily</td></tr></table>"
                    "<table><tr><th>Party</th><th>Votes</th></tr><tr><td>Majority</td><td>42</td></tr></table>"
                    "</body></html>", encoding="utf-8")
    text = load_file(path).page_content
    assert "\nCouncil votes 2024 budget The Lyon city council adopted on Monday" in text  # was "| Council votes…"
    assert "| Home" not in text and "© Lyon Daily |" not in text
    assert "| Majority | 42 |" in text  # rows of several cells are data: kept as a table


def test_a_sentence_is_not_cut_before_a_quoted_title_or_a_capitalised_name():
    # spaCy's French recogniser ends a sentence before « and a capital, or before a name (PIAF): the
    # answer to "Qui tourne le documentaire « La maison de Kate » ?" was the piece "En 1996, Yamina
    # Benguigui réalise", its vector far from the question.
    film = ("En 1996, Yamina Benguigui réalise « La maison de Kate, un lieu d'espoir », avec l'APTE, une "
            "institution unique en France. Le film est diffusé sur France 3.")
    assert [film[a:b] for a, b in sentence_spans(film)] == [film[: film.index(" Le film")],
                                                           film[film.index("Le film") :]]
    school = ("En général, l'appellation « Sciences Po » sans précision de lieu désigne l'IEP de Paris. "
              "Les autres sont suivis du nom de leur ville.")
    assert [school[a:b] for a, b in sentence_spans(school)] == [school[: school.index(" Les autres")],
                                                               school[school.index("Les autres") :]]
    # A quotation that opens a new sentence still starts one, its opening mark with it.
    speech = "Il a parlé du Père éternel. « Il est notre Père qui nous a créés libres », a-t-il ajouté."
    assert [speech[a:b] for a, b in sentence_spans(speech)] == ["Il a parlé du Père éternel.",
                                                               speech[speech.index("«") :]]


SAVED_PAGE = ("<html><head><title>Grève à Air France</title><script>var x=1;</script></head><body>"
              "<div class='cookies'>Nous utilisons des cookies pour améliorer votre expérience. En continuant, vous "
              "acceptez notre politique de confidentialité.</div><p>Les pilotes d'Air France sont en grève depuis "
              "lundi : la compagnie annule un vol long-courrier sur trois au départ de Roissy.</p></body></html>")


@pytest.mark.parametrize("name, head", [
    ("greve.txt", ""), ("greve.md", ""), ("greve.txt", "\ufeff \n<!DOCTYPE html>\n"),
    ("greve.TXT", "<?xml version='1.0' encoding='utf-8'?>\n<!-- saved -->\n"),
])
def test_an_html_page_saved_as_text_is_read_as_html(tmp_path, name, head):
    # A browser's "Save as..." text file that holds the page's markup: its title was "<html><head><title>Grève...",
    # and answers quoted the script and the cookie banner.
    path = tmp_path / name
    path.write_text(head + SAVED_PAGE, encoding="utf-8")
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert doc.metadata["title"] == "Grève à Air France"
    assert "un vol long-courrier sur trois" in doc.page_content
    for noise in ("<", "var x", "cookies"):
        assert noise not in doc.page_content
    assert doc.metadata["format"] == "html"


def test_a_text_about_html_is_still_text(tmp_path):
    path = tmp_path / "balises.txt"
    text = "<html> est la première balise d'une page web.\n\nLe W3C publie la norme HTML depuis 1996.\n"
    path.write_text(text, encoding="utf-8")
    doc = load_file(path)
    assert doc.page_content == text and doc.metadata["format"] == "txt"


def test_a_link_to_a_file_already_listed_is_said_as_skipped(tmp_path):
    # corpus/link-to-greve.txt -> txt/greve-ports.txt got no line at all: not indexed, not reported, not counted.
    (tmp_path / "txt").mkdir()
    target = tmp_path / "txt" / "greve-ports.txt"
    target.write_text(FRENCH)
    os.symlink(target, tmp_path / "link-to-greve.txt")
    skipped: dict[str, str] = {}
    assert list(iter_files([tmp_path, target, tmp_path / "txt"], skipped=skipped)) == [target]
    assert skipped == {str(tmp_path / "link-to-greve.txt"): f"the same file as {target} (through a symbolic link), "
                                                              "indexed once, under that name"}
    # Named first, the link is the name it is indexed by, and the file met later is the one said.
    skipped.clear()
    assert list(iter_files([tmp_path / "link-to-greve.txt", tmp_path], skipped=skipped)) == [
        tmp_path / "link-to-greve.txt"]
    assert list(skipped) == [str(target)]


@pytest.mark.parametrize("damage", ["stray", "padded", "led", "cp1252"])
def test_a_text_with_nul_bytes_is_read_without_them(tmp_path, damage):
    # A stray NUL in the first 8 KB, or the NUL padding a crash or a cut download leaves, made a French
    # article "binary content, not text": it was never indexed (a NUL further on was kept in the text).
    text = FRENCH + " Le « prix » de l’énergie a baissé."
    data = text.encode("cp1252" if damage == "cp1252" else "utf-8")
    data = {"stray": data[:40] + b"\x00" + data[40:], "padded": data + b"\x00" * 4096,
            "led": b"\x00" * 512 + data, "cp1252": data[:40] + b"\x00" + data[40:]}[damage]
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    assert doc.page_content == text and doc.metadata["language"] == "fr"


def test_a_file_in_a_folder_that_a_link_also_reaches_is_listed_by_its_own_path(tmp_path):
    # archive/actuel -> archive/zz-2024: the link, walked first, gave the folder's files their names
    # (".../actuel/greve.txt"), and the folder itself was passed over in silence.
    (tmp_path / "zz-2024").mkdir()
    (tmp_path / "zz-2024" / "greve.txt").write_text(FRENCH)
    os.symlink(tmp_path / "zz-2024", tmp_path / "actuel")
    assert list(iter_files([tmp_path])) == [tmp_path / "zz-2024" / "greve.txt"]
    # A link to a folder outside the one given is followed as before.
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "autre.txt").write_text(FRENCH)
    os.symlink(tmp_path / "elsewhere", tmp_path / "zz-2024" / "lien")
    assert list(iter_files([tmp_path / "zz-2024"])) == [tmp_path / "zz-2024" / "greve.txt",
                                                        tmp_path / "zz-2024" / "lien" / "autre.txt"]


def test_the_files_folder_of_a_page_saved_complete_is_not_walked(tmp_path):
    # A browser's "Web page, complete" writes "Title.html" and "Title_files/" (scripts, styles, images and
    # the page's frames as saved_resource.html): each frame, an advert or a share button, was indexed as an
    # article or failed the run, and every script and image had its "skipped" line.
    (tmp_path / "Inondations_files").mkdir()
    (tmp_path / "Inondations.html").write_text(NAV_PAGE, encoding="utf-8")
    (tmp_path / "Inondations_files" / "saved_resource.html").write_text(
        "<html><body><p>Profitez de notre offre exceptionnelle sur les abonnements numériques ce mois-ci.</p>"
        "</body></html>", encoding="utf-8")
    for name in ("jquery.js", "style.css", "logo.png"):
        (tmp_path / "Inondations_files" / name).write_bytes(b"x")
    (tmp_path / "press_files").mkdir()  # a folder of that name that no page owns is a folder as any other
    (tmp_path / "press_files" / "greve.txt").write_text(FRENCH)
    skipped: dict[str, str] = {}
    assert list(iter_files([tmp_path], skipped=skipped)) == [tmp_path / "Inondations.html",
                                                            tmp_path / "press_files" / "greve.txt"]
    assert skipped == {}
    # Named outright, a frame is read as any file.
    frame = tmp_path / "Inondations_files" / "saved_resource.html"
    assert list(iter_files([frame])) == [frame]


def test_an_article_in_a_layout_column_beside_a_menu_reads_as_paragraphs(tmp_path):
    # An old site set out in a table, its menu in the left cell and the story in the right one, came out as
    # one table row: "| Accueil Région Sport | Saint-Malo : le port ... couleurs Après trois années ... |", the
    # menu and the headline glued to the story's first sentence, its <br> lost.
    path = tmp_path / "petit-journal.html"
    path.write_bytes("""<html><head><title>Le Petit Journal</title></head><body><table width="100%"><tr>
<td class="menu"><a href="/">Accueil</a><br><a href="/region">Région</a><br><a href="/sport">Sport</a></td>
<td><b>Saint-Malo : le port de pêche retrouve des couleurs</b><br><br>
Après trois années difficiles, les armateurs malouins affichent une hausse de 15 % des débarquements.<br>
« La saison a été exceptionnelle », se félicite le président du comité des pêches, Yann Le Goff.<br><br>
La criée a enregistré 4 200 tonnes de poisson vendues en 2023, contre 3 650 l'année précédente.</td>
</tr></table></body></html>""".encode("cp1252"))
    text = load_file(path).page_content
    assert text.split("\n")[:3] == [
        "Saint-Malo : le port de pêche retrouve des couleurs",
        "Après trois années difficiles, les armateurs malouins affichent une hausse de 15 % des débarquements.",
        "« La saison a été exceptionnelle », se félicite le président du comité des pêches, Yann Le Goff."]
    assert "|" not in text and "Accueil" not in text


def test_a_pdfs_running_header_and_page_numbers_are_not_article_text(tmp_path):
    # A paper's PDF repeats its name and date atop each page and numbers it at the foot: "Page 1 / 3" was glued
    # to the last sentence of the page above it and quoted with it, and the header titled the article.
    body = [["Le conseil regional a vote jeudi un plan de 200 millions d'euros pour les lycees de la region,",
             "dont la moitie sera consacree a la renovation energetique des batiments les plus anciens."],
            ["Le president de la region a salue un effort inedit, tandis que l'opposition denonce un saupoudrage",
             "et reclame un audit des depenses engagees depuis le debut du mandat en cours."],
            ["Les travaux debuteront a l'ete 2025 dans une trentaine d'etablissements, selon le calendrier publie",
             "par la region, qui promet une concertation avec les equipes des lycees concernes."]]
    pages = [["L'Echo du Centre - Mardi 12 mars 2024", *lines, f"Page {number} / 3"]
             for number, lines in enumerate(body, start=1)]
    doc = load_file(write_pdf_pages(tmp_path / "journal.pdf", pages))
    assert "Page" not in doc.page_content and "Echo du Centre" not in doc.page_content, doc.page_content
    assert doc.page_content.startswith("Le conseil regional a vote jeudi")
    assert doc.page_content.endswith("avec les equipes des lycees concernes.")
    # A PDF of one page keeps its lines: nothing repeats.
    doc = load_file(write_pdf_pages(tmp_path / "one.pdf", pages[:1]))
    assert doc.page_content.startswith("L'Echo du Centre") and doc.page_content.endswith("Page 1 / 3")


def test_markdown_quotes_and_wiki_links_are_read_as_their_text(tmp_path):
    # "> « Nous ne céderons pas »" was quoted with its mark, and a notes app's "[[Conseil d'État]]" with its brackets.
    path = tmp_path / "note.md"
    path.write_text("# Retraites\n\nLe [[Conseil d'État]] a annulé mardi le décret, jugé contraire à la "
                    "[[Loi organique|loi organique]].\n\n> « Nous ne céderons pas », a déclaré le ministre.\n"
                    "> > Une citation dans la citation.\n", encoding="utf-8")
    assert load_file(path).page_content == (
        "Retraites\n\nLe Conseil d'État a annulé mardi le décret, jugé contraire à la loi organique.\n\n"
        "« Nous ne céderons pas », a déclaré le ministre.\nUne citation dans la citation.")


def test_a_newsletter_framed_in_a_table_reads_as_paragraphs(tmp_path):
    # A newsletter saved as a page: its columns sit in a table framed by another of one cell, which stayed a
    # table, and every paragraph of the letter came out on one line ("... à 4 %, une décision attendue par les
    # marchés. Sport Le XV de France ...").
    path = tmp_path / "matinale.html"
    path.write_text("""<html><head><title>La Matinale</title></head><body><table width="100%"><tr><td>
<table width="600"><tr><td><img src="logo.png" alt="Le Journal"></td><td><a href="#">Voir en ligne</a></td></tr>
<tr><td colspan="2"><p>L'armée ukrainienne a renforcé ses positions autour de Kharkiv, selon l'état-major.</p>
<p>Les autorités ont annoncé l'évacuation de 3 000 civils des villages frontaliers.</p></td></tr>
<tr><td><p>La BCE maintient ses taux directeurs inchangés à 4 %, une décision attendue par les marchés.</p></td>
<td><p>Le XV de France s'est imposé face à l'Écosse samedi soir au Stade de France.</p></td></tr>
</table></td></tr></table></body></html>""", encoding="utf-8")
    lines = load_file(path).page_content.split("\n")
    assert "La BCE maintient ses taux directeurs inchangés à 4 %, une décision attendue par les marchés." in lines
    assert "Le XV de France s'est imposé face à l'Écosse samedi soir au Stade de France." in lines


@pytest.mark.parametrize("name", ["orly.txt", "orly.md"])
def test_read_also_lines_of_a_copied_text_are_not_article_text(tmp_path, name):
    # An article copied from a site into a .txt kept its "Lire aussi : ..." lines: another story's headline,
    # indexed and quoted as this one's (a saved page's were already left out).
    story = ["Grève à Orly : 340 vols annulés", "Près de 340 vols ont été annulés mercredi à Orly, selon la DGAC.",
             "Lire aussi : Grève SNCF, le trafic reprend progressivement",
             "Les contrôleurs protestent contre la réforme de leur statut, selon les syndicats.",
             "À lire aussi >> Roissy : un nouveau terminal en 2030", "Voir aussi : notre carte des aéroports",
             "Read more: Air traffic controllers strike across Europe",
             "Voir aussi le rapport de la Cour des comptes publié hier sur les retards de vols à Orly."]
    (tmp_path / name).write_text("\n".join(story) + "\n", encoding="utf-8")
    assert load_file(tmp_path / name).page_content.splitlines() == [story[0], story[1], story[3], story[7]]


def test_a_web_page_printed_to_pdf_is_read_without_the_browsers_header_and_footer(tmp_path):
    # Chrome's "Print > Save as PDF" writes the day and time it printed with the page's title atop the page, and the
    # address with "1/1" at its foot: the article was dated the day it was printed and ended in a URL.
    lines = ["07/12/2026 10:32 Grève à Orly : 340 vols annulés - Le Quotidien", "Grève à Orly : 340 vols annulés",
             "Près de 340 vols ont été annulés mercredi à Orly, selon la DGAC.",
             "https://www.lequotidien.example/economie/greve-orly-340-vols-annules 1/1"]
    doc = load_file(write_pdf(tmp_path / "orly.pdf", lines, created="D:20261207103200"))
    assert doc.page_content == "\n".join(lines[1:3])
    assert doc.metadata["title"] == "Grève à Orly : 340 vols annulés"
    assert doc.metadata["published"] == ""  # the day it was printed is no publication day
    english = ["12/7/26, 10:32 AM Strike at Orly - The Daily", "Strike at Orly", "Some 340 flights were cancelled.",
               "https://www.thedaily.example/strike-orly 1/2"]
    assert load_file(write_pdf(tmp_path / "orly-en.pdf", english)).page_content == "\n".join(english[1:3])
    firefox = ["Grève à Orly - Le Quotidien https://www.lequotidien.example/orly", *lines[1:3],
               "1 sur 1 07/12/2026 10:32"]
    assert load_file(write_pdf(tmp_path / "orly-ff.pdf", firefox)).page_content == "\n".join(lines[1:3])
    # Drawn after the page, they come last.
    drawn_last = [*lines[1:3], lines[0], lines[3]]
    assert load_file(write_pdf(tmp_path / "orly-last.pdf", drawn_last)).page_content == "\n".join(lines[1:3])
    # A paper's own line like one of them, alone, is its own: kept, and the PDF dated as any other.
    paper = ["12/03/2025 10:32 | Le Quotidien", *lines[1:3]]
    doc = load_file(write_pdf(tmp_path / "journal.pdf", paper, created="D:20250401120000"))
    assert doc.page_content == "\n".join(paper) and doc.metadata["published"] == "2025-04-01"


def test_a_web_page_printed_to_pdf_on_two_pages_is_not_dated_the_day_it_was_printed(tmp_path):
    # Its header and footer repeat, and went as any paper's running lines: the creation date (the day it was
    # printed) then dated it.
    header, footer = "07/12/2026 10:32 Grève à Orly - Le Quotidien", "https://www.lequotidien.example/orly {}/2"
    pages = [[header, "Grève à Orly : 340 vols annulés", "Près de 340 vols ont été annulés mercredi à Orly.",
              footer.format(1)],
             [header, "Les contrôleurs protestent contre la réforme de leur statut.", footer.format(2)]]
    path = write_pdf_pages(tmp_path / "orly.pdf", pages)
    data = path.read_bytes().replace(b"trailer\n<< ", b"trailer\n<< /Info << /CreationDate (D:20261207103200) >> ")
    path.write_bytes(data)
    doc = load_file(path)
    assert doc.page_content == "\n\n".join(["\n".join(pages[0][1:3]), pages[1][1]])
    assert doc.metadata["published"] == ""


def test_a_page_chrome_printed_to_pdf_reads_as_its_story(tmp_path):
    # A real "Print > Save as PDF" of Chromium (tests/data/printed, made with `chromium --headless --print-to-pdf`):
    # it draws its header and footer after each page, in a font with ligatures ("ﬁle:///..."), and a story's
    # "Lire aussi" line is there as on the page.
    doc = load_file(Path(__file__).parent / "data" / "printed" / "greve-orly-chrome.pdf")
    assert not isinstance(doc, LoadError), doc
    text = doc.page_content
    assert text.startswith("Grève à Orly : 340 vols annulés\nPrès de 340 vols ont été annulés mercredi à Orly")
    assert text.endswith("prévoit des perturbations jusqu'à vendredi.")
    assert "6:41 AM" not in text and "greve-orly.html" not in text and "Lire aussi" not in text
    assert doc.metadata["title"] == "Grève à Orly : 340 vols annulés - Le Quotidien"
    assert doc.metadata["published"] == ""  # not 2026-12-07, the day it was printed
