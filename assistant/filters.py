"""Friendly filters on questions and retrieval, translated to Chroma metadata filters on chunks.

``{"source": "russie.txt", "lang": "fr", "since": "2024-01", "until": "2024-06-30", "entity": "Budanov"}``
becomes a ``where`` on the chunks' own metadata (``doc_id``, ``language``, ``published_day``,
``entities``), so the store filters before it ranks: a filtered question searches only the allowed
chunks, dense side and BM25 side alike (see ``HybridRetriever.search``). A raw Chroma ``where``
(``{"language": "fr"}``, ``{"$and": [...]}``) passes through unchanged.

A filter that names nothing indexed (an unknown source or entity) matches no chunk: the question is
then answered from nothing, which means refused, never from the unfiltered articles.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sized
from pathlib import Path
from typing import Any

from .loaders import SUPPORTED_SUFFIXES, absolute, same_name

FRIENDLY = {"source", "sources", "lang", "language", "since", "until", "entity", "entities"}
# The chunks' own metadata, which a raw Chroma ``where`` may name; any other key is a typo to report,
# since Chroma would silently match nothing ("langage": "fr" -> every question refused).
CHUNK_FIELDS = {"doc_id", "chunk_id", "chunk_index", "source", "title", "author", "language", "published",
                "published_day", "format", "entities", "start", "end", "sentences"}
NOTHING = {"doc_id": "\x00nothing"}  # a where no chunk matches


class FilterError(ValueError):
    """A filter value that cannot be understood (a malformed date, an unknown key)."""


# How a reader says each filter: "articles mentioning Kyrylo Boudanov", not "entity: kyrylo boudanov".
LABELS = {
    "en": {"source": "article: {}", "lang": "language: {}", "since": "published since {}",
           "until": "published until {}", "entity": "mentioning {}"},
    "fr": {"source": "article : {}", "lang": "langue : {}", "since": "publiés depuis {}",
           "until": "publiés jusqu'au {}", "entity": "mentionnant {}"},
}
_SAME_KEY = {"sources": "source", "language": "lang", "entities": "entity"}


def describe_filters(filters: dict[str, Any], assistant: Any, language: str = "en") -> str:
    """The filters as a reader knows them: "article: <the article's title>; mentioning Kyrylo Boudanov" (the
    web app's filters hold doc ids and entity keys)."""
    labels = LABELS.get(language, LABELS["en"])
    or_ = " ou " if language == "fr" else " or "
    and_ = " et " if language == "fr" else " and "  # entities: an article must mention each of them
    titles: dict[str, str] | None = None
    parts = []
    for key, value in filters.items():
        if _unset(value):
            continue
        key = _SAME_KEY.get(key, key)
        shown = []
        if _operator(value):  # Chroma's own ({"$in": [...]}), said as it was written
            items: Iterable[str] = []
            shown.append(str(value))
        else:
            items = map(str, _as_list(value)) if key in labels else [str(value)]
        for item in items:
            if key == "source":
                titles = titles if titles is not None else {a.doc_id: a.title for a in assistant.articles()}
                item = titles.get(item) or item
            elif key == "lang":  # as the filter reads it: "French" is fr
                item = language_code(item)
            elif key == "entity":  # a key from the web app, or a name as typed ("Budanov" for Boudanov)
                index = assistant.entity_index
                item = index.name_of(item) or next(filter(None, map(index.name_of, index.match(item))), item)
            shown.append(item)
        joined = (and_ if key == "entity" else or_).join(shown)
        parts.append(labels.get(key, key + (" : {}" if language == "fr" else ": {}")).format(joined))
    return (" ; " if language == "fr" else "; ").join(parts)


def _operator(value: Any) -> bool:
    """Whether a filter's value is a Chroma operator expression (``{"$in": [...]}``)."""
    return isinstance(value, Mapping) and bool(value) and all(str(key).startswith("$") for key in value)


def is_friendly(filters: dict[str, Any] | None) -> bool:
    return bool(filters) and any(key in FRIENDLY for key in filters)


def language_code(value: Any) -> str:
    """``de`` for "de", "DE", "German", "allemand" or "Deutsch"; ``FilterError`` for what names none of the
    languages an article can be recorded in: "french" matched no article, and the refusal said that no
    article matched; "german" was refused though German articles were listed as de; "xx" matched nothing."""
    from .language import language_codes, language_names

    text = str(value).strip().lower()
    code = language_names().get(text, text)
    if code not in language_codes():
        raise FilterError(f"lang takes a language code or name such as fr, en, de or German (one of "
                          f"{', '.join(language_codes())}), not {value!r}")
    return code


def build_where(filters: dict[str, Any] | None, assistant: Any) -> dict[str, Any] | None:
    """The Chroma ``where`` for ``filters`` (friendly keys, raw Chroma clauses, or a mix)."""
    if filters is not None and not isinstance(filters, Mapping):
        # A string's characters were read as filter names ("unknown filter 'f', 'r'"), as ask once did.
        raise FilterError(f"filters must be a dict such as {{'lang': 'fr'}}, not {type(filters).__name__}")
    if not filters:
        return None
    _check_keys(filters)
    if not is_friendly(filters):
        return filters
    since, until = filters.get("since"), filters.get("until")
    if not _unset(since) and not _unset(until) \
            and day_number(since, end=False) > day_number(until, end=True):
        # It matched nothing, and the refusal blamed the articles' dates.
        raise FilterError(f"since ({since}) is after until ({until}): no date is both")
    clauses: list[dict[str, Any]] = []
    for key, value in filters.items():
        if _unset(value):
            continue
        if key in CHUNK_FIELDS and _operator(value):
            # {"language": {"$in": [...]}}: Chroma's own on the chunk field, not a friendly value (it was
            # refused as no language code, and a source or entity so written matched no article).
            clauses.append({key: value})
        elif key in ("source", "sources"):
            doc_ids = resolve_sources(_as_list(value), assistant.articles())
            if not doc_ids:
                return NOTHING
            clauses.append({"doc_id": {"$in": doc_ids}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]})
        elif key in ("lang", "language"):
            languages = [language_code(v) for v in _as_list(value)]
            clauses.append({"language": {"$in": languages}} if len(languages) > 1 else {"language": languages[0]})
        elif key == "since":
            clauses.append({"published_day": {"$gte": day_number(value, end=False)}})
        elif key == "until":
            clauses.append({"published_day": {"$lte": day_number(value, end=True)}})
            clauses.append({"published_day": {"$gt": 0}})  # an unknown date is not "before"
        elif key in ("entity", "entities"):
            for name in _as_list(value):
                keys = assistant.entity_index.match(name)
                if not keys:
                    return NOTHING
                ors = [{"entities": {"$contains": k}} for k in keys]
                clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        else:
            clauses.append({key: value})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def check_where(where: dict[str, Any] | None, assistant: Any) -> dict[str, Any] | None:
    """A ``where`` given to the chain: raw Chroma clauses pass as they are (once translated, a filter is
    raw: translating it again would misread ``{"language": {"$in": [...]}}``); one that uses the friendly
    keys only friendly filters have ("lang", "since", "entity"...) is translated; an unknown key is an
    error (Chroma matched nothing, and every question was refused as unanswerable)."""
    if where and not any(key in FRIENDLY and key not in CHUNK_FIELDS for key in where):
        _check_keys(where)
        return where
    return build_where(where, assistant)


def _check_keys(filters: dict[str, Any]) -> None:
    """A key that is neither a friendly filter nor a chunk field is a typo: Chroma would match nothing."""
    unknown = sorted(str(key) for key in filters if key not in FRIENDLY and key not in CHUNK_FIELDS
                     and not str(key).startswith("$"))
    if unknown:
        raise FilterError(f"unknown filter {', '.join(map(repr, unknown))} (use source, lang, since, until, "
                          f"entity, or a Chroma where on {', '.join(sorted(CHUNK_FIELDS))})")
    # Inside $and/$or the clauses are Chroma's, passed as they are: a typo there matched nothing too.
    check_chunk_where({key: value for key, value in filters.items() if str(key).startswith("$")})


def check_chunk_where(where: dict[str, Any] | None) -> None:
    """A raw Chroma ``where`` (the retriever's) names chunk fields only, in its ``$and``/``$or`` clauses too:
    Chroma matches nothing for any other key, a typo or a friendly filter alike ("lang": every search
    found no passage, where the chain refused the same ``where``)."""
    unknown: set[str] = set()

    def walk(clause: Any) -> None:
        if not isinstance(clause, dict):
            return  # Chroma says what is wrong with it
        for key, value in clause.items():
            if key in ("$and", "$or") and isinstance(value, list):
                for part in value:
                    walk(part)
            elif not str(key).startswith("$") and key not in CHUNK_FIELDS:
                unknown.add(str(key))

    walk(where)
    if unknown:
        friendly = sorted(FRIENDLY & unknown)
        hint = f"; {', '.join(map(repr, friendly))} is a friendly filter: assistant.where({{...}}) makes a " \
               "Chroma where of it" if friendly else ""
        raise FilterError(f"unknown filter {', '.join(map(repr, sorted(unknown)))} in a Chroma where (its fields: "
                          f"{', '.join(sorted(CHUNK_FIELDS))}){hint}")


def resolve_sources(wanted: Iterable[str], articles: Iterable[Any]) -> list[str]:
    """Doc ids of the articles named by path, file name, doc id, or a piece of their file name (its
    extension aside) or title of 4 characters or more. A duplicate (the same text under another name) stands
    for its original, whose passages are the ones indexed."""
    articles = list(articles)
    by_source = {a.source: a for a in articles}

    def indexed_as(article: Any) -> str | None:
        if not article.duplicate_of:
            return article.doc_id
        original = by_source.get(article.duplicate_of)
        return original.doc_id if original is not None and not original.duplicate_of else None

    ids: list[str] = []
    sources = {a.doc_id: same_name(a.source) for a in articles}
    for name in wanted:
        name = same_name(str(name).strip())
        path = str(absolute(name)) if name else ""
        exact = [a for a in articles
                 if name in (a.doc_id, sources[a.doc_id]) or sources[a.doc_id] == path
                 or Path(sources[a.doc_id]).name == name]
        if not exact:
            folded = name.casefold()
            stem = Path(folded).stem if Path(folded).suffix in SUPPORTED_SUFFIXES else folded
            exact = [a for a in articles if (len(stem) >= 4 and stem in Path(sources[a.doc_id]).stem.casefold())
                     or (len(folded) >= 4 and folded in same_name(a.title).casefold())]
        for article in exact:
            doc_id = indexed_as(article)
            if doc_id is not None and doc_id not in ids:
                ids.append(doc_id)
    return ids


def day_number(value: Any, end: bool) -> int:
    """``2024`` / ``2024-03`` / ``2024-03-05`` (or a date) -> YYYYMMDD, the first or last day it covers."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return value.year * 10000 + value.month * 100 + value.day
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise FilterError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    if not 1 <= month <= 12:
        raise FilterError(f"not a date: {text!r} (month {month})")
    last = calendar.monthrange(year, month)[1]
    day = int(match.group(3) or (last if end else 1))
    if not 1 <= day <= last:
        raise FilterError(f"not a date: {text!r} (day {day})")
    return year * 10000 + month * 100 + day


# The years a day named without its year ("on June 8") may be in.
_ANY_YEAR = range(1990, 2041)


def published_on_days(keys: Iterable[str]) -> dict[str, Any] | None:
    """A ``where`` on the articles published on the days or in the months ``keys`` name (ISO keys:
    ``2024-06-08``, ``2024-06``, and ``--06-08`` for a day of any year)."""
    clauses: list[dict[str, Any]] = []
    for key in keys:
        if key.startswith("--"):
            month, day = (int(part) for part in key[2:].split("-"))
            clauses.append({"published_day": {"$in": [year * 10000 + month * 100 + day for year in _ANY_YEAR]}})
            continue
        try:
            first, last = day_number(key, end=False), day_number(key, end=True)
        except FilterError:
            continue
        clauses.append({"published_day": first} if first == last else
                       {"$and": [{"published_day": {"$gte": first}}, {"published_day": {"$lte": last}}]})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def _is_list(value: Any) -> bool:
    """A list, tuple or set, or a numpy array or pandas Series (a notebook's column of sources); not a name."""
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)


def _unset(value: Any) -> bool:
    """No filter: ``None``, ``""`` or nothing listed. Not ``value in (None, "", [])``, which compares a
    numpy value (``since=np.int64(2024)``, ``source=df.source``) element-wise and raised "The truth value of
    an empty array is ambiguous"."""
    if value is None or isinstance(value, str):
        return not value
    return _is_list(value) and isinstance(value, Sized) and len(value) == 0


def _as_list(value: Any) -> list[str]:
    if _is_list(value):
        return [str(v) for v in value]
    return [str(value)]  # a name, or a year or date given as such (``since=2024``)
