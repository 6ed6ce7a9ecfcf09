"""assistant search / Assistant.search: every sentence that mentions some words, on real indexes."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, article_text
from corpus import ROOT, run_cli

from assistant import Assistant, Mention, SearchError
from assistant.lexical import fold
from assistant.sentences import sentence_spans


def check_offsets(assistant: Assistant, mentions: list[Mention]) -> None:
    for mention in mentions:
        text = article_text(assistant, mention.source)
        assert text[mention.start : mention.end] == mention.text
        for start, end in mention.matches:
            assert mention.start <= start < end <= mention.end


def test_every_sentence_holding_the_word_is_found_once_newest_article_first(newsroom):
    mentions = newsroom.search("grève")
    sources = [m.source.rsplit("/", 1)[-1] for m in mentions]
    # Both strike articles, the SNCF one (12 March 2025) before the refineries' (14 October 2024).
    assert sources[0] == "fr-greve-sncf.txt" and "fr-greve-raffineries.txt" in sources
    assert sources.index("fr-greve-raffineries.txt") > max(i for i, s in enumerate(sources) if s == "fr-greve-sncf.txt")
    check_offsets(newsroom, mentions)
    for source in set(sources):
        text = article_text(newsroom, source)
        # Each sentence of the article that writes the word, in any case and inflection, and no other.
        expected = [(a, b) for a, b in sentence_spans(text, language="fr")
                    if re.search(r"\bgreves?\b", fold(text[a:b]))]
        found = [(m.start, m.end) for m in mentions if m.source.endswith(source)]
        assert found == expected, source
    for mention in mentions:  # what is marked is the word
        assert all(re.fullmatch(r"greves?", fold(mention.text[a - mention.start : b - mention.start]))
                   for a, b in mention.matches)


def test_case_accents_and_inflections_are_folded(newsroom):
    assert newsroom.search("GREVES") == newsroom.search("grève")


def test_every_word_must_be_in_the_sentence(newsroom):
    mentions = newsroom.search("grève TotalEnergies")
    assert mentions and all("TotalEnergies" in m.text and "grève" in m.text.lower() for m in mentions)
    assert {m.source.rsplit("/", 1)[-1] for m in mentions} == {"fr-greve-raffineries.txt"}


def test_a_quoted_phrase_matches_its_words_in_a_row(newsroom):
    mentions = newsroom.search('"deux TGV sur trois"')
    assert len(mentions) == 1 and "seuls deux TGV sur trois" in mentions[0].text
    (start, end), = mentions[0].matches
    assert article_text(newsroom, mentions[0].source)[start:end] == "deux TGV sur trois"
    assert newsroom.search('"trois TGV"') == []  # the words are there, not in this order
    assert newsroom.search('« deux TGV sur trois »') == mentions


def test_a_filter_keeps_its_articles_only(newsroom):
    mentions = newsroom.search("grève", filters={"source": "fr-greve-raffineries.txt"})
    assert mentions and {m.source.rsplit("/", 1)[-1] for m in mentions} == {"fr-greve-raffineries.txt"}
    assert newsroom.search("grève", filters={"since": "2030"}) == []


@pytest.mark.parametrize("words", ["", "   ", "de la", "the", '"et de la"'])
def test_nothing_to_search_for_is_an_error(sample_assistant, words):
    with pytest.raises(SearchError, match="nothing to search for"):
        sample_assistant.search(words)


def test_a_removed_article_is_no_longer_found(writable_index):
    assistant = Assistant(writable_index)
    found = assistant.search("Grad")
    assert len(found) == 1 and "lance-roquettes multiples Grad" in found[0].text
    assistant.remove([SAMPLE])
    assert assistant.search("Grad") == []


def test_cli_search_prints_each_sentence_under_its_article(sample_index):
    result = run_cli("search", "Corée du Nord", "--limit", "2", index_dir=sample_index)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "7 sentences in 1 article mention “Corée du Nord” (common words left out: du)."
    assert "russie-coree-du-nord.txt" in lines[2]
    assert lines[3].startswith("  [0:155] La relation entre la Russie et la Corée du Nord")
    assert lines[-1] == "... 5 more (--limit 0 prints them all)"

    result = run_cli("search", "obus", "--json", index_dir=sample_index)
    payload = json.loads(result.stdout)
    assert payload["count"] == 1
    mention = payload["mentions"][0]
    text = SAMPLE.read_text(encoding="utf-8")
    assert text[mention["start"] : mention["end"]] == mention["text"]
    assert [text[a:b] for a, b in mention["matches"]] == ["obus"]

    result = run_cli("search", "de la", index_dir=sample_index)
    assert result.returncode == 2 and "nothing to search for in 'de la'" in result.stderr


def test_a_number_with_separators_is_one_number(newsroom):
    # "6.3" is the merger's €6.3 billion, not the earthquake's "6,8" in a sentence that also writes "le 3".
    mentions = newsroom.search("6.3")
    assert {m.source.rsplit("/", 1)[-1] for m in mentions} == {"en-merger.txt"}
    assert all([m.text[a - m.start : b - m.start] for a, b in m.matches] == ["6.3"] for m in mentions)
    assert [m.text for m in newsroom.search("62,4 %")] == [m.text for m in newsroom.search('"62,4"')]
    assert newsroom.search("14,000") and newsroom.search("14 000") == newsroom.search("14,000")


def test_a_hyphenated_name_is_found_and_marked_whole(sample_assistant):
    mentions = sample_assistant.search("Kim Jong-un")
    assert len(mentions) == 3
    assert all([m.text[a - m.start : b - m.start].lower() for a, b in m.matches] == ["kim", "jong-un"]
               for m in mentions)
    # Its parts in a row, inflected as a word alone would be ("lance-roquette" finds "lance-roquettes").
    found = sample_assistant.search("lance-roquette")
    assert [found[0].text[a - found[0].start : b - found[0].start] for a, b in found[0].matches] == ["lance-roquettes"]
    assert sample_assistant.search("roquettes-lance") == []


def test_an_english_word_finds_its_singular_and_plural_in_english_articles(newsroom):
    # The French stemmer, which read every article before, made "shareholder" and "shareholders" two terms.
    mentions = newsroom.search("Veltrix shareholder")
    assert len(mentions) == 1 and mentions[0].source.endswith("en-merger.txt")
    assert [mentions[0].text[a - mentions[0].start : b - mentions[0].start] for a, b in mentions[0].matches] == [
        "shareholders", "Veltrix", "shareholders"]
    marked = {m.text[a - m.start : b - m.start] for m in newsroom.search("company") for a, b in m.matches}
    assert marked == {"company", "companies"}
    assert newsroom.search("companies") == newsroom.search("company")
    # As written, not stemmed: "Germany"'s plural "germanies" stems to "german", which "German" is not.
    assert {m.text[a - m.start : b - m.start] for m in newsroom.search("Germany") for a, b in m.matches} == {"Germany"}


def test_oe_and_ae_find_the_ligatures_and_the_other_way_round(tmp_path):
    article = tmp_path / "manoeuvres.txt"
    article.write_text("Manœuvres en mer\n\nLes manœuvres navales ont mobilisé la flotte. Un autre sœur-navire "
                       "suivait; les ex æquo furent nombreux. Une manoeuvre écrite sans ligature.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_model="all-MiniLM-L6-v2")
    assistant.index([article])
    typed = assistant.search("manoeuvre")
    assert [m.text[a - m.start : b - m.start] for m in typed for a, b in m.matches] == [
        "Manœuvres", "manœuvres", "manoeuvre"]
    assert assistant.search("manœuvres") == typed
    assert len(assistant.search("soeur")) == 1 and len(assistant.search("ex aequo")) == 1
    # In a phrase and a hyphenated word too.
    assert len(assistant.search('"manoeuvres navales"')) == 1 and len(assistant.search("soeur-navire")) == 1


ESCAPES = "\x1b]0;pwned\x07 et \x1b[2J"  # a window title set with OSC ... BEL, then a clear screen


def test_a_terminal_is_shown_the_escape_sequences_an_article_holds_not_made_to_obey_them(tmp_path):
    # A terminal log pasted into a story (or a crafted file) retitled the window and cleared the screen of
    # whoever searched or asked at a terminal. There, each control character is shown as its symbol; a pipe
    # gets the text as it is, and search's own bold still works.
    import os

    from servers import Terminal

    from assistant.terminal import shown

    story = tmp_path / "alerte.txt"
    story.write_text(f"Alerte\n\nLe ministre a parlé de missiles {ESCAPES}d obus livrés par la Corée du Nord.\n")
    index_dir = tmp_path / "index"
    Assistant(index_dir).index([story])
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(index_dir))
    outputs = {}
    for command in (["search", "missiles"], ["ask", "Quelles armes ont été mentionnées ?"]):
        terminal = Terminal([sys.executable, "-m", "assistant", *command], env, ROOT)
        outputs[command[0]] = output = terminal.read_until("obus livrés")
        assert terminal.process.wait(timeout=300) == 0
        assert "␛]0;pwned␇ et ␛[2J" in output and "\x1b]" not in output and "\x07" not in output
        assert "\x1b[2J" not in output
    assert "\x1b[1mmissiles\x1b[0m" in outputs["search"]
    assert ESCAPES in run_cli("search", "missiles", index_dir=index_dir).stdout
    assert shown("a\tb\nc\x00\x7f\x9b") == "a\tb\nc␀␡\ufffd"

EUROPE = Path(__file__).resolve().parent / "data" / "europe"


@pytest.fixture(scope="module")
def europe(tmp_path_factory) -> Assistant:
    """An index of four short articles: German, Spanish, Italian and English."""
    assistant = Assistant(tmp_path_factory.mktemp("europe-index"), embedding_model="all-MiniLM-L6-v2")
    report = assistant.index([EUROPE])
    assert not report.failed, report.failed
    yield assistant
    assistant.close()


def marked(mentions: list[Mention]) -> set[str]:
    return {m.text[a - m.start : b - m.start] for m in mentions for a, b in m.matches}


def test_a_word_finds_its_forms_in_each_article_s_own_language(europe):
    """Every article was stemmed as French: an English article's "striking", a German one's "Verhandlungen" and
    an Italian one's "scioperi" were not found from "strike", "Verhandlung" and "sciopero"."""
    assert marked(europe.search("strike")) == {"striking", "strikes"}
    assert europe.search("striking") == europe.search("strike")
    assert marked(europe.search("Verhandlung")) == {"Verhandlungen", "Verhandlung"}
    assert marked(europe.search("sciopero")) == {"Sciopero", "sciopero", "scioperi"}


def test_sharp_s_is_found_as_ss(europe):
    """A keyboard without "ß" writes "ss": "Strasse" found nothing, "Straße" not "Straßen"."""
    assert marked(europe.search("Strasse")) == {"Straße", "Straßen"}
    assert europe.search("Straße") == europe.search("Strasse")
    assert marked(europe.search("Leopoldstrasse")) == {"Leopoldstraße"}


def test_a_word_common_in_an_article_s_language_is_not_asked_of_it(europe):
    # "die" is a German stop word, left out of German passages' terms: it must not be required there.
    assert marked(europe.search("die Stadt")) == {"Stadt"}
    assert marked(europe.search('"die Stadt"')) == {"Die Stadt", "die Stadt"}


def test_a_lexical_index_saved_with_other_terms_is_rebuilt(europe, tmp_path):
    """Terms read otherwise by an older version (every article stemmed as French) would find nothing of the
    new query terms: such a saved index is not loaded, and the chunks are read again."""
    from assistant.lexical import LexicalIndex

    saved = europe.lexical.fresh().folder
    folder = tmp_path / saved.name
    shutil.copytree(saved, folder)
    meta = json.loads((folder / "ids.json").read_text())
    meta["terms"] = 1
    (folder / "ids.json").write_text(json.dumps(meta))
    assert not LexicalIndex(folder).load() and LexicalIndex(folder).postings() is None


def terms_by_chunk(postings) -> dict[str, set[str]]:
    return {chunk_id: {postings.vocab[t] for t in postings.terms[postings.row_ptr[row]:postings.row_ptr[row + 1]]}
            for row, chunk_id in enumerate(postings.ids)}


def test_bm25_rebuilt_from_the_store_reads_each_chunk_in_its_language(europe, tmp_path, monkeypatch):
    """A rebuild (a new machine on a Chroma server, a saved index lost) reads the texts without their metadata
    and the languages apart; it must give each chunk the terms that indexing gave it. A chunk another writer
    adds while the texts are read (here: one whose language the first read of languages missed) is read again
    with its language."""
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import LexicalSide

    side: LexicalSide = europe.lexical
    indexed = terms_by_chunk(side.fresh().postings())
    assert any(term.startswith("de:") for terms in indexed.values() for term in terms)
    rebuilt = LexicalSide(europe.store, LexicalIndex(tmp_path / "rebuilt"))
    assert terms_by_chunk(rebuilt.synced(europe.store.generation()).postings()) == indexed

    reads = []
    real = europe.store.chunk_languages

    def missing_at_first(languages):
        reads.append(1)
        return {} if len(reads) == 1 else real(languages)

    monkeypatch.setattr(europe.store, "chunk_languages", missing_at_first)
    late = LexicalSide(europe.store, LexicalIndex(tmp_path / "late"))
    assert terms_by_chunk(late.synced(europe.store.generation()).postings()) == indexed


def test_which_articles_mention_a_word_reads_each_article_in_its_language(europe):
    """The articles listed as mentioning a word hold it as BM25 reads them: the English article's "diverted" is
    "diverting" in English, and was not listed while every article was read as French."""
    answer = europe.ask("Which articles mention diverting?")
    assert answer.answered, answer.text
    assert [c.source.rsplit("/", 1)[-1] for c in answer.citations] == ["en-strike.txt"]
    assert "diverted vessels" in answer.citations[0].quote
