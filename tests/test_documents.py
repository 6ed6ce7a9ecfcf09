"""Word (.docx, .doc), OpenDocument (.odt) and e-mail (.eml) files: their text, title, author and date, and a clear
reason for a file that cannot be read."""

from __future__ import annotations

import struct
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import DATA, article_text
from officemaker import W_NS, word_paragraph, write_docx, write_odt
from olemaker import message_streams, write_doc, write_msg, write_ole
from pdfmaker import write_pdf
from tnefmaker import write_tnef

from assistant import Assistant
from assistant.loaders import LoadError, iter_files, load_file
from assistant.watcher import _wanted

STORY = (
    "Le conseil municipal de Rennes a voté lundi soir la gratuité des transports en commun pour les moins "
    "de 18 ans, à partir du 1er septembre."
)
FIGURES = "La mesure coûtera 4,5 millions d'euros par an, financés par une hausse du versement mobilité."


def loaded(path: Path):
    doc = load_file(path)
    assert not isinstance(doc, LoadError), doc
    return doc


def test_a_word_document_gives_its_text_title_author_and_date(tmp_path):
    path = write_docx(
        tmp_path / "rennes.docx",
        [
            word_paragraph("Rennes rend les bus gratuits pour les mineurs", style="Title"),
            "Par Hélène Marchetti",
            "Publié le 12 mars 2025 à 10h32, modifié le 13 mars 2025",
            "",  # an empty paragraph: spacing, no text
            STORY,
            # a tracked deletion and a field code are no part of the text as it reads
            f'<w:p><w:r><w:t xml:space="preserve">{FIGURES[:40]}</w:t></w:r><w:del><w:r><w:delText>SUPPRIMÉ</w:delText>'
            f"</w:r></w:del><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>{FIGURES[40:]}</w:t></w:r></w:p>",
            # a table of figures: a row a line
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Ligne</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Fréquentation</w:t>"
            "</w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>C1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r>"
            "<w:t>+12 %</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        ],
        creator="Microsoft Office User",
        created="2024-01-02T08:00:00Z",
    )
    doc = loaded(path)
    assert doc.page_content == (
        "Rennes rend les bus gratuits pour les mineurs\nPar Hélène Marchetti\n"
        "Publié le 12 mars 2025 à 10h32, modifié le 13 mars 2025\n"
        f"{STORY}\n{FIGURES}\nLigne; Fréquentation\nC1; +12 %"
    )
    assert doc.metadata["title"] == "Rennes rend les bus gratuits pour les mineurs"
    assert doc.metadata["author"] == "Hélène Marchetti"  # the byline, not Word's account name
    assert doc.metadata["published"] == "2025-03-12"  # the text's date before the file's creation
    assert doc.metadata["format"] == "docx" and doc.metadata["language"] == "fr"


def test_a_word_documents_properties_give_what_its_text_does_not(tmp_path):
    doc = loaded(
        write_docx(
            tmp_path / "note.docx",
            [STORY, FIGURES],
            title="Transports à Rennes",
            creator="Paul Girard",
            created="2025-03-10T17:45:00Z",
        )
    )
    assert doc.metadata["title"] == "Transports à Rennes"
    assert doc.metadata["author"] == "Paul Girard"
    assert doc.metadata["published"] == "2025-03-10"


def test_an_opendocument_text_gives_its_text_title_author_and_date(tmp_path):
    body = (
        f'<text:h text:outline-level="1">Rennes rend les bus gratuits</text:h><text:p>{STORY}</text:p>'
        "<text:p>La mesure coûtera<text:s/>4,5 millions<text:note><text:note-body><text:p>Source : mairie."
        "</text:p></text:note-body></text:note> d'euros par an.</text:p>"
        "<text:list><text:list-item><text:p>Ligne C1 : +12 %.</text:p></text:list-item></text:list>"
    )
    doc = loaded(write_odt(tmp_path / "rennes.odt", body, creator="Paul Girard", created="2025-03-10T17:45:00"))
    assert doc.page_content == (
        f"Rennes rend les bus gratuits\n{STORY}\nLa mesure coûtera 4,5 millions d'euros par an.\nLigne C1 : +12 %."
    )
    assert doc.metadata["title"] == "Rennes rend les bus gratuits"
    assert doc.metadata["author"] == "Paul Girard" and doc.metadata["published"] == "2025-03-10"
    assert doc.metadata["format"] == "odt"


NEWSLETTER = f"""From: La Matinale <lettre@quotidien.example>
To: redaction@example.fr
Subject: TR: =?utf-8?q?La_lettre_de_l=27=C3=A9co_du_12_mars?=
Date: Wed, 12 Mar 2025 07:02:00 +0100
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Voir la version en ligne
{STORY}
Se désinscrire

--XYZ
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html><body><table><tr><td><a href=3D"/">Voir la version en ligne</a> | <a href=3D"/a">=C0 la une</a></td></tr>
<tr><td><h1>Les bus gratuits =E0 Rennes</h1><p>{STORY}</p>
<p>{FIGURES}</p></td></tr>
<tr><td><p>Vous recevez cette lettre car vous =EAtes abonn=E9. <a href=3D"/u">Se d=E9sinscrire</a></p></td></tr>
</table></body></html>
--XYZ--
"""


def _quoted_printable(text: str) -> bytes:
    """The HTML part above, its accents written as quoted-printable escapes in Latin-1."""
    head, _, html = text.partition("Content-Transfer-Encoding: quoted-printable\n\n")
    escaped = "".join(f"={ord(ch):02X}" if ord(ch) > 127 else ch for ch in html)
    return (head + "Content-Transfer-Encoding: quoted-printable\n\n" + escaped).encode("utf-8")


def test_an_email_newsletter_gives_its_story_subject_sender_and_day(tmp_path):
    path = tmp_path / "lettre.eml"
    path.write_bytes(_quoted_printable(NEWSLETTER))
    doc = loaded(path)
    assert STORY in doc.page_content and FIGURES in doc.page_content
    assert "désinscrire" not in doc.page_content and "version en ligne" not in doc.page_content
    assert doc.metadata["title"] == "La lettre de l'éco du 12 mars"  # "TR:" (forwarded) is no part of it
    assert doc.metadata["author"] == "La Matinale"
    assert doc.metadata["published"] == "2025-03-12" and doc.metadata["format"] == "eml"


def test_a_plain_text_email_is_read_as_its_body(tmp_path):
    path = tmp_path / "note.eml"
    path.write_bytes(
        f"From: paul.girard@example.fr\nSubject: Gratuité des bus\nDate: Mon, 10 Mar 2025 18:00:00 "
        f"+0100\nContent-Type: text/plain; charset=utf-8\n\n{STORY}\n{FIGURES}\n".encode()
    )
    doc = loaded(path)
    assert doc.page_content == f"{STORY}\n{FIGURES}"
    assert doc.metadata["title"] == "Gratuité des bus" and doc.metadata["author"] == "paul.girard@example.fr"
    assert doc.metadata["published"] == "2025-03-10"


STORIES = [
    (
        "BCE : les taux baissent encore",
        "La Banque centrale européenne a abaissé jeudi ses taux directeurs d'un quart "
        "de point, pour la sixième fois depuis juin.",
    ),
    (
        "Airbus relève ses objectifs",
        "L'avionneur européen prévoit désormais de livrer 820 appareils cette année, contre 800 annoncés en janvier.",
    ),
    (
        "Le chômage recule en Espagne",
        "Le taux de chômage espagnol est tombé à 10,6 % au premier trimestre, son plus bas niveau depuis 2008.",
    ),
]


def test_every_story_of_a_newsletter_is_read_with_its_heading_and_without_its_footer(tmp_path):
    # Read as a web page, a newsletter of three stories kept two (or all three, without their headings and with
    # "Vous recevez cet e-mail ... Se désinscrire" and the sender's address).
    cells = "".join(
        f'<tr><td><h2>{heading}</h2><p>{story}</p><p><a href="https://x/{n}">Lire la suite</a></p></td></tr>'
        for n, (heading, story) in enumerate(STORIES)
    )
    html = (
        f'<html><body><table width="100%"><tr><td><table width="600"><tr><td><a href="https://x/o">Voir la '
        f"version en ligne</a></td></tr><tr><td><p>Bonjour, voici l'essentiel de l'actualité de ce mercredi.</p>"
        f'</td></tr>{cells}<tr><td><p>Vous recevez cet e-mail car vous êtes inscrit à La Lettre Éco. <a href="u">'
        f'Se désinscrire</a> | <a href="p">Gérer mes préférences</a></p><p>La Lettre Éco, 12 rue de l\'Exemple, '
        f"75000 Paris.</p></td></tr></table></td></tr></table></body></html>"
    )
    message = EmailMessage()
    message["From"], message["Subject"] = "La Lettre Éco <lettre@eco.example>", "La Lettre Éco du 12 mars"
    message["Date"] = "Wed, 12 Mar 2025 07:02:00 +0100"
    message.set_content("Voir la version en ligne\n\n" + "\n\n".join(f"{h}\n{s}" for h, s in STORIES))
    message.add_alternative(html, subtype="html")
    (tmp_path / "lettre.eml").write_bytes(bytes(message))
    assert loaded(tmp_path / "lettre.eml").page_content == (
        "Bonjour, voici l'essentiel de l'actualité de ce mercredi.\n"
        + "\n".join(f"{heading}\n{story}" for heading, story in STORIES)
    )


def test_a_web_page_mailed_whole_is_read_as_the_page(tmp_path):
    # "Envoyer la page par e-mail" mails the whole page: read a block a line, its menus and comments were text.
    page = (DATA / "news-pages" / "greve-orly.html").read_text(encoding="utf-8")
    message = EmailMessage()
    message["From"], message["Subject"] = "paul.girard@example.fr", "Grève à Orly"
    message["Date"] = "Fri, 14 Mar 2025 09:00:00 +0100"
    message.set_content(page, subtype="html")
    (tmp_path / "page.eml").write_bytes(bytes(message))
    doc = loaded(tmp_path / "page.eml")
    assert doc.page_content == loaded(DATA / "news-pages" / "greve-orly.html").page_content
    assert doc.metadata["published"] == "2025-03-12" and doc.metadata["author"] == "Hélène Marchetti"


def _bad_files(folder: Path) -> dict[str, str]:
    """Each bad file written in ``folder``, with the words its reason must hold."""
    good = write_docx(folder / "good.docx", [STORY]).read_bytes()
    (folder / "cut.docx").write_bytes(good[: len(good) // 2])
    (folder / "locked.docx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    )
    (folder / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with zipfile.ZipFile(folder / "archive.docx", "w") as package:
        package.writestr("photo.txt", "not a document")
    write_docx(folder / "blank.docx", ["", f'<w:p xmlns:w="{W_NS}"/>'])
    write_odt(folder / "locked.odt", "", encrypted=True)
    (folder / "notes.eml").write_text("just some notes, no headers at all\n\nmore notes\n", encoding="utf-8")
    (folder / "secret.eml").write_text(
        "From: a@example.fr\nSubject: x\nContent-Type: multipart/encrypted; "
        'protocol="application/pgp-encrypted"; boundary="b"\n\n--b--\n'
    )
    return {
        "cut.docx": "damaged Word document (not a zip package",
        "archive.docx": "it has no word/document.xml",
        "locked.docx": "Word document protected by a password",
        "old.docx": "Office 97-2003 file (.doc)",
        "blank.docx": "Word document without text",
        "locked.odt": "OpenDocument document protected by a password",
        "notes.eml": "not an e-mail",
        "secret.eml": "encrypted e-mail",
    }


def test_a_bad_document_is_named_with_its_reason_and_the_others_are_read(tmp_path):
    expected = _bad_files(tmp_path)
    results = {
        Path(doc.source if isinstance(doc, LoadError) else doc.metadata["source"]).name: doc
        for doc in (load_file(path) for path in iter_files([tmp_path]))
    }
    assert not isinstance(results.pop("good.docx"), LoadError)
    assert {name: str(result.reason) for name, result in results.items() if expected[name] in str(result.reason)} == {
        name: str(r.reason) for name, r in results.items()
    }
    assert set(results) == set(expected)


@pytest.fixture(scope="module")
def documents_desk(tmp_path_factory) -> Assistant:
    folder = tmp_path_factory.mktemp("documents")
    write_docx(
        folder / "rennes.docx",
        ["Rennes rend les bus gratuits pour les mineurs", "Par Hélène Marchetti", STORY, FIGURES],
    )
    mail = folder / "lettre.eml"
    mail.write_bytes(
        _quoted_printable(
            NEWSLETTER.replace(
                STORY, "Le port de Brest a accueilli 2,3 millions de tonnes de marchandises en 2024, un record."
            )
        )
    )
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 cut")
    assistant = Assistant(folder / "index")
    report = assistant.index([folder])
    assert len(report.added) == 2 and list(report.failed) == [str(folder / "broken.docx")], report.summary()
    return assistant


def test_an_answer_from_a_word_document_quotes_it_exactly(documents_desk):
    reply = documents_desk.ask("Combien coûtera la gratuité des transports à Rennes ?")
    assert reply.answered, reply.text
    cited = [c for c in reply.citations if c.source.endswith("rennes.docx")]
    assert cited and any("4,5 millions" in c.quote for c in cited)
    for citation in reply.citations:
        assert article_text(documents_desk, citation.source)[citation.start : citation.end] == citation.quote


def test_an_answer_from_an_email_quotes_its_story_not_its_footer(documents_desk):
    reply = documents_desk.ask("Combien de tonnes de marchandises le port de Brest a-t-il accueillies ?")
    assert reply.answered, reply.text
    citation = reply.citations[0]
    assert citation.source.endswith("lettre.eml") and "2,3 millions" in citation.quote
    assert article_text(documents_desk, citation.source)[citation.start : citation.end] == citation.quote


def test_words_lock_file_beside_an_open_document_is_passed_over(tmp_path):
    # While Word has "rennes.docx" open it writes "~$rennes.docx" beside it: a few bytes that are no document,
    # which failed as "damaged Word document" in every run (and every change `watch` saw).
    document = write_docx(tmp_path / "rennes.docx", [STORY])
    lock = tmp_path / "~$rennes.docx"
    lock.write_bytes(b"\x0cPaul Girard" + b"\0" * 150)
    skipped: dict[str, str] = {}
    assert list(iter_files([tmp_path], skipped)) == [document] and skipped == {}
    assert not _wanted(str(lock), False, [tmp_path]) and _wanted(str(document), False, [tmp_path])


def test_a_type_its_program_can_save_as_a_read_one_says_so(tmp_path):
    # "unsupported file type .wps" left the journalist to guess what to do with a colleague's Works file.
    for name in ("lettre.wps", "papier.pages", "photo.jpg"):
        (tmp_path / name).write_bytes(b"x")
    skipped: dict[str, str] = {}
    assert list(iter_files([tmp_path], skipped)) == []
    assert {Path(source).name: reason for source, reason in skipped.items()} == {
        "lettre.wps": "unsupported file type .wps: open it and save it as .rtf",
        "papier.pages": "unsupported file type .pages: open it and save it as .docx",
        "photo.jpg": "unsupported file type .jpg",
    }
    assert load_file(tmp_path / "lettre.wps").reason == "unsupported file type .wps: open it and save it as .rtf"
    assert load_file(tmp_path / "photo.jpg").reason.startswith("unsupported file type .jpg; supported: .txt")


def test_malformed_values_in_a_document_do_not_fail_it(tmp_path):
    # A heading level, a space count or a creation date that is no number or day: the text is still good.
    body = f'<text:h text:outline-level="x">Rennes</text:h><text:p>{STORY}<text:s text:c=""/></text:p>'
    doc = loaded(write_odt(tmp_path / "odd.odt", body, created="2025-13-45T00:00:00"))
    assert doc.page_content == f"Rennes\n{STORY}" and doc.metadata["published"] == ""


# An old word processor's export: the \info group names its title, author and creation time; "\'e9" and "\u233?"
# are "é" (in the ANSI code page the header names, or as Unicode).
RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\froman\fcharset0 Times New Roman;}}"
    r"{\info{\title Rennes rend les bus gratuits}{\author H\'e9l\'e8ne Marchetti}{\operator Utilisateur}"
    r"{\creatim\yr2025\mo3\dy10\hr17\min45}}"
    "\n" r"\pard\plain\f0 Le conseil municipal de Rennes a vot\'e9 lundi soir la gratuit\u233?"
    r" des transports en commun pour les moins de 18 ans, \'e0 partir du 1er septembre.\par" "\n"
    r"{\*\generator Riched20 10.0}La mesure co\'fbtera 4,5 millions d'euros par an.\par" "\n}"
)


def test_an_rtf_file_gives_its_text_title_author_and_date(tmp_path):
    (tmp_path / "rennes.rtf").write_bytes(RTF.encode("ascii"))
    doc = loaded(tmp_path / "rennes.rtf")
    assert doc.page_content == f"{STORY}\nLa mesure coûtera 4,5 millions d'euros par an."
    assert doc.metadata["title"] == "Rennes rend les bus gratuits"
    assert doc.metadata["author"] == "Hélène Marchetti" and doc.metadata["published"] == "2025-03-10"
    assert doc.metadata["format"] == "rtf" and doc.metadata["language"] == "fr"


def test_an_rtf_file_without_properties_is_titled_by_its_first_line(tmp_path):
    (tmp_path / "note.rtf").write_bytes(
        rb"{\rtf1\ansi{\b Gratuit\'e9 des bus \'e0 Rennes}\par Par Paul Girard\par " + STORY.encode("cp1252")
        + " L’opposition dénonce « un coût caché ».".encode("cp1252") + rb"\par}")  # raw bytes: a careless writer
    doc = loaded(tmp_path / "note.rtf")
    assert doc.metadata["title"] == "Gratuité des bus à Rennes"
    assert doc.metadata["author"] == "Paul Girard" and doc.metadata["published"] == ""
    assert doc.page_content.endswith(f"{STORY} L’opposition dénonce « un coût caché ».")


def test_an_rtf_table_is_read_a_row_a_line_and_a_pipe_in_a_sentence_stays(tmp_path):
    (tmp_path / "bus.rtf").write_bytes(
        rb"{\rtf1\ansi\ansicpg1252\pard Fr\'e9quentation | ligne par ligne :\par"
        rb"{\pict\pngblip\picw10\pich10 " + b"89504e47" * 200 + rb"}"
        rb"\trowd\cellx1000\cellx2000 Ligne\cell Fr\'e9quentation\cell\row\trowd C1\cell +12 %\cell\row}")
    assert loaded(tmp_path / "bus.rtf").page_content == (
        "Fréquentation | ligne par ligne :\nLigne; Fréquentation\nC1; +12 %")


def test_a_link_in_an_rtf_file_reads_as_its_words(tmp_path):
    # A story's links, as pandoc (and others) write them, were read with their address after their words.
    (tmp_path / "lien.rtf").write_bytes(
        rb"{\rtf1\ansi\ansicpg1252\pard Les contr\'f4leurs protestent contre {\field{\*\fldinst{HYPERLINK "
        rb'"https://www.example.fr/reforme"}}{\fldrslt{\ul\cf1 la r\'e9forme}}} de leur statut depuis mardi.\par}')
    assert loaded(tmp_path / "lien.rtf").page_content == (
        "Les contrôleurs protestent contre la réforme de leur statut depuis mardi.")


def test_a_bad_rtf_file_is_named_with_its_reason(tmp_path):
    (tmp_path / "vide.rtf").write_bytes(rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\info{\title Brouillon}}\pard\par}")
    (tmp_path / "vieux.rtf").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (tmp_path / "photo.rtf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    reasons = {path.name: load_file(path).reason for path in sorted(tmp_path.iterdir())}
    assert reasons == {
        "photo.rtf": "not a Rich Text document: it does not open with {\\rtf",
        "vide.rtf": "Rich Text document without text",
        "vieux.rtf": "an Office 97-2003 file (.doc), not a Rich Text document: open it and save it as .docx",
    }


def test_an_outlook_message_gives_its_body_subject_sender_and_day(tmp_path):
    path = write_msg(tmp_path / "bus.msg", subject="TR: Gratuité des bus", sender="Paul Girard",
                     address="paul.girard@example.fr", body=f"{STORY}\r\n\r\n{FIGURES}\r\n",
                     sent=datetime(2025, 3, 10, 17, 45, tzinfo=UTC))
    doc = loaded(path)
    assert doc.page_content == f"{STORY}\n{FIGURES}"
    assert doc.metadata["title"] == "Gratuité des bus" and doc.metadata["author"] == "Paul Girard"
    assert doc.metadata["published"] == "2025-03-10" and doc.metadata["format"] == "msg"


def test_an_outlook_newsletter_with_an_html_body_only_is_read_as_an_eml_one_is(tmp_path):
    html = (f"<html><body><table><tr><td><a href='/'>Voir la version en ligne</a></td></tr><tr><td><h1>Les bus "
            f"gratuits à Rennes</h1><p>{STORY}</p><p>{FIGURES}</p></td></tr><tr><td><p>Vous recevez cette lettre car "
            "vous êtes abonné. <a href='/u'>Se désinscrire</a></p></td></tr></table></body></html>")
    doc = loaded(write_msg(tmp_path / "lettre.msg", subject="La lettre de l'éco", address="lettre@quotidien.example",
                           html=html))
    assert doc.page_content == f"Les bus gratuits à Rennes\n{STORY}\n{FIGURES}"
    assert doc.metadata["author"] == "lettre@quotidien.example" and doc.metadata["published"] == ""


def test_an_outlook_message_kept_only_as_compressed_rtf_is_read(tmp_path):
    # Outlook 2003 and Exchange kept many a message's body only as compressed RTF: no text was read ("e-mail without
    # a text or HTML body"). The example of [MS-OXRTFCP] 4.1, compressed, then one stored as it is ("MELA").
    spec = bytes.fromhex("2d0000002b0000004c5a4675f1c5c7a703000a007263706731323542320af32068656c090020627705b06c64"
                         "7d0a800fa0")
    assert loaded(write_msg(tmp_path / "hello.msg", subject="Hello", compressed_rtf=spec)).page_content == "hello world"
    raw = RTF.encode("ascii")
    stored = struct.pack("<IIII", len(raw) + 12, len(raw), 0x414C454D, 0) + raw
    doc = loaded(write_msg(tmp_path / "bus.msg", subject="Gratuité des bus", compressed_rtf=stored))
    assert doc.page_content == f"{STORY}\nLa mesure coûtera 4,5 millions d'euros par an."


def test_a_bad_outlook_message_is_named_with_its_reason(tmp_path):
    (tmp_path / "cut.msg").write_bytes(write_msg(tmp_path / "whole.msg", subject="x", body=STORY).read_bytes()[:700])
    (tmp_path / "whole.msg").unlink()
    (tmp_path / "notes.msg").write_text("Appeler la mairie de Rennes lundi.", encoding="utf-8")
    write_ole(tmp_path / "word.msg", {"WordDocument": b"\0" * 600})
    write_msg(tmp_path / "blank.msg", subject="Sans texte", address="paul.girard@example.fr")
    write_msg(tmp_path / "secret.msg", subject="Confidentiel", message_class="IPM.Note.SMIME",
              attachments={"smime.p7m": b"0\x82\x05encrypted"})
    write_msg(tmp_path / "signed.msg", subject="Signé", body=STORY, message_class="IPM.Note.SMIME.MultipartSigned")
    reasons = {path.name: str(getattr(load_file(path), "reason", "read")) for path in sorted(tmp_path.iterdir())}
    assert reasons["cut.msg"].startswith("damaged Outlook message (")
    assert reasons["notes.msg"] == reasons["word.msg"] == "not an Outlook e-mail (.msg)"
    assert reasons["blank.msg"] == "e-mail without a text or HTML body"
    assert reasons["secret.msg"] == "encrypted e-mail (S/MIME or PGP): save its decrypted text"
    assert loaded(tmp_path / "signed.msg").page_content == STORY


def _mail_with_attachment(path: Path, body: str, attachments: dict[str, bytes], subject: str = "Papier bus") -> Path:
    """A colleague's e-mail whose story is in the attached files ("voir PJ")."""
    message = EmailMessage()
    message["From"], message["Subject"] = "Paul Girard <paul.girard@example.fr>", subject
    message["Date"] = "Mon, 10 Mar 2025 18:00:00 +0100"
    message.set_content(body)
    for name, data in attachments.items():
        maintype, subtype = ("text", "plain") if name.endswith(".txt") else ("application", "octet-stream")
        if maintype == "text":
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=name)
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.write_bytes(bytes(message))
    return path


def test_an_emails_attached_article_is_read_under_its_file_name(tmp_path):
    # "Voir PJ": the story was in the attachment, which was not read; only "Voir PJ" was indexed (or nothing).
    document = write_docx(tmp_path / "papier.docx", ["Rennes rend les bus gratuits", "Par Hélène Marchetti", STORY],
                          created="2025-03-09T08:00:00Z").read_bytes()
    photo = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    doc = loaded(_mail_with_attachment(tmp_path / "pj.eml", "Voir PJ.\n", {"papier.docx": document,
                                                                           "photo.png": photo}))
    assert doc.page_content == f"Voir PJ.\n\npapier.docx\nRennes rend les bus gratuits\nPar Hélène Marchetti\n{STORY}"
    assert doc.metadata["title"] == "Papier bus" and doc.metadata["author"] == "Hélène Marchetti"
    assert doc.metadata["published"] == "2025-03-09" and doc.metadata["format"] == "eml"
    # No body at all, and no subject: the attachment is the article, and titles it.
    message = EmailMessage()
    message["From"], message["Date"] = "paul.girard@example.fr", "Mon, 10 Mar 2025 18:00:00 +0100"
    message.add_attachment(f"Gratuité des bus\n{FIGURES}".encode(), maintype="text", subtype="plain",
                           filename="bus.txt")
    (tmp_path / "nu.eml").write_bytes(bytes(message))
    bare = loaded(tmp_path / "nu.eml")
    assert bare.page_content == f"bus.txt\nGratuité des bus\n{FIGURES}"
    assert bare.metadata["title"] == "Gratuité des bus" and bare.metadata["published"] == "2025-03-10"


def test_an_outlook_messages_attached_article_is_read_under_its_file_name(tmp_path):
    doc = loaded(write_msg(tmp_path / "pj.msg", subject="Papier bus", sender="Paul Girard", body="Voir PJ.\r\n",
                           attachments={"rennes.rtf": RTF.encode("ascii"), "logo.png": b"\x89PNG\r\n\x1a\n"}))
    assert doc.page_content == f"Voir PJ.\n\nrennes.rtf\n{STORY}\nLa mesure coûtera 4,5 millions d'euros par an."
    assert doc.metadata["title"] == "Papier bus" and doc.metadata["author"] == "Hélène Marchetti"
    assert doc.metadata["published"] == "2025-03-10"


def test_an_email_whose_only_attachment_is_damaged_says_which_and_why(tmp_path):
    path = _mail_with_attachment(tmp_path / "pj.eml", "", {"papier.docx": b"PK\x03\x04 cut"})
    assert load_file(path).reason == (
        "e-mail without text of its own; its attachment papier.docx: damaged Word document (not a zip package: "
        "File is not a zip file)")
    # "Voir PJ" and a scanned PDF: indexed, the e-mail was an article "Voir PJ", and nothing said why.
    scan = write_pdf(tmp_path / "scan.pdf", []).read_bytes()
    path = _mail_with_attachment(tmp_path / "scan.eml", "Voir PJ.\nPaul", {"scan.pdf": scan})
    assert load_file(path).reason == (
        "e-mail without text of its own; its attachment scan.pdf: PDF without extractable text (scanned images?)")


def test_an_email_with_an_attached_article_is_answered_updated_and_removed(tmp_path):
    folder = tmp_path / "boite"
    folder.mkdir()
    story = "Le port de Brest a accueilli 2,3 millions de tonnes de marchandises en 2024, un record."
    mail = _mail_with_attachment(folder / "brest.eml", "Voir PJ.", {"brest.txt": f"Port de Brest\n{story}\n".encode()})
    assistant = Assistant(tmp_path / "index")
    assert assistant.index([folder]).added == [str(mail)]
    reply = assistant.ask("Combien de tonnes de marchandises le port de Brest a-t-il accueillies ?")
    assert reply.answered, reply.text
    citation = reply.citations[0]
    assert citation.source == str(mail) and "2,3 millions" in citation.quote
    assert article_text(assistant, str(mail))[citation.start : citation.end] == citation.quote
    # The attachment corrected and mailed again under the same name: the article is the new one.
    _mail_with_attachment(mail, "Voir PJ.", {"brest.txt": f"Port de Brest\n{story.replace('2,3', '2,4')}\n".encode()})
    assert assistant.index([folder]).updated == [str(mail)]
    assert "2,4 millions" in article_text(assistant, str(mail))
    assert assistant.remove([mail]).removed == [str(mail)]
    assert assistant.article_text(str(mail)) is None


def test_read_also_lines_of_an_article_pasted_in_a_document_are_not_its_text(tmp_path):
    # A story copied from a site into Word or WordPad keeps its "Lire aussi : ..." lines, as a .txt does.
    lines = ["Rennes rend les bus gratuits", STORY, "Lire aussi : Nantes étend la gratuité le week-end", FIGURES,
             "À lire aussi >> Le vélo en libre-service progresse"]
    docx = loaded(write_docx(tmp_path / "rennes.docx", lines)).page_content
    (tmp_path / "rennes.rtf").write_bytes(
        b"{\\rtf1\\ansi\\ansicpg1252 " + b"".join(line.encode("cp1252") + b"\\par " for line in lines) + b"}")
    for text in (docx, loaded(tmp_path / "rennes.rtf").page_content):
        assert text == f"Rennes rend les bus gratuits\n{STORY}\n{FIGURES}"


def test_an_email_forwarded_as_an_attachment_is_read_with_the_one_that_forwards_it(tmp_path):
    # "Forward as attachment": the story is the attached e-mail's body, which was not read.
    original = EmailMessage()
    original["From"], original["Subject"] = "Hélène Marchetti <helene@quotidien.example>", "Gratuité des bus"
    original["Date"] = "Mon, 10 Mar 2025 18:00:00 +0100"
    original.set_content(f"{STORY}\n{FIGURES}\n")
    forward = EmailMessage()
    forward["From"], forward["Subject"] = "Paul Girard <paul.girard@example.fr>", "Pour les archives"
    forward["Date"] = "Tue, 11 Mar 2025 09:00:00 +0100"
    forward.set_content("Pour les archives.\n")
    forward.add_attachment(original)  # message/rfc822, with no file name, as Outlook attaches it
    (tmp_path / "tr.eml").write_bytes(bytes(forward))
    assert loaded(tmp_path / "tr.eml").page_content == f"Pour les archives.\n\nGratuité des bus.eml\n{STORY}\n{FIGURES}"
    inner = message_streams(subject="Gratuité des bus", sender="Hélène Marchetti", body=f"{STORY}\r\n{FIGURES}",
                            sent=datetime(2025, 3, 10, 17, 0, tzinfo=UTC), embedded=True)
    doc = loaded(write_msg(tmp_path / "tr.msg", subject="Pour les archives", body="Pour les archives.",
                           attachments={"Gratuité des bus": inner}))
    assert doc.page_content == f"Pour les archives.\n\nGratuité des bus\n{STORY}\n{FIGURES}"
    assert doc.metadata["published"] == "2025-03-10" and doc.metadata["author"] == "Hélène Marchetti"


def test_a_word_97_document_gives_its_text_title_author_and_date(tmp_path):
    # An old clipping folder is mostly Word 97-2003 files: they were skipped ("save it as .docx"), one by one.
    path = write_doc(tmp_path / "rennes.doc", [
        "Rennes rend les bus gratuits\rPar Hélène Marchetti\x0bPublié le 12 mars 2025\r\r",
        # a piece kept as UTF-16 (a character cp1252 has not), a field's code dropped and its result kept, a page
        # number field inside a hyperlink's code, a picture's anchor, optional and non-breaking hyphens
        (f"{STORY[:60]}\x13 HYPERLINK \"https://rennes.example/bus\" \x13 PAGE \x143\x15 \x14{STORY[60:100]}\x15"
         f"{STORY[100:]}\x01\r", False),
        "La mesure coûtera 4,5 millions d'euros par an, financés par une hausse du versement mo\x1fbi\x1elité.\r",
        # a table: each cell ends with 0x07, each row with one more; an empty cell's mark follows another too
        "Ligne\x07Fréquentation\x07Évolution\x07\x07C1\x07\x07+12 %\x07\x07\x07C2\x07\x07\x07\x0c",
        ("Zelensky (Зеленський) a salué la mesure.\r", False),
    ], footnotes="\x02 Source : Rennes Métropole.\r", author="Utilisateur",
        created=datetime(2024, 1, 2, 8, 0, tzinfo=UTC))
    doc = loaded(path)
    assert doc.page_content == (
        "Rennes rend les bus gratuits\nPar Hélène Marchetti\nPublié le 12 mars 2025\n"
        f"{STORY}\nLa mesure coûtera 4,5 millions d'euros par an, financés par une hausse du versement mobi-lité.\n"
        "Ligne; Fréquentation; Évolution\nC1; +12 %\nC2\nZelensky (Зеленський) a salué la mesure.")
    assert doc.metadata["title"] == "Rennes rend les bus gratuits"
    assert doc.metadata["author"] == "Hélène Marchetti"  # the byline, not Word's account name
    assert doc.metadata["published"] == "2025-03-12"  # the text's date before the file's creation
    assert doc.metadata["format"] == "doc" and doc.metadata["language"] == "fr"


def test_a_word_97_documents_summary_information_gives_what_its_text_does_not(tmp_path):
    doc = loaded(write_doc(tmp_path / "note.doc", [f"{STORY}\r{FIGURES}\r"], table="0Table", prc=False,
                           title="Transports à Rennes", author="Paul Girard",
                           created=datetime(2025, 3, 10, 17, 45, tzinfo=UTC)))
    assert doc.page_content == f"{STORY}\n{FIGURES}"
    assert doc.metadata["title"] == "Transports à Rennes"
    assert doc.metadata["author"] == "Paul Girard"
    assert doc.metadata["published"] == "2025-03-10"
    # Its properties in UTF-8 (code page 65001, which olefile gives as the signed -535): "Ã©" was read for "é".
    doc = loaded(write_doc(tmp_path / "utf8.doc", [f"{STORY}\r"], title="Gratuité à Rennes", author="Hélène Marchetti",
                           codepage=65001))
    assert doc.metadata["title"] == "Gratuité à Rennes" and doc.metadata["author"] == "Hélène Marchetti"


def test_a_bad_word_97_document_is_named_with_its_reason_and_other_files_under_the_name_are_read(tmp_path):
    write_doc(tmp_path / "locked.doc", [f"{STORY}\r"], encrypted=True)
    write_doc(tmp_path / "word95.doc", [f"{STORY}\r"], version=0x0068)
    whole = write_doc(tmp_path / "cut.doc", [f"{STORY}\r" * 40]).read_bytes()
    (tmp_path / "cut.doc").write_bytes(whole[:3000])
    write_ole(tmp_path / "sheet.doc", {"Workbook": b"\0" * 600})
    (tmp_path / "notes.doc").write_text("Appeler la mairie de Rennes lundi.", encoding="utf-8")
    write_doc(tmp_path / "blank.doc", ["\r\r"])
    # Word's "Save as Rich Text" kept the .doc name; a .docx renamed .doc: read as what they are.
    (tmp_path / "export.doc").write_bytes(RTF.encode("ascii"))
    write_docx(tmp_path / "renamed.doc", ["Rennes rend les bus gratuits", STORY])
    # ... and a .doc renamed .docx or .rtf: it was refused ("an Office 97-2003 file (.doc) ... save it as .docx").
    write_doc(tmp_path / "vieux.docx", [f"Rennes rend les bus gratuits\r{STORY}\r"])
    write_doc(tmp_path / "vieux.rtf", [f"Rennes rend les bus gratuits\r{STORY}\r"])
    reasons = {path.name: str(getattr(load_file(path), "reason", "read")) for path in sorted(tmp_path.iterdir())}
    assert reasons == {
        "locked.doc": "Word 97-2003 document protected by a password: save a copy without one",
        "word95.doc": "a Word 6 or Word 95 document, which is not read: open it and save it as .docx",
        "cut.doc": reasons["cut.doc"],
        "sheet.doc": "not a Word 97-2003 document (.doc)",
        "notes.doc": "not a Word 97-2003 document (.doc)",
        "blank.doc": "Word 97-2003 document without text",
        "export.doc": "read",
        "renamed.doc": "read",
        "vieux.docx": "read",
        "vieux.rtf": "read",
    }
    assert loaded(tmp_path / "vieux.docx").page_content == f"Rennes rend les bus gratuits\n{STORY}"
    assert reasons["cut.doc"].startswith("damaged Word 97-2003 document (")
    assert loaded(tmp_path / "export.doc").metadata["title"] == "Rennes rend les bus gratuits"


def test_an_outlook_winmail_dat_is_opened_for_its_attached_files_and_its_body(tmp_path):
    # Outlook sent Rich Text mail to other mail programs with its attachments packed in one winmail.dat, which was
    # not opened: the story mailed as "papier.docx" in it was never read.
    document = write_docx(tmp_path / "papier.docx", ["Rennes rend les bus gratuits", "Par Hélène Marchetti", STORY],
                          created="2025-03-09T08:00:00Z").read_bytes()
    old = write_doc(tmp_path / "chiffres.doc", [f"{FIGURES}\r"]).read_bytes()  # Outlook 2003's years: a .doc
    winmail = write_tnef(body="Voir PJ.", attachments={"papier.docx": document, "photo.png": b"\x89PNG\r\n\x1a\n",
                                                       "chiffres.doc": old})
    doc = loaded(_mail_with_attachment(tmp_path / "pj.eml", "Voir PJ.\n", {"winmail.dat": winmail}))
    assert doc.page_content == (f"Voir PJ.\n\npapier.docx\nRennes rend les bus gratuits\nPar Hélène Marchetti\n{STORY}"
                                f"\n\nchiffres.doc\n{FIGURES}")
    assert doc.metadata["title"] == "Papier bus" and doc.metadata["author"] == "Hélène Marchetti"
    # No text part beside it: the body is the one Outlook kept in the package, as Rich Text.
    message = EmailMessage()
    message["From"], message["Subject"] = "Paul Girard <paul.girard@example.fr>", "Gratuité des bus"
    message["Date"] = "Mon, 10 Mar 2025 18:00:00 +0100"
    message.add_attachment(write_tnef(rtf=RTF.encode("ascii")), maintype="application", subtype="ms-tnef",
                           filename="winmail.dat")
    (tmp_path / "rtf.eml").write_bytes(bytes(message))
    doc = loaded(tmp_path / "rtf.eml")
    assert doc.page_content == f"{STORY}\nLa mesure coûtera 4,5 millions d'euros par an."
    assert doc.metadata["title"] == "Gratuité des bus" and doc.metadata["published"] == "2025-03-10"
    # An attachment named only by its title, in the package's code page (tnefparse reads it as UTF-8).
    winmail = write_tnef(attachments={"grève.txt": f"Grève des bus\n{FIGURES}\n".encode()}, long_names=False)
    doc = loaded(_mail_with_attachment(tmp_path / "titre.eml", "Voir PJ.\n", {"winmail.dat": winmail}))
    assert doc.page_content == f"Voir PJ.\n\ngrève.txt\nGrève des bus\n{FIGURES}"
    # A package cut short in its attached file (a mailbox export that stopped) and nothing else to read: the e-mail
    # names it and why. Read as it came, it gave nothing, or the file's first bytes under its short name.
    cut = write_tnef(attachments={"papier.docx": document})[:300]
    path = _mail_with_attachment(tmp_path / "cut.eml", "", {"winmail.dat": cut})
    assert load_file(path).reason == (
        "e-mail without text of its own; its attachment winmail.dat: damaged Outlook winmail.dat package (cut short)")


def test_an_attachment_left_out_beside_a_readable_email_is_said_in_the_report(tmp_path, capsys):
    # "Voir le papier ci-joint" and a damaged papier.docx: the e-mail was indexed with its own words only, and
    # nothing said that the story in the attachment was missing.
    from assistant.cli import main

    folder = tmp_path / "boite"
    folder.mkdir()
    body = "Bonjour, voici le papier sur la gratuité des bus à Rennes, à publier demain dans l'édition du soir.\n"
    mail = _mail_with_attachment(folder / "papier.eml", body, {"papier.docx": b"PK\x03\x04 cut",
                                                                "brest.txt": f"Port de Brest\n{FIGURES}\n".encode()})
    said = ("its attachment papier.docx was left out: damaged Word document (not a zip package: File is not a zip "
            "file)")
    warnings: list[str] = []
    doc = load_file(mail, warnings=warnings)
    assert doc.page_content == f"{body.strip()}\n\nbrest.txt\nPort de Brest\n{FIGURES}" and warnings == [said]
    # Nothing left out, or nothing read: no warning (a failure says why).
    warnings = []
    load_file(_mail_with_attachment(tmp_path / "ok.eml", body, {}), warnings=warnings)
    load_file(_mail_with_attachment(tmp_path / "vide.eml", "", {"papier.docx": b"PK\x03\x04 cut"}), warnings=warnings)
    assert warnings == []
    index = tmp_path / "index"
    assert main(["--index", str(index), "index", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert f"warning: {mail}: {said}\n" in err and "1 added" in out and "1 with a warning" in out
    report = Assistant(index).index([folder])  # read before: said once, when it was indexed
    assert report.unchanged == [str(mail)] and report.warnings == {}
    _mail_with_attachment(mail, body.replace("demain", "jeudi"), {"papier.docx": b"PK\x03\x04 cut"})
    report = Assistant(index).index([folder])
    assert report.updated == [str(mail)] and report.warnings == {str(mail): [said]} and report.ok
    assert report.to_dict()["warnings"] == {str(mail): [said]}
    from assistant.commands.maintenance import print_report  # what `assistant watch` prints of each run

    print_report(report)
    out, err = capsys.readouterr()
    assert f"warning: {mail}: {said}\n" in err and f"updated: {mail}\n" in out
