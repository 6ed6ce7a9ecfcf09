"""Client/server mode: the assistant on a real ``chroma run`` server started by the test."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from chroma_server import ChromaServer, free_port
from conftest import ROOT, SAMPLE
from corpus import run_cli, write_news
from test_core import WEAPONS

from assistant import Assistant, indexer
from assistant.cli import main
from assistant.store import StoreUnreachableError

pytestmark = pytest.mark.server

NEW_FACT = ("Le porte-parole du Pentagone a aussi évoqué des drones Shahed-136 livrés par l'Iran, "
            "une information que Téhéran dément.")
OTHER = ("Budget municipal de Lyon\n\nLe conseil municipal de Lyon a voté un budget de 1,2 milliard d'euros "
         "pour 2024, dont 300 millions consacrés aux transports en commun et aux pistes cyclables.\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data") as running:
        yield running



def relay_reply(handler, reply) -> None:
    """A proxy's handler sends the server's ``reply`` (an httpx response) on, as read whole."""
    handler.send_response(reply.status_code)
    for name, value in reply.headers.items():
        if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(reply.content)))
    handler.end_headers()
    handler.wfile.write(reply.content)

def test_index_ask_reindex_remove_on_a_chroma_server(server, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    sample = articles / SAMPLE.name
    shutil.copyfile(SAMPLE, sample)
    other = articles / "lyon.txt"
    other.write_text(OTHER, encoding="utf-8")

    writer = Assistant(tmp_path / "writer", chroma_url=server.url)
    report = writer.index([articles])
    assert sorted(report.added) == sorted([str(sample), str(other)]), report
    assert writer.stats()["index"] == server.url
    assert not (tmp_path / "writer" / "chroma").exists()  # nothing of the index itself is kept locally

    answer = writer.ask("What weapons were mentioned?")
    assert answer.answered
    cited = answer.text + " ".join(c.quote for c in answer.citations)
    for needle in ("122", "152", "Grad"):
        assert needle in cited
    assert any(WEAPONS in c.quote for c in answer.citations)
    file_text = sample.read_text(encoding="utf-8")
    for citation in answer.citations:
        assert citation.source == str(sample)
        assert writer.article_text(citation.source)[citation.start : citation.end] == citation.quote
        assert file_text[citation.start : citation.end] == citation.quote

    # A second client (another machine: its own local folder) reads the same index; its BM25 side is
    # rebuilt from the server's documents and persisted in its own folder.
    reader = Assistant(tmp_path / "reader", chroma_url=server.url)
    docs = reader.retrieve("lance-roquettes multiples Grad", k=2)
    assert WEAPONS in docs[0].page_content
    assert docs[0].metadata["lexical_score"] > 0
    assert len(reader.lexical.index) == writer.stats()["chunks"]
    assert (tmp_path / "reader" / "bm25" / "ids.json").exists()

    # Unchanged files are skipped; a changed one is re-indexed and readers see it.
    assert writer.index([articles]).unchanged == sorted([str(other), str(sample)])
    sample.write_text(file_text.rstrip("\n") + "\n\n" + NEW_FACT + "\n", encoding="utf-8")
    report = writer.index([articles])
    assert report.updated == [str(sample)] and report.unchanged == [str(other)], report
    hits = reader.retrieve("drones Shahed-136", k=1)
    assert "Shahed-136" in hits[0].page_content
    # search reads the server's passages through the reader's BM25 postings, with a filter too
    found = reader.search('"Shahed-136"', filters={"source": SAMPLE.name})
    assert [m.text for m in found] == [NEW_FACT.strip()] and reader.search("Shahed", filters={"since": "2090"}) == []
    assert hits[0].metadata["lexical_score"] > 0  # the reader's BM25 followed the server's generation
    assert reader.article_text(str(sample)).endswith(NEW_FACT + "\n")
    assert any(WEAPONS in c.quote for c in reader.ask("Quelles armes ont été mentionnées ?").citations)

    # Removal: the article and its chunks leave the server, for every client.
    before = writer.stats()["chunks"]
    removed = writer.remove(str(other))
    assert removed.removed == [str(other)]
    assert {a.source for a in reader.articles()} == {str(sample)}
    assert reader.stats()["chunks"] < before
    for doc in reader.retrieve("budget municipal de Lyon transports", k=5):
        assert doc.metadata["source"] != str(other)
    assert reader.article_text(str(other)) is None


def test_cli_reads_the_server_from_the_environment(server, tmp_path):
    Assistant(tmp_path / "writer", chroma_url=server.url).index([SAMPLE])
    env = dict(os.environ, ASSISTANT_CHROMA_URL=server.url, ASSISTANT_INDEX_DIR=str(tmp_path / "cli"))
    result = subprocess.run([sys.executable, "-m", "assistant", "ask", "What weapons were mentioned?", "--json"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert any(WEAPONS in c["quote"] for c in payload["citations"])


def test_a_lost_chroma_server_is_one_store_error_naming_it(tmp_path):
    folder = tmp_path / "news"
    write_news(folder)
    for number in range(6):
        (folder / f"extra-{number}.txt").write_text(
            f"Dépêche {number}\n\nLe conseil régional a voté la subvention numéro {number} pour le musée "
            f"de la ville {number}, selon un communiqué publié lundi.\n", encoding="utf-8")
    every = sorted(str(p) for p in folder.iterdir())
    server = ChromaServer(tmp_path / "chroma").start()
    restarted = None
    try:
        assistant = Assistant(tmp_path / "index", chroma_url=server.url)
        assert assistant.index([folder / "pont.txt"]).added == [str(folder / "pont.txt")]

        def progress(done: int, total: int, source: str) -> None:
            if done == 3:
                server.stop()  # killed mid-run

        reached: list[str] = []
        with pytest.raises(StoreUnreachableError) as caught:
            assistant.index([folder], progress=lambda done, total, source: (reached.append(source),
                                                                            progress(done, total, source)))
        # The run stopped at the first file that needed the store, instead of failing them all one by one.
        assert len(reached) == 3, reached
        assert f"the Chroma server at {server.url} cannot be reached" in str(caught.value)
        # Reads and writes: the store's own error naming the server, never a bare httpx.ConnectError.
        for call in (assistant.articles, assistant.stats, lambda: assistant.ask("la passerelle de Lyon"),
                     lambda: assistant.retrieve("passerelle Rhône"), lambda: assistant.remove(every[0]),
                     lambda: Assistant(tmp_path / "other", chroma_url=server.url).articles()):
            with pytest.raises(StoreUnreachableError, match=f"Chroma server at {server.url}"):
                call()
        # The command line says it once, and indexes nothing.
        result = run_cli("index", str(folder), "-q", index_dir=tmp_path / "cli",
                         env={"ASSISTANT_CHROMA_URL": server.url}, timeout=300)
        assert result.returncode == 2, result
        assert result.stderr.strip().splitlines() == [f"error: {caught.value}"], result.stderr

        # The server back: the next run finishes what the interrupted one left.
        restarted = ChromaServer(server.path, port=server.port).start()
        report = assistant.index([folder])
        assert report.ok, report
        assert sorted(report.added + report.updated + report.unchanged) == every, report
        assert sorted(a.source for a in assistant.articles()) == every
        assert assistant.check().ok
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_a_run_cut_short_by_a_lost_server_reports_what_it_indexed(tmp_path, monkeypatch):
    """A Python caller got the error alone, and could not tell what the run had indexed before it."""
    monkeypatch.setattr(indexer, "COMMIT_FILES", 2)  # a commit every two files, as a long run makes every 200
    # Not by time: on a loaded machine the run passed the 30 s and committed the third file too.
    monkeypatch.setattr(indexer, "COMMIT_SECONDS", 3600.0)
    folder = tmp_path / "news"
    write_news(folder)
    (folder / "musee.txt").write_text("Dépêche\n\nLe conseil régional a voté une subvention pour le musée de la "
                                      "ville, selon un communiqué publié lundi.\n", encoding="utf-8")
    every = sorted(str(p) for p in folder.iterdir())  # the order of the run
    server = ChromaServer(tmp_path / "chroma").start()
    restarted = None
    try:
        assistant = Assistant(tmp_path / "index", chroma_url=server.url)

        def progress(done: int, total: int, source: str) -> None:
            if done == 4:
                server.stop()  # killed mid-run: two files committed, the third staged, the fourth begun

        with pytest.raises(StoreUnreachableError) as caught:
            assistant.index([folder], progress=progress)
        report = caught.value.report
        assert report.added == every[:2] and not report.ok, report
        assert sorted(report.failed) == every[2:4], report
        for reason in report.failed.values():
            assert reason.startswith(f"not indexed: the Chroma server at {server.url} cannot be reached"), reason
        assert report.seconds > 0

        # What the report says was indexed is what the server holds.
        restarted = ChromaServer(server.path, port=server.port).start()
        articles = assistant.articles()
        assert [a.source for a in articles] == report.added
        assert sum(len(a.chunk_ids) for a in articles) == report.chunks_added > 0
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_a_password_in_the_chroma_url_is_never_shown(server, tmp_path):
    url = server.url.replace("http://", "http://bob:hunter2@")
    Assistant(tmp_path / "writer", chroma_url=server.url).index([SAMPLE])
    result = run_cli("--chroma-url", url, "stats", index_dir=tmp_path / "cli", timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"http://bob:***@127.0.0.1:{server.port}" in result.stdout
    assert "hunter2" not in result.stdout + result.stderr
    assert Assistant(tmp_path / "web", chroma_url=url).stats()["index"] == f"http://bob:***@127.0.0.1:{server.port}"
    # repr, which a notebook or a log line shows, masks it too (sent to the server as HTTP Basic, it is a password)
    assert repr(Assistant(tmp_path / "web", chroma_url=url)) == (
        f"Assistant({str(tmp_path / 'web')!r}, chroma_url='http://bob:***@127.0.0.1:{server.port}', "
        "answerer='extractive')")
    down = f"http://bob:hunter2@127.0.0.1:{free_port()}"  # nothing listens there
    result = run_cli("--chroma-url", down, "stats", index_dir=tmp_path / "cli", timeout=300)
    assert result.returncode == 2
    assert "the Chroma server at http://bob:***@127.0.0.1:" in result.stderr and "hunter2" not in result.stderr


def test_a_reader_client_behind_the_server_is_not_a_problem(server, tmp_path):
    articles = tmp_path / "articles"
    write_news(articles, ["pont.txt"])
    writer = Assistant(tmp_path / "writer", chroma_url=server.url)
    writer.index([articles])
    reader = Assistant(tmp_path / "reader", chroma_url=server.url)
    reader.retrieve("passerelle sur le Rhône", k=1)  # the reader's BM25 is saved at this generation
    seen = reader.check().bm25_generation
    write_news(articles, ["port.txt"])
    writer.index([articles])
    report = reader.check()
    assert report.ok, report.summary()
    assert report.bm25_generation == seen < report.generation
    assert any("brought up to date at the next question" in note for note in report.notes)
    result = run_cli("check", index_dir=tmp_path / "reader", env={"ASSISTANT_CHROMA_URL": server.url}, timeout=300)
    assert result.returncode == 0 and "note: this client's BM25 index is at generation" in result.stdout, result


def test_a_server_that_never_answers_or_is_no_chroma_is_said_in_time(tmp_path):
    # Chroma's client waits for ever: a server that accepted and never answered (stopped with SIGSTOP, a
    # dead proxy) hung every command with nothing said; a web server that is not Chroma printed its HTML.
    import http.server
    import socket
    import threading
    import time

    from assistant.store import StoreError

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    held: list[socket.socket] = []

    def hold() -> None:  # accepts, never answers
        try:
            while True:
                held.append(silent.accept()[0])
        except OSError:  # closed at the end of the test
            pass

    threading.Thread(target=hold, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(StoreUnreachableError, match="did not answer in time .*ASSISTANT_CHROMA_TIMEOUT"):
        Assistant(tmp_path / "a", chroma_url=f"http://127.0.0.1:{silent.getsockname()[1]}", chroma_timeout=2).stats()
    assert time.monotonic() - started < 30
    silent.close()

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{web.server_address[1]}"
        with pytest.raises(StoreError, match="not as a Chroma server does .*ASSISTANT_CHROMA_URL") as raised:
            Assistant(tmp_path / "b", chroma_url=url).stats()
        assert "<" not in str(raised.value)  # no HTML
    finally:
        web.shutdown()


def test_a_server_that_lost_the_index_under_an_open_client_says_so(tmp_path):
    # Restarted on another --path (or wiped), the server answered Chroma's bare "NotFoundError: Collection
    # [8d943bec-...] does not exist." to every call of a client left open.
    import chromadb

    from assistant.store import StoreStoppedError

    server = ChromaServer(tmp_path / "chroma").start()
    try:
        assistant = Assistant(tmp_path / "index", chroma_url=server.url)
        assistant.index([SAMPLE])
        wiper = chromadb.HttpClient(host="127.0.0.1", port=int(server.url.rsplit(":", 1)[1]))
        for collection in wiper.list_collections():
            wiper.delete_collection(collection.name)
        with pytest.raises(StoreStoppedError, match="no longer has this index .*ASSISTANT_CHROMA_URL"):
            assistant.stats()
        with pytest.raises(StoreStoppedError, match="no longer has this index"):
            assistant.ask("What weapons were mentioned?")
    finally:
        server.stop()


def test_a_server_behind_a_proxy_at_a_path_is_reached_there(server, tmp_path):
    # A newsroom puts Chroma behind its web server at https://host/chroma: the address's path was
    # dropped, and the assistant asked the web server's root, which is not Chroma.
    import http.server
    import threading

    import httpx

    seen: list[str] = []

    class Forward(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            seen.append(self.path)
            if not self.path.startswith("/chroma/"):
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            reply = httpx.request(self.command, server.url + self.path.removeprefix("/chroma"), content=body,
                                  headers=headers, timeout=60)
            relay_reply(self, reply)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        def log_message(self, *args) -> None:
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{proxy.server_address[1]}/chroma/"
        behind = Assistant(tmp_path / "behind", chroma_url=url)
        report = behind.index([SAMPLE])
        assert str(SAMPLE) in report.added + report.unchanged, report
        answer = behind.ask("What weapons were mentioned?")
        assert any(WEAPONS in c.quote for c in answer.citations), answer.text
        assert seen and all(path.startswith("/chroma/api/v2/") for path in seen), seen[:5]
        assert behind.stats()["index"] == url
        # The same collection as a client that reaches the server directly.
        assert str(SAMPLE) in [a.source for a in Assistant(tmp_path / "direct", chroma_url=server.url).articles()]
    finally:
        proxy.shutdown()


def test_two_namespaces_on_one_server_are_two_indexes(server, tmp_path, capsys):
    # Two index folders pointed at one server shared one index: each desk answered from the other's articles
    # (an operator reviewer). A namespace each keeps them apart, entities included.
    desk_a, desk_b = tmp_path / "a", tmp_path / "b"
    desk_a.mkdir()
    desk_b.mkdir()
    shutil.copyfile(SAMPLE, desk_a / SAMPLE.name)
    (desk_b / "lyon.txt").write_text(OTHER, encoding="utf-8")
    a = Assistant(tmp_path / "index-a", chroma_url=server.url, chroma_namespace="desk-a")
    b = Assistant(tmp_path / "index-b", chroma_url=server.url, chroma_namespace="desk-b")
    assert a.index([desk_a]).added and b.index([desk_b]).added
    assert [Path(x.source).name for x in a.articles()] == [SAMPLE.name]
    assert [Path(x.source).name for x in b.articles()] == ["lyon.txt"]
    assert not b.ask("What weapons were mentioned?").answered
    assert all(Path(c.source).name == SAMPLE.name for c in a.ask("What weapons were mentioned?").citations)
    assert any("Kim" in e.name for e in a.entities()) and not any("Kim" in e.name for e in b.entities())
    capsys.readouterr()
    assert main(["--chroma-url", server.url, "--chroma-namespace", "desk-b", "--index", str(tmp_path / "cli"),
                 "list", "--json"]) == 0
    assert [Path(x["source"]).name for x in json.loads(capsys.readouterr().out)] == ["lyon.txt"]


def test_a_client_left_open_follows_the_index_made_again_on_the_server(server, tmp_path):
    # The server lost its data (restarted on another --path) and the ingest job indexed again: a web app
    # left open kept answering "no longer has this index ... index the articles again" until restarted,
    # as it held the ids of the collections that were gone.
    import chromadb

    from assistant.store import StoreStoppedError

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "lyon.txt").write_text(OTHER, encoding="utf-8")
    Assistant(tmp_path / "writer", chroma_url=server.url, chroma_namespace="again").index([articles])
    reader = Assistant(tmp_path / "reader", chroma_url=server.url, chroma_namespace="again")
    assert reader.retrieve("budget municipal de Lyon", k=1)
    wiper = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    for collection in wiper.list_collections():
        if collection.name.startswith("again_"):
            wiper.delete_collection(collection.name)
    with pytest.raises(StoreStoppedError, match="no longer has this index"):
        reader.stats()

    shutil.copyfile(SAMPLE, articles / SAMPLE.name)
    result = run_cli("--chroma-url", server.url, "--chroma-namespace", "again", "index", str(articles), "-q",
                     index_dir=tmp_path / "ingest", timeout=300)
    assert result.returncode == 0, result
    assert reader.stats()["articles"] == 2
    hits = reader.retrieve("lance-roquettes multiples Grad", k=1)
    assert WEAPONS in hits[0].page_content and hits[0].metadata["lexical_score"] > 0
    assert any(WEAPONS in c.quote for c in reader.ask("What weapons were mentioned?").citations)
    assert any("Kim" in e.name for e in reader.entities())


def test_an_empty_namespace_is_named_where_the_index_is_shown(server, tmp_path):
    # A namespace mistyped on a web app's machine is an empty index: "No articles are indexed yet in
    # http://host:8000", and stats' "index" line, named the server alone, which holds the articles.
    typo = Assistant(tmp_path / "typo", chroma_url=server.url, chroma_namespace="desk-politcs")
    assert typo.stats()["index"] == f"{server.url} (namespace desk-politcs)"
    answer = typo.ask("What weapons were mentioned?")
    assert not answer.answered and f"{server.url} (namespace desk-politcs)" in answer.text, answer.text
    assert Assistant(tmp_path / "plain", chroma_url=server.url).stats()["index"] == server.url


def test_check_is_not_misled_by_the_bm25_of_another_namespace_in_the_same_folder(server, tmp_path):
    # One machine's index folder serves two desks' namespaces in turn (the same --index, or the default
    # one): check compared the BM25 index saved for the other desk with this one's store, failed with
    # "the BM25 index is at generation 2, the store at 0", and --repair bumped the server's generation.
    Assistant(tmp_path / "writer", chroma_url=server.url, chroma_namespace="bm25-a").index([SAMPLE])
    Assistant(tmp_path / "shared", chroma_url=server.url, chroma_namespace="bm25-a").retrieve("Grad", k=1)
    other = Assistant(tmp_path / "shared", chroma_url=server.url, chroma_namespace="bm25-b")
    report = other.check()
    assert report.ok, report.summary()
    assert report.bm25_generation is None and any("none yet" in note for note in report.notes), report.summary()


def test_a_question_asked_while_the_server_is_down_is_told_so_and_the_chat_recovers(tmp_path, caplog):
    # The chat counted its passages before the question's own error handling: a Chroma server down (restarted)
    # showed the page's bare "Error", logged a traceback per question, and left each such question unanswered,
    # holding one of the conversation's two slots: after two, the page said it was busy until reloaded.
    import logging

    import gradio as gr
    from test_web_parts import handler, upload_through_library

    from assistant.web import build_app
    from assistant.web.app import health
    from assistant.web.panels import Conversation

    server = ChromaServer(tmp_path / "chroma").start()
    restarted = None
    try:
        assistant = Assistant(tmp_path / "index", chroma_url=server.url, data_dir=tmp_path / "data")
        assistant.index([SAMPLE])
        demo = build_app(assistant)
        respond = handler(demo, "ask")
        conv = Conversation()
        server.stop()
        with caplog.at_level(logging.INFO, logger="assistant.web.app"):
            for question in ("What weapons were mentioned?", "Who supplies the shells?", "And the rockets?"):
                *_, (_, chat, conv, _) = list(respond(question, conv, 5, "extractive", "en", {}))
                reply = chat[-1]["content"]
                assert f"the Chroma server at {server.url} cannot be reached" in reply, reply
        assert [turn.failed for turn in conv.turns] == [True] * 3
        with caplog.at_level(logging.INFO, logger="assistant.web.app"):
            assert health(assistant)[0] == health(assistant)[0] == 503
        # The library, the Search tab and the names panel say it too, in Gradio's error box (they showed its
        # bare "Error").
        def panel_fn(module: str, name: str):
            return next(f.fn for f in demo.fns.values() if f.fn and f.fn.__module__ == module and f.fn.__name__ == name)

        search, names = panel_fn("assistant.web.search", "run"), panel_fn("assistant.web.entities", "refresh")
        for call in (lambda: handler(demo, "library_view")("en"), lambda: search("obus", "en"), names,
                     lambda: handler(demo, "ask_removal")("0123", None, "en")):
            with pytest.raises(gr.Error, match=f"the Chroma server at {re.escape(server.url)} cannot be reached"):
                call()
        # A load balancer's checks every few seconds: the log says once that the index cannot be read.
        checks = [r.getMessage() for r in caplog.records if r.getMessage().startswith("health check")]
        assert len(checks) == 1 and "cannot be read: the Chroma server at" in checks[0], checks
        lines = [r for r in caplog.records if r.name == "assistant.web.app" and "question" in r.getMessage()]
        assert [r.levelno for r in lines] == [logging.WARNING] * 3, [r.getMessage() for r in lines]
        for line in lines:  # one line each, saying why, without a traceback or the question
            assert re.fullmatch(r"question failed \(extractive\) in [0-9.]+ s: the Chroma server at "
                                + re.escape(server.url) + " cannot be reached: .*", line.getMessage()), line
            assert not line.exc_info and "weapons" not in line.getMessage()
        upload = tmp_path / "brest.txt"
        upload.write_text("Incendie au port de Brest\n\nUn incendie a détruit mardi l'entrepôt numéro 7 du port de "
                          "Brest, selon les pompiers.\n", encoding="utf-8")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="assistant.web.app"):
            assert "cannot be reached" in upload_through_library(demo, [str(upload)], "en")
        said = [r for r in caplog.records if r.name == "assistant.web.app"]
        assert [r.getMessage().split(":")[0] for r in said] == ["upload of 1 file(s) failed"] and not said[0].exc_info

        restarted = ChromaServer(server.path, port=server.port).start()
        *_, (_, chat, conv, _) = list(respond("What weapons were mentioned?", conv, 5, "extractive", "en", {}))
        answer = conv.turns[-1].answer
        assert not conv.turns[-1].failed and any(WEAPONS in c.quote for c in answer.citations), chat[-1]
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="assistant.web.app"):
            assert health(assistant) == health(assistant) == (200, {"status": "ok", "articles": 1})
        assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("health check")] == [
            "health check: the index answers again, 1 article(s)"]
        # Each upload and removal is a line of the log too, as each question is (not the files' names).
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="assistant.web.app"):
            upload_through_library(demo, [str(upload)], "en")
            added = next(a for a in assistant.articles() if a.source.endswith("brest.txt"))
            handler(demo, "remove")(added.doc_id, "en")
        said = [r.getMessage() for r in caplog.records if r.name == "assistant.web.app"]
        assert said[0].startswith("upload of 1 file(s): 1 added, 0 updated"), said
        assert said[1:] == [f"article {added.doc_id} removed"], said
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_a_server_behind_a_proxy_that_asks_for_credentials_is_given_them(server, tmp_path):
    # `chroma run` has no login of its own: a newsroom puts it behind a proxy that asks for a token or a password.
    # Neither could be given: the user and password of the address were dropped, and the proxy's 401 was said as
    # "answers, but not as a Chroma server does".
    import base64
    import http.server
    import threading

    import httpx

    from assistant.store import StoreError

    allowed = {"Bearer s3cret-token", "Basic " + base64.b64encode(b"bob:hunter2").decode()}
    refused: list[str] = []

    class Guard(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            if self.headers.get("Authorization") not in allowed:
                refused.append(self.path)
                self.send_error(401)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "content-length", "authorization")}
            reply = httpx.request(self.command, server.url + self.path, content=body, headers=headers, timeout=60)
            relay_reply(self, reply)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        def log_message(self, *args) -> None:
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Guard)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{proxy.server_address[1]}"
        with pytest.raises(StoreError, match=r"refused this client \(HTTP 401\).*ASSISTANT_CHROMA_TOKEN"):
            Assistant(tmp_path / "none", chroma_url=url, chroma_namespace="guarded").stats()
        refused.clear()
        with_token = Assistant(tmp_path / "token", chroma_url=url, chroma_namespace="guarded",
                               chroma_token="s3cret-token")
        assert with_token.index([SAMPLE]).added == [str(SAMPLE)]
        assert any(WEAPONS in c.quote for c in with_token.ask("What weapons were mentioned?").citations)
        with_password = Assistant(tmp_path / "password", chroma_url=url.replace("://", "://bob:hunter2@"),
                                  chroma_namespace="guarded")
        assert [a.source for a in with_password.articles()] == [str(SAMPLE)]
        assert "hunter2" not in with_password.stats()["index"]
        assert refused == []
        result = run_cli("--chroma-namespace", "guarded", "stats", index_dir=tmp_path / "cli", timeout=300,
                         env={"ASSISTANT_CHROMA_URL": url, "ASSISTANT_CHROMA_TOKEN": "s3cret-token"})
        assert result.returncode == 0 and "s3cret" not in result.stdout + result.stderr, result
    finally:
        proxy.shutdown()


def test_two_writers_on_two_machines_take_turns_on_the_server(server, tmp_path):
    # The write lock was a file in each machine's index folder: the web app's uploads on one machine and the
    # cron job on another (each with its own folder) wrote into the server's index at once, unaware of each other.
    import threading

    from assistant.indexer import IndexBusyError

    articles, upload = tmp_path / "articles", tmp_path / "upload"
    write_news(articles, ["pont.txt", "port.txt"])
    upload.mkdir()
    (upload / "lyon.txt").write_text(OTHER, encoding="utf-8")
    cron = Assistant(tmp_path / "cron", chroma_url=server.url, chroma_namespace="turns")
    web = Assistant(tmp_path / "web", chroma_url=server.url, chroma_namespace="turns")
    writing, go_on = threading.Event(), threading.Event()

    def held(done: int, total: int, source: str) -> None:
        writing.set()
        go_on.wait(300)

    reports = {}
    run = threading.Thread(target=lambda: reports.update(cron=cron.index([articles], progress=held)))
    run.start()
    try:
        assert writing.wait(300)
        with pytest.raises(IndexBusyError, match=r"another writer, .* \(process \d+, .*\), is writing to "
                                                 + re.escape(f"{server.url} (namespace turns)")):
            web.index([upload])
        waiting = threading.Thread(target=lambda: reports.update(web=web.index([upload], wait=True)))
        waiting.start()
    finally:
        go_on.set()
        run.join()
    waiting.join()
    assert len(reports["cron"].added) == 2 and reports["web"].added == [str(upload / "lyon.txt")], reports
    assert web.check().ok and len(web.articles()) == 3
    # Released: the next run of either takes it at once.
    assert cron.index([articles]).unchanged == sorted(str(p) for p in articles.iterdir())


def test_a_writer_whose_clock_runs_ahead_does_not_take_a_lease_another_holds(server, tmp_path, monkeypatch):
    # The lease's time was each machine's own clock: a cron machine ten minutes ahead read the web app's lease,
    # written a second before, as long expired, and wrote at the same time (and its own lease, read by the
    # others, held ten minutes more after it died). Both now read the server's clock.
    import time as clock

    from assistant import store as store_module

    web = Assistant(tmp_path / "web", chroma_url=server.url, chroma_namespace="clocks").store
    cron = Assistant(tmp_path / "cron", chroma_url=server.url, chroma_namespace="clocks").store
    assert web.take_lease() is None
    real_time = clock.time
    monkeypatch.setattr(store_module.time, "time", lambda: real_time() + 600)  # this machine's clock runs ahead
    try:
        assert cron.take_lease() == web.writer
    finally:
        monkeypatch.setattr(store_module.time, "time", real_time)
    web.release_lease()
    assert cron.take_lease() is None and web.take_lease() == cron.writer
    cron.release_lease()


def test_a_client_opened_before_an_ingest_with_another_model_refuses_to_answer(server, tmp_path):
    # A web app (e5) started before the first ingest made the empty collections; the cron job, run with MiniLM,
    # took them over as the first writer. The web app went on answering, its questions searched with e5 vectors
    # among MiniLM ones, and stats named e5 as the index's model.
    from assistant.store import ModelMismatchError
    from assistant.web.app import health

    web = Assistant(tmp_path / "web", chroma_url=server.url, chroma_namespace="late-model")
    assert not web.ask("What weapons were mentioned?").answered  # nothing indexed yet
    ingest = Assistant(tmp_path / "ingest", chroma_url=server.url, chroma_namespace="late-model",
                       embedding_model="all-minilm-l6-v2")
    assert ingest.index([SAMPLE]).added == [str(SAMPLE)]
    for call in (lambda: web.ask("What weapons were mentioned?"), lambda: web.retrieve("Grad", k=1)):
        with pytest.raises(ModelMismatchError, match="built with the embedding model 'sentence-transformers:"
                                                     "all-minilm-l6-v2', not 'intfloat/multilingual-e5-small"):
            call()
    assert WEAPONS in ingest.retrieve("lance-roquettes multiples Grad", k=1)[0].page_content  # its own model's
    # and a load balancer's /health says that app cannot answer (503), why, and takes it out
    status, body = health(web)
    assert status == 503 and "built with the embedding model" in body["error"], body
