"""The web app as an operator runs it: a health check to curl, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT
from servers import free_port, serving

USER, PASSWORD = "desk", "s3cret-health"


@pytest.fixture(scope="module")
def app(sample_index, tmp_path_factory):
    """The real `python app.py`, with a login, on a private copy of the sample index."""
    base = tmp_path_factory.mktemp("service")
    index = base / "index"
    shutil.copytree(sample_index, index, ignore=shutil.ignore_patterns("write.lock"))
    port = free_port()
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_DATA_DIR": str(base / "data"),
           "ASSISTANT_HOST": "127.0.0.1", "ASSISTANT_PORT": str(port), "ASSISTANT_AUTH_USER": USER,
           "ASSISTANT_AUTH_PASSWORD": PASSWORD, "GRADIO_ANALYTICS_ENABLED": "False"}
    url = f"http://127.0.0.1:{port}/"
    log = base / "app.log"
    with serving([sys.executable, "app.py"], url, log, "the app", timeout=240, cwd=ROOT, env=env) as process:
        yield SimpleNamespace(url=url, log=log, process=process)


def started(log: Path) -> str:
    """The app's log once it says where it is: its page answers a little before it is all set up."""
    deadline = time.monotonic() + 120
    while "The assistant is at" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return log.read_text()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_answers_a_check_without_the_login(app):
    # An operator's `curl`, a load balancer or systemd's watchdog had no route to ask whether the app could
    # answer: every path but the page said 404 (or asked for the login), whether the index opened or not.
    status, body = fetch(app.url + "health")
    assert status == 200, body
    assert json.loads(body) == {"status": "ok", "articles": 1}
    assert fetch(app.url + "gradio_api/info")[0] == 401  # the rest still asks for the login


def test_sigterm_closes_the_server_cleanly(app):
    # `systemctl stop` and `docker stop` send SIGTERM, which ended the app at once (killed by the signal:
    # systemd logged a failure, and nothing closed the server or the index). Runs last: it stops the app.
    started(app.log)
    app.process.send_signal(signal.SIGTERM)
    app.process.wait(timeout=60)
    log = app.log.read_text(errors="replace")
    assert app.process.returncode == 0, log
    assert "Traceback" not in log, log


def test_health_says_503_and_why_when_the_index_cannot_be_read():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.testclient import TestClient

    from assistant import Assistant
    from assistant.web.app import HealthCheck

    gone = f"http://127.0.0.1:{free_port()}"  # a Chroma server that is not there (stopped, restarted)
    assistant = Assistant(chroma_url=gone, chroma_timeout=5)
    client = TestClient(Starlette(middleware=[Middleware(HealthCheck, assistant=assistant)]))
    response = client.get("/health")
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "error" and f"the Chroma server at {gone} cannot be reached" in body["error"], body
    assert client.get("/other").status_code == 404  # other paths go on to the app


def test_health_against_an_index_that_never_answers_says_503_in_time_and_checks_once(tmp_path):
    # A Chroma server that accepts and never answers (stopped with SIGSTOP, a dead proxy): each /health waited
    # the 60 s Chroma timeout in one of the server's worker threads, so a load balancer asking every few
    # seconds got no answer and, check after check, took the threads the page needs.
    import threading

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.testclient import TestClient

    from assistant import Assistant
    from assistant.web.app import HealthCheck

    assistant = Assistant(tmp_path / "index", data_dir=tmp_path / "data", health_timeout=1)
    answering, calls = threading.Event(), []

    def hanging_generation() -> int:
        calls.append(1)
        answering.wait(timeout=20)  # the old code waited this out, and then said "ok"
        return 0

    assistant.store.generation = hanging_generation
    release = threading.Timer(15, answering.set)
    release.start()
    try:
        client = TestClient(Starlette(middleware=[Middleware(HealthCheck, assistant=assistant)]))
        replies: list = []
        probes = [threading.Thread(target=lambda: replies.append(client.get("/health"))) for _ in range(4)]
        for probe in probes:
            probe.start()
        for probe in probes:
            probe.join(timeout=30)
        assert [r.status_code for r in replies] == [503] * 4, [r.text for r in replies]
        assert all("did not answer within 1 s" in r.json()["error"] for r in replies), replies[0].text
        assert len(calls) == 1  # the checks waited for the one running, rather than each starting its own
        answering.set()
        for _ in range(50):  # the running check ends now: the next one reports its result or starts afresh
            reply = client.get("/health")
            if reply.status_code == 200:
                break
        assert reply.json() == {"status": "ok", "articles": 0}, reply.text
    finally:
        answering.set()
        release.cancel()
        assistant.close()


def test_an_app_started_on_an_empty_index_says_so_in_its_log(tmp_path):
    # ASSISTANT_INDEX_DIR mistyped in a service's unit file: the app made an empty folder there and served a
    # page with no article, its log saying nothing but the address, so the operator learnt it from the desk.
    port = free_port()
    index = tmp_path / "idnex"
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
           "ASSISTANT_HOST": "127.0.0.1", "ASSISTANT_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    log = tmp_path / "app.log"
    with serving([sys.executable, "app.py"], f"http://127.0.0.1:{port}/", log, "the app", timeout=240, cwd=ROOT,
                 env=env):
        said = started(log)
        assert f"WARNING assistant.web.app: no article is indexed in {index}" in said, said
