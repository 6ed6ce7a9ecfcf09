"""Summary requests: "Résume l'article", "What is this article about?", "Key points of the article on the strike?"
are answered with each article's own sentences, quoted and cited as any answer is.

Searched as questions, they found whatever sentence was nearest the words "article" or "summary": the sample
article's summary was two sentences on the war's effects, and "Quels sont les points clés ?" was refused.
A news article says its essentials first, so its summary is its lead sentence, and, for one article, the two
sentences nearest the article's mean vector (the ones most about what the whole article is about), in
reading order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.documents import Document

from ..loaders import FILE_NAME
from ..types import Answer
from .extractive import ScoredSentence, asks, citation_for, embedded_sentences

SUMMARY = "article summary"  # the answerer of these answers: the articles' own sentences, no search
ONE_ARTICLE_SENTENCES = 3
MANY_ARTICLES = 5  # summed up one sentence each, the latest first; the others are counted
REPEATED = 0.92  # a sentence this near one chosen says it again
MIN_WORDS = 5  # "Photo AFP.", "Lire aussi :" are no summary
ALSO_ABOUT = 0.015  # "the articles about X": those whose nearest sentence is this near the first's

_PLEASE = r"(?:(?:please|can you|could you|peux-tu|pouvez-vous|tu peux|vous pouvez|merci de)\s+)?"
_SUMMARISE = (r"(?:summari[sz]e|sum\s+up|give\s+(?:me\s+)?(?:a\s+|the\s+)?(?:summary|overview|gist|main\s+points|"
              r"key\s+points|highlights)|"
              r"r[ée]sum(?:e|ez|er)(?=\s+(?:l['’]|les?\b|la\b|ce\b|cet\b|cette\b|ces\b)|\s*[?.!]*\s*$)|"
              r"r[ée]sum[ée]z?|(?:fais|faites|donne|donnez)(?:-moi)?\s+un\s+r[ée]sum[ée]|"
              r"(?:a\s+)?summary|(?:an\s+)?overview|tl;?\s*dr|un\s+r[ée]sum[ée])")
_POINTS = (r"(?:(?:what\s+are\s+)?the\s+(?:key|main)\s+points|(?:key|main)\s+points|highlights|"
           r"(?:quels\s+sont\s+)?les\s+(?:points\s+(?:cl[ée]s|principaux|essentiels)|principaux\s+points)|"
           r"(?:les\s+)?points\s+cl[ée]s|l['’]essentiel)")
_REQUEST = re.compile(rf"^\s*{_PLEASE}(?:{_SUMMARISE}|{_POINTS})\b(?P<rest>.*?)\s*[?.!]*\s*$", re.I)
# "What is the article about?", "De quoi parle l'article sur la grève ?", "What does this article say?"
_ABOUT = re.compile(
    r"^\s*(?:what\s+(?:is|are)\s+(?P<en>.+?)\s+about|de\s+quoi\s+(?:parle|parlent|traite|traitent)\s+(?P<fr>.+?)|"
    r"what\s+(?:does|do)\s+(?P<say>.+?)\s+say|que\s+(?:dit|disent)\s+(?P<dit>.+?))\s*[?.!]*\s*$", re.I)
# What a question calls an article, in both languages (collection.py reads its questions with it too).
ARTICLE_WORDS = r"(?:articles?|stories|story|texts?|textes?|documents?|pieces?|papiers?|reports?|dépêches?)"
# What may stand between the request and what it is about: "of", "de", a determiner, the word "article".
_LEAD = re.compile(rf"^\s*(?:(?:of|for|from|on|de|du|des|d['’]|pour|sur)\s+)?(?:(?:the|this|that|these|those|all|"
                   rf"le|la|les|l['’]|ce|cet|cette|ces|tous\s+les|toutes\s+les|each|every|chaque)\s*)*"
                   rf"(?P<word>{ARTICLE_WORDS})?\b\s*", re.I)
# What names an article's subject after the word "article": "about the strike", "sur la grève".
_SUBJECT = re.compile(r"^(?:about|on|regarding|concerning|sur|à\s+propos\s+d[eu']|au\s+sujet\s+d[eu']|concernant|"
                      r"consacrée?s?\s+à|qui\s+parle\s+d[eu']|d['’]|de|du|des)\s*(?P<subject>.+)$", re.I)
_POINTING = {"", "it", "this", "that", "them", "ça", "cela", "ceci", "le", "la", "les"}
_PLURAL = re.compile(r"\b(?:articles|stories|texts|textes|documents|pieces|papiers|reports|dépêches|these|those|all|"
                     r"ces|tous|toutes|them)\b", re.I)

INTRO = {"en": "What the articles say, the latest first (their opening sentences):",
         "fr": "Ce que disent les articles, du plus récent au plus ancien (leurs premières phrases) :"}
MORE = {"en": "… and {n} more: ask for one by its subject (“Summarize the article about …”).",
        "fr": "… et {n} autres : demandez-en un par son sujet (« Résume l'article sur … »)."}
NOTHING_MORE = {"en": "The summary above quoted all there is to quote of “{title}”.",
                "fr": "Le résumé ci-dessus a cité tout ce qu'il y avait à citer de « {title} »."}
ALL_SUMMED_UP = {"en": "The summaries above covered every article asked for.",
                 "fr": "Les résumés ci-dessus ont couvert tous les articles demandés."}
NOTHING = {"en": "The article “{title}” holds no sentence to quote.",
           "fr": "L'article « {title} » ne contient aucune phrase à citer."}


@dataclass(frozen=True)
class SummaryRequest:
    subject: str  # what the article asked for is about, or its file or title; "" for every article in scope
    plural: bool  # "the articles", "these stories": every one, even when one is named


def parse(question: str) -> SummaryRequest | None:
    """The summary asked for, or None for any other question ("What does the article say about X?" asks
    about X: it is searched)."""
    text = " ".join(question.split())
    match = _REQUEST.match(text)
    if match:
        rest = match.group("rest")
    else:
        about = _ABOUT.match(text)
        if not about:
            return None
        rest = next(group for group in about.groups() if group is not None)
        if not re.search(rf"\b{ARTICLE_WORDS}\b|^(?:it|this|that|ça|cela|ceci)$", rest, re.I):
            return None  # "What is Hamas about?", "De quoi parle Kim ?": a question on the thing itself
    lead = _LEAD.match(rest)
    remainder = rest[lead.end():].strip() if lead else rest.strip()
    named_article = bool(lead and lead.group("word"))
    subject = _SUBJECT.match(remainder)
    if subject:
        remainder = subject.group("subject").strip()
    elif remainder and not named_article and remainder.lower() not in _POINTING and not FILE_NAME.search(remainder):
        # "Summarize the war in Ukraine": a topic, not an article; its sentences are searched for.
        return None
    plural = bool(_PLURAL.search(rest))
    return SummaryRequest("" if remainder.lower() in _POINTING else remainder, plural)


def answer_summary_request(assistant: Any, question: str, language: str, filters: dict[str, Any] | None = None,
                           history: Sequence[tuple[str, str]] = ()) -> Answer | None:
    """The summary of the article(s) the question asks for, or None when it asks for none. "Summarize it"
    after a question summarises the article most about that question."""
    from ..chain import cited_by

    said: list[str] = []
    cited: frozenset[tuple[str, int, int]] = frozenset()
    request = parse(question)
    if request is None:
        request, said = _more_of(question, history)
        if request is None:
            return None
        # What those answers cited: a summary the model wrote puts its sentences in its own words.
        cited = frozenset(span for turn in history[-len(said):] for span in cited_by(turn))
        history = history[:-len(said)]  # as the summary was asked
    follows = not request.subject and not request.plural and bool(history)
    if follows:  # "Summarize it": the article of the question just asked
        from ..chain import asks_for_more

        # Not "Tell me more", which names no article: after it, the article of a strike summed up the sample's
        # weapons, the question that had set the topic.
        asked = next((q for q, _ in reversed(history) if not asks_for_more(q)), history[-1][0])
        request = SummaryRequest(asked, plural=False)
    from .collection import articles_in_scope

    lang = language if language in INTRO else "en"
    where = assistant.where(filters)
    articles = articles_in_scope(assistant, filters)
    if request.subject:
        chosen = _about(assistant, request, articles, where, language, follows)
        if not chosen:
            from ..entity_answers import NO_SUCH_ARTICLE

            text = NO_SUCH_ARTICLE.get(lang, NO_SUCH_ARTICLE["en"]).format(scope=request.subject)
            return Answer(text=text, question=question, answered=False, answerer=SUMMARY)
        articles = [a for a in articles if a.doc_id in chosen]
    if not articles:
        return None  # nothing in scope: the search says so, with the filters named
    if len(articles) == 1:
        return _one(assistant, question, lang, articles[0], said, cited)
    return _many(assistant, question, lang, articles, said, cited)


def passages_to_write_from(assistant: Any, question: str, summary: Answer) -> list[Document]:
    """For an LLM answerer, the passages to write this summary from: the chunks of the sentences it quotes, in
    reading order (the lead's, and those of the sentences most about the whole article, which bounds the
    prompt whatever the article's length), ``k`` at most; none (it stays as it is) unless it is one article's
    summary first asked. "Tell me more" quotes the sentences not quoted yet, which only the article's own words
    tell apart, and several articles' summary is a list of their leads, like the collection's lists."""
    if summary.answerer != SUMMARY or not summary.answered or parse(question) is None:
        return []
    if len({c.source for c in summary.citations}) != 1 or summary.text.startswith(tuple(INTRO.values())):
        return []
    # No more passages than a question gets: ASSISTANT_K is what a small context is fitted with. The lead's first.
    ids = list(dict.fromkeys(c.chunk_id for c in summary.citations))[:assistant.settings.k]
    docs = [doc for doc, _ in assistant.store.get_chunks(ids)]
    return sorted(docs, key=lambda d: int(d.metadata.get("start", 0)))


def _more_of(question: str, history: Sequence[tuple[str, str]]) -> tuple[SummaryRequest | None, list[str]]:
    """For "Tell me more" after a summary: that summary's request, and the answers given to it since, whose
    sentences are not quoted again (searched, it quoted the sentences nearest the words "summarize the
    articles")."""
    return more_of(question, history, parse)


def more_of(question: str, history: Sequence[tuple[str, str]],
            read: Callable[[str], Any]) -> tuple[Any | None, list[str]]:
    """For "Tell me more": what ``read`` makes of the question that set the topic (None: not its kind), and the
    answers given since (to leave out what they quoted)."""
    from ..chain import asks_for_more

    if not history or not asks_for_more(question):
        return None, []
    said: list[str] = []
    for asked, answer_text in reversed(history):
        said.append(answer_text)
        if not asks_for_more(asked):
            # The question before the requests for more, even one that reads as a follow-up: "Résume l'article"
            # and "Liste les articles" do (two words, one pointing back), and "Dis-m'en plus" after them was
            # searched for, and refused.
            request = read(asked)
            return (request, said) if request is not None else (None, [])
    return None, []


def _about(assistant: Any, request: SummaryRequest, articles: Sequence[Any], where: dict[str, Any] | None,
           language: str, follows: bool = False) -> set[str]:
    """The doc ids of the article named by its file or title, or else the one most about the subject; for
    "the articles about ...", also those about it nearly as much as the first. ``follows``: the subject is
    the question asked before, whose nearest article is the one, however near."""
    from ..entity_answers import articles_about
    from ..filters import resolve_sources

    ids = {a.doc_id for a in articles}
    named = {doc_id for doc_id in resolve_sources([request.subject], articles) if doc_id in ids}
    if len(named) == 1 and not request.plural:
        return named
    ranked = articles_about(assistant, request.subject, where, language)
    about = [s.chunk.metadata["doc_id"] for s in nearly_as_near(ranked) if s.chunk.metadata["doc_id"] in ids]
    if follows and not about:
        # A question is no subject: "What weapons were mentioned?" stood 0.80 from the sample's nearest sentence,
        # short of a subject's bar, and "Résume l'article" after it said that no article was about it.
        about = [s.chunk.metadata["doc_id"] for s in ranked if s.chunk.metadata["doc_id"] in ids][:1]
    if not request.plural:
        return set(about[:1])
    return named | set(about)


def nearly_as_near(ranked: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """Of the articles' sentences nearest a subject (``entity_answers.articles_about``), those of the
    articles about it: the first if near enough, and those nearly as near. e5-small rates a short subject
    near every article of the same kind ("the strike": 0.831 for the rail strike, 0.812 for the refinery's
    and 0.811 for an earthquake)."""
    from ..entity_answers import SCOPE_MIN_SIMILARITY

    if not ranked or ranked[0].similarity < SCOPE_MIN_SIMILARITY:
        return []
    return [s for s in ranked if s.similarity >= ranked[0].similarity - ALSO_ABOUT]


def _one(assistant: Any, question: str, lang: str, article: Any, said: Sequence[str] = (),
         cited: frozenset[tuple[str, int, int]] = frozenset()) -> Answer:
    sentences, vectors = article_sentences(assistant, article)
    fresh = [i for i, s in enumerate(sentences) if not was_quoted(s, said, cited)]
    if not fresh:
        text = (NOTHING_MORE if sentences else NOTHING)[lang].format(title=article.title)
        return Answer(text=text, question=question, answered=False, answerer=SUMMARY)
    chosen = central([sentences[i] for i in fresh], vectors[fresh], ONE_ARTICLE_SENTENCES, lead=not said)
    marked = " ".join(f"{s.text} [{marker}]" for marker, s in enumerate(chosen, start=1))
    text = f"{_heading(article, lang, chosen[0].text)}{marked}"
    citations = [citation_for(marker, s) for marker, s in enumerate(chosen, start=1)]
    return Answer(text=text, citations=citations, question=question, answerer=SUMMARY)


def _many(assistant: Any, question: str, lang: str, articles: Sequence[Any], said: Sequence[str] = (),
          cited: frozenset[tuple[str, int, int]] = frozenset()) -> Answer:
    latest = articles  # articles_in_scope: the latest first
    paragraphs: list[str] = [INTRO[lang]]
    chosen: list[ScoredSentence] = []
    summed_up = 0  # in earlier answers
    for article in latest:
        if len(chosen) == MANY_ARTICLES:
            break
        sentences, _ = article_sentences(assistant, article)
        if not sentences:
            continue
        if was_quoted(sentences[0], said, cited):
            summed_up += 1
            continue
        chosen.append(sentences[0])
        paragraphs.append(f"- {_heading(article, lang, sentences[0].text)}{sentences[0].text} [{len(chosen)}]")
    if not chosen:
        text = ALL_SUMMED_UP[lang] if summed_up else NOTHING[lang].format(title=latest[0].title)
        return Answer(text=text, question=question, answered=False, answerer=SUMMARY)
    left = len(latest) - len(chosen) - summed_up
    if left > 0:
        paragraphs.append("\n" + MORE[lang].format(n=left))  # a paragraph of its own, not the last item's
    citations = [citation_for(marker, s) for marker, s in enumerate(chosen, start=1)]
    return Answer(text="\n".join(paragraphs), citations=citations, question=question, answerer=SUMMARY)


def _heading(article: Any, lang: str, first: str) -> str:
    """"“Title” (2024-06-19): ", unless the title is the opening of the first sentence quoted (a text file's
    title is its first line)."""
    from .collection import COLON, titled

    title = article.title.rstrip("…").strip()
    if not title or first.startswith(title):
        return f"({article.published}) " if article.published else ""
    return f"{titled(article, lang)}{COLON[lang]} "


def article_sentences(assistant: Any, article: Any) -> tuple[list[ScoredSentence], np.ndarray]:
    """The article's sentences that can stand in a summary, in reading order, with their vectors (from the
    embedding cache, where indexing put them)."""
    from ..loaders import METADATA_LINE, is_byline

    ids = assistant.store.chunk_ids_of(article.doc_id)
    docs = sorted((doc for doc, _ in assistant.store.get_chunks(ids)), key=lambda d: int(d.metadata.get("start", 0)))
    sentences, vectors = embedded_sentences(docs, assistant.embeddings, assistant.cache)
    kept: dict[int, int] = {}  # start -> index: a sentence in two overlapping chunks once
    for i, s in enumerate(sentences):
        if (s.start not in kept and not s.headline and not asks(s.text) and len(s.text.split()) >= MIN_WORDS
                and not METADATA_LINE.match(s.text) and not is_byline(s.text)):
            kept[s.start] = i
    order = sorted(kept.values(), key=lambda i: sentences[i].start)
    return [sentences[i] for i in order], vectors[order] if order else vectors[:0]


def was_quoted(sentence: ScoredSentence, said: Sequence[str], cited: frozenset[tuple[str, int, int]]) -> bool:
    """Whether an earlier answer quoted the sentence: its text holds it, or its citations cite it."""
    from ..chain import is_cited

    doc_id = str(sentence.chunk.metadata.get("doc_id", ""))
    return quoted(sentence.text, said) or is_cited(doc_id, sentence.start, sentence.end, cited)


def quoted(sentence: str, said: Sequence[str]) -> bool:
    """Whether an earlier answer's text holds the sentence (spaces aside)."""
    words = " ".join(sentence.split())
    return any(words in " ".join(text.split()) for text in said)


def central(sentences: Sequence[ScoredSentence], vectors: np.ndarray, count: int,
            lead: bool = True) -> list[ScoredSentence]:
    """The lead sentence (unless ``lead`` is False), then those nearest the mean of the vectors given that do
    not repeat one chosen, in reading order; each scored by its nearness to that mean."""
    mean = vectors.mean(axis=0)
    mean = mean / (np.linalg.norm(mean) or 1.0)
    nearness = vectors @ mean
    for sentence, score in zip(sentences, nearness, strict=True):
        sentence.score = sentence.similarity = float(score)
    picked = [0] if lead else []
    for i in np.argsort(-nearness):
        if len(picked) == count:
            break
        if i not in picked and all(float(vectors[i] @ vectors[j]) < REPEATED for j in picked):
            picked.append(int(i))
    return [sentences[i] for i in sorted(picked)]
