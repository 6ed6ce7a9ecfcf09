"""Generative answers whose citations are checked after the fact, whichever model writes them.

The model sees the retrieved passages numbered [1]..[n] (``prompts/``) and writes an answer citing them.
Nothing it writes is trusted as is: a marker pointing at no passage is removed; every other marker is
replaced by a citation of the sentence of that passage closest to the answer sentence it ends (e5
similarity, through the embedding cache), with article offsets, as the extractive answerer cites, but
only when that sentence supports it (``best_support``) and the cited passages write the numbers the
sentence writes; other markers are removed. An answer left with no citation is flagged ``unsupported``;
one whose other sentences cite nothing says so in its notice. A question the extractive answerer refuses
is refused without a call. A model that times out, cannot be reached, fails or says nothing gives way to
the extractive answer, with a notice saying why.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.documents import Document

from ..embeddings import EmbeddingCache, ModelEmbeddings
from ..lexical import tokenize
from ..prompts import format_passages, language_name, render
from ..types import Answer, Citation
from .extractive import ExtractiveAnswerer, ScoredSentence, citation_for, embedded_sentences
from .grounding import near_spelling, text_words, unwritten_numbers
from .messages import NOT_ANSWERED, not_answered_text

logger = logging.getLogger(__name__)

Messages = list[dict[str, str]]

# [1], [1, 2], [1][2] (two groups), [1-3]; the numbers are checked against the passages afterwards.
MARKER_GROUP = re.compile(r"\[\s*\d+(?:\s*(?:[,;]|-|–)\s*\d+)*\s*\]")
# "[1](http://…)": a model's Markdown link around a marker, which becomes the plain marker.
MARKER_LINK = re.compile(r"(" + MARKER_GROUP.pattern + r")\(\s*[^()\s]*\s*\)")
SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")

# A cited sentence supports an answer sentence when their e5 similarity (claim as query, sentence as
# passage) reaches DEFAULT_MIN_SUPPORT and they share a content word, name or number (stemmed, or a near
# spelling across languages: "Vostochny" / "Vostotchny"), or reaches it by NO_SHARED_TERM more without
# one. e5 scores unrelated texts 0.7-0.8, so similarity alone (the closest sentence of any cited passage)
# kept made-up claims cited. Calibrated with `python -m bench.support` on pairs of a claim and its source
# sentence against the same claim and the article's other sentences (the sample's English claims on its
# French sentences: 16/16 true pairs kept, 299/320 false dropped; PIAF in English, question + answer on
# the French paragraph: 131/153 kept, 4797/5154 dropped; MultiHop-RAG's English queries on their facts:
# 127/163 kept, 1544/1625 dropped). ASSISTANT_LLM_MIN_SUPPORT overrides it.
DEFAULT_MIN_SUPPORT = 0.81
NO_SHARED_TERM = 0.05

FALLBACK = {
    "en": "The language model {what}, so this is the extractive answer.",
    "fr": "Le modèle de langue {what} : voici donc la réponse extractive.",
}
# Each names the server or file ({where}), as "could not be reached" does: a newsroom may run several models.
REASONS = {
    "timeout": {"en": "did not answer within {timeout:g} s ({where})",
                "fr": "n'a pas répondu en {timeout:g} s ({where})"},
    "busy": {"en": "was still busy with another question after {timeout:g} s",
             "fr": "était encore occupé par une autre question au bout de {timeout:g} s"},
    "unreachable": {"en": "could not be reached ({where})", "fr": "est injoignable ({where})"},
    "dropped": {"en": "stopped answering midway ({where})", "fr": "s'est interrompu en pleine réponse ({where})"},
    "empty": {"en": "returned an empty answer ({where})", "fr": "a renvoyé une réponse vide ({where})"},
    "no_summary": {"en": "wrote no summary ({where})", "fr": "n'a pas écrit de résumé ({where})"},
    "no_reply": {"en": "returned an empty answer ({detail})", "fr": "a renvoyé une réponse vide ({detail})"},
    "unavailable": {"en": "was unavailable ({detail}; a server loading its model or overloaded says so: ask again "
                          "in a moment)",
                    "fr": "était indisponible ({detail} ; un serveur qui charge son modèle ou surchargé le dit : "
                          "reposez la question dans un instant)"},
    "error": {"en": "failed ({detail})", "fr": "a échoué ({detail})"},  # ``extractive`` puts the server in
}


class ChatBackend(Protocol):
    """A chat model that streams text: an OpenAI-compatible server, or a GGUF file in this process."""

    name: str  # the answerer's name: "openai", "llamacpp"
    where: str  # the URL or file, for notices
    timeout: float

    def stream(self, messages: Messages, timeout: float | None = None) -> Iterator[str]:
        """``timeout``: the seconds left to this question; no wait for a piece outlasts it (``relay``)."""
        ...


# The share of the question's timeout that rewriting a follow-up may take; the answer gets the rest.
CONDENSE_SHARE = 0.5


class LLMConfigError(ValueError):
    """The settings do not describe a usable model (missing file, missing package, no endpoint)."""


class NoReplyError(ValueError):
    """The server's reply held no chunk at all, not even an empty one; the message says the likely cause."""


class ServerUnavailableError(RuntimeError):
    """The server answered 503: starting (loading its model) or overloaded; the message is the server's."""


class ModelBusyError(TimeoutError):
    """The question's time ran out while another question had the model (one model in this process)."""


@dataclass
class MarkerGroup:
    start: int  # offsets in the generated text
    end: int
    numbers: list[int]
    claim: str  # the answer sentence the group ends, markers removed


class LLMAnswerer:
    """An ``Answerer`` (see ``chain.Answerer``) that writes with a chat model and cites honestly."""

    def __init__(self, backend: ChatBackend, fallback: ExtractiveAnswerer, embeddings: ModelEmbeddings,
                 cache: EmbeddingCache | None, *, prompts_dir: Path | None = None,
                 min_support: float = DEFAULT_MIN_SUPPORT, history_turns: int = 3,
                 max_condensed_chars: int = 500) -> None:
        self.backend = backend
        self.fallback = fallback
        self.embeddings = embeddings
        self.cache = cache
        self.prompts_dir = prompts_dir
        self.min_support = min_support  # a cited passage whose best sentence supports less: dropped
        self.history_turns = history_turns
        self.max_condensed_chars = max_condensed_chars
        # ``llm_timeout`` bounds the whole wait for one question: a follow-up's rewriting starts the clock,
        # and the answer to that rewrite (the next call in this thread) gets what is left.
        self._turn = threading.local()

    @property
    def name(self) -> str:
        return self.backend.name

    # -- prompts
    def messages(self, question: str, docs: Sequence[Document], language: str) -> Messages:
        values = {"language_name": language_name(language), "not_answered": not_answered_text(language)}
        system = render("system", self.prompts_dir, **values)
        user = render("answer", self.prompts_dir, passages=format_passages([unsaid_part(doc) for doc in docs]),
                      question=question, **values)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def condense_messages(self, question: str, history: Sequence[tuple[str, str]]) -> Messages:
        turns = []
        for asked, answered in list(history)[-self.history_turns:]:
            reply = " ".join(MARKER_GROUP.sub("", answered).split())
            turns.append(f"User: {asked}\nAssistant: {reply[:400]}")
        return [{"role": "user", "content": render("condense", self.prompts_dir, history="\n".join(turns),
                                                   question=question)}]

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """A follow-up rewritten as a standalone question; the previous question + this one if that fails."""
        from ..chain import search_query

        if not history:
            return question
        started = time.monotonic()
        try:
            text = "".join(self.generate(self.condense_messages(question, history),
                                         deadline=started + CONDENSE_SHARE * self.backend.timeout))
        except Exception as error:  # any failure of the model: retrieval must still work
            logger.info("condensing failed (%s); using the previous question's words", error)
            return self._pending(search_query(question, list(history)), started)
        lines = [line.strip() for line in after_reasoning(text).strip().splitlines() if line.strip()]
        standalone = re.sub(r"^(standalone )?question\s*:\s*", "", lines[0], flags=re.I) if lines else ""
        standalone = standalone.strip().strip("\"'“”«» ").strip()
        if not standalone or len(standalone) > self.max_condensed_chars \
                or self.echoes_prompt(standalone) or not self.shares_words(standalone, question, history):
            logger.info("condensed question rejected (%r); using the previous question's words", standalone[:200])
            return self._pending(search_query(question, list(history)), started)
        return self._pending(standalone, started)

    def _pending(self, standalone: str, started: float) -> str:
        """The rewrite, remembered with the question's deadline for the answer that follows it."""
        self._turn.pending = (standalone, started + self.backend.timeout)
        return standalone

    def echoes_prompt(self, rewrite: str) -> bool:
        """Whether the rewrite repeats the condensing prompt's own wording (four words in a row of its fixed
        text) or its markers ("User:", "Assistant:", "Standalone question:"): a small model may answer the
        instructions with the instructions."""
        if re.search(r"(?im)^\s*(user|assistant|conversation|follow-up question|standalone question)\s*:", rewrite) \
                or re.search(r"\b(user|assistant)\s*:", rewrite, re.I) or MARKER_GROUP.search(rewrite):
            return True
        fixed = render("condense", self.prompts_dir, history="\x00", question="\x00")
        words = re.findall(r"\w+", rewrite.lower())
        prompt_grams = set()
        for part in fixed.lower().split("\x00"):
            part_words = re.findall(r"\w+", part)
            prompt_grams.update(tuple(part_words[i : i + 4]) for i in range(len(part_words) - 3))
        return any(tuple(words[i : i + 4]) in prompt_grams for i in range(len(words) - 3))

    @staticmethod
    def shares_words(rewrite: str, question: str, history: Sequence[tuple[str, str]]) -> bool:
        """Whether the rewrite has a content word of the question or the conversation (a rewrite about
        something else is no rewrite)."""
        said = set(tokenize(" ".join([question, *(f"{q} {a}" for q, a in history)])))
        return bool(set(tokenize(rewrite)) & said)

    def generate(self, messages: Messages, deadline: float | None = None) -> Iterator[str]:
        """The backend's pieces, stopped at the deadline (default: the timeout from now).

        A backend waits for no piece past the deadline (``relay``), but a reply that streams steadily for
        minutes always has a next piece: it is stopped here. The server's client retries nothing
        (``OpenAIChat``).
        """
        if deadline is None:
            deadline = time.monotonic() + self.backend.timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no time left of {self.backend.timeout:g} s")
        pieces = self.backend.stream(messages, timeout=left)
        try:
            for piece in without_reasoning(pieces):
                yield piece
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete reply within {self.backend.timeout:g} s")
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()  # stops the request or the local generation

    # -- answering
    def answer(self, question: str, query_vector: np.ndarray, docs: Sequence[Document],
               language: str = "en") -> Answer:
        result = None
        for piece in self.stream(question, query_vector, docs, language):
            result = piece
        assert isinstance(result, Answer)
        return result

    def stream(self, question: str, query_vector: np.ndarray, docs: Sequence[Document],
               language: str = "en") -> Iterator[str | Answer]:
        """The generated text as it comes (``str``), then the checked ``Answer``, whose text is final."""
        docs = list(docs)
        if not docs:
            yield Answer(text=not_answered_text(language), question=question, answered=False, answerer=self.name)
            return
        pending = getattr(self._turn, "pending", None)
        self._turn.pending = None
        deadline = pending[1] if pending and pending[0] == question else None  # a follow-up's rewrite took some
        # Whether the passages answer at all is the extractive answerer's to say, without a call that could
        # only invent an answer (and take seconds to minutes): passages that never mention what the question
        # names ("They do not mention “Zelensky”"), or on another subject, below its calibrated bar (a model
        # answered "What is the price of oil?" from a dockers' strike). Its answer is also the fallback below.
        extracted = self.fallback.answer(question, query_vector, docs, language)
        if not extracted.answered:
            yield replace(extracted, answerer=self.name)
            return
        yield from self.written(question, docs, language, extracted, deadline)

    def write_summary(self, question: str, docs: Sequence[Document], language: str,
                      extracted: Answer) -> Iterator[str | Answer]:
        """An article's summary in the model's words, from ``docs`` (the chunks of the sentences the extractive
        summary ``extracted`` quotes), cited and checked as any answer; ``extracted`` when the model fails or
        writes none. Streamed as ``stream`` is."""
        yield from self.written(question, docs, language, extracted, None, summary=True)

    def written(self, question: str, docs: Sequence[Document], language: str, extracted: Answer,
                deadline: float | None, summary: bool = False) -> Iterator[str | Answer]:
        """The model's answer from ``docs``, checked; ``extracted`` with a notice saying why when it fails."""
        pieces: list[str] = []
        try:
            for piece in self.generate(self.messages(question, docs, language), deadline):
                if piece:
                    pieces.append(piece)
                    yield piece
        except Exception as error:  # the caller gets an answer whatever the model or its server does
            # Not a warning: the reader already gets the notice, and a traceback on stderr helps nobody there.
            logger.info("%s answerer failed, falling back to the extractive answer", self.name, exc_info=True)
            yield self.extractive(extracted, language, *self.reason(error, replying=bool(pieces)))
            return
        text = after_reasoning("".join(pieces)).strip()
        if not text:
            yield self.extractive(extracted, language, "empty", "")
            return
        checked = self.check(text, question, docs, language)
        if summary and not checked.answered:
            # The passages are the article asked about: a reply that they do not answer it is the model's
            # failure, and the article's own sentences still sum it up.
            yield self.extractive(extracted, language, "no_summary", "")
            return
        yield checked

    def extractive(self, result: Answer, language: str, reason: str, detail: str) -> Answer:
        """The extractive answer given in the model's stead, with a notice saying why."""
        lang = language if language in FALLBACK else "en"
        if detail and self.backend.where not in detail:  # a model file's own errors name it already
            detail = f"{self.backend.where}{' :' if lang == 'fr' else ':'} {detail}"
        what = REASONS[reason][lang].format(timeout=self.backend.timeout, where=self.backend.where, detail=detail)
        result.notice = FALLBACK[lang].format(what=what)
        return result

    def reason(self, error: Exception, replying: bool = False) -> tuple[str, str]:
        """``replying``: the model had sent part of its answer when ``error`` came."""
        # Named rather than imported: openai and httpx are optional here, llama_cpp raises built-ins.
        names = {cls.__name__ for cls in type(error).__mro__}
        if isinstance(error, ModelBusyError):
            return "busy", ""
        if isinstance(error, NoReplyError):
            return "no_reply", str(error)
        if isinstance(error, ServerUnavailableError):
            return "unavailable", str(error)
        if isinstance(error, TimeoutError) or names & {"APITimeoutError", "TimeoutException"}:
            return "timeout", ""
        if isinstance(error, ConnectionError) or names & {"APIConnectionError", "ConnectError"}:
            # A connection lost mid-reply (the server crashed or restarted) was reached: "could not be
            # reached" sent the reader to check an address that works.
            return ("dropped" if replying else "unreachable"), ""
        detail = " ".join(str(error).split())
        if not isinstance(error, LLMConfigError):
            # A configuration error's text is ours (the server's part already cut by the backend) and ends
            # with what to fix: cutting it cut that advice mid-sentence.
            detail = detail[:200]
        if re.search(r"context (?:window|length|size)|maximum context", detail, re.I):
            # The prompt (the passages) did not fit the model's context: say which setting makes room.
            detail += ("; raise ASSISTANT_LLM_CONTEXT_TOKENS" if self.backend.name == "llamacpp" else
                       "; give the server's model a larger context") + ", or ask for fewer passages (ASSISTANT_K)"
        if isinstance(error, LLMConfigError) and detail:  # says what to fix: its class name tells a reader nothing
            return "error", detail
        return "error", f"{type(error).__name__}: {detail}" if detail else type(error).__name__

    # -- checking the citations
    def check(self, text: str, question: str, docs: Sequence[Document], language: str) -> Answer:
        text = MARKER_LINK.sub(r"\1", text)
        if says_nothing_else(text):
            # "[1]" alone, or the fixed refusal with a marker after it: nothing is claimed, nothing to cite.
            return Answer(text=not_answered_text(language), question=question, answered=False, answerer=self.name)
        groups = find_marker_groups(text)
        claims = [group.claim or question for group in groups]
        claim_vectors = self.embeddings.embed_queries(claims) if claims else np.zeros((0, 1), np.float32)
        sentences: dict[int, tuple[list[ScoredSentence], np.ndarray]] = {}
        markers: dict[tuple[str, int], int] = {}  # (doc_id, sentence start) -> the citation's marker
        citations: list[Citation] = []
        out: list[str] = []
        position = 0
        for group, vector in zip(groups, claim_vectors, strict=True):
            out.append(text[position : group.start])
            position = group.end
            kept: list[int] = []
            given = [number for number in group.numbers if 1 <= number <= len(docs)]  # others: the marker goes
            # A number the cited passages do not write is not theirs, however near the sentence: "losses of
            # 90 million euros [1]" kept its citation to "des pertes de 12 millions d'euros".
            if group.claim and unwritten_numbers(group.claim, " ".join(docs[n - 1].page_content for n in given)):
                given = []
            for number in given:
                if number not in sentences:
                    sentences[number] = embedded_sentences([docs[number - 1]], self.embeddings, self.cache)
                best = best_support(*sentences[number], vector, group.claim or question)
                if best is None or best.similarity < self.min_support:
                    continue  # the passage does not say it: its marker goes
                key = (str(best.chunk.metadata.get("doc_id", "")), best.start)
                if key not in markers:
                    markers[key] = len(citations) + 1
                    citations.append(citation_for(markers[key], best))
                if markers[key] not in kept:
                    kept.append(markers[key])
            if kept:
                out.append("".join(f"[{marker}]" for marker in kept))
            elif out and text[position : position + 1] in ("", " ", "\n", ".", ",", ")"):
                out[-1] = out[-1].rstrip(" \t")  # no "word ." left where a marker was
        out.append(text[position:])
        # Two passages that lead to one sentence: "[2][2]" reads as "[2]".
        cleaned = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", "".join(out)).strip()
        if not citations and says_not_answered(cleaned):
            return Answer(text=not_answered_text(language), question=question, answered=False, answerer=self.name)
        # No citation left: the text stands, flagged, for the reader to judge (the UI and CLI warn). Some
        # left: the sentences without one are said, since they read as if the ones beside them vouched for them.
        uncited = uncited_sentences(cleaned) if citations else 0
        lang = language if language in UNCITED else "en"
        return Answer(text=cleaned, citations=citations, question=question, answered=True, answerer=self.name,
                      unsupported=not citations, notice=UNCITED[lang][uncited > 1].format(n=uncited) if uncited else "")


# A reasoning model's thinking before its answer (DeepSeek-R1, Qwen3 and others, where the server leaves it
# in the reply's text): it is no answer, and its sentences were checked and flagged as claims.
THINKING_OPENS = "<think>"
THINKING_ENDS = "</think>"
ONLY_THINKING = ("its reply was all reasoning (<think>…) and no answer: raise ASSISTANT_LLM_MAX_TOKENS, or turn "
                 "the model's thinking off")


def without_reasoning(pieces: Iterator[str]) -> Iterator[str]:
    """The pieces of a reply, less a ``<think>…</think>`` block it opens with (held back until it ends, so that
    it is never streamed); ``NoReplyError`` for a reply that ends within it (its tokens spent on thinking)."""
    held: str | None = ""
    for piece in pieces:
        if held is None:  # past the opening: the rest as it comes
            yield piece
            continue
        held += piece
        opening = held.lstrip()
        if THINKING_OPENS.startswith(opening.lower()[: len(THINKING_OPENS)]) and len(opening) < len(THINKING_OPENS):
            continue  # too short yet to tell
        if not opening.lower().startswith(THINKING_OPENS):
            yield held
            held = None
            continue
        end = opening.lower().find(THINKING_ENDS)
        if end >= 0:
            rest = opening[end + len(THINKING_ENDS):].lstrip()
            if rest:
                yield rest
            held = None
    if held is not None and held.lstrip().lower().startswith(THINKING_OPENS):
        raise NoReplyError(ONLY_THINKING)
    if held:
        yield held


def after_reasoning(text: str) -> str:
    """The reply after its thinking, where only the end of it is written (a chat template that opens the
    model's turn with ``<think>`` itself, as DeepSeek-R1's does)."""
    _, ends, answer = text.rpartition(THINKING_ENDS)
    return answer if ends else text


UNCITED = {
    "en": ("One sentence of this answer cites no passage that says it: read it with care.",
           "{n} sentences of this answer cite no passage that says them: read them with care."),
    "fr": ("Une phrase de cette réponse ne cite aucun passage qui la dise : à lire avec prudence.",
           "{n} phrases de cette réponse ne citent aucun passage qui les dise : à lire avec prudence."),
}
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n+")
_OPENING_MARKERS = re.compile(r"(?:" + MARKER_GROUP.pattern + r"\s*)+")


def unsaid_part(doc: Document) -> Document:
    """The passage as the model is shown it: after "Tell me more", only the sentences the earlier answers did
    not quote (``chain.without_sentences_said``), with "…" where the others were. Shown whole, it made the model
    write again what it had written; its citations can only be the sentences offered anyway."""
    from ..chain import LEFT_OUT
    from ..chunking import stored_sentences

    if not doc.metadata.get(LEFT_OUT):
        return doc
    offset = doc.metadata["start"]
    text = " … ".join(doc.page_content[a - offset : b - offset].strip() for a, b in stored_sentences(doc))
    return Document(page_content=text or "…", metadata=doc.metadata)


def uncited_sentences(text: str) -> int:
    """How many sentences of the checked answer carry no marker ("… shells. [1]" carries the one after it)."""
    pieces = [piece.strip() for piece in _SENTENCE_BREAK.split(text) if piece.strip()]
    cited = [False] * len(pieces)
    for i, piece in enumerate(pieces):
        opening = _OPENING_MARKERS.match(piece)
        if opening and i:
            cited[i - 1] = True
            pieces[i] = piece[opening.end():]
        cited[i] = cited[i] or bool(MARKER_GROUP.search(pieces[i]))
    # An introduction ("Selon les articles :") claims nothing.
    return sum(1 for piece, has in zip(pieces, cited, strict=True)
               if not has and tokenize(piece) and not piece.endswith(":"))


def shared_terms(claim: str, sentence: str) -> int:
    """How many of the claim's content words, names and numbers the sentence has: the same stem, or for a
    word of five letters or more a near spelling ("Putin" / "Poutine", "Vostochny" / "Vostotchny")."""
    claim_terms, terms = set(tokenize(claim)), set(tokenize(sentence))
    count = len(claim_terms & terms)
    words, long_words = text_words(sentence)
    for word in text_words(claim)[1]:
        if len(word) >= 5 and word not in words and not set(tokenize(word)) & terms and near_spelling(word, long_words):
            count += 1
    return count


def support_score(claim: str, sentence: str, similarity: float) -> float:
    """The e5 similarity of the claim (a query) to the sentence (a passage), less ``NO_SHARED_TERM`` when
    they share no term: compared with ``DEFAULT_MIN_SUPPORT`` (see there)."""
    return similarity if shared_terms(claim, sentence) else similarity - NO_SHARED_TERM


def best_support(sentences: list[ScoredSentence], vectors: np.ndarray, claim_vector: np.ndarray,
                 claim: str) -> ScoredSentence | None:
    """The sentence that supports the claim best, its ``similarity`` the ``support_score``."""
    if not sentences:
        return None
    similarities = vectors @ np.asarray(claim_vector, dtype=np.float32)
    scores = [support_score(claim, s.text, float(similarity))
              for s, similarity in zip(sentences, similarities, strict=True)]
    index = int(np.argmax(scores))
    chosen = sentences[index]
    return ScoredSentence(chosen.chunk, chosen.start, chosen.end, chosen.text, scores[index], scores[index])


def marker_numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip("[] \t")):
        bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n.isdigit()]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 20:
            values = list(range(bounds[0], bounds[1] + 1))
        else:
            values = bounds
        numbers.extend(n for n in values if n not in numbers)
    return numbers


def find_marker_groups(text: str) -> list[MarkerGroup]:
    """Every [n] group of the text, with the answer sentence it ends (its claim)."""
    groups: list[MarkerGroup] = []
    floor = 0
    for match in MARKER_GROUP.finditer(text):
        head = MARKER_GROUP.sub("", text[floor : match.start()]).rstrip()
        # "… shells. [1]" and "… shells [1]." both cite the sentence just before the marker.
        body = head.rstrip(".!?…").rstrip()
        ends = list(SENTENCE_END.finditer(body))
        claim = body[ends[-1].end() :].strip() if ends else body.strip()
        if not tokenize(claim):
            # "[1][2]" cite the same sentence; a marker after no words at all ("[1] First, …") has no
            # claim of its own, and the question stands in for it.
            claim = groups[-1].claim if groups and not head.strip() else ""
        groups.append(MarkerGroup(match.start(), match.end(), marker_numbers(match.group()), claim))
        floor = match.end()
    return groups


def _normalized(text: str) -> str:
    text = text.lower().replace("’", "'").replace("\u00a0", " ")
    return " ".join(re.sub(r"[\"«»“”.]", " ", text).split())


def says_not_answered(text: str) -> bool:
    plain = _normalized(MARKER_GROUP.sub("", text))
    return any(_normalized(sentence) in plain for sentence in NOT_ANSWERED.values())


def says_nothing_else(text: str) -> bool:
    """Whether the text, markers and the fixed "not answered" reply left out, has no word: a reply that is
    only markers, or a refusal that cites a passage ("… do not answer this question [1].")."""
    plain = _normalized(MARKER_GROUP.sub(" ", text))
    for sentence in NOT_ANSWERED.values():
        plain = plain.replace(_normalized(sentence), " ")
    return not tokenize(plain)
