"""The question-answering chain: question -> retrieve -> answer, as a LangChain ``Runnable``.

Every answerer (extractive or LLM backend) plugs in as the last step; the chain's input is a question
string or ``{"question", "k", "where"}``, its output an ``Answer``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from .answering.grounding import with_full_names
from .embeddings import ModelEmbeddings
from .filters import published_on_days
from .language import question_language
from .lexical import tokenize
from .spelling import respelled
from .types import Answer, Citation


class Answerer(Protocol):
    name: str

    def answer(self, question: str, query_vector: np.ndarray, docs: list[Document], language: str = "en") -> Answer:
        ...

    # Optional, for LLM answerers: ``stream(question, query_vector, docs, language)`` yields ``str`` pieces
    # then the ``Answer``; ``condense(question, history)`` rewrites a follow-up as a standalone question.


def in_lower_case(question: str) -> str:
    """A question typed in capitals ("WHAT WEAPONS WERE MENTIONED?") in lower case but for its first letter:
    e5 reads capitals as other words, and it was refused where the same question typed plainly is
    answered. Its names are lost either way: in capitals they tell nothing (``question_names``)."""
    letters = [ch for ch in question if ch.isalpha()]
    if len(letters) < 8 or any(ch.islower() for ch in letters) or len(_WORD.findall(question)) < 2:
        return question
    return re.sub(r"[^\W\d_]", lambda first: first.group().upper(), question.lower(), count=1)


# A question that opens with one of these continues the previous one ("And China?", "Et la Chine ?").
_CONTINUATIONS = re.compile(
    r"\s*(?:and|but|also|so|then|what about|how about|and what about|et|mais|aussi|alors|puis|ensuite|"
    r"quid|et pour|et qu'en est-il)\b", re.I)
# Words that point back at something said before, in a question too short to say it itself.
_POINTERS = frozenset(
    "it its they them their theirs he him his she her this that these those there "
    "il elle ils elles le la les l lui leur leurs eux y en cela ça ce celui celle ceux celles là son sa ses".split())
_ARTICLES = frozenset("le la les l".split())
# Of those, the ones that are only pronouns: "le", "la", "les", "en" also open a new subject ("Et le
# chômage ?", "Et en Espagne ?").
_PRONOUNS = _POINTERS - _ARTICLES - {"en", "y"}
_WORD = re.compile(r"[^\W\d_]+")
# After these, "le", "la", "les" are articles ("Quel est le taux ?", "à la frontière"), not pronouns.
_BEFORE_ARTICLE = frozenset("est sont était étaient de à pour sur dans par avec contre entre vers chez sous".split())
# What a question asks, not what about: "Et jusqu'à quand ?" brings no subject of its own.
_QUESTION_WORDS = frozenset(
    "who whom whose what which when where why how much many long often qui que quoi quel quelle quels quelles "
    "quand où comment combien pourquoi jusqu jusque lequel laquelle lesquels lesquelles".split())


def _points_back(question: str) -> bool:
    words = _WORD.findall(question.lower())
    return any(word in _POINTERS and not (word in _ARTICLES and i and words[i - 1] in _BEFORE_ARTICLE)
               for i, word in enumerate(words))


# "Tell me more", "Go on", "Dis-m'en plus", "Plus de détails ?": the earlier question, asked for what its
# answer left out.
_MORE = re.compile(
    r"\W*(?:(?:please|ok|okay|and|so|et|alors|bon|ok)\W+)*"
    r"(?:(?:can|could|would)\s+you\s+|(?:peux|pourrais)[- ]tu\s+|(?:pouvez|pourriez)[- ]vous\s+)?"
    r"(?:tell\s+me\s+(?:a\s+(?:bit|little)\s+)?more|say\s+more|(?:give\s+me\s+)?more(?:\s+details?|\s+information|"
    r"\s+info)?|go\s+on|carry\s+on|keep\s+going|continue|elaborate|explain\s+more|what\s+else|anything\s+else|"
    r"(?:dis|dites)[- ]?m['’]\s*en\s+(?:un\s+peu\s+)?plus|en\s+savoir\s+plus|(?:encore\s+)?plus\s+de\s+"
    r"(?:d[ée]tails?|pr[ée]cisions|informations|infos)|continuez|d[ée]velopp(?:e|ez|er)|quoi\s+d['’]\s*autre|"
    r"autre\s+chose|encore|la\s+suite|ensuite)"
    r"(?:\s+(?:about|on)\s+(?:it|that|this|them)|\s+(?:là-dessus|sur\s+ce\s+sujet|[àa]\s+ce\s+sujet))?"
    r"(?:\W+(?:please|s['’]il\s+(?:te|vous)\s+pla[iî]t|stp|svp))?[\s?!.…]*", re.I)


def asks_for_more(question: str) -> bool:
    """Whether the question only asks for more of the previous answer ("Tell me more", "Dis-m'en plus")."""
    return bool(_MORE.fullmatch(question))


# Words that open a question asked yes or no ("And did Arsenal win?", "Et est-ce que ..."; "qu'" opens "Et qu'a
# dit ... ?").
_AUXILIARIES = frozenset("did does do is are was were has have had can could will would should est".split())
# A continuation that asks a question with at least this many words of its own asks it in full.
FULL_QUESTION_WORDS = 3


def asks_in_full(question: str) -> bool:
    """Whether a question that opens as a continuation asks a whole question of its own: "And how many people
    died in the earthquake in Turkey?", "Et qui a gagné l'élection au Bénin ?": a question word, three words of
    its own, a name and no pronoun. Its "And" made it a follow-up, searched with the earlier questions, and the
    "Why?" after it borrowed back to the topic before it (a railway strike). Not one that points back ("And who
    supplies them?") or says little ("And what did Washington fear?", "Et combien d'employés ?")."""
    opening = _CONTINUATIONS.match(question)
    if not opening:
        return False
    rest = question[opening.end():]
    words = _WORD.findall(rest.lower())
    if not words or not (words[0] in _QUESTION_WORDS or words[0] in _AUXILIARIES or words[0] == "qu"):
        return False
    # Pronouns only: "l'" in "l'élection" is an article. And a name of its own: "And what did the minister say
    # about the strike?" still means the strike talked about.
    from .answering.grounding import question_names

    return len(tokenize(rest, query=True)) >= FULL_QUESTION_WORDS and not set(words) & _PRONOUNS \
        and bool(question_names(question))


def is_follow_up(question: str) -> bool:
    """Whether the question leans on the previous one: it opens as a continuation (unless it asks a whole
    question of its own), or it has at most two words of its own and points back ("Who supplies them?", "Qui
    les fournit ?"), or it asks for more. Anything else stands alone, since the user may change subject at any
    turn."""
    if asks_for_more(question):
        return True
    if _CONTINUATIONS.match(question):
        return not asks_in_full(question)
    own = tokenize(question, query=True)
    return not own or (len(own) <= 2 and _points_back(question))


# A possessive or "that of" before a continuation's own subject: what is asked is what follows.
_OF_THE_SAME = re.compile(r"^(?:(?:its|their|his|her|son|sa|ses|leur|leurs)\s+(?=[^\W\d_])|"
                          r"(?:that|those)\s+of\s+|(?:celui|celle|ceux|celles)\s+(?:de\s+|d['’]\s*|du\s+|des\s+))",
                          re.I)


def new_subject(question: str) -> str | None:
    """What a continuation brings of its own ("And unemployment?" -> "unemployment", "Et le chômage ?" ->
    "le chômage"), or ``None`` when it is no continuation or only points back ("And who supplies them?")."""
    opening = _CONTINUATIONS.match(question)
    if not opening:
        return None
    rest = question[opening.end():].strip(" \t?!.,;:¿¡")
    # "And its net debt?", "Et celle de Thermalis ?": the thing asked, of the same one or of another.
    rest = _OF_THE_SAME.sub("", rest, count=1)
    words = set(_WORD.findall(rest.lower()))
    if words & _PRONOUNS or not tokenize(" ".join(words - _QUESTION_WORDS), query=True):
        return None
    return rest


# How much more a continuation's own subject weighs in its query vector than the question it continues.
# With the two alike, "What is the inflation rate?" then "And unemployment?" quoted inflation again (e5
# rates the short "And unemployment?" nearest to an unrelated sentence; "unemployment" alone nearest to
# the one on unemployment); at 2, it and "And the tourists?" after a question on weapons found their own.
NEW_SUBJECT_WEIGHT = 2.0
# The same for a follow-up that points back ("What did they say about famine?", after a question on the
# Tour de France, quoted the stage's winner again; at 0.5 it found the famine, and "Who said that?" the
# one who said it; at 1, "What did the minister say about it?" lost the article's lead for a sentence on
# energy prices).
POINTING_WEIGHT = 0.5


def query_vector(embeddings: ModelEmbeddings, question: str, search: str) -> np.ndarray:
    """The vector to search and answer with. A continuation that brings a subject of its own searches
    with the earlier question's words (its frame: "the rate") but leans to its own subject: otherwise the
    longer earlier question outweighs it and the answer repeats the previous one."""
    if search == question or asks_for_more(question):  # "Tell me more" says nothing of what it asks about
        return embeddings.embed_queries([search])[0]
    subject, weight = new_subject(question), NEW_SUBJECT_WEIGHT
    if subject is None and tokenize(question, query=True):
        # A follow-up that points back but says what it asks about ("What did they say about famine?")
        # keeps the earlier topic, with a word of its own.
        subject, weight = question, POINTING_WEIGHT
    if subject is None:
        return embeddings.embed_queries([search])[0]
    earlier, own = embeddings.embed_queries([search, subject])
    vector = np.asarray(earlier, np.float32) + weight * np.asarray(own, np.float32)
    return vector / np.linalg.norm(vector)


# A question asking for a list reads this many times the passages of another (unless given its ``k``).
LIST_PASSAGES = 2
# Passages of the articles published on the day a question names, added to what retrieval found.
DATE_PASSAGES = 3

# At most this many earlier questions lend their words to a follow-up.
FOLLOW_UP_CHAIN = 3


def search_query(question: str, history: list[tuple[str, str]]) -> str:
    """What to retrieve with: a follow-up borrows the previous question's words; a new question does not.

    "And who supplies them?" alone finds nothing; with "What weapons were mentioned?" before it, it
    finds the passage about the weapons and their supplier. "What did Budanov say?" after a question on
    the United States must find Budanov, not the United States.
    """
    if not history or not is_follow_up(question):
        return question
    # A follow-up to a follow-up ("And who signed it?" then "Until when?") borrows back to the question
    # that set the topic: the one before it alone names nothing. One with a subject of its own borrows
    # that question's frame only: after "Et le chômage ?", "And growth?" is not about unemployment.
    subject = new_subject(question)
    # "Tell me more" says nothing to borrow: three in a row searched "Dis-m'en plus Dis-m'en plus ..." and were
    # refused, the articles not mentioning "Dis-m'en".
    worded = [turn for turn in history if not asks_for_more(turn[0])]
    borrowed: list[str] = []
    for previous, _ in reversed(worded if subject else worded[-FOLLOW_UP_CHAIN:]):
        framing = not is_follow_up(previous)
        if framing or subject is None:
            borrowed.insert(0, previous)
        if framing:
            break
    if asks_for_more(question):  # the earlier question is what is asked; "tell me" is no word to search
        return " ".join(borrowed)
    return " ".join([*borrowed, question])


def already_said(question: str, history: list[tuple[str, str]]) -> list[str]:
    """For a question asking for more ("Tell me more"), the earlier answers' texts back to the question
    that set the topic: what they quoted is not quoted again. Empty for any other question."""
    return [answer_text for _, answer_text in _turns_since_topic(question, history)]


def already_cited(question: str, history: list[tuple[str, str]]) -> Cited:
    """For a question asking for more, what the earlier answers back to the question that set the topic
    cited (``Turn.cited``: known where the caller gave its ``Answer``s). A model's answer puts what it cites
    in its own words, which its text alone could not tell apart from the sentences it left out."""
    return frozenset(span for turn in _turns_since_topic(question, history) for span in cited_by(turn))


def _turns_since_topic(question: str, history: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if not history or not asks_for_more(question):
        return []
    turns: list[tuple[str, str]] = []
    for turn in reversed(history):
        turns.append(turn)
        if not is_follow_up(turn[0]):
            break
    return turns


def is_cited(doc_id: str, start: int, end: int, cited: Cited) -> bool:
    """Whether an earlier answer cited a span of this article overlapping ``start:end`` (a quote is its
    sentence trimmed of a dangling quotation mark: overlap, not equality)."""
    return any(doc_id == cited_id and start < cited_end and cited_start < end
               for cited_id, cited_start, cited_end in cited)


def without_sentences_said(doc: Document, said: Sequence[str], cited: Cited = frozenset()) -> Document:
    """``doc`` whose sentences quoted in ``said`` (answer texts) or ``cited`` (by earlier answers) are no
    longer offered to quote; its text and offsets are untouched, and ``LEFT_OUT`` marks it (an LLM answerer
    shows the model only the sentences offered)."""
    from .chunking import stored_sentences

    offset = doc.metadata["start"]
    doc_id = str(doc.metadata.get("doc_id", ""))
    spans = stored_sentences(doc)
    kept = [(a, b) for a, b in spans
            if not is_cited(doc_id, a, b, cited)
            and not any(" ".join(doc.page_content[a - offset : b - offset].split()) in " ".join(text.split())
                        for text in said)]
    if len(kept) == len(spans):
        return doc
    return Document(page_content=doc.page_content,
                    metadata={**doc.metadata, "sentences": json.dumps(kept), LEFT_OUT: True})


# The metadata key of a passage some of whose sentences an earlier answer quoted (``without_sentences_said``).
LEFT_OUT = "said_left_out"


# "And in Benin?", "Et au Bénin ?", "Et Scholz ?": a continuation that is only a name, after a preposition.
_NAMED_SUBJECT = re.compile(
    r"(?i:(?:(?:in|at|on|for|from|to|with|about|au|aux|en|à|a|pour|chez|dans|avec|sur|de|du|des)\s+)?"
    r"(?:(?:the|le|la|les|l['’])\s*)?)"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+(?:(?:de|du|des|d['’]|of|the)\s*)?[A-ZÀ-ÖØ-Þ][\w’'-]*)*)")


def substituted(question: str, history: list[tuple[str, str]]) -> str | None:
    """The earlier question with this continuation's name in place of the one it asked about, when the
    continuation is only a name: "Who won the election in Portugal?" then "And in Benin?" is "Who won the
    election in Benin?". Blended with the earlier question, "And in Benin?" leaned to any sentence on
    Benin and quoted the loser's score. ``None`` when the earlier question names no one thing of the
    same kind (two places, or a place where the continuation names a person) to replace."""
    from .answering.grounding import place_types, question_names

    subject = new_subject(question)
    named = _NAMED_SUBJECT.fullmatch(subject or "")
    if not named:
        return None
    frame = next((previous for previous, _ in reversed(history) if not is_follow_up(previous)), None)
    if frame is None:
        return None
    place = bool(place_types(named.group("name")))
    candidates = [name for name in question_names(frame) if bool(place_types(name)) == place]
    if len(candidates) != 1:
        return None
    # Only the name: the earlier question's own preposition and article stay ("de la Chine" -> "de la
    # Corée du Nord", where "Et en Corée du Nord ?" would make "la position en Corée du Nord").
    at = frame.rfind(candidates[0])
    before, name = frame[:at], named.group("name")
    if re.search(r"\bd['’]$", before) and not re.match(r"[aeiouyhàâéèêëîïôûAEIOUYHÀÂÉÈÊËÎÏÔÛ]", name):
        before = before[:-2] + "de "  # "d'Ardelys" -> "de Thermalis"
    return before + name + frame[at + len(candidates[0]):]


# An answer's citation as a follow-up remembers it: (doc_id, start, end) in the article.
CitedSpan = tuple[str, int, int]
Cited = frozenset[CitedSpan]


class Turn(tuple):
    """An earlier turn: ``(question, answer text)`` as any pair, and ``cited``, the spans its answer's
    citations quoted, when the caller gave the ``Answer`` (or its dict, or its message) and not only its text."""

    cited: Cited

    def __new__(cls, question: str, answer: str, cited: Iterable[CitedSpan] = ()) -> Turn:
        turn = super().__new__(cls, (question, answer))
        turn.cited = frozenset(cited)
        return turn

    def __getnewargs__(self) -> tuple[str, str, Cited]:  # copied and pickled whole (a deepcopy of the state)
        return (self[0], self[1], self.cited)


def cited_by(turn: tuple[str, str]) -> Cited:
    """The spans a turn's answer cited: none known for a plain pair."""
    return turn.cited if isinstance(turn, Turn) else frozenset()


def citation_spans(citations: Any) -> Cited:
    """The spans of an answer's citations, as ``Citation``s or their dicts (``to_dict``); others are passed over."""
    spans: set[CitedSpan] = set()
    for citation in citations if isinstance(citations, list | tuple) else ():
        values = citation.to_dict() if isinstance(citation, Citation) else citation
        if not isinstance(values, dict):
            continue
        doc_id, start, end = values.get("doc_id"), values.get("start"), values.get("end")
        if isinstance(doc_id, str) and doc_id and isinstance(start, int) and isinstance(end, int):
            spans.add((doc_id, start, end))
    return frozenset(spans)


def _message_citations(turn: Any) -> Cited:
    """The citations an answer's message keeps (``Answer.to_message``: its ``response_metadata``, or the same
    data as a dict's ``"answer"``)."""
    metadata = turn.get("response_metadata") if isinstance(turn, dict) else getattr(turn, "response_metadata", None)
    data = metadata.get("answer") if isinstance(metadata, dict) else None
    return citation_spans(data.get("citations")) if isinstance(data, dict) else frozenset()


_ASKING = frozenset({"human", "user"})
_ANSWERING = frozenset({"ai", "assistant"})
# A system message says nothing of the conversation: ("system", ...) was read as a question "system".
_SYSTEM = "system"
# The role given to a message with no text, only a file or an image: left out, as a system message is.
_UNSAID = "unsaid"


def conversation(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """The earlier turns as ``(question, answer text)`` pairs, from pairs, earlier ``Answer`` objects,
    ``{"question": ..., "answer": ...}`` dicts, or LangChain's messages (``("human", q), ("ai", a)``,
    ``HumanMessage``/``AIMessage`` or Gradio's and OpenAI's ``{"role": "user", "content": q}``, one per
    turn, which were read as pairs of the words "human" and "ai", their content text or a list of blocks as
    Gradio 6 gives it; system messages and messages without text are left out), or LangChain's chat history
    object (``InMemoryChatMessageHistory``) holding such messages; ``ValueError`` naming a turn that is none
    of these."""
    if isinstance(history, BaseChatMessageHistory):  # LangChain's store of a conversation: "not iterable"
        history = history.messages
    if isinstance(history, str | bytes | dict):  # its characters or keys were read as turns
        raise ValueError(f"history must be a list of earlier turns (pairs, Answers, dicts or LangChain messages), "
                         f"not a single {type(history).__name__}")
    turns: list[tuple[str, str]] = []
    asked: str | None = None
    for number, turn in enumerate(history or [], start=1):
        if isinstance(turn, Turn):  # read already (the chain's state read again)
            turns.append(turn)
            continue
        role, content = _message(turn)
        if role in (_SYSTEM, _UNSAID):
            continue
        if role in _ASKING:
            asked = content
            continue
        if role in _ANSWERING:
            if asked is not None:
                turns.append(Turn(asked, content, _message_citations(turn)))
            asked = None
            continue
        cited: Cited = frozenset()
        if isinstance(turn, Answer):
            pair, cited = (turn.question, turn.text), citation_spans(turn.citations)
        elif isinstance(turn, dict):
            pair = (turn.get("question"), turn.get("answer", turn.get("text")))
            cited = citation_spans(turn.get("citations"))
        elif isinstance(turn, list | tuple) and len(turn) == 2:
            pair = tuple(turn)
        else:
            pair = None
        if pair is None or not all(isinstance(part, str) for part in pair):
            raise ValueError(f"history turn {number} must be a (question, answer text) pair, an Answer, a dict "
                             f"with 'question' and 'answer', or a message (LangChain's, or {{'role': 'user', "
                             f"'content': ...}}), not {turn!r:.80}")
        turns.append(Turn(*pair, cited) if cited else pair)
    if asked is not None:  # a question left without its answer still sets the topic
        turns.append((asked, ""))
    return turns


def asked_last(messages: Sequence[Any]) -> tuple[str, list[tuple[str, str]]] | None:
    """A conversation as LangChain messages whose last one asks: that question and the turns before it, or
    ``None`` when the last message is no user's question (an answer, a system message, none at all)."""
    role, text = _message(messages[-1]) if messages else (None, "")
    if role not in _ASKING:
        return None
    return text, conversation(list(messages[:-1]))


def _message(turn: Any) -> tuple[str | None, str]:
    """A LangChain message's role and text: ``("human", "...")``, a ``BaseMessage`` or a chat message
    ``{"role": "user", "content": "..."}`` (Gradio's and OpenAI's, which LangChain takes too), its content
    text or a list of blocks; ``_UNSAID`` for one that holds no text (a file sent alone)."""
    roles = _ASKING | _ANSWERING | {_SYSTEM}
    if isinstance(turn, tuple | list) and len(turn) == 2 and turn[0] in roles and isinstance(turn[1], str | list):
        role, content = turn
    elif isinstance(turn, dict):
        role, content = turn.get("role"), turn.get("content")
    else:
        role, content = getattr(turn, "type", None), getattr(turn, "content", None)
    text = _block_text(content)
    if role not in roles or text is None:
        return None, ""
    if not text and content:  # blocks, none of them text
        return _UNSAID, ""
    return role, text


def _block_text(content: Any) -> str | None:
    """A message's text: its content as it is, or the text blocks of a list of them (``[{"type": "text",
    "text": ...}]``, as Gradio 6 hands a chat function its history, and OpenAI's and LangChain's messages may
    hold it), other blocks (a file, an image) left out; ``None`` for content that is neither."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list | tuple):
        return None
    texts: list[str] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif not (isinstance(block, dict) and isinstance(block.get("type"), str) and block["type"] != "text"):
            return None
    return "\n".join(text for text in texts if text)


def build_retrieval_chain(retriever: BaseRetriever, embeddings: ModelEmbeddings,
                          answerer: Answerer | None = None,
                          check: Callable[[Any], dict[str, Any]] | None = None) -> Runnable:
    """The chain up to the answer: its output is the state (question, language, docs, ...) to answer from.
    ``check`` takes the chain's input and returns it as the state to start from, or raises
    (``Assistant.check_inputs``: an empty question, a bad ``k`` or an unknown filter is refused)."""

    def prepare(inputs: str | dict[str, Any]) -> dict[str, Any]:
        if check is not None:
            state = check(inputs)
        else:
            state = {"question": inputs} if isinstance(inputs, str) else dict(inputs)
            state["history"] = conversation(state.get("history"))
        started = time.perf_counter()
        lexical = getattr(retriever, "lexical", None)  # a retriever of one's own may have no BM25 side
        frequency = lexical.fresh().frequency if lexical is not None else None

        def as_read(question: str) -> str:
            # In lower case when typed in capitals, a typo read as the word it misspells ("waepons"), an
            # acronym with its full names: e5 reads each as other words.
            lowered = in_lower_case(question)
            return with_full_names(respelled(lowered, frequency) if frequency is not None else lowered)

        calm = as_read(state["question"])
        if calm != state["question"]:  # searched and answered so; the answer keeps the question as typed
            state["typed"], state["question"] = state["question"], calm
        # The earlier questions a follow-up borrows too ("WHAT WEAPONS WERE MENTIONED?" then "AND WHO ...?").
        history = [Turn(as_read(turn[0]), turn[1], cited_by(turn)) for turn in state.get("history") or []]
        condense = getattr(answerer, "condense", None)
        more = bool(history) and asks_for_more(state["question"])
        # "Tell me more" is the earlier question again, which a rewrite can only blur: an LLM answerer's made
        # the model write again what it had written, from the same passages.
        if history and callable(condense) and "search_query" not in state and not more:
            # An LLM answerer rewrites a follow-up as a standalone question, used to search and to answer.
            state["standalone"] = state["search_query"] = condense(state["question"], history)
            state.setdefault("timings", {})["condense"] = time.perf_counter() - started
            started = time.perf_counter()
        rewritten = substituted(state["question"], history) if history and "search_query" not in state else None
        if rewritten:  # a continuation that only names another thing asks the earlier question about it
            state["standalone"] = state["search_query"] = rewritten
        if history and asks_for_more(state["question"]) and "search_query" not in state:
            # "Tell me more": the earlier question, answered with what its answers did not quote.
            state["standalone"] = state["search_query"] = search_query(state["question"], history) or state["question"]
            state["said"] = already_said(state["question"], history)
            state["cited"] = already_cited(state["question"], history)
        if "search_query" in state:  # given, rewritten, or an LLM's standalone question
            state["query_vector"] = embeddings.embed_queries([state["search_query"]])[0]
        else:
            state["search_query"] = search_query(state["question"], history)
            state["query_vector"] = query_vector(embeddings, state["question"], state["search_query"])
        state["language"] = state.get("language") or question_language(state["question"])
        state.setdefault("timings", {})["embed_query"] = time.perf_counter() - started
        return state

    def retrieve(state: dict[str, Any]) -> dict[str, Any]:
        from .answering.extractive import asks_for_list

        started = time.perf_counter()
        k = state.get("k")
        default_k = getattr(retriever, "k", None)  # a retriever of one's own may have none
        if k is None and isinstance(default_k, int) and asks_for_list(state.get("standalone") or state["question"]):
            # "What weapons were mentioned?": the five best passages were all the longest article's, and
            # the answer left out the other articles' weapons.
            k = LIST_PASSAGES * default_k
        # Through ``invoke``, so that callbacks and tracing see the retrieval as one (its documents too).
        state["docs"] = retriever.invoke(state["search_query"], k=k, where=state.get("where"),
                                         query_vector=state["query_vector"], language=state["language"])
        _check_passages(state["docs"])
        state["docs"] += _published_that_day(state, retriever)
        if state.get("said") or state.get("cited"):
            state["docs"] = [without_sentences_said(doc, state.get("said") or [], state.get("cited") or frozenset())
                             for doc in state["docs"]]
        state["docs"] = _of_the_articles_named(state, embeddings)
        state["absent"] = _absent_borrowed_names(state, embeddings)
        state["timings"]["retrieve"] = time.perf_counter() - started
        return state

    return RunnableLambda(prepare, name="prepare") | RunnableLambda(retrieve, name="retrieve")


def _check_passages(docs: Any) -> None:
    """``TypeError`` or ``ValueError`` for what a retriever of one's own returned that is no passage of the
    index: the answer quotes the articles at the passages' offsets (a bare ``Document`` raised KeyError)."""
    if not isinstance(docs, list) or not all(isinstance(doc, Document) for doc in docs):
        raise TypeError(f"the retriever must return a list of LangChain Documents, not {docs!r:.80}")
    for doc in docs:
        missing = [key for key in ("start", "doc_id") if key not in doc.metadata]
        if missing:
            raise ValueError(
                f"the retriever returned a passage of {doc.metadata.get('source', 'unknown source')} with no "
                f"{missing[0]!r} in its metadata: the answer quotes the indexed articles at their offsets, so a "
                "retriever set as assistant.retriever must return the index's passages (those of the assistant's "
                "own retriever, filtered or reordered)")


def _published_that_day(state: dict[str, Any], retriever: BaseRetriever) -> list[Document]:
    """For a question that names a day or a month ("What happened on June 8?"), the best passages of the
    articles published then, unless retrieval found them already: a dispatch rarely writes its own date
    ("on Sunday"), and without them the answer quoted other days' articles that mention June 8."""
    from .answering.extractive import dates_asked

    days = published_on_days(dates_asked(state.get("standalone") or state["question"]))
    if days is None:
        return []
    where = state.get("where")
    found = retriever.invoke(state["search_query"], k=DATE_PASSAGES, where={"$and": [where, days]} if where else days,
                             query_vector=state["query_vector"], language=state["language"])
    seen = {doc.metadata.get("chunk_id") for doc in state["docs"]}
    return [doc for doc in found if doc.metadata.get("chunk_id") not in seen]


def _of_the_articles_named(state: dict[str, Any], embeddings: ModelEmbeddings) -> list[Document]:
    """For a continuation with a subject of its own that names nothing ("And the turnout?"), the passages of the
    articles that mention what the earlier questions name ("Qui a gagné l'élection au Bénin ?"), when some do:
    the subject is asked of the same thing. "And the turnout?" quoted the Portuguese election's turnout, an
    English sentence nearer an English question than the Beninese article's French one."""
    from .answering.grounding import absent_names, question_names

    question, search, docs = state["question"], state["search_query"], state["docs"]
    if state.get("standalone") or search == question or not search.endswith(question) \
            or new_subject(question) is None or question_names(question):
        return docs
    earlier = search[: -len(question)]
    if not question_names(earlier):
        return docs
    by_article: dict[str, list[Document]] = {}
    for doc in docs:
        by_article.setdefault(str(doc.metadata.get("doc_id", "")), []).append(doc)
    named = {doc_id for doc_id, passages in by_article.items() if not absent_names(earlier, passages, embeddings)}
    if not named or len(named) == len(by_article):
        return docs
    return [doc for doc in docs if str(doc.metadata.get("doc_id", "")) in named]


def _absent_borrowed_names(state: dict[str, Any], embeddings: ModelEmbeddings) -> list[str]:
    """The names of the earlier questions a follow-up that points back leans on ("Why?", "And who supplies
    them?"), when no retrieved passage mentions them. The answerer checks the names of the question it is
    given, the follow-up's own: after "What did Zelensky say?" was refused for want of Zelensky, "Why?" was
    answered with two sentences on the topic, as if they were his reasons."""
    from .answering.grounding import absent_names

    question, search = state["question"], state["search_query"]
    if state.get("standalone") or search == question or not search.endswith(question) \
            or new_subject(question) is not None:
        return []
    return absent_names(search[: -len(question)], state["docs"], embeddings)


def _borrowed_refusal(state: dict[str, Any]) -> Answer | None:
    from .answering.messages import not_answered_text

    if not state.get("absent"):
        return None
    return Answer(text=not_answered_text(state["language"], state["absent"]), question=state["question"],
                  answered=False)


def _answer_args(state: dict[str, Any]) -> tuple[Any, ...]:
    return (state.get("standalone") or state["question"], state["query_vector"], state["docs"], state["language"])


def _signed(result: Answer, answerer: Any) -> Answer:
    """An answer that leaves its ``answerer`` to ``Answer``'s default names the answerer of one's own that wrote
    it (its answers said "extractive" while ``stats()`` named it). This package's answerers name themselves:
    an LLM answerer's extractive fallback says "extractive" on purpose."""
    if type(answerer).__module__.partition(".")[0] == __name__.partition(".")[0]:
        return result
    name = getattr(answerer, "name", None)
    if result.answerer == "extractive" and isinstance(name, str) and name and name != "extractive":
        result.answerer = name
    return result


# "Tell me more" once the earlier answers quoted all there is on the question: "The indexed articles do not
# answer this question." denied the answers just given.
NOTHING_MORE = {
    "en": "The answers above quoted all that the indexed articles say on this question.",
    "fr": "Les réponses ci-dessus ont cité tout ce que les articles indexés disent sur cette question.",
}


def _nothing_more(result: Answer, state: dict[str, Any]) -> Answer:
    from .answering.messages import not_answered_text

    language = state.get("language") if state.get("language") in NOTHING_MORE else "en"
    # Only after answers that quoted something: after a refusal, there is nothing "above" to speak of.
    quoted = bool(state.get("cited")) or any(re.search(r"\[\d+\]", text) for text in state.get("said") or [])
    if quoted and not result.answered and result.text in (not_answered_text(language), not_answered_text("en")):
        result.text = NOTHING_MORE[language]
    return result


def _finish(result: Answer, state: dict[str, Any], started: float) -> Answer:
    result = _nothing_more(result, state)
    state["timings"]["answer"] = time.perf_counter() - started
    result.question = state.get("typed") or state["question"]
    result.timings = {key: round(value, 4) for key, value in state["timings"].items()}
    return result


def build_chain(retriever: BaseRetriever, embeddings: ModelEmbeddings, answerer: Answerer,
                check: Callable[[Any], dict[str, Any]] | None = None,
                before: Callable[[dict[str, Any]], Answer | None] | None = None,
                after: Callable[[Answer, dict[str, Any]], Answer] | None = None) -> Runnable:
    """Question (a string, or ``{"question", "k", "where", "history"}`` with a raw Chroma ``where``) ->
    ``Answer``: retrieval and the answerer. ``check`` turns the input into the state (or raises);
    ``before(state)`` may answer without a search (``Assistant``: nothing indexed, another script, filters
    that match nothing, the entity index's lists); ``after(answer, state)`` finishes an answer (the
    filters' notice). ``Assistant.chain`` has all three, so that it answers as ``ask`` does."""

    def answer(state: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        refused = _borrowed_refusal(state)
        if refused is not None:
            refused.answerer = answerer.name
        result = _finish(refused or _signed(answerer.answer(*_answer_args(state)), answerer), state, started)
        return after(result, state) if after is not None else result

    answering = build_retrieval_chain(retriever, embeddings, answerer) | RunnableLambda(answer, name="answer")

    def checked(inputs: str | dict[str, Any]) -> dict[str, Any]:
        if check is not None:
            return check(inputs)
        return {"question": inputs} if isinstance(inputs, str) else dict(inputs)

    def route(state: dict[str, Any]) -> Answer | Runnable:
        early = before(state) if before is not None else None
        # A Runnable returned here is run on the same state, and shows in callbacks as the chain's step.
        return early if early is not None else answering

    return (RunnableLambda(checked, name="check") | RunnableLambda(route, name="route")).with_config(
        run_name="news-qa")


def stream_answer(answerer: Answerer, state: dict[str, Any]) -> Iterator[str | Answer]:
    """Text pieces as the answerer produces them (when it can stream), then the final ``Answer``."""
    started = time.perf_counter()
    refused = _borrowed_refusal(state)
    if refused is not None:
        refused.answerer = answerer.name
        yield _finish(refused, state, started)
        return
    stream = getattr(answerer, "stream", None)
    if not callable(stream):
        yield _finish(_signed(answerer.answer(*_answer_args(state)), answerer), state, started)
        return
    for piece in stream(*_answer_args(state)):
        yield _finish(_signed(piece, answerer), state, started) if isinstance(piece, Answer) else piece
