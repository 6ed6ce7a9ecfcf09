"""A reindex killed with SIGKILL leaves an index that still answers, and the next run converges."""

from __future__ import annotations

import hashlib
import json
import signal
import time

from corpus import cli, piaf_asked, piaf_paragraphs, piaf_question, piaf_text, run_cli, write_piaf

from assistant import Assistant
from assistant.loaders import doc_id_for

BASELINE = 5  # paragraphs indexed before the killed runs
ADDED = 10  # paragraphs the first killed run was adding
CHANGED = 5  # files whose text the second killed run was replacing


def kill_when(process, condition, timeout: float = 600.0) -> None:
    """SIGKILL ``process`` as soon as ``condition()`` holds (polled), mid-run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed: " + process.stderr.read()
        if condition():
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            assert process.returncode == -signal.SIGKILL
            return
        time.sleep(0.02)
    raise AssertionError("the run never reached the point to kill it at")


def assert_answers(assistant: Assistant, context_id: str, path) -> None:
    question = piaf_question(context_id)
    answer = assistant.ask(question["question"])
    assert answer.answered, (question, answer.text)
    assert any(c.source == str(path) for c in answer.citations)
    for citation in answer.citations:
        text = assistant.article_text(citation.source)
        assert text[citation.start : citation.end] == citation.quote


def assert_converged(assistant: Assistant, expected_sources: set[str]) -> None:
    report = assistant.check()
    assert report.ok, report.summary()
    articles = assistant.store.get_articles()
    assert {a.source for a in articles.values()} == expected_sources
    listed = [i for a in articles.values() for i in a.chunk_ids]
    assert len(listed) == len(set(listed))  # no chunk listed twice
    assert sorted(assistant.store.all_chunk_ids()) == sorted(listed)  # no orphan, none missing
    for article in articles.values():  # each record is the text it says
        text = assistant.store.article_text(article.doc_id)
        assert hashlib.sha256(text.encode()).hexdigest() == article.content_hash


def test_sigkill_while_adding_then_while_updating(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    files = write_piaf(folder, 0, BASELINE)
    assistant = Assistant(index_dir)
    assert len(assistant.index([folder]).added) == BASELINE
    assert_answers(assistant, "a000_p00", files["a000_p00"])
    chunks_before = assistant.store.count_chunks()

    # 1. Killed while adding new files (cold embedding cache: each file takes a while).
    files.update(write_piaf(folder, BASELINE, ADDED))
    writer = cli("index", str(folder), "-q", index_dir=index_dir)
    kill_when(writer, lambda: assistant.store.count_chunks() >= chunks_before + 2)

    assert_answers(assistant, "a000_p00", files["a000_p00"])  # what was there before still answers
    fresh = run_cli("ask", piaf_question("a000_p00")["question"], "--json", index_dir=index_dir)
    assert fresh.returncode == 0 and "100 000" in fresh.stdout  # and so it does for a new process
    kinds = {p.kind for p in assistant.check().problems}
    assert "interrupted_run" in kinds

    resumed = assistant.index([folder])
    assert resumed.repaired
    assert len(resumed.added) + len(resumed.unchanged) == BASELINE + ADDED and resumed.ok
    assert_converged(assistant, {str(p) for p in files.values()})
    last = max(cid for cid in files if cid in piaf_asked())
    assert str(files[last]) in {d.metadata["source"] for d in assistant.retrieve(piaf_question(last)["question"])}

    # 2. Killed while replacing the text of files already indexed.
    targets = sorted(files)[-CHANGED:]
    old_hashes = {cid: assistant.store.get_articles([doc_id_for(str(files[cid]))])[doc_id_for(str(files[cid]))]
                  .content_hash for cid in targets}
    replacements = piaf_paragraphs(300, CHANGED)
    for cid, row in zip(targets, replacements, strict=True):
        files[cid].write_text(piaf_text(row), encoding="utf-8")
    new_hashes = {cid: hashlib.sha256(piaf_text(row).encode()).hexdigest()
                  for cid, row in zip(targets, replacements, strict=True)}
    chunks_before = assistant.store.count_chunks()
    writer = cli("index", str(folder), "-q", index_dir=index_dir)
    kill_when(writer, lambda: assistant.store.count_chunks() >= chunks_before + 2)

    for cid in targets:  # each article is wholly its old or wholly its new version
        record = assistant.store.get_articles([doc_id_for(str(files[cid]))])[doc_id_for(str(files[cid]))]
        assert record.content_hash in (old_hashes[cid], new_hashes[cid])
        assert set(record.chunk_ids) <= set(assistant.store.all_chunk_ids())
    assert "missing_chunks" not in {p.kind for p in assistant.check().problems}
    assert_answers(assistant, "a000_p00", files["a000_p00"])

    rerun = assistant.index([folder])  # in this process, its model loaded: the command line is the killed run's
    assert rerun.ok and rerun.repaired, rerun
    assert_converged(assistant, {str(p) for p in files.values()})
    for cid in targets:
        record = assistant.store.get_articles([doc_id_for(str(files[cid]))])[doc_id_for(str(files[cid]))]
        assert record.content_hash == new_hashes[cid]
    cid, row = next((cid, row) for cid, row in zip(targets, replacements, strict=True)
                    if row["context_id"] in piaf_asked())
    question = piaf_question(row["context_id"])["question"]
    assert str(files[cid]) in {d.metadata["source"] for d in assistant.retrieve(question)}


def running_index(folder, index_dir, *options: str):
    """`assistant index` of 40 PIAF articles, a second into its run: what a signal is sent to."""
    write_piaf(folder, 0, 40)
    writer = cli("index", str(folder), *options, index_dir=index_dir)
    deadline = time.monotonic() + 600
    while not (index_dir / "indexing.unfinished").exists():  # the run has begun
        assert writer.poll() is None and time.monotonic() < deadline, writer.stderr.read()
        time.sleep(0.02)
    time.sleep(1.0)
    return writer


def test_ctrl_c_says_it_is_stopping_and_a_second_one_prints_no_traceback(tmp_path):
    # 10 to 14 s of silence after Ctrl-C while what was complete was written, then a second Ctrl-C printed
    # "Exception ignored in: <generator object EmbedAhead.__iter__ ...>" and a traceback (an operator reviewer).
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    writer = running_index(folder, index_dir, "-q")
    writer.send_signal(signal.SIGINT)
    time.sleep(0.3)
    if writer.poll() is None:
        writer.send_signal(signal.SIGINT)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode in (130, -signal.SIGINT), (writer.returncode, err)  # the second one may end it
    assert "stopping: writing what is complete" in err, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    # and the next run finishes the rest (in this process, whose model is loaded: what is tested is the signal)
    with Assistant(index_dir) as assistant:
        assert assistant.index([folder]).ok
        assert len(assistant.articles()) == 40


def test_sigterm_keeps_what_is_complete_and_the_next_run_resumes(tmp_path):
    # systemd's stop, `timeout` in a cron job and `kill` send SIGTERM, which ended `assistant index` at once:
    # what it had read and embedded since its last commit (up to 200 files or 30 s) was thrown away, and the
    # job's log had no report. It stops as Ctrl-C does now, with the exit status of a SIGTERM (143).
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    writer = running_index(folder, index_dir, "--json")
    writer.send_signal(signal.SIGTERM)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 128 + signal.SIGTERM, (writer.returncode, err)
    assert "stopping: writing what is complete" in err and "Traceback" not in err, err
    kept = json.loads(out)["added"]  # the report on stdout is what the index holds
    with Assistant(index_dir) as assistant:
        assert {a.source for a in assistant.articles()} == set(kept)
        resumed = assistant.index([folder])  # in this process, whose model is loaded: what is tested is the signal
        assert resumed.ok and len(resumed.added) == 40 - len(kept), resumed
        assert len(assistant.articles()) == 40
