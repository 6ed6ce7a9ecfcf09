"""Articles held in memory (scraped into dicts, a DataFrame, LangChain Documents) indexed without files."""

from __future__ import annotations

import datetime
import hashlib
import html

import pytest
from langchain_core.documents import Document

from assistant import Assistant

STRIKE = (
    "La grève des dockers de Marseille entre dans sa deuxième semaine. Selon la CGT, 1 200 salariés ont cessé "
    "le travail mardi. Le port est bloqué depuis le 4 mars."
)
FLOODS = (
    "Floods hit Valencia on Friday. The regional government said that 42 people had been evacuated from the "
    "old town overnight."
)
TRAM = "The mayor of Lyon announced a new tram line on Monday. It will cost 300 million euros, the city said."
RATES = "The central bank raised its main rate by a quarter point on Thursday, its governor told reporters."


def scraped() -> list[object]:
    """A scraper's rows, in the forms a notebook holds them."""
    return [
        {
            "id": "lm-1",
            "url": "https://example.org/greve?p=1&s=2",
            "title": "Grève à Marseille",
            "date": "2025-03-12",
            "author": "Par Claire Fontaine",
            "text": STRIKE,
        },
        {
            "url": "https://example.org/valencia",
            "title": "Floods in Valencia",
            "date": datetime.datetime(2025, 3, 14, 9, 30),
            "author": float("nan"),
            "text": FLOODS,
        },
        TRAM,
        Document(page_content=RATES, metadata={"source": "wire-77", "title": "Rates up", "published": "14 mars 2025"}),
    ]


def test_articles_in_memory_are_cited_with_their_metadata_and_updated_by_their_id(tmp_path):
    # There was no way to index articles held in memory: each had to be written to a file by hand first, and
    # its title, date, author and link were lost on the way.
    news = Assistant(tmp_path / "index")
    report = news.index_records(scraped())
    tram = "text:" + hashlib.sha256(TRAM.encode()).hexdigest()[:16]
    assert report.added == ["lm-1", "https://example.org/valencia", tram, "wire-77"] and report.ok, report
    articles = {article.source: article for article in news.articles()}
    strike = articles["lm-1"]
    assert (strike.title, strike.published, strike.author, strike.url) == (
        "Grève à Marseille",
        "2025-03-12",
        "Claire Fontaine",
        "https://example.org/greve?p=1&s=2",
    )
    assert (articles["https://example.org/valencia"].published, articles["https://example.org/valencia"].author) == (
        "2025-03-14",
        "",
    )
    assert articles["wire-77"].published == "2025-03-14" and articles[tram].title.startswith("The mayor of Lyon")
    assert news.article_text("lm-1") == STRIKE

    answer = news.ask("Combien de salariés ont cessé le travail à Marseille ?")
    assert answer.answered and answer.citations, answer
    cited = answer.citations[0]
    assert (cited.source, cited.title, cited.published, cited.url) == (
        "lm-1",
        "Grève à Marseille",
        "2025-03-12",
        "https://example.org/greve?p=1&s=2",
    )
    assert STRIKE[cited.start : cited.end] == cited.quote and "1 200 salariés" in cited.quote
    assert f'<a href="{html.escape(cited.url)}"' in answer._repr_html_()

    # A list of the places named cites them with their article's link, as a passage's citation does.
    listed = news.ask("Which places are mentioned?")
    assert "Valencia" in listed.text and "https://example.org/valencia" in {c.url for c in listed.citations}, listed

    # The same rows again change nothing; a corrected title updates its article, not a second one.
    assert news.index_records(scraped()).unchanged == ["lm-1", "https://example.org/valencia", tram, "wire-77"]
    corrected = scraped()
    corrected[0] = {**corrected[0], "title": "Grève des dockers à Marseille"}
    assert news.index_records(corrected[:1]).updated == ["lm-1"]
    assert len(news.articles()) == 4
    assert news.ask("Combien de salariés ont cessé le travail à Marseille ?").citations[0].title == (
        "Grève des dockers à Marseille"
    )

    # A file with an article's text, indexed and pruned beside them, leaves them alone: they have no file to miss.
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "copy.txt").write_text(TRAM, encoding="utf-8")
    report = news.index([folder], prune=True)
    assert report.duplicates == {str(folder / "copy.txt"): tram} and not report.removed and not report.moved
    check = news.check()
    assert check.ok and not any("lm-1" in note for note in check.notes), check.summary()

    assert news.remove("lm-1").removed == ["lm-1"]
    assert "lm-1" not in {article.source for article in news.articles()}
    assert not news.ask("Combien de salariés ont cessé le travail à Marseille ?").answered


def test_a_bad_record_is_named_with_its_reason_and_the_others_are_indexed(tmp_path):
    news = Assistant(tmp_path / "index")
    rows = [
        {"id": "floods", "text": FLOODS},
        {"id": "undated", "text": TRAM, "date": "yesterday"},
        {"id": "untitled", "title": "A title but no text"},
        {"id": 7, "text": "   "},
        {"id": "titled", "text": RATES, "title": 12},
        42,
        {"id": "floods", "text": STRIKE},
    ]
    told: list[tuple[int, int, str]] = []
    report = news.index_records(rows, progress=lambda done, total, name: told.append((done, total, name)))
    assert report.added == ["floods"]
    assert report.failed == {
        "undated": "its date 'yesterday' is not a date (YYYY-MM-DD, a date as an article writes it: '12 mars 2025', "
                   "or a date or datetime)",
        "untitled": "no text: a record needs a 'text' (or 'content', 'page_content') that is a string",
        "7": "its text is empty",
        "titled": "its title must be text, not int",
        "record 6": "not an article: a record is a text, a dict with a 'text', or a LangChain Document, not int",
        "floods": "given twice in this batch (the same id or url); only the first one was indexed",
    }
    assert told == [
        (1, 7, "floods"),
        (2, 7, "undated"),
        (3, 7, "untitled"),
        (4, 7, "7"),
        (5, 7, "titled"),
        (6, 7, "record 6"),
        (7, 7, "floods"),
    ]
    assert news.article_text("floods") == FLOODS  # the first one given, not the second

    # A record that cannot be read leaves the version indexed under its id, and says so.
    report = news.index_records({"id": "floods", "text": ""})
    assert report.failed == {"floods": "its text is empty; its indexed version is kept (`assistant remove` removes it)"}
    assert news.article_text("floods") == FLOODS


def test_one_record_alone_and_a_dataframe_are_taken_as_articles(tmp_path):
    # A text alone was iterated character by character, a DataFrame column by column.
    pandas = pytest.importorskip("pandas")  # installed with gradio, not a dependency of its own
    news = Assistant(tmp_path / "index")
    assert news.index_records({"id": "tram", "text": TRAM}).added == ["tram"]
    assert len(news.index_records(FLOODS).added) == 1
    frame = pandas.DataFrame(
        [
            {
                "id": "rates",
                "text": RATES,
                "title": "Rates up",
                "date": pandas.Timestamp("2025-03-13 18:05"),
                "author": None,
            },
            {"id": "strike", "text": STRIKE, "title": None, "date": pandas.NaT, "author": "Claire Fontaine"},
        ]
    )
    report = news.index_records(frame)
    assert report.added == ["rates", "strike"] and report.ok, report
    articles = {article.source: article for article in news.articles()}
    assert (articles["rates"].title, articles["rates"].published, articles["rates"].author) == (
        "Rates up",
        "2025-03-13",
        "",
    )
    assert articles["strike"].title.startswith("La grève des dockers de Marseille")  # its first line
    assert (articles["strike"].published, articles["strike"].author) == ("", "Claire Fontaine")
    assert len(articles) == 4

    # A column of ids that misses one holds floats: its rows are the articles indexed under whole numbers.
    assert news.index_records([{"id": 12, "text": FLOODS + " Schools were closed."}]).added == ["12"]
    holed = pandas.DataFrame([{"id": 12, "text": FLOODS + " Schools were closed."}, {"id": None, "text": TRAM}])
    assert holed["id"].dtype == "float64"
    report = news.index_records(holed)
    tram = "text:" + hashlib.sha256(TRAM.encode()).hexdigest()[:16]  # no id: named by its text, a copy of "tram"
    assert report.unchanged == ["12"] and report.duplicates == {tram: "tram"}, report

    # Its rows one by one (iterrows(), df.iloc[i]: pandas Series) were "not an article"; pandas' NA in a
    # field raised "boolean value of NA is ambiguous" and stopped the whole batch.
    assert news.index_records([row for _, row in frame.iterrows()]).unchanged == ["rates", "strike"]
    assert news.index_records(frame.iloc[0]).unchanged == ["rates"]
    report = news.index_records({"id": "nullable", "text": TRAM + " Works start in May.", "author": pandas.NA})
    assert report.added == ["nullable"] and report.ok, report


def test_progress_true_draws_a_bar_for_files_and_for_records(tmp_path, capsys):
    # From Python, progress took a callback only: a notebook had to write its own bar over tqdm.
    news = Assistant(tmp_path / "index")
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in (("floods.txt", FLOODS), ("tram.txt", TRAM)):
        (folder / name).write_text(text, encoding="utf-8")
    assert news.index([folder], progress=True).added
    drawn = capsys.readouterr().err
    assert "indexing" in drawn and "2/2" in drawn and "file" in drawn, drawn
    assert news.index_records([{"id": "rates", "text": RATES}, {"id": "strike", "text": STRIKE}], progress=True).ok
    drawn = capsys.readouterr().err
    assert "indexing" in drawn and "2/2" in drawn and "record" in drawn, drawn
    assert news.index_records({"id": "rates", "text": RATES}, progress=False).unchanged == ["rates"]
    assert capsys.readouterr().err == ""


def test_articles_given_to_index_are_pointed_to_index_records(tmp_path):
    # index(df) read the DataFrame's column names as paths ("text: no such file or folder"), and index([dict])
    # said only "not dict".
    pandas = pytest.importorskip("pandas")  # installed with gradio, not a dependency of its own
    news = Assistant(tmp_path / "index")
    for given, what in (
        (pandas.DataFrame([{"id": "a", "text": TRAM}]), "DataFrame"),
        ([{"text": TRAM}], "dict"),
        ([Document(page_content=TRAM)], "Document"),
    ):
        with pytest.raises(
            TypeError,
            match=rf"^index takes .*, not {what}; articles held in memory go to "
            r"index_records$",
        ):
            news.index(given)
    assert not (tmp_path / "index").exists()


def test_an_upgrade_does_not_ask_to_read_again_the_articles_given_in_memory(tmp_path, monkeypatch):
    # After a version that reads files otherwise (loaders.READER raised), `check` asked to index "their files"
    # once for articles given in memory too, which have none: the note stayed for ever.
    import assistant.store

    news = Assistant(tmp_path / "index")
    assert news.index_records([{"id": "lm-1", "text": STRIKE}]).added == ["lm-1"]
    monkeypatch.setattr(assistant.store, "READER", assistant.store.READER + 1)  # the next version's reader
    assert not [note for note in news.check().notes if "read by an earlier version" in note]
    assert news.index_records([{"id": "lm-1", "text": STRIKE}]).unchanged == ["lm-1"]
