"""Files a newsroom is sent by anyone, built to hurt the reader: text that sends a regular expression or spaCy's
tokenizer into quadratic time, archives and e-mails nested past reason, parts that unpack to hundreds of
megabytes. Each is read in reasonable time and memory, or refused with a reason naming the file; the rest of the
batch goes on. (Before their fixes, these tests ran for hours, or raised.)"""

from __future__ import annotations

from assistant.entities import extract_mentions
from assistant.loaders import LoadError, load_file
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

