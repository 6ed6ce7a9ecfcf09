"""Dates in questions and sentences: the days and months a question names, whether it asks about what
is to come ("Quand aura lieu la prochaine réunion ?", "When will the trial resume?"), and whether a
sentence names a time still ahead of its article.

A news story opens with a dateline lead that sums the whole story up ("Paris, le 12 mars 2025 — La grève
lancée mardi soir par les syndicats..."): e5 rates it near every question on the story, often above the
sentence that answers. For a question about the future the answer names a later time than the day the
article was published ("Une nouvelle réunion est prévue le 18 mars"), which the lead, telling what
happened, seldom does. The answerer ranks such sentences higher for such questions (``FUTURE_BOOST`` in
extractive.py); whether to answer at all is still decided on the sentence's own score.
"""

from __future__ import annotations

import re
from datetime import date

from ..entities import MONTHS, extract_dates

# The question asks for a time: in French anywhere ("Le procès reprendra quand ?"), in English where it
# opens the question (a "when" further in is a clause: "Did X change its advice when they later...?").
_ASKS_WHEN_FR = re.compile(r"\b(?:quand|(?:à|a|pour) quelle date|quel jour)\b", re.I)
_ASKS_WHEN_EN = re.compile(r"^\W*(?:(?:and|so|but|then)\s+)?(?:when|what date|what day|by when|on what date|"
                           r"on which day)\b", re.I)
# What makes it about the future: a verb in the future tense ("aura lieu", "prendra-t-il"), what is
# planned or due ("est prévue", "doit", "va"), or the next of something.
_FUTURE_FR = re.compile(
    r"\b(?:[a-zàâçéèêëîïôûùüÿœ]{2,}(?:ra|ront|rez|rons|rai)(?:-t-(?:il|elle|on)|-(?:ils|elles|on))?|"
    r"prochaine?s?|prévue?s?|doit|doivent|devra|devront|va|vont|à venir)\b", re.I)
_FUTURE_EN = re.compile(
    r"\b(?:will|'ll|shall|going to|due|expected|scheduled|planned|set to|next|upcoming|coming)\b", re.I)
# French words that end like a future verb and are not one ("Quand le front a-t-il cédé ?").
_NOT_FUTURE_FR = frozenset("opéra caméra sierra sahara cobra extra contra vrai front affront environs patrons "
                           "citrons marrons chevrons escadrons perez pérez suarez suárez alvarez álvarez".split())

# A time ahead named without a date: "demain", "la semaine prochaine", "next month", "in two weeks".
_RELATIVE_FUTURE = re.compile(
    r"\b(?:demain|après-demain|(?:semaine|mois|année|an|week-end|saison|rentrée)\s+prochaine?|"
    r"prochaine?\s+(?:semaine|mois|année|an|week-end|saison|rentrée|réunion|séance|audience)|"
    r"dans\s+(?:les\s+)?(?:prochains?|prochaines|quelques|\d+|un|une|deux|trois|quatre|cinq|six|huit|quinze)\s+"
    r"(?:jours|semaines|mois|ans|années)|d'ici\s+(?:la fin|à|au|le|la|l'|fin)|"
    r"tomorrow|next\s+(?:week|month|year|weekend|season|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"later\s+this\s+(?:week|month|year)|in\s+(?:the\s+coming|the\s+next|a\s+few|\d+|two|three|four|five|six)\s+"
    r"(?:days|weeks|months|years))\b", re.I)


def asks_about_future(question: str) -> bool:
    """Whether the question asks when something is to happen."""
    if _ASKS_WHEN_EN.search(question) and _FUTURE_EN.search(question):
        return True
    return bool(_ASKS_WHEN_FR.search(question)) and any(
        m.group().lower() not in _NOT_FUTURE_FR for m in _FUTURE_FR.finditer(question))


def names_future_time(text: str, published: str) -> bool:
    """Whether the sentence names a time after ``published`` (ISO, "2025-03-12"; a day, a month or a year
    later, a date without its year taken in the year published), or one ahead in words ("demain")."""
    if _RELATIVE_FUTURE.search(text):
        return True
    day = _iso_day(published)
    if day is None:
        return False
    return any(_after(key, day) for key, _, _ in _dates_in(text, years=True))


# A date without its year more than this many months before the article's month is in the next year.
YEAR_TURN = 6


def _iso_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _after(key: str, published: date) -> bool:
    parts = key.lstrip("-").split("-")
    try:
        if key.startswith("--"):  # "le 18 mars": the year the article was published, or the next one
            month, day = int(parts[0]), int(parts[1])  # ("le 5 janvier" in an article of December)
            return (month, day) > (published.month, published.day) or published.month - month > YEAR_TURN
        year = int(parts[0])
        if len(parts) == 1:
            return year > published.year
        month = int(parts[1])
        if len(parts) == 2:
            return (year, month) > (published.year, published.month)
        return date(year, month, int(parts[2])) > published
    except ValueError:  # "31 février"
        return False


# English writes the day after the month, often without the year: "on February 5", "Feb. 5".
_MONTH_DAY = re.compile(
    r"\b(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?![,.]?\s*\d)")


def dates_asked(question: str) -> list[str]:
    """The days and months a question names, as ISO keys (``2026-02-05``, ``--02-05`` without a year,
    ``2025-03``); a year alone names no day an article was published."""
    return list(dict.fromkeys(key for key, _, _ in _dates_in(question)))


def date_spans(question: str) -> list[tuple[int, int]]:
    """Where the question names its days and months."""
    return [(start, end) for _, start, end in _dates_in(question)]


def _dates_in(text: str, years: bool = False) -> list[tuple[str, int, int]]:
    """(ISO key, start, end) of each date of ``text``; a year alone only with ``years``."""
    found = extract_dates(text)
    dates = [(m.key, m.start, m.end) for m in found if years or len(m.key) > 4]
    for match in _MONTH_DAY.finditer(text):
        month = MONTHS.get(match.group("month").lower())
        if month and not any(m.start <= match.start() < m.end for m in found):
            dates.append((f"--{month:02d}-{int(match.group('day')):02d}", match.start(), match.end()))
    return dates
