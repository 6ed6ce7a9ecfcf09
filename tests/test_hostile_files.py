"""Files a newsroom is sent by anyone, built to hurt the reader: text that sends a regular expression or spaCy's
tokenizer into quadratic time, archives and e-mails nested past reason, parts that unpack to hundreds of
megabytes. Each is read in reasonable time and memory, or refused with a reason naming the file; the rest of the
batch goes on. (Before their fixes, these tests ran for hours, or raised.)"""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

from officemaker import CONTENT_TYPES, RELS, W_NS

from assistant.entities import extract_mentions
from assistant.loaders import LoadError, load_file, load_paths
from assistant.reasons import Reason
from assistant.search import parse_query
from assistant.sentences import sentence_spans

STORY = ("Le conseil municipal de Lyon a voté mardi soir le budget de la ville, par 42 voix contre 21. "
         "L'opposition a dénoncé une hausse des impôts locaux.")


def test_a_page_whose_long_paragraph_ends_no_sentence_is_read(tmp_path):
    # 300 kB without a stop: each sentence of prose was looked for from every character, reading the rest of the
    # line each time (47 s at 40 kB, hours here).
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html><head><title>Budget de Lyon</title></head><body><article>"
                    f"<h1>Budget de Lyon</h1><p>{'mot ' * 75_000}</p><p>{STORY}</p></article></body></html>",
                    encoding="utf-8")
    document = load_file(page)
    assert not isinstance(document, LoadError), document
    assert STORY in document.page_content


def test_a_long_run_of_marks_is_split_and_searched_for_names(tmp_path):
    # spaCy took a run of brackets off one mark at a time, copying the rest each time: an hour at 100 kB.
    text = f"{STORY}\n{'(' * 100_000}\nEmmanuel Macron a parlé à Paris. {'_' * 50_000} Fin de l'article."
    spans = sentence_spans(text)
    sentences = [text[start:end] for start, end in spans]
    assert sentences[:2] == [STORY[: STORY.index(" L'")], STORY[STORY.index("L'") :]]
    assert "Emmanuel Macron a parlé à Paris." in sentences
    assert all(end - start <= 600 for start, end in spans)
    names = {mention.key for mention in extract_mentions(text, "fr")}
    assert {"lyon", "paris"} <= names



def test_a_markdown_file_of_open_brackets_and_marks_is_read(tmp_path):
    # Each "[" was tried as a link's start and read the rest of the text: 2.5 s at 10 kB, hours at 300 kB.
    article = tmp_path / "budget.md"
    article.write_text(f"# Budget de Lyon\n\n{STORY}\n\n{'[' * 100_000}\n\n{'[[' * 50_000}\n\n{'![' * 50_000}\n\n"
                       f"{'**a ' * 25_000}\n\nVoir [le communiqué](https://example.com/budget) de la **mairie**.\n",
                       encoding="utf-8")
    document = load_file(article)
    assert not isinstance(document, LoadError), document
    assert document.metadata["title"] == "Budget de Lyon"
    assert STORY in document.page_content
    assert "Voir le communiqué de la mairie." in document.page_content


def test_a_page_whose_head_repeats_an_unclosed_link_is_read_with_its_address(tmp_path):
    # Each "rel=" read the tag's attributes anew up to the next ">": 90 s at 19 kB, hours at 100 kB.
    page = tmp_path / "page.html"
    page.write_text(f"<!doctype html><html><head><title>Budget de Lyon</title><!-- {'<link rel=canonical ' * 5_000} -->"
                    '<link rel="canonical" href="https://example.com/budget"></head><body><article>'
                    f"<h1>Budget de Lyon</h1><p>{STORY}</p></article></body></html>", encoding="utf-8")
    document = load_file(page)
    assert not isinstance(document, LoadError), document
    assert STORY in document.page_content
    assert document.metadata["url"] == "https://example.com/budget"

def _nested_email(depth: int) -> str:
    """An e-mail whose text lies ``depth`` multiparts deep."""
    part = f"Content-Type: text/plain; charset=utf-8\r\n\r\n{STORY}\r\n"
    for level in range(depth):
        part = (f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n'
                f"--b{level}\r\n{part}\r\n--b{level}--\r\n")
    return "From: a@example.com\r\nSubject: Budget de Lyon\r\n" + part


def test_an_email_nested_thousands_deep_fails_with_its_reason_and_the_batch_goes_on(tmp_path):
    (tmp_path / "nested.eml").write_text(_nested_email(3000), encoding="utf-8")
    (tmp_path / "shallow.eml").write_text(_nested_email(3), encoding="utf-8")
    read = {Path(item.source if isinstance(item, LoadError) else item.metadata["source"]).name: item
            for item in load_paths([tmp_path])}
    assert isinstance(read["nested.eml"], LoadError)
    assert read["nested.eml"].reason.code == "too_nested"
    assert "nested too deeply" in str(read["nested.eml"])
    assert STORY in read["shallow.eml"].page_content


def _docx_unpacking_to(path: Path, megabytes: int) -> Path:
    """A .docx of a few hundred kilobytes whose text part unpacks to ``megabytes`` MB (written as it is packed)."""
    paragraph = f"<w:p><w:r><w:t>{STORY}</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        with package.open("word/document.xml", "w") as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'.encode())
            block = paragraph * (1_000_000 // len(paragraph))
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</w:body></w:document>")
    return path


def test_a_docx_that_unpacks_to_hundreds_of_megabytes_is_refused_unread(tmp_path):
    # 190 MB took 2 GB of memory and 26 s to read, for a file of 650 kB.
    document = load_file(_docx_unpacking_to(tmp_path / "bomb.docx", 70))
    assert isinstance(document, LoadError)
    assert document.reason.code == "unpacks_too_much"
    assert "more than 64 MB" in document.reason and "word/document.xml" in document.reason


def _pdf_unpacking_to(path: Path, pages: int, megabytes_each: int) -> Path:
    """A PDF of a hundred kilobytes whose pages' drawing instructions unpack to ``megabytes_each`` each."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    def name(value: str) -> NameObject:
        return NameObject(value)

    writer = PdfWriter()
    font = DictionaryObject({name("/Type"): name("/Font"), name("/Subtype"): name("/Type1"),
                             name("/BaseFont"): name("/Helvetica")})
    drawing = b"0 0 m\n" * (megabytes_each * 1_000_000 // 6)
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[name("/Resources")] = DictionaryObject({name("/Font"): DictionaryObject({name("/F1"): font})})
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 12 Tf 72 712 Td (" + STORY.encode("ascii", "replace") + b") Tj ET\n" + drawing)
        page[name("/Contents")] = writer._add_object(stream.flate_encode())
    with path.open("wb") as file:
        writer.write(file)
    return path


def test_a_pdf_whose_pages_unpack_to_tens_of_megabytes_is_refused_unread_and_the_batch_goes_on(tmp_path):
    # pypdf caps each stream, not the file: this 130 kB PDF's 70 pages of 1 MB each were still being read after
    # five minutes; a colleague's upload waited for it.
    bomb = _pdf_unpacking_to(tmp_path / "bomb.pdf", 70, 1)
    assert bomb.stat().st_size < 200_000
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    loaded = list(load_paths([tmp_path]))
    failed = [d for d in loaded if isinstance(d, LoadError)]
    assert [(Path(d.source).name, d.reason.code) for d in failed] == [("bomb.pdf", "unpacks_too_much")]
    assert "more than 64 MB" in failed[0].reason and "at page 64" in failed[0].reason, failed[0].reason
    assert [Path(d.metadata["source"]).name for d in loaded if not isinstance(d, LoadError)] == ["story.txt"]
    # A PDF of ordinary pages is read as before.
    small = load_file(_pdf_unpacking_to(tmp_path / "small.pdf", 3, 1))
    assert not isinstance(small, LoadError) and "Lyon" in small.page_content


def test_an_email_attaching_many_large_documents_reads_them_up_to_the_limit(tmp_path):
    # Each part was held to 200 MB alone: an e-mail attaching a hundred of them took minutes and gigabytes.
    attachments = "".join(
        f'--z\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="{n}.docx"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(_docx_unpacking_to(tmp_path / f"{n}.docx", 30).read_bytes()).decode() + "\r\n"
        for n in range(3))
    (tmp_path / "mail").mkdir()
    mail = tmp_path / "mail" / "pj.eml"
    mail.write_text('From: a@example.com\r\nSubject: Budget\r\nContent-Type: multipart/mixed; boundary="z"\r\n\r\n'
                    f"--z\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{STORY}\r\n{attachments}--z--\r\n",
                    encoding="utf-8")
    warnings: list[Reason] = []
    document = load_file(mail, warnings=warnings)
    assert not isinstance(document, LoadError), document
    assert document.page_content.startswith(STORY)
    assert [(warning.code, warning.values["name"], warning.inner().code) for warning in warnings] == [
        ("attachment_left_out", "2.docx", "unpacks_too_much")]


def test_an_email_with_headers_of_thousands_of_words_and_addresses_is_read(tmp_path):
    # Python parses a header in quadratic time: a Subject of 100,000 encoded words ran for hours.
    mail = tmp_path / "long.eml"
    mail.write_text(f"From: {'<a@example.com>, ' * 100_000}\r\nSubject: {'=?utf-8?q?Budget?= ' * 100_000}\r\n"
                    f"Content-Type: text/plain; charset=utf-8\r\n\r\n{STORY}\r\n", encoding="utf-8")
    document = load_file(mail)
    assert not isinstance(document, LoadError), document
    assert document.page_content == STORY
    assert document.metadata["title"].startswith("BudgetBudget")


def test_a_search_of_one_word_of_200000_letters_is_parsed():
    # Each letter was tried as the start of a hyphenated word, reading the rest of the word: 31 s at 20,000.
    query = parse_query(f"{'x' * 200_000} budget Jong-un 14,000")
    assert "budget" in query.words
    assert query.joined == parse_query("budget Jong-un 14,000").joined and len(query.joined) == 2
