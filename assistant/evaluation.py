"""Answer quality as numbers: retrieval, answers, citations, refusals and time on the bundled dev sets.

Three formats are read from ``bench/data/`` (see its README for sources and licences):

- ``piaf``: French Wikipedia paragraphs, one document each, and questions whose gold spans come from
  one paragraph (the ``context_id``);
- ``multihop``: English news evidence sentences (MultiHop-RAG), one document each with its title,
  publisher and date, and queries that need one to four of them, or none (``null_query``);
- ``seed``: questions on the bundled sample article, in French and English, some unanswerable.

Two more ask across languages the other way (French questions about English text): ``multihop-fr``
(French questions on MultiHop-RAG facts, and questions the facts do not answer) and ``seed-en`` (the seed
questions on an English translation of the sample article).

Each corpus is written to files and indexed through the public ``Assistant`` API into a folder keyed by
the corpus content and the indexing settings, so a second run (or another answerer) reuses the index.
Every question is then asked through ``Assistant.retrieve`` and ``Assistant.ask``; the metrics are
computed from those answers only.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import statistics
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .answering.backends import refusal_thresholds
from .settings import PROJECT_ROOT, SAMPLES_DIR, Settings

DATASETS = ("piaf", "piaf-en", "multihop", "multihop-fr", "seed", "seed-en")
K_VALUES = (1, 5, 10)
# Bump when the way a corpus is written to files, or cut into sentences, changes: cached indexes built the
# old way are not reused (2: English articles cut by the English sentence recogniser; 3: a sentence no
# longer ends at a semicolon, a colon or a comma; 4: nor in a word, an elision or an opening quotation mark;
# 5: Markdown read without its marks; 6: a closing quotation mark alone is no sentence, ". »" ends with its
# sentence). Not bumped for an agency's dateline kept with its sentence ("(AFP) | - La ..."): no dev-set corpus
# holds one, so every cached index is cut as the new code cuts it.
CORPUS_LAYOUT = 6


def default_data_dir() -> Path:
    return PROJECT_ROOT / "bench" / "data"


def default_cache_dir() -> Path:
    # Indexes built for evaluation are derived data: beside the benchmarks in a checkout (git-ignored),
    # in the user's cache otherwise.
    if (PROJECT_ROOT / "bench").is_dir():
        return PROJECT_ROOT / "bench" / ".cache"
    return Path.home() / ".cache" / "news-assistant" / "eval"


def default_results_dir() -> Path:
    return PROJECT_ROOT / "bench" / "results"


class EvaluationError(RuntimeError):
    """A dataset cannot be read or its corpus cannot be indexed."""


# -- datasets


@dataclass
class Question:
    id: str
    question: str
    answerable: bool
    gold_docs: list[str] = field(default_factory=list)  # corpus document names that answer it
    answers: list[str] = field(default_factory=list)  # gold spans: the answer must contain one
    must_contain: list[str] = field(default_factory=list)  # all must be in the answer or its passages
    language: str = ""
    kind: str = ""


@dataclass
class Dataset:
    name: str
    documents: dict[str, str]  # file name (its stem is the document's name) -> file text
    questions: list[Question]
    corpus: str = ""  # the dataset whose corpus this one asks about (its cached index is shared)

    def subset(self, questions: int, distractors: int = 0) -> Dataset:
        """The first ``questions`` questions over their gold documents and ``distractors`` others.

        A small corpus that still holds every answer: for tests and quick checks.
        """
        chosen = self.questions[:questions]
        wanted = {name for q in chosen for name in q.gold_docs}
        kept = {name: text for name, text in self.documents.items() if Path(name).stem in wanted}
        for name, text in self.documents.items():
            if len(kept) >= len(wanted) + distractors:
                break
            kept.setdefault(name, text)
        return Dataset(self.name, kept, chosen, self.corpus)

    def limit(self, questions: int | None) -> Dataset:
        """The first ``questions`` questions over the whole corpus."""
        if questions is None:
            return self
        return Dataset(self.name, self.documents, self.questions[:questions], self.corpus)


def load_dataset(name: str, data_dir: Path | None = None) -> Dataset:
    data_dir = data_dir or default_data_dir()
    loaders: dict[str, Callable[[Path], Dataset]] = {"piaf": load_piaf, "piaf-en": load_piaf_en,
                                                     "multihop": load_multihop, "multihop-fr": load_multihop_fr,
                                                     "seed": load_seed, "seed-en": load_seed_en}
    if name not in loaders:
        raise EvaluationError(f"unknown dataset {name!r}: choose among {', '.join(DATASETS)}")
    return loaders[name](data_dir)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file (the dev sets live in bench/data/)")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as error:
                raise EvaluationError(f"{path}:{number}: not JSON ({error})") from error
    return rows


def piaf_documents(data_dir: Path) -> dict[str, str]:
    """The PIAF paragraphs, one file each."""
    rows = _jsonl(data_dir / "piaf-fr" / "contexts.jsonl")
    return {f"{row['context_id']}.txt": row["context"] + "\n" for row in rows}


def load_piaf(data_dir: Path) -> Dataset:
    questions = piaf_questions(data_dir / "piaf-fr" / "questions-dev.jsonl", "fr")
    return Dataset("piaf", piaf_documents(data_dir), questions)


def piaf_questions(path: Path, language: str) -> list[Question]:
    """PIAF-style questions, each with its paragraph and its gold answer spans."""
    return [Question(id=row["id"], question=row["question"], answerable=True, gold_docs=[row["context_id"]],
                     answers=list(row["answers"]), language=language, kind="extractive")
            for row in _jsonl(path)]


def load_piaf_en(data_dir: Path) -> Dataset:
    """English questions about the French PIAF paragraphs (the usual case: French articles, English
    questions): a sample of the dev questions translated, and questions that no paragraph answers."""
    folder = data_dir / "piaf-en"
    questions = piaf_questions(folder / "questions-dev.jsonl", "en") + off_corpus_questions(folder, "en")
    return Dataset("piaf-en", piaf_documents(data_dir), questions, corpus="piaf")


def off_corpus_questions(folder: Path, language: str) -> list[Question]:
    """The questions of ``folder/unanswerable.jsonl``: no document of the corpus answers them."""
    return [Question(id=row["id"], question=row["question"], answerable=False, language=language, kind="off-corpus")
            for row in _jsonl(folder / "unanswerable.jsonl")]


def multihop_document(row: dict[str, Any]) -> str:
    """A fact as a small news file: title, date and publisher lines, then the sentence."""
    return (f"# {row['title']}\n\nDate: {str(row.get('published_at', ''))[:10]}\n"
            f"Source: {row.get('source', '')}\n\n{row['fact']}\n")


def multihop_documents(data_dir: Path) -> dict[str, str]:
    return {f"{row['fact_id']}.md": multihop_document(row)
            for row in _jsonl(data_dir / "multihop-rag" / "evidence_facts.jsonl")}


def load_multihop(data_dir: Path) -> Dataset:
    folder = data_dir / "multihop-rag"
    facts = _jsonl(folder / "evidence_facts.jsonl")
    documents = multihop_documents(data_dir)
    by_text = {row["fact"]: row["fact_id"] for row in facts}
    questions = []
    for row in _jsonl(folder / "queries-dev.jsonl"):
        gold = [by_text[e["fact"]] for e in row.get("evidence_list", []) if e["fact"] in by_text]
        null = row.get("question_type") == "null_query"
        questions.append(Question(id=str(row["id"]), question=row["query"], answerable=not null,
                                  gold_docs=list(dict.fromkeys(gold)), language="en",
                                  kind=row.get("question_type", "")))
    return Dataset("multihop", documents, questions)


def load_multihop_fr(data_dir: Path) -> Dataset:
    """French questions about the English MultiHop-RAG facts, one fact each, and French questions that
    no fact answers: the other way across languages than ``piaf-en``."""
    folder = data_dir / "multihop-fr"
    questions = [Question(id=row["id"], question=row["question"], answerable=True, gold_docs=[row["fact_id"]],
                          answers=list(row["answers"]), language="fr", kind="extractive")
                 for row in _jsonl(folder / "questions-dev.jsonl")] + off_corpus_questions(folder, "fr")
    return Dataset("multihop-fr", multihop_documents(data_dir), questions, corpus="multihop")


# The shared seed questions, then the project's own English/French pairs on the sample (same format), so
# that cross-lingual answering is measured on more than a handful of questions.
SEED_FILES = ("seed-dev.jsonl", "sample-questions.jsonl")


def load_seed(data_dir: Path, samples_dir: Path | None = None) -> Dataset:
    samples_dir = samples_dir or SAMPLES_DIR
    files = [data_dir / file for file in SEED_FILES if (data_dir / file).exists() or file == SEED_FILES[0]]
    return _seed_dataset("seed", samples_dir, files)


def load_seed_en(data_dir: Path) -> Dataset:
    """The seed questions (English and French) on the project's English translation of the sample."""
    folder = data_dir / "sample-en"
    return _seed_dataset("seed-en", folder, [folder / "questions.jsonl"])


def _seed_dataset(name: str, folder: Path, files: Sequence[Path]) -> Dataset:
    documents = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}
    if not documents:
        raise EvaluationError(f"{folder}: no sample article to ask the seed questions about")
    names = [Path(doc).stem for doc in documents]
    questions = [
        Question(id=row["id"], question=row["question"], answerable=bool(row.get("answerable", True)),
                 gold_docs=names if row.get("answerable", True) else [],
                 must_contain=list(row.get("must_contain_all", [])), language=row.get("lang", ""), kind="seed")
        for file in files for row in _jsonl(file)
    ]
    return Dataset(name, documents, questions)


# -- the cached index of a corpus


def index_key(dataset: Dataset, settings: Settings) -> str:
    """What an index depends on: the corpus files and the settings that shape chunks and vectors."""
    digest = hashlib.sha256()
    digest.update(json.dumps([CORPUS_LAYOUT, settings.embedding_model, settings.chunk_size,
                              settings.chunk_overlap]).encode())
    for name in sorted(dataset.documents):
        digest.update(name.encode() + b"\0" + dataset.documents[name].encode() + b"\0")
    return digest.hexdigest()


def prepare_index(dataset: Dataset, settings: Settings, cache_dir: Path | None = None,
                  progress: Callable[[int, int, str], None] | None = None):
    """An ``Assistant`` over the dataset's corpus, indexed once and reused while the corpus is the same."""
    from .api import Assistant

    cache_dir = cache_dir or default_cache_dir()
    folder = cache_dir / f"{dataset.corpus or dataset.name}-{index_key(dataset, settings)[:16]}"
    assistant = Assistant(settings=settings.with_overrides(index_dir=folder / "index"))
    done = folder / "complete.json"
    if done.exists():
        return assistant
    corpus = folder / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    for name, text in dataset.documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    # An interrupted earlier run left part of the index: indexing is incremental, so it resumes.
    report = assistant.index([corpus], prune=True, wait=True, progress=progress)
    if report.failed:
        first = next(iter(report.failed.items()))
        raise EvaluationError(f"{len(report.failed)} corpus files failed to index, e.g. {first[0]}: {first[1]}")
    done.write_text(json.dumps({"dataset": dataset.name, "documents": len(dataset.documents),
                                "report": report.summary()}))
    return assistant


# -- asking


@dataclass
class QuestionResult:
    """What the assistant did with one question: the material every metric is computed from."""

    id: str
    answerable: bool
    language: str
    gold_docs: list[str]
    ranked_docs: list[str]  # document names of the top retrieved passages, best first
    answered: bool
    correct: bool | None  # the answer holds a gold span (or every required string); None: not checkable
    sentences: int  # sentences in the answer text
    marked_sentences: int  # of which carry a citation marker
    citations: int
    citations_exact: int  # quote == article text[start:end]
    seconds: float
    answer: str = ""


_MARKER = re.compile(r"\[(\d+)\]")


def normalise(text: str) -> str:
    """For span matching: case, apostrophes, non-breaking spaces and runs of spaces do not matter."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("\u2019", "'")
    return " ".join(text.split())


def contains_span(text: str, spans: Sequence[str]) -> bool:
    plain = normalise(_MARKER.sub(" ", text))
    return any(normalise(span) in plain for span in spans if span.strip())


def answer_sentences(text: str) -> list[str]:
    """The sentences of an answer, each with the markers that follow it.

    A marker written after the full stop ("... Grad. [1] La Russie ...") belongs to the sentence before
    it. The French recogniser keeps "Grad [1]." whole, so markers are moved in front of the stop before
    splitting; the English one cuts there, so in English a piece that opens with markers gives them back
    to the sentence before (each is split the way the articles' sentences were).
    """
    from .language import detect_language
    from .sentences import sentence_spans

    if detect_language(text) == "en":
        # Split the text without its markers, then give each marker to the sentence it follows.
        clean, at = [], []  # the text without markers; where in it each marker stood
        last = 0
        for match in _MARKER.finditer(text):
            # Less the space before it: two spaces after 'stop."' kept the splitter from cutting there.
            clean.append(text[last : match.start()].rstrip())
            at.append((sum(map(len, clean)), match.group(0)))
            last = match.end()
        clean.append(text[last:])
        plain = "".join(clean)
        spans = sentence_spans(plain, language="en")
        pieces = [plain[a:b] for a, b in spans]
        for position, marker in at:
            owner = max([i for i, (a, _) in enumerate(spans) if a < position] or [0])
            if pieces:
                pieces[owner] += f" {marker}"
    else:
        # A quote ends with its closing mark, spaced in French ("... stratégique. » [1]").
        moved = re.sub(r"([.!?…]+(?:[ \u00a0\u202f]?[»\"”)])?)\s*((?:\[\d+\]\s*)+)",
                       lambda m: f" {m.group(2).strip()}{m.group(1)} ", text).strip()
        pieces = [moved[a:b] for a, b in sentence_spans(moved)]
    # A piece of punctuation alone (the "»" a splitter cuts off) is no sentence.
    return [p for p in pieces if re.search(r"\w", _MARKER.sub("", p))]


def document_name(source: str) -> str:
    return Path(source).stem


def ask_question(assistant, question: Question, texts: dict[str, str | None], k: int = max(K_VALUES)) -> QuestionResult:
    docs = assistant.retrieve(question.question, k=k)
    ranked = [document_name(str(d.metadata.get("source", ""))) for d in docs]
    started = time.perf_counter()
    answer = assistant.ask(question.question)
    seconds = time.perf_counter() - started
    exact = 0
    for citation in answer.citations:
        if citation.source not in texts:
            texts[citation.source] = assistant.article_text(citation.source)
        text = texts[citation.source]
        exact += int(text is not None and text[citation.start : citation.end] == citation.quote)
    sentences = answer_sentences(answer.text) if answer.answered else []
    correct: bool | None = None
    if question.answerable and question.answers:
        correct = answer.answered and contains_span(answer.text, question.answers)
    elif question.answerable and question.must_contain:
        seen = answer.text + " " + " ".join(c.quote + " " + c.passage for c in answer.citations)
        correct = answer.answered and all(needle in seen for needle in question.must_contain)
    return QuestionResult(
        id=question.id, answerable=question.answerable, language=question.language,
        gold_docs=question.gold_docs, ranked_docs=ranked, answered=answer.answered, correct=correct,
        sentences=len(sentences), marked_sentences=sum(1 for s in sentences if _MARKER.search(s)),
        citations=len(answer.citations), citations_exact=exact, seconds=seconds, answer=answer.text,
    )


def run_questions(assistant, questions: Sequence[Question],
                  progress: Callable[[int, int], None] | None = None) -> list[QuestionResult]:
    texts: dict[str, str | None] = {}
    results = []
    for number, question in enumerate(questions, start=1):
        results.append(ask_question(assistant, question, texts))
        if progress:
            progress(number, len(questions))
    return results


# -- metrics


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def first_gold_rank(gold_docs: Sequence[str], ranked_docs: Sequence[str]) -> int | None:
    gold = set(gold_docs)
    for rank, name in enumerate(ranked_docs, start=1):
        if name in gold:
            return rank
    return None


def retrieval_metrics(pairs: Sequence[tuple[Sequence[str], Sequence[str]]], all_gold: bool = False) -> dict[str, Any]:
    """hit@k, MRR@10 (and the share with every gold document in the top 10) over ``(gold, ranked)`` pairs.

    Only questions with gold documents count; a hit at k is a gold document among the first k ranked.
    """
    pairs = [(gold, ranked) for gold, ranked in pairs if gold]
    ranks = [first_gold_rank(gold, ranked) for gold, ranked in pairs]
    metrics: dict[str, Any] = {}
    for k in K_VALUES:
        metrics[f"hit@{k}"] = _share(sum(1 for rank in ranks if rank is not None and rank <= k), len(ranks))
    top = max(K_VALUES)
    metrics[f"mrr@{top}"] = (round(sum(1 / rank for rank in ranks if rank is not None and rank <= top) / len(ranks), 4)
                             if ranks else None)
    if all_gold:
        complete = sum(1 for gold, ranked in pairs if set(gold) <= set(ranked[:top]))
        metrics[f"all_gold@{top}"] = _share(complete, len(pairs))
    return metrics


def compute_metrics(results: Sequence[QuestionResult], all_gold: bool = False) -> dict[str, Any]:
    """Every number of the report, from per-question results (``None`` where nothing was measurable)."""
    metrics: dict[str, Any] = {"questions": len(results), "answerable": sum(r.answerable for r in results),
                               "unanswerable": sum(not r.answerable for r in results)}
    metrics.update(retrieval_metrics([(r.gold_docs, r.ranked_docs) for r in results if r.answerable], all_gold))
    checkable = [r for r in results if r.correct is not None]
    metrics["answer_correct"] = _share(sum(bool(r.correct) for r in checkable), len(checkable))
    by_language: dict[str, float | None] = {}
    for language in sorted({r.language for r in checkable if r.language}):
        some = [r for r in checkable if r.language == language]
        by_language[language] = _share(sum(bool(r.correct) for r in some), len(some))
    metrics["answer_correct_by_language"] = by_language
    answered = [r for r in results if r.answered]
    metrics["answer_sentences_mean"] = (round(statistics.fmean(r.sentences for r in answered), 3)
                                        if answered else None)
    metrics["citations_exact"] = _share(sum(r.citations_exact for r in results), sum(r.citations for r in results))
    metrics["sentences_with_marker"] = _share(sum(r.marked_sentences for r in answered),
                                              sum(r.sentences for r in answered))
    unanswerable = [r for r in results if not r.answerable]
    answerable = [r for r in results if r.answerable]
    metrics["unanswerable_refused"] = _share(sum(not r.answered for r in unanswerable), len(unanswerable))
    metrics["answerable_refused"] = _share(sum(not r.answered for r in answerable), len(answerable))
    metrics["refusal_counts"] = {"unanswerable": len(unanswerable),
                                 "unanswerable_refused": sum(not r.answered for r in unanswerable),
                                 "answerable": len(answerable),
                                 "answerable_refused": sum(not r.answered for r in answerable)}
    seconds = sorted(r.seconds for r in results)
    metrics["seconds_median"] = round(statistics.median(seconds), 4) if seconds else None
    metrics["seconds_p95"] = round(_percentile(seconds, 0.95), 4) if seconds else None
    return metrics


def _percentile(sorted_values: Sequence[float], share: float) -> float:
    # Nearest rank: the smallest value that at least ``share`` of the values do not exceed.
    index = max(0, min(len(sorted_values) - 1, int(-(-share * len(sorted_values) // 1)) - 1))
    return sorted_values[index]


def pooled_refusals(reports: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """Refusal shares over several datasets together (the issue's targets are on the pool)."""
    counts = {"unanswerable": 0, "unanswerable_refused": 0, "answerable": 0, "answerable_refused": 0}
    for report in reports:
        for key in counts:
            counts[key] += report["metrics"]["refusal_counts"][key]
    return {"unanswerable_refused": _share(counts["unanswerable_refused"], counts["unanswerable"]),
            "answerable_refused": _share(counts["answerable_refused"], counts["answerable"])}


# -- one dataset, end to end


def evaluate(dataset: Dataset, assistant, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Ask every question of ``dataset`` of ``assistant`` (whose index holds its corpus); the report."""
    started = time.perf_counter()
    results = run_questions(assistant, dataset.questions, progress)
    settings = assistant.settings
    return {
        "dataset": dataset.name,
        "documents": len(dataset.documents),
        "answerer": settings.answerer,
        "settings": {key: getattr(settings, key) for key in
                     ("embedding_model", "chunk_size", "chunk_overlap", "k", "fetch_k", "dense_weight",
                      "sentence_weight", "max_answer_sentences", "answer_margin", "answer_margin_further",
                      "reranker", "rerank_top", "rerank_weight")},
        # The thresholds in force: the settings' or, when unset, the ones calibrated for the model.
        "refusal_thresholds": refusal_thresholds(settings, assistant.embeddings),
        "metrics": compute_metrics(results, all_gold=dataset.name == "multihop"),
        "seconds": round(time.perf_counter() - started, 1),
        "results": [asdict(r) for r in results],
    }


# -- the table


ROWS: list[tuple[str, str]] = [
    ("questions", "questions"),
    ("hit@1", "retrieval hit@1"),
    ("hit@5", "retrieval hit@5"),
    ("hit@10", "retrieval hit@10"),
    ("mrr@10", "retrieval MRR@10"),
    ("all_gold@10", "all gold facts in top 10"),
    ("answer_correct", "answer contains gold"),
    ("answer_correct_by_language", "  by language"),
    ("answer_sentences_mean", "sentences per answer"),
    ("citations_exact", "citations quote = source"),
    ("sentences_with_marker", "sentences with marker"),
    ("unanswerable_refused", "unanswerable refused"),
    ("answerable_refused", "answerable refused"),
    ("seconds_median", "seconds/question median"),
    ("seconds_p95", "seconds/question p95"),
]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_table(reports: Sequence[dict[str, Any]]) -> str:
    columns = [r["dataset"] for r in reports]
    values = {r["dataset"]: dict(r["metrics"]) for r in reports}
    pooled = pooled_refusals(reports) if len(reports) > 1 else {}
    if pooled:
        columns.append("pooled")
        values["pooled"] = pooled
    rows: list[tuple[str, str]] = []
    for key, label in ROWS:
        if key != "answer_correct_by_language":
            rows.append((key, label))
            continue
        languages = sorted({lang for m in values.values() for lang in (m.get(key) or {})})
        for language in languages:
            for metrics in values.values():
                metrics[f"answer_correct_{language}"] = (metrics.get(key) or {}).get(language)
            rows.append((f"answer_correct_{language}", f"  questions in {language}"))
    width = max(10, *(len(c) for c in columns))
    lines = [f"{'':26}" + "".join(f"{c:>{width + 2}}" for c in columns)]
    for key, label in rows:
        cells = [_cell(values[c].get(key)) for c in columns]
        if all(cell == "-" for cell in cells):
            continue
        lines.append(f"{label:26}" + "".join(f"{cell:>{width + 2}}" for cell in cells))
    return "\n".join(lines)


def write_report(reports: Sequence[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"datasets": list(reports)}
    if len(reports) > 1:
        payload["pooled"] = pooled_refusals(reports)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)
