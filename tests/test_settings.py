"""Settings refused when they are read, with messages that name the setting, its value and the rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError

BAD_URLS = ["not a url", "127.0.0.1:8080", "http://127.0.0.1:99999/v1", "ftp://x/v1", "http://:80"]


@pytest.mark.parametrize("field", ["llm_base_url", "chroma_url"])
@pytest.mark.parametrize("value", BAD_URLS)
def test_server_urls_are_checked_when_read(field, value, monkeypatch):
    with pytest.raises(SettingsError) as caught:
        Settings(**{field: value})
    assert str(caught.value).startswith(f"{field}={value!r}: ")
    monkeypatch.setenv(f"ASSISTANT_{field.upper()}", value)
    with pytest.raises(SettingsError, match=f"^ASSISTANT_{field.upper()}="):
        Settings()


@pytest.mark.parametrize("value", ["http://127.0.0.1:8080/v1", "https://api.openai.com/v1", "http://bob:pw@host/v1",
                                   "http://[::1]:8000"])
def test_server_urls_that_are_urls_pass(value):
    assert Settings(llm_base_url=value, chroma_url=value).chroma_url == value
    assert Settings(chroma_url="").chroma_url is None


def run_main(argv, capsys) -> tuple[int, list[str]]:
    from assistant.cli import main

    try:
        status = main(argv)
    except SystemExit as exit:  # argparse refusing an option
        status = exit.code
    return status, capsys.readouterr().err.strip().splitlines()


def test_cli_names_the_variable_or_option_the_value_and_the_rule(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_K", "0")
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", "http://bob:hunter2@127.0.0.1:99999/v1")
    status, lines = run_main(["stats"], capsys)
    assert status == 2
    assert lines == ["error: ASSISTANT_K='0': input should be greater than or equal to 1",
                     "error: ASSISTANT_LLM_BASE_URL='http://bob:***@127.0.0.1:99999/v1': not a valid URL "
                     "(Port out of range 0-65535), e.g. http://127.0.0.1:8000"]
    monkeypatch.delenv("ASSISTANT_K")
    monkeypatch.delenv("ASSISTANT_LLM_BASE_URL")
    status, lines = run_main(["--chroma-url", "ftp://x", "stats"], capsys)
    assert status == 2 and lines == ["error: --chroma-url='ftp://x': must be an http:// or https:// URL, not ftp://"]


def test_an_option_or_argument_beats_a_bad_variable_for_its_setting(monkeypatch, capsys, tmp_path):
    # ASSISTANT_ANSWERER=OpenAI with --answerer extractive was refused as "--answerer='OpenAI'": the variable
    # was read (and refused) before the option replaced it, and the option was blamed for its value.
    from assistant import Assistant

    monkeypatch.setenv("ASSISTANT_ANSWERER", "OpenAI")
    status, lines = run_main(["--index", str(tmp_path / "index"), "--answerer", "extractive", "stats"], capsys)
    assert status == 2 and not any("answerer" in line for line in lines), lines
    assert Assistant(tmp_path / "index", answerer="extractive").settings.answerer == "extractive"
    monkeypatch.setenv("ASSISTANT_K", "0")
    with pytest.raises(SettingsError, match="^ASSISTANT_K='0'"):
        Assistant(tmp_path / "index", answerer="extractive")


@pytest.mark.parametrize("value", ["inf", "1e12"])
def test_the_llm_timeout_is_refused_when_no_clock_can_wait_it(value, monkeypatch):
    # Taken, then every question's model call failed with "OverflowError: timestamp out of range for
    # platform time_t" (a user's "no timeout").
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", value)
    with pytest.raises(SettingsError, match="^ASSISTANT_LLM_TIMEOUT="):
        Settings()


def test_settings_that_contradict_each_other_are_refused(monkeypatch, capsys, tmp_path):
    # Both were taken in silence: an overlap as long as the chunk (then cut to half of it), and fusion
    # weights summing above 1 (BM25 then weighed nothing).
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_CHUNK_OVERLAP", "900")
    monkeypatch.setenv("ASSISTANT_DENSE_WEIGHT", "0.8")
    monkeypatch.setenv("ASSISTANT_SENTENCE_WEIGHT", "0.8")
    status, lines = run_main(["stats"], capsys)
    assert status == 2
    assert lines == ["error: ASSISTANT_CHUNK_OVERLAP='900': must be less than the chunk size (800); at most half of "
                     "it is used",
                     "error: ASSISTANT_SENTENCE_WEIGHT='0.8': with the dense weight (0.8) must sum to 1 or less: BM25 "
                     "gets the rest"]
    for name in ("ASSISTANT_CHUNK_OVERLAP", "ASSISTANT_DENSE_WEIGHT", "ASSISTANT_SENTENCE_WEIGHT"):
        monkeypatch.delenv(name)
    assert Settings(chunk_size=150).chunk_overlap == 100  # the default overlap, cut to 75 when chunking


def test_k_and_the_debounce_are_bounded(capsys, tmp_path):
    from assistant import Assistant

    status, lines = run_main(["--index", str(tmp_path), "ask", "What weapons?", "-k", "1000"], capsys)
    assert status == 2 and lines[-1].endswith("argument -k: must be between 1 and 100 (as ASSISTANT_K), not 1000")
    status, lines = run_main(["--index", str(tmp_path), "watch", "--debounce", "-3", str(tmp_path)], capsys)
    assert status == 2 and lines[-1].endswith("argument --debounce: must be 0 or more seconds, not -3")
    with pytest.raises(ValueError, match="between 1 and 100"):
        Assistant(tmp_path / "index").ask("What weapons?", k=1000)


def test_port_0_is_refused_when_read(monkeypatch, capsys, tmp_path):
    # ASSISTANT_PORT=0 (or `serve --port 0`) passed the settings, then Gradio listened on a port of its
    # choosing, could not reach itself at :0 and died with httpx's ConnectError traceback.
    with pytest.raises(SettingsError, match=r"^port=0: input should be greater than or equal to 1$"):
        Settings(port=0)
    status, lines = run_main(["--index", str(tmp_path / "index"), "serve", "--port", "0"], capsys)
    assert status == 2 and lines == ["error: --port=0: input should be greater than or equal to 1"]


@pytest.mark.parametrize("field", ["index_dir", "data_dir", "prompts_dir", "embedding_cache", "model_cache_dir",
                                   "llm_model_path"])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(field):
    with pytest.raises(SettingsError, match=f"^{field}='': an empty path names no file or folder"):
        Settings(**{field: ""})


@pytest.mark.parametrize("field", ["embedding_model", "reranker_model"])
def test_an_empty_model_name_is_refused_not_loaded_from_the_current_folder(field, capsys, tmp_path):
    # `--model "$MODEL"` with MODEL unset said "cannot load embedding model '' from .: Unrecognized model in
    # .. Should have a `model_type` key in its config.json".
    with pytest.raises(SettingsError, match=f"^{field}=' ': an empty model name names no model"):
        Settings(**{field: " "})
    if field == "embedding_model":
        status, lines = run_main(["--index", str(tmp_path), "--model", "", "stats"], capsys)
        assert status == 2 and lines == ["error: --model='': an empty model name names no model (an unset shell "
                                         "variable?): leave it out for the default"]


def test_an_empty_index_option_makes_no_index_in_the_current_folder(monkeypatch, capsys, tmp_path):
    # `assistant --index "$INDEX" index ...` with INDEX unset indexed into the current folder: chroma/, bm25/,
    # the embedding cache and write.lock among the user's files (an empty variable is unset; an empty
    # option was ".").
    from assistant import Assistant

    monkeypatch.chdir(tmp_path)
    status, lines = run_main(["--index", "", "index", str(Path(__file__).parent / "data" / "newsroom")], capsys)
    assert status == 2 and lines == ["error: --index='': an empty path names no file or folder (an unset shell "
                                     "variable?): it is not read as the current folder"]
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SettingsError, match="^index_dir='': an empty path"):
        Assistant("")


def test_a_variable_that_names_no_setting_is_warned_about(monkeypatch, capsys, tmp_path):
    from assistant.settings import unknown_variables

    # pydantic ignores them: a typo left k at its default without a word.
    assert unknown_variables({"ASSISTANT_TOP_K": "8", "ASSISTANT_K": "8", "assistant_chunksize": "500",
                              "ASSISTANT_FROBNICATE": "1", "ASSISTANT_INDEX": "/x", "HOME": "/root"}) == [
        "ASSISTANT_FROBNICATE is not a setting of the assistant and is ignored",
        "ASSISTANT_INDEX is not a setting of the assistant and is ignored (did you mean ASSISTANT_INDEX_DIR?)",
        "ASSISTANT_TOP_K is not a setting of the assistant and is ignored (did you mean ASSISTANT_K?)",
        "assistant_chunksize is not a setting of the assistant and is ignored (did you mean ASSISTANT_CHUNK_SIZE?)",
    ]
    monkeypatch.setenv("ASSISTANT_TOP_K", "8")
    status, lines = run_main(["--index", str(tmp_path / "none"), "stats"], capsys)
    assert lines[0] == "warning: ASSISTANT_TOP_K is not a setting of the assistant and is ignored (did you mean " \
                       "ASSISTANT_K?)"


def test_a_misspelt_first_word_still_gets_its_setting_named(capsys, tmp_path, monkeypatch):
    # ASSISTANT_INDX=... was warned about with no hint: too far from INDEX_DIR as a whole, though one letter
    # from its first word, and the index went on being read from the checkout's index/.
    from assistant.settings import unknown_variables

    assert unknown_variables({"ASSISTANT_INDX": "/x", "ASSISTANT_FROBNICATE": "1"}) == [
        "ASSISTANT_FROBNICATE is not a setting of the assistant and is ignored",
        "ASSISTANT_INDX is not a setting of the assistant and is ignored (did you mean ASSISTANT_INDEX_DIR?)",
    ]
    monkeypatch.setenv("ASSISTANT_INDX", str(tmp_path))
    status, lines = run_main(["--index", str(tmp_path / "none"), "stats"], capsys)
    assert lines[0] == ("warning: ASSISTANT_INDX is not a setting of the assistant and is ignored (did you mean "
                        "ASSISTANT_INDEX_DIR?)")


def test_an_llm_variable_named_as_other_tools_name_it_gets_its_setting_named():
    # ASSISTANT_LLM_URL and ASSISTANT_OPENAI_API_KEY were warned about with no hint: the question then went to
    # the extractive answerer, or to a server refusing it, with no word of the setting meant.
    from assistant.settings import unknown_variables

    assert unknown_variables({"ASSISTANT_LLM_URL": "http://127.0.0.1:8080/v1", "ASSISTANT_OPENAI_API_KEY": "k",
                              "ASSISTANT_LLM_MODEL_NAME": "qwen"}) == [
        "ASSISTANT_LLM_MODEL_NAME is not a setting of the assistant and is ignored (did you mean "
        "ASSISTANT_LLM_MODEL?)",  # not LLM_MODEL_PATH, the GGUF file's, nearer in spelling
        "ASSISTANT_LLM_URL is not a setting of the assistant and is ignored (did you mean ASSISTANT_LLM_BASE_URL?)",
        "ASSISTANT_OPENAI_API_KEY is not a setting of the assistant and is ignored (did you mean "
        "ASSISTANT_LLM_API_KEY?)",
    ]


def test_a_variable_in_another_case_is_ignored_and_warned_about(monkeypatch, capsys, tmp_path):
    # pydantic-settings matched names whatever their case: `assistant_k=0` set k (the error then named
    # ASSISTANT_K, a variable the user never set), and beside ASSISTANT_K the later of the two won.
    from assistant.settings import unknown_variables

    monkeypatch.setenv("ASSISTANT_K", "7")
    monkeypatch.setenv("assistant_k", "0")
    monkeypatch.setenv("Assistant_Fetch_K", "0")
    assert Settings().k == 7 and Settings().fetch_k == Settings.model_fields["fetch_k"].default
    assert unknown_variables() == [
        "Assistant_Fetch_K is ignored: variable names are case-sensitive and the assistant's are in capitals "
        "(did you mean ASSISTANT_FETCH_K?)",
        "assistant_k is ignored: variable names are case-sensitive and the assistant's are in capitals "
        "(did you mean ASSISTANT_K?)",
    ]
    monkeypatch.delenv("ASSISTANT_K")
    assert Settings().k == Settings.model_fields["k"].default
    status, lines = run_main(["--index", str(tmp_path / "none"), "stats"], capsys)
    assert not any(line.startswith("error: ") and "_K=" in line for line in lines), lines
    assert "warning: assistant_k is ignored: variable names are case-sensitive and the assistant's are in " \
           "capitals (did you mean ASSISTANT_K?)" in lines


def test_the_web_app_says_a_wrong_setting_as_the_cli_does(tmp_path):
    # `python app.py` printed pydantic's traceback, the URL's password in it.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
           "ASSISTANT_CHROMA_URL": "http://admin:S3cretPw@chroma.local:99999"}
    done = subprocess.run([sys.executable, "app.py"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "error: ASSISTANT_CHROMA_URL='http://admin:***@chroma.local:99999': not a valid URL (Port out of range "
        "0-65535), e.g. http://127.0.0.1:8000")
    assert "S3cretPw" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_the_web_app_says_what_stops_it_starting_in_one_line(tmp_path):
    # `python app.py` printed a traceback when the index folder was a file, when the answerer lacked its
    # server, and when its port was taken, where Gradio's last line advised GRADIO_SERVER_PORT, which it
    # does not read (`assistant serve` printed that advice as its error).
    import os
    import socket
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        base = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index"), "ASSISTANT_PORT": str(port),
                "GRADIO_ANALYTICS_ENABLED": "False"}
        cases = [({"ASSISTANT_INDEX_DIR": str(a_file)}, f"error: {a_file} is a file, not an index folder"),
                 ({"ASSISTANT_ANSWERER": "openai"}, "error: the openai answerer needs ASSISTANT_LLM_BASE_URL (a "
                                                    "local server) or ASSISTANT_LLM_API_KEY (OpenAI itself)"),
                 ({}, f"error: cannot listen on 127.0.0.1:{port}: the port is taken (is the assistant already "
                      "running?) or the address is not this machine's: set ASSISTANT_PORT or ASSISTANT_HOST, or "
                      "`assistant serve --port N`")]
        for variables, says in cases:
            done = subprocess.run([sys.executable, "app.py"], cwd=root, env={**base, **variables},
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 2, done.stderr
            assert done.stderr.strip().splitlines()[-1] == says, done.stderr
            assert "Traceback" not in done.stderr
        served = subprocess.run([sys.executable, "-m", "assistant", "serve"], cwd=root, env=base,
                                capture_output=True, text=True, timeout=300)
        assert served.returncode == 2 and served.stderr.strip().splitlines()[-1] == cases[-1][1], served.stderr


# -- README.md's settings tables against the Settings class, so that the documentation cannot drift
README = Path(__file__).resolve().parent.parent / "README.md"
VARIABLE = re.compile(r"ASSISTANT_[A-Z0-9_]+")
# Settings deliberately left out of the README's tables (none at present).
UNDOCUMENTED: set[str] = set()


def readme_rows() -> list[tuple[list[str], str, str]]:
    """Each table row of README.md that documents ``ASSISTANT_*`` variables: (variables, default, meaning)."""
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and VARIABLE.search(cells[0]):
            rows.append((VARIABLE.findall(cells[0]), cells[1], cells[2]))
    return rows


def field_of(variable: str) -> str:
    name = variable.removeprefix("ASSISTANT_").lower()
    assert name in Settings.model_fields, f"README.md documents {variable}, which is no setting"
    return name


def test_readme_tables_name_only_real_settings():
    rows = readme_rows()
    assert len(rows) >= 20, "README.md's settings tables were not found"
    for variables, _, meaning in rows:
        for variable in variables + VARIABLE.findall(meaning):
            field_of(variable)


def test_every_setting_is_in_the_readme_tables():
    documented = {field_of(v) for variables, _, meaning in readme_rows() for v in variables + VARIABLE.findall(meaning)}
    missing = set(Settings.model_fields) - documented - UNDOCUMENTED
    assert not missing, f"settings missing from README.md's tables: {sorted(missing)}"


def test_readme_defaults_are_the_settings_defaults():
    """``800 / 100`` for ``ASSISTANT_CHUNK_SIZE / ASSISTANT_CHUNK_OVERLAP``, checked value by value: numbers
    as numbers, names as written, folders by their name; a setting whose default is None is not checked
    (the README says what stands in for it)."""
    for variables, default, _ in readme_rows():
        parts = [part.strip() for part in default.split(" / ")]
        if len(parts) == 1:
            parts *= len(variables)
        assert len(parts) == len(variables), f"README.md: {variables} with defaults {default!r}"
        for variable, part in zip(variables, parts, strict=True):
            value = Settings.model_fields[field_of(variable)].get_default(call_default_factory=True)
            written = part.strip("`")
            if value is None:
                continue
            if isinstance(value, bool):
                assert written == str(value).lower(), f"README.md: {variable} defaults to {value}, not {part}"
            elif isinstance(value, int | float):
                number = re.match(r"-?\d+(\.\d+)?", written)
                assert number and float(number.group()) == value, \
                    f"README.md: {variable} defaults to {value}, not {part}"
            elif isinstance(value, Path):
                assert written.rstrip("/") == value.name, f"README.md: {variable} defaults to {value}, not {part}"
            else:
                assert written == str(value), f"README.md: {variable} defaults to {value}, not {part}"
