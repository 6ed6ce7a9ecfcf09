"""Real-world folders: every odd file gets a clear line in the report, and nothing else is lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE
from corpus import NEWS, write_news
from pdfmaker import write_pdf

from assistant import Assistant
from assistant.loaders import decode_text, doc_id_for

FRENCH = ("Le gouvernement a présenté un budget rectificatif. Le déficit public atteindra 4,4 % du PIB "
          "cette année, a précisé le ministre des Finances devant les députés.")


def odd_folder(folder):
    """One file of each awkward kind, with the reason the report must give for it (None: indexed)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, reason: str | None) -> None:
        (folder / name).write_bytes(data)
        expected[name] = reason

    put("empty.txt", b"", "empty file")
    put("blank.md", b" \n\n \n", "empty file")
    put("binary-renamed.txt", bytes(range(256)) * 40, "binary content")
    put("invalid-utf8.txt", (FRENCH + " Fin.").encode("utf-8").replace(b"Fin", b"F\xffin"), None)
    put("cp1252.txt", (FRENCH + " Le « prix » de l’énergie a baissé de 5 €.").encode("cp1252"), None)
    put("latin1.txt", (FRENCH + " Déjà là, où ça ?").encode("latin-1"), None)
    put("utf16-no-bom.txt", (FRENCH + " L’hiver fut rude.").encode("utf-16-le"), None)  # as some Windows tools write
    put("no-body.html", b"<html><head><title>Rien</title></head></html>", "HTML page without readable main text")
    put("menu-only.html", b"<html><head><title>Home</title></head><body><div>Home | News | Contact</div>"
        b"<div id='cookies'>We use cookies to improve your experience.</div></body></html>",
        "no article text found in the page")
    pdf = write_pdf(folder / "report.pdf", ["Rapport annuel sur la defense.", "Les depenses ont augmente de 7 %."])
    expected["report.pdf"] = None
    put("broken.pdf", pdf.read_bytes()[: len(pdf.read_bytes()) // 2], "broken PDF")

    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(pdf))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with open(folder / "encrypted.pdf", "wb") as handle:
        writer.write(handle)
    expected["encrypted.pdf"] = "encrypted PDF (a password is needed)"

    # 50 MB of text: refused on its size, before a byte is read (embedding it would take hours).
    with open(folder / "huge.txt", "wb") as handle:
        line = (FRENCH + "\n").encode("utf-8")
        for _ in range(50_000_000 // len(line) + 1):
            handle.write(line)
    expected["huge.txt"] = "text too long (50.0 MB, the limit is 2 MB of text"

    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    expected["loop-a.txt"] = expected["loop-b.txt"] = "symbolic link loop"
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "up")  # a folder loop: walked once, not forever
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    expected["dangling.txt"] = "broken symbolic link"
    os.mkfifo(folder / "pipe.txt")  # reading it would block for ever
    expected["pipe.txt"] = "not a regular file"
    return expected


def test_each_odd_file_gets_a_clear_line_and_nothing_else_is_lost(tmp_path):
    folder = tmp_path / "news"
    kept = write_news(folder, ["pont.txt"])["pont.txt"]
    assistant = Assistant(tmp_path / "index")
    assert assistant.index([folder]).added == [str(kept)]
    kept_chunks = assistant.store.get_articles([doc_id_for(str(kept))])[doc_id_for(str(kept))].chunk_ids

    expected = odd_folder(folder)
    existing = folder / "existing.txt"
    existing.write_text(NEWS["port.txt"], encoding="utf-8")
    assistant.index([existing])
    (folder / "zz-vanishes.txt").write_text(NEWS["rougeole.md"], encoding="utf-8")

    def delete_while_running(done: int, total: int, source: str) -> None:
        if done == 1:  # files listed, not yet read: two of them vanish in the middle of the run
            existing.unlink()
            (folder / "zz-vanishes.txt").unlink()

    report = assistant.index([folder], progress=delete_while_running)

    for name, reason in expected.items():
        source = str(folder / name)
        if reason is None:
            assert source in report.added, (name, report.failed.get(source))
        else:
            assert reason in report.failed.get(source, ""), (name, report.failed.get(source))
    assert report.failed[str(folder / "zz-vanishes.txt")] == "vanished while being indexed"
    assert "indexed version is kept" in report.failed[str(existing)]
    assert str(existing) in {a.source for a in assistant.articles()}
    assert not any("sub/up" in source for source in [*report.added, *report.failed])
    assert report.unchanged == [str(kept)]
    assert set(report.added) | set(report.failed) | set(report.unchanged) == {
        str(folder / name) for name in [*expected, "pont.txt", "existing.txt", "zz-vanishes.txt"]}

    # The decoded texts are what a reader would see.
    assert "5 €" in assistant.article_text(str(folder / "cp1252.txt"))
    assert "Déjà là, où ça ?" in assistant.article_text(str(folder / "latin1.txt"))
    assert "L’hiver fut rude." in assistant.article_text(str(folder / "utf16-no-bom.txt"))
    assert "déficit public" in assistant.article_text(str(folder / "invalid-utf8.txt"))
    assert "Les depenses ont augmente de 7 %." in assistant.article_text(str(folder / "report.pdf"))

    # Nothing indexed before was lost.
    record = assistant.store.get_articles([doc_id_for(str(kept))])[doc_id_for(str(kept))]
    assert record.chunk_ids == kept_chunks
    assert assistant.retrieve("passerelle piétonne sur le Rhône", k=1)[0].metadata["source"] == str(kept)
    assert assistant.check().ok

    pruned = assistant.index([folder], prune=True)
    assert str(existing) in pruned.removed  # gone for good: --prune removes it


def test_files_of_other_types_in_a_folder_are_reported_as_skipped_not_failed(tmp_path):
    folder = tmp_path / "news"
    kept = write_news(folder, ["pont.txt"])["pont.txt"]
    (folder / ".git").mkdir()
    for name in ("notes.numbers", "photo.jpg", "data.csv", ".DS_Store", ".git/config", ".notes.numbers"):
        (folder / name).write_bytes(b"x")
    assistant = Assistant(tmp_path / "index")

    report = assistant.index([folder])
    assert report.added == [str(kept)]
    assert report.skipped == {str(folder / "data.csv"): "unsupported file type .csv",
                              str(folder / "notes.numbers"): "unsupported file type .numbers",
                              str(folder / "photo.jpg"): "unsupported file type .jpg"}
    assert report.ok and not report.failed
    assert report.to_dict()["skipped"] == report.skipped  # what --json prints
    assert "3 skipped" in report.summary()
    assert report.skipped_lines() == [f"skipped: {source}: {reason}" for source, reason in report.skipped.items()]

    # Named outright, a file of another type is a mistake worth a failure, and is not listed twice.
    report = assistant.index([folder / "notes.numbers", folder])
    assert "unsupported file type .numbers; supported" in report.failed[str(folder / "notes.numbers")]
    assert set(report.skipped) == {str(folder / "data.csv"), str(folder / "photo.jpg")}
    assert report.unchanged == [str(kept)]


def test_the_index_folder_inside_the_folder_indexed_is_left_alone(tmp_path):
    # `assistant --index ~/articles/index index ~/articles`: every later run listed its Chroma,
    # BM25 and cache files as skipped ("25 skipped"), as if they were articles left out.
    folder = tmp_path / "news"
    kept = write_news(folder, ["pont.txt"])["pont.txt"]
    assistant = Assistant(folder / "index")
    assert assistant.index([folder]).added == [str(kept)]

    again = assistant.index([folder])
    assert again.unchanged == [str(kept)] and again.skipped == {} and again.ok
    assert "skipped" not in again.summary()

    # An index kept in the articles' folder itself still indexes them.
    inside = Assistant(folder)
    assert inside.index([folder]).added == [str(kept)]


def test_cli_sums_up_many_skipped_files_and_still_succeeds(tmp_path):
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt"])
    for number in range(12):
        (folder / f"photo-{number:02}.jpg").write_bytes(b"x")
    (folder / "notes.numbers").write_bytes(b"x")
    result = subprocess.run([sys.executable, "-m", "assistant", "--index", str(tmp_path / "index"), "index", "-q",
                             str(folder)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "skipped: 13 files of unsupported type (12 .jpg, 1 .numbers), not indexed",
        f"skipped: {folder / 'notes.numbers'}",
        f"skipped: {folder / 'photo-00.jpg'}",
        f"skipped: {folder / 'photo-01.jpg'}",
        "skipped: ... and 10 more (--json lists them all)",
    ]
    assert "1 added" in result.stdout and "13 skipped" in result.stdout


def test_a_link_skipped_among_many_files_of_another_type_keeps_its_line():
    # Summed up with them, it was counted as one more "file of unsupported type".
    from assistant.types import IndexReport

    report = IndexReport(skipped={**{f"/n/p{i:02}.jpg": "unsupported file type .jpg" for i in range(12)},
                                  "/n/link.txt": "the same file as /n/a.txt (through a symbolic link)"})
    lines = report.skipped_lines()
    assert lines[0] == "skipped: 12 files of unsupported type (12 .jpg), not indexed"
    assert lines[-1] == "skipped: /n/link.txt: the same file as /n/a.txt (through a symbolic link)"
    assert IndexReport(added=["/n/b.txt"], removed=["/n/a.txt"], moved={"/n/b.txt": "/n/a.txt"}).summary().startswith(
        "1 added (1 moved), 0 updated, 0 unchanged, 1 removed, 0 failed")


@pytest.mark.parametrize(("name", "data"), [
    ("page.html", ("<html><body><article><p>" + FRENCH * 3 + "</p></article></body></html>").encode()),
    ("note.txt", (FRENCH * 3).encode()),
])
def test_text_limit_applies_to_extracted_and_plain_text(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    report = Assistant(tmp_path / "index", max_text_mb=0.0002).index([tmp_path / name])
    assert "text too long" in report.failed[str(tmp_path / name)]
    assert "ASSISTANT_MAX_TEXT_MB" in report.failed[str(tmp_path / name)]
    # Refused unread, and not embedded first: a 5 MB text kept a run embedding for minutes (a reviewer).
    assert report.texts_embedded == 0


@pytest.mark.parametrize(("encoding", "text"), [
    ("latin-1", FRENCH + " Déjà là, où ça ?"),
    ("cp1252", FRENCH + " Le « prix » de l’énergie a baissé de 5 €."),
    ("cp1251", "Правительство представило исправленный бюджет. Дефицит составит 4,4 % ВВП в этом году."),
])
def test_legacy_encodings_read_as_written(encoding, text):
    assert decode_text(text.encode(encoding)) == text


def test_utf8_with_a_damaged_byte_keeps_its_text():
    data = FRENCH.encode("utf-8") + b" \xffFin."
    assert decode_text(data) == FRENCH + " \ufffdFin."


# root reads any file: without these capabilities it meets permissions as any other user
NO_OVERRIDE = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
               "--inh-caps", "-dac_override,-dac_read_search"]


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root, and no setpriv to drop it")
def test_a_file_or_folder_this_user_may_not_read_fails_alone(tmp_path):
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt", "port.txt"])
    (folder / "locked").mkdir()
    write_news(folder / "locked", ["rougeole.md"])
    (folder / "locked").chmod(0)
    (tmp_path / "alone.txt").write_text(NEWS["pont.txt"].replace("Rhône", "Rhin"), encoding="utf-8")
    prefix = NO_OVERRIDE if os.geteuid() == 0 else []
    try:
        result = subprocess.run([*prefix, sys.executable, "-m", "assistant", "--index", str(tmp_path / "index"),
                                 "index", str(tmp_path / "alone.txt"), str(folder / "locked" / "rougeole.md"),
                                 str(folder)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert f"{folder / 'locked' / 'rougeole.md'}: permission denied" in result.stderr
    assert f"{folder / 'locked'}: permission denied" in result.stderr  # met while walking the folder
    assert "3 added" in result.stdout, result.stdout
    sources = {a.source for a in Assistant(tmp_path / "index").articles()}
    assert sources == {str(tmp_path / "alone.txt"), str(folder / "pont.txt"), str(folder / "port.txt")}


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root, and no setpriv to drop it")
def test_an_index_folder_that_cannot_be_opened_is_a_clear_error(tmp_path, sample_index):
    prefix = NO_OVERRIDE if os.geteuid() == 0 else []
    locked = tmp_path / "read-only-index"
    shutil.copytree(sample_index, locked, ignore=shutil.ignore_patterns("write.lock"))
    for path in [locked, *locked.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    try:
        for index, says in ((locked, "must be writable by this user"), (a_file, "is a file, not an index folder")):
            result = subprocess.run([*prefix, sys.executable, "-m", "assistant", "--index", str(index), "ask",
                                     "Quelles armes ?"], capture_output=True, text=True, cwd=ROOT, timeout=600)
            assert result.returncode != 0 and says in result.stderr, result.stderr
            assert "Traceback" not in result.stderr, result.stderr
    finally:
        for path in [locked, *locked.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root, and no setpriv to drop it")
def test_an_index_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    # `assistant index` into a folder this user may not make printed "error: [Errno 13] Permission denied:
    # '/srv/idx'", and `python app.py` a traceback: neither said it was the index folder, nor what to do.
    prefix = NO_OVERRIDE if os.geteuid() == 0 else []
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for index, why in ((locked / "index", "permission denied"), (a_file / "index", "not a directory")):
            result = subprocess.run([*prefix, sys.executable, "-m", "assistant", "--index", str(index), "index",
                                     str(SAMPLE)], capture_output=True, text=True, cwd=ROOT, timeout=600)
            assert result.returncode == 2, result.stderr
            assert result.stderr.strip().splitlines() == [
                f"error: cannot make the index folder {index}: {why} (give one this user can write: --index or "
                "ASSISTANT_INDEX_DIR)"]
    finally:
        locked.chmod(0o755)


def test_an_embedding_cache_that_cannot_be_opened_is_a_clear_error(tmp_path, sample_index):
    # ASSISTANT_EMBEDDING_CACHE naming a folder (the index's, say) printed sqlite3's traceback, "unable to
    # open database file"; one under a file said "[Errno 17] File exists".
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for cache in (tmp_path, a_file / "cache.sqlite"):
        env = {**os.environ, "ASSISTANT_EMBEDDING_CACHE": str(cache)}
        result = subprocess.run([sys.executable, "-m", "assistant", "--index", str(sample_index), "ask",
                                 "Quelles armes ?"], capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: cannot open the embedding cache {cache} "
                                                       "(ASSISTANT_EMBEDDING_CACHE): "), result.stderr
        assert lines[0].endswith("(it must be a file this user can write, in a folder that exists or can be made)")


def test_cli_names_every_odd_argument_and_creates_no_index_by_mistake(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 cut short")
    (tmp_path / "ok.txt").write_text(FRENCH, encoding="utf-8")
    run = [sys.executable, "-m", "assistant", "--index"]
    index = tmp_path / "index"
    result = subprocess.run([*run, str(index), "index", "-q", *(str(tmp_path / n) for n in
                                                                 ("pipe.txt", "broken.pdf", "ok.txt"))],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert f"{tmp_path / 'pipe.txt'}: not a regular file" in result.stderr  # named outright, not skipped
    assert f"{tmp_path / 'broken.pdf'}: broken PDF" in result.stderr
    assert all(line.startswith("failed:") for line in result.stderr.splitlines()), result.stderr  # no pypdf noise
    assert "1 added" in result.stdout

    mistyped = tmp_path / "indx"
    for command in (["ask", "Quelles armes ?"], ["list"], ["stats"]):
        result = subprocess.run([*run, str(mistyped), *command], capture_output=True, text=True, cwd=ROOT,
                                timeout=600)
        assert result.returncode == 2 and f"no index at {mistyped}" in result.stderr, result.stderr
    assert not mistyped.exists()


def test_an_empty_path_is_an_error_not_the_current_folder(tmp_path, monkeypatch):
    # `assistant remove "$FILE"` with FILE unset removed every article under the current folder, and
    # `assistant index ""` indexed it: "" was read as ".".
    folder = tmp_path / "news"
    paths = write_news(folder, ["pont.txt", "port.txt"])
    assistant = Assistant(tmp_path / "index")
    assistant.index([folder])
    monkeypatch.chdir(folder)

    removal = assistant.remove(["", "  "])
    assert removal.removed == [] and set(removal.failed) == {"", "  "}
    assert all("empty path" in reason for reason in removal.failed.values())
    assert sorted(a.source for a in assistant.articles()) == sorted(str(p) for p in paths.values())

    (folder / "nouveau.txt").write_text(FRENCH, encoding="utf-8")
    report = assistant.index([""])
    assert report.added == [] and report.unchanged == [] and "empty path" in report.failed[""]


def test_a_reader_given_the_articles_folder_for_its_index_says_so_and_writes_nothing_there(tmp_path, capsys):
    # `assistant --index ~/articles list` (the articles' folder for the index's) said "0 articles", exit 0,
    # and left chroma/, embedding-cache.sqlite and write.lock among the articles.
    from assistant.cli import main

    folder = tmp_path / "articles"
    write_news(folder, ["pont.txt"])
    before = sorted(os.listdir(folder))
    for command in (["list"], ["stats"], ["check"], ["ask", "Quelles armes ?"]):
        assert main(["--index", str(folder), *command]) == 2, command
        assert f"no index at {folder}" in capsys.readouterr().err
    assert sorted(os.listdir(folder)) == before

    empty = tmp_path / "index"  # a checkout's index/ (only .gitkeep) is an index not yet filled
    empty.mkdir()
    (empty / ".gitkeep").write_text("")
    assert main(["--index", str(empty), "list"]) == 0


def test_an_article_emptied_or_overwritten_with_junk_says_its_indexed_version_is_kept(tmp_path):
    # The report said only "empty file": the old text stayed searchable, and nothing said so.
    article = tmp_path / "port.txt"
    article.write_text("Les dockers du Havre ont bloqué le port mardi. Le trafic a repris jeudi.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([article])
    article.write_bytes(b"")
    report = assistant.index([article])
    assert report.failed == {str(article): "empty file; its indexed version is kept (`assistant remove` removes it)"}
    assert assistant.ask("Quand le trafic a-t-il repris au Havre ?").answered


def test_a_story_republished_on_another_day_is_an_article_of_that_day(tmp_path):
    # Same text, other date (in the page's metadata): it was taken for a copy of the first, and a date
    # filter on its day found nothing.
    page = ("<html><head><meta property='article:published_time' content='{day}T10:00:00Z'><title>Bordeaux"
            "</title></head><body><article><h1>Bordeaux : transports gratuits</h1><p>Le conseil municipal de "
            "Bordeaux a voté la gratuité des transports en commun pour les moins de vingt-cinq ans. La mesure "
            "entrera en vigueur en septembre.</p></article></body></html>")
    news = tmp_path / "news"
    news.mkdir()
    (news / "first.html").write_text(page.format(day="2021-11-03"), encoding="utf-8")
    (news / "again.html").write_text(page.format(day="2024-05-02"), encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    report = assistant.index([news])
    assert len(report.added) == 2 and not any(a.duplicate_of for a in assistant.articles())
    question = "Pour qui les transports sont-ils gratuits à Bordeaux ?"
    days = (("2021-11-01", "2021-11-30", "first.html"), ("2024-05-01", "2024-05-31", "again.html"))
    source_day = {"first.html": "03", "again.html": "02"}
    for since, until, source in days:
        answer = assistant.ask(question, filters={"since": since, "until": until})
        assert answer.answered and {c.source for c in answer.citations} == {str(news / source)}, answer.text
        assert {c.published for c in answer.citations} == {since[:8] + source_day[source]}  # shown with it
    (news / "copy.html").write_text(page.format(day="2024-05-02"), encoding="utf-8")  # a copy is still one
    assistant.index([news])
    copies = [a.duplicate_of for a in assistant.articles() if a.source.endswith("copy.html")]
    assert copies == [str(news / "again.html")]


def test_list_keeps_one_line_per_article_whatever_the_file_name(tmp_path, capsys):
    from assistant.cli import main

    odd = tmp_path / "news" / "a\nb\tc.txt"
    odd.parent.mkdir()
    odd.write_text("Les dockers du Havre ont bloqué le port mardi matin.\n", encoding="utf-8")
    Assistant(tmp_path / "index").index([odd.parent])
    capsys.readouterr()
    assert main(["--index", str(tmp_path / "index"), "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(odd.parent / "a\\nb\\tc.txt") + "\t"), lines


def test_a_page_saved_as_text_is_read_as_html_and_measured_by_its_text(tmp_path):
    # Its scripts make a saved page large: refused on its size as a plain text, it was never read.
    page = ("<!DOCTYPE html><html><head><title>Grève à Air France</title><script>" + "var x = 1;\n" * 40
            + "</script></head><body><div class='cookies'>Nous utilisons des cookies. En continuant, vous acceptez "
            "notre politique de confidentialité.</div><p>" + FRENCH + "</p></body></html>")
    (tmp_path / "greve.txt").write_text(page, encoding="utf-8")
    assistant = Assistant(tmp_path / "index", max_text_mb=0.0003)
    report = assistant.index([tmp_path / "greve.txt"])
    assert report.added == [str(tmp_path / "greve.txt")], report.failed
    [article] = assistant.articles()
    assert article.title == "Grève à Air France" and article.format == "html"
    assert "<" not in assistant.article_text(article.source) and "var x" not in assistant.article_text(article.source)


def test_a_folder_indexed_again_through_a_link_is_not_indexed_twice(tmp_path):
    # Indexed as news/ then as news-link/ (a link to it), each article was listed twice, and the copy under
    # the link's name went stale when the file changed (an operator reviewer).
    news = tmp_path / "news"
    news.mkdir()
    (news / "port.txt").write_text("Le port de Marseille a traité 101 millions de tonnes en 2024.\n", encoding="utf-8")
    (news / "pont.txt").write_text("Le pont de Tancarville sera fermé trois nuits en mars.\n", encoding="utf-8")
    (tmp_path / "news-link").symlink_to(news, target_is_directory=True)
    assistant = Assistant(tmp_path / "index")
    assert len(assistant.index([news]).added) == 2
    report = assistant.index([tmp_path / "news-link"])
    assert not report.added and report.skipped == {
        str(tmp_path / "news-link" / name): f"the same file as {news / name} (through a symbolic link), indexed "
                                            "once, under that name" for name in ("pont.txt", "port.txt")}
    assert sorted(a.source for a in assistant.articles()) == [str(news / "pont.txt"), str(news / "port.txt")]


def test_limits_pruning_and_the_bar_as_an_operator_meets_them(tmp_path):
    # A reviewer running the assistant for a newsroom: a missing folder with --prune gave two failures (one
    # for its relative name); a file grown past the text limit kept its old version without saying so, its
    # size said "0.0 MB"; the progress bar filled a cron log.
    from corpus import run_cli

    assistant = Assistant(tmp_path / "index")
    report = assistant.index([os.path.relpath(tmp_path / "nope")], prune=True)
    assert list(report.failed) == [str(tmp_path / "nope")]
    assert report.failed[str(tmp_path / "nope")].startswith("no such file or folder; nothing under it was pruned")

    article = tmp_path / "budget.md"
    article.write_text("Le budget de Lyon atteint 1,2 milliard d'euros en 2024.\n", encoding="utf-8")
    assert assistant.index([article]).added
    article.write_text("Le budget de Lyon atteint 1,2 milliard d'euros en 2024.\n" * 300, encoding="utf-8")
    report = Assistant(tmp_path / "index", max_text_mb=0.01).index([article])
    assert report.failed[str(article)] == (
        "text too long (0.017 MB, the limit is 0.01 MB of text: ASSISTANT_MAX_TEXT_MB); not read; its indexed "
        "version is kept (`assistant remove` removes it)")

    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "port.txt").write_text("Le port de Marseille a traité 101 millions de tonnes.\n",
                                                encoding="utf-8")
    done = run_cli("index", str(tmp_path / "news"), index_dir=tmp_path / "index2")
    assert done.returncode == 0 and "1 added" in done.stdout
    assert "indexing:" not in done.stderr and "file/s" not in done.stderr, done.stderr


def test_the_index_report_keeps_one_line_per_file_whatever_the_file_name(tmp_path, capsys):
    # `list` wrote "a\nb.txt" as one field, but `index` printed "failed: .../vide" and ".txt: empty file" on two
    # lines: a script reading the report line by line took the second for another message.
    from assistant.cli import main

    news = tmp_path / "news"
    news.mkdir()
    (news / "a\nb.txt").write_text("Les dockers du Havre ont bloqué le port mardi matin.\n", encoding="utf-8")
    (news / "copie\n.txt").write_text("Les dockers du Havre ont bloqué le port mardi matin.\n", encoding="utf-8")
    (news / "vide\n.txt").write_bytes(b"")
    (news / "photo\n.jpg").write_bytes(b"x")
    capsys.readouterr()
    assert main(["--index", str(tmp_path / "index"), "index", "-q", str(news)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"failed: {news}/vide\\n.txt: empty file",
                                f"skipped: {news}/photo\\n.jpg: unsupported file type .jpg"]
    assert out.splitlines()[0] == (f"duplicate: {news}/copie\\n.txt has the same content as {news}/a\\nb.txt "
                                   "(embedded once)")
    assert len(out.splitlines()) == 2 and out.splitlines()[1].startswith("2 added (1 a copy")


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root, and no setpriv to drop it")
def test_a_file_made_unreadable_says_permission_denied_and_that_its_indexed_version_stays(tmp_path):
    # "cannot be read (Permission denied)" for a locked file beside "permission denied" for a locked folder,
    # and nothing said of the version still indexed, which went on answering.
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt", "port.txt"])
    Assistant(tmp_path / "index").index([folder])
    (folder / "port.txt").write_text(NEWS["port.txt"] + "Mise à jour.\n", encoding="utf-8")
    (folder / "port.txt").chmod(0)
    prefix = NO_OVERRIDE if os.geteuid() == 0 else []
    try:
        result = subprocess.run([*prefix, sys.executable, "-m", "assistant", "--index", str(tmp_path / "index"),
                                 "index", str(folder)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    finally:
        (folder / "port.txt").chmod(0o644)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [f"failed: {folder / 'port.txt'}: permission denied; its indexed version is "
                                          "kept (`assistant remove` removes it)"], result.stderr


def test_a_folder_indexed_through_a_link_then_by_its_own_path_follows_its_own_path(tmp_path):
    # Indexed as actuel/ (a link to news/), then as news/: each file became a copy of its own link name, and
    # answers went on citing actuel/..., whose link may be gone tomorrow. So did an index built before folders
    # were walked ahead of the links beside them.
    news = tmp_path / "news"
    news.mkdir()
    (news / "port.txt").write_text("Le port de Marseille a traité 101 millions de tonnes en 2024.\n", encoding="utf-8")
    (tmp_path / "actuel").symlink_to(news, target_is_directory=True)
    assistant = Assistant(tmp_path / "index")
    assert assistant.index([tmp_path / "actuel"]).added == [str(tmp_path / "actuel" / "port.txt")]
    report = assistant.index([news])
    assert report.moved == {str(news / "port.txt"): str(tmp_path / "actuel" / "port.txt")}
    assert not report.duplicates and report.texts_embedded == 0
    assert [(a.source, bool(a.chunk_ids)) for a in assistant.articles()] == [(str(news / "port.txt"), True)]
    assert assistant.check().ok
