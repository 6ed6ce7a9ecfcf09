"""Questions about the collection itself: "Which articles mention the CGT?", "Quels articles parlent de la grève ?",
"How many articles are there?", "Combien d'articles parlent du séisme ?", "List the articles", "Quel est l'article
le plus récent ?". Each article is listed with the passage that makes it one (its mention, or its lead), cited.

Searched as questions, they quoted the two sentences nearest the subject, from one article: "Which articles
mention the CGT?" got two of the rail strike's, not the list of articles, and "How many articles are there?" or
"Quel est l'article le plus récent ?" were refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..lexical import tokenize
from ..types import Answer
from .extractive import ScoredSentence, citation_for, quotable_sentences
from .summaries import ARTICLE_WORDS

COLLECTION = "article records"  # the answerer of these answers: the index's records and the articles' text
LISTED = 10  # articles listed one by one; the others are counted
CANDIDATE_CHUNKS = 2000  # chunks holding the subject's words, read for its mention

# Verbs that ask for the word itself ("mention", "cite"); the others ask what an article is about.
_MENTION = (r"mention|mentions|mentioned|name|names|cite|cites|quote|quotes|mentionnent|mentionne|citent|cite|"
            r"nomment|nomme")
_ABOUT = (r"talk\s+about|talks\s+about|are\s+about|is\s+about|discuss|discusses|cover|covers|deal\s+with|"
          r"deals\s+with|report\s+on|reports\s+on|refer\s+to|refers\s+to|speak\s+of|speaks\s+of|concern|concerns|"
          r"parlent\s+d[eu'’]|parle\s+d[eu'’]|parlent\s+des|parle\s+des|évoquent|évoque|traitent\s+d[eu'’]|"
          r"traitent\s+des|traite\s+d[eu'’]|traite\s+des|portent\s+sur|porte\s+sur|concernent|concerne|abordent|"
          r"aborde|about|on|sur|mentioning|mentionnant|citant")
_VERB = rf"(?P<verb>{_MENTION}|{_ABOUT})"
_SUBJECT = r"\s*(?P<subject>\S.*?)"
_END = r"\s*[?.!]*\s*$"
_WHICH = re.compile(
    rf"^\s*(?:(?:which|what)\s+(?:of\s+the\s+)?{ARTICLE_WORDS}|(?:quels?|quelles?)\s+{ARTICLE_WORDS})\s+{_VERB}\b{_SUBJECT}{_END}",
    re.I)
_HOW_MANY = re.compile(
    rf"^\s*(?:how\s+many|combien\s+d['’]\s*|combien\s+de\s+)\s*{ARTICLE_WORDS}"
    r"(?:\s+(?:are\s+there|are\s+indexed|do\s+(?:you|i|we)\s+have|y\s+a-t-il|sont\s+indexés|as-tu|avez-vous|"
    r"ai-je|(?:il\s+)?y\s+a))?"
    rf"(?:\s+{_VERB}\b{_SUBJECT})?{_END}", re.I)
_LIST = re.compile(
    r"^\s*(?:(?:list|show|give)(?:\s+me)?|liste(?:-moi)?|listez(?:-moi)?|affiche(?:-moi)?|montre(?:-moi)?|"
    r"donne(?:-moi)?)\s+(?:all\s+|tous\s+|toutes\s+)?(?:the\s+|les\s+)?(?:indexed\s+)?"
    rf"(?:articles|stories|texts|textes|documents|dépêches)(?:\s+indexés)?(?:\s+{_VERB}\b{_SUBJECT})?{_END}", re.I)
# "What articles do you have?", "Quels articles as-tu ?": every article.
_HAVE = re.compile(
    rf"^\s*(?:(?:which|what)\s+{ARTICLE_WORDS}\s+(?:do\s+(?:you|i|we)\s+have|are\s+(?:there|indexed|available))|"
    rf"(?:quels?|quelles?)\s+{ARTICLE_WORDS}\s+(?:as-tu|avez-vous|ai-je|y\s+a-t-il|sont\s+indexés|"
    rf"sont\s+disponibles|connais-tu|connaissez-vous)){_END}", re.I)
_EXTREME = re.compile(
    r"^\s*(?:(?:which|what)\s+(?:is|was|'s)\s+the\s+(?P<en>latest|most\s+recent|newest|last|oldest|earliest|first)"
    r"\s+(?:article|story|text|document)|quel\s+est\s+(?:l['’]article|le\s+texte|le\s+document)\s+le\s+plus\s+"
    r"(?P<fr>récent|recent|ancien|vieux)|quel\s+est\s+le\s+(?P<fr2>dernier|premier|plus\s+récent|plus\s+ancien)\s+"
    r"(?:article|texte|document))(?:\s+(?:indexed|indexé))?" + _END, re.I)
_DETERMINERS = re.compile(r"^(?:the|a|an|le|la|les|l['’]|un|une|des|du|de|d['’])\s*", re.I)

HEADERS = {
    "en": {"mention": ("{n} articles mention “{subject}”, the latest first:", "1 article mentions “{subject}”:",
                       "No indexed article mentions “{subject}”."),
           "about": ("{n} articles are about “{subject}”, the latest first:", "1 article is about “{subject}”:",
                     "No indexed article is about “{subject}”."),
           "all": ("{n} articles are indexed, the latest first:", "1 article is indexed:", "No article is indexed.")},
    "fr": {"mention": ("{n} articles mentionnent « {subject} », du plus récent au plus ancien :",
                       "1 article mentionne « {subject} » :", "Aucun article indexé ne mentionne « {subject} »."),
           "about": ("{n} articles parlent de « {subject} », du plus récent au plus ancien :",
                     "1 article parle de « {subject} » :", "Aucun article indexé ne parle de « {subject} »."),
           "all": ("{n} articles sont indexés, du plus récent au plus ancien :", "1 article est indexé :",
                   "Aucun article n'est indexé.")},
}
MORE = {"en": "… and {n} more.", "fr": "… et {n} autres."}
COLON = {"en": ":", "fr": " :"}  # French typography: a space before the colon
MORE_HEAD = {"en": "{n} more, the latest first:", "fr": "{n} autres, du plus récent au plus ancien :"}
ALL_LISTED = {"en": "The lists above named every article asked for.",
              "fr": "Les listes ci-dessus ont nommé tous les articles demandés."}
EXTREME = {"en": {"latest": "The latest article is “{title}”{date}: {lead} [1]",
                  "oldest": "The oldest article is “{title}”{date}: {lead} [1]"},
           "fr": {"latest": "L'article le plus récent est « {title} »{date} : {lead} [1]",
                  "oldest": "L'article le plus ancien est « {title} »{date} : {lead} [1]"}}
UNDATED = {"en": " (no indexed article states its date: by when it was indexed)",
           "fr": " (aucun article indexé ne donne sa date : selon quand il a été indexé)"}


@dataclass(frozen=True)
class CollectionQuestion:
    kind: str  # "list", "count" or "latest" / "oldest"
    subject: str = ""  # "" for every article in scope
    mention: bool = False  # the subject's words must be in the article ("mention", "cite")


def parse(question: str) -> CollectionQuestion | None:
    """The question about the collection, or None for any other."""
    text = " ".join(question.split())
    if match := _EXTREME.match(text):
        which = (match.group("en") or match.group("fr") or match.group("fr2") or "").lower()
        return CollectionQuestion("oldest" if which in {"oldest", "earliest", "first", "ancien", "vieux", "premier",
                                                        "plus ancien"} else "latest")
    if _HAVE.match(text):
        return CollectionQuestion("list")
    for kind, pattern in (("count", _HOW_MANY), ("list", _WHICH), ("list", _LIST)):
        if match := pattern.match(text):
            verb = (match.group("verb") or "").lower()
            subject = (match.group("subject") or "").strip()
            if kind == "list" and pattern is _WHICH and not subject:
                return None
            return CollectionQuestion(kind, subject, mention=bool(re.fullmatch(_MENTION, verb)))
    return None


def articles_in_scope(assistant: Any, filters: dict[str, Any] | None) -> list[Any]:
    """The indexed articles the filters leave (copies stand for their original), the latest first: by the
    date they state, then by when they were indexed."""
    articles = [a for a in assistant.articles() if not a.duplicate_of]
    where = assistant.where(filters)
    if where is not None:
        from ..entity_answers import _doc_ids_matching

        matching = set(_doc_ids_matching(assistant, where))
        articles = [a for a in articles if a.doc_id in matching]
    return sorted(articles, key=lambda a: (a.published or "", a.indexed_at), reverse=True)


def answer_collection_question(assistant: Any, question: str, language: str, filters: dict[str, Any] | None = None,
                               history: Sequence[tuple[str, str]] = ()) -> Answer | None:
    """The list, count or article asked for, or None for any other question. "Tell me more" after a list goes
    on with the articles it left out (searched, it quoted the sentences nearest "which articles ...")."""
    from .summaries import more_of, quoted

    said: list[str] = []
    asked = parse(question)
    if asked is None:
        asked, said = more_of(question, history, parse)
        if asked is None or asked.kind not in ("list", "count"):
            return None
    lang = language if language in HEADERS else "en"
    articles = articles_in_scope(assistant, filters)
    if asked.kind in ("latest", "oldest"):
        return _extreme(assistant, question, lang, articles, asked.kind)
    # "the strike" is searched as asked (e5 reads the phrase better than the word), named without "the"
    named = _DETERMINERS.sub("", asked.subject, count=1).strip() or asked.subject
    if asked.subject:
        found = mentions(assistant, asked.subject, articles)
        if not asked.mention:
            from ..entity_answers import articles_about
            from .summaries import nearly_as_near

            ranked = articles_about(assistant, asked.subject, assistant.where(filters), language)
            for sentence in nearly_as_near(ranked):
                found.setdefault(sentence.chunk.metadata["doc_id"], sentence)
        listed = [(a, found[a.doc_id]) for a in articles if a.doc_id in found]
        header = HEADERS[lang]["mention" if asked.mention else "about"]
    else:
        listed = [(a, None) for a in articles]
        header = HEADERS[lang]["all"]
    if said:
        listed = [(article, sentence) for article, sentence in listed if not quoted(article.title, said)]
        if not listed:
            return Answer(text=ALL_LISTED[lang], question=question, answered=False, answerer=COLLECTION)
        asked = CollectionQuestion("list", asked.subject, asked.mention)  # the rest, listed
        header = (MORE_HEAD[lang], MORE_HEAD[lang], "")
    return _list_answer(assistant, question, lang, asked, listed, header, named)


def _list_answer(assistant: Any, question: str, lang: str, asked: CollectionQuestion,
                 listed: list[tuple[Any, ScoredSentence | None]], header: tuple[str, str, str], named: str) -> Answer:
    """The articles listed, each with its sentence (its lead when none is given), ten at most, cited."""
    many, one, none = header
    if not listed:
        return Answer(text=none.format(subject=named), question=question, answered=False, answerer=COLLECTION)
    head = (one if len(listed) == 1 else many).format(n=len(listed), subject=named)
    if asked.kind == "count" and not asked.subject:
        listed = listed[:3]  # "How many articles are there?": the count, and the latest few
    lines, citations = [head], []
    for article, sentence in listed[:LISTED]:
        sentence = sentence or _lead(assistant, article)
        if sentence is None:
            lines.append(f"- {titled(article, lang)}")
            continue
        citations.append(citation_for(len(citations) + 1, sentence))
        if sentence.text.strip() == article.title.strip():  # the mention is in the headline
            lines.append(f"- {titled(article, lang)} [{len(citations)}]")
        else:
            lines.append(f"- {titled(article, lang)}{COLON[lang]} {sentence.text} [{len(citations)}]")
    if len(listed) > LISTED and asked.kind != "count":
        lines.append("\n" + MORE[lang].format(n=len(listed) - LISTED))  # not the last item's line
    return Answer(text="\n".join(lines), citations=citations, question=question, answerer=COLLECTION)


def mentions(assistant: Any, subject: str, articles: Sequence[Any]) -> dict[str, ScoredSentence]:
    """Each article's first sentence holding every word of ``subject`` (as BM25 reads words: folded and
    stemmed in the article's language, "grèves" for "grève", "diverted" for "diverting"), by doc id."""
    if not tokenize(subject, query=True):
        return {}
    wanted = {a.doc_id for a in articles}
    hits = assistant.lexical.fresh().search(subject, k=CANDIDATE_CHUNKS)
    docs = [doc for doc, _ in assistant.store.get_chunks([chunk_id for chunk_id, _ in hits])]
    found: dict[str, ScoredSentence] = {}
    in_headline: dict[str, ScoredSentence] = {}  # a sentence of the text says more than the headline
    for doc in sorted(docs, key=lambda d: (d.metadata.get("doc_id", ""), int(d.metadata.get("start", 0)))):
        doc_id = doc.metadata.get("doc_id", "")
        language = str(doc.metadata.get("language") or "")
        terms = set(tokenize(subject, query=True, language=language))
        if (doc_id in found or doc_id not in wanted or not terms
                or not terms <= set(tokenize(doc.page_content, language=language))):
            continue
        for sentence in _sentences_of(doc):
            if terms <= set(tokenize(sentence.text, language=language)):
                if not sentence.headline:
                    found[doc_id] = sentence
                    break
                in_headline.setdefault(doc_id, sentence)
    return in_headline | found


def titled(article: Any, lang: str) -> str:
    """An article as answers name it: “Title” (2024-06-19), « Title » (2024-06-19) in French."""
    date = f" ({article.published})" if article.published else ""
    return (f"« {article.title} »" if lang == "fr" else f"“{article.title}”") + date


def _sentences_of(doc: Any) -> list[ScoredSentence]:
    """The chunk's quotable sentences, each scored 1.0: it holds the words asked for."""
    sentences = [sentence for sentence, _ in quotable_sentences(doc)]
    for sentence in sentences:
        sentence.similarity = sentence.score = sentence.rank = 1.0
    return sentences


def _lead(assistant: Any, article: Any) -> ScoredSentence | None:
    from .summaries import article_sentences

    sentences, _ = article_sentences(assistant, article)
    return sentences[0] if sentences else None


def _extreme(assistant: Any, question: str, lang: str, articles: Sequence[Any], which: str) -> Answer | None:
    if not articles:
        return None  # nothing in scope: the search says so, with the filters named
    dated = [a for a in articles if a.published]  # an undated article is neither the latest nor the oldest
    if dated:
        article = dated[0] if which == "latest" else dated[-1]
        date = f" ({article.published})"
    else:
        by_indexing = sorted(articles, key=lambda a: a.indexed_at)
        article = by_indexing[-1] if which == "latest" else by_indexing[0]
        date = UNDATED[lang]
    lead = _lead(assistant, article)
    if lead is None:
        return None
    text = EXTREME[lang][which].format(title=article.title, date=date, lead=lead.text)
    return Answer(text=text, citations=[citation_for(1, lead)], question=question, answerer=COLLECTION)
