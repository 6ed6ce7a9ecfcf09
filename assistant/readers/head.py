"""What an article's first lines say of it: its title, its publication date, its byline; and which lines are
metadata ("Date: ...", "Par ...", "© 2024 ..."), which state no fact to answer from."""

from __future__ import annotations

import re
from datetime import date

from ..language import detect_language

_TITLE_MAX = 100
_DATE_LINE = re.compile(
    r"^\s*(?:(?:date|published|publication|date de publication)\s*[:=]"
    # "Publié le 5 mars 2024 à 10h32", as French news sites write it: no colon
    r"|(?:publié|publiée|mis en ligne|mise en ligne|published)(?: le| on)?\s*[:=]?)\s*(\S.*)$", re.I | re.M
)
# "2023-03-11T18:30:00+01:00" too (Hugo's front matter, a "Date:" line copied from a feed): the "T" left
# no word boundary and the article undated.
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:\b|(?=T\d))")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
# "Par Jean Dupont | Publié le 5 mars 2024", "Published: 5 March 2024 | 3 min read": a short line of the head.
_PUBLISHED_IN_LINE = re.compile(r"^(?=.{0,160}$).*?\b(?:publié|publiée|mis en ligne|mise en ligne|published|posted)"
                                r"(?: le| on)?\s*[:=]?\s*(\S.*)$", re.I | re.M)
# A dateline opens the story: "Dakar, le 25 mars 2024 — ...", "PARIS, 25 mars 2024 (AFP) - ...",
# "Kyiv, March 5, 2024 – ...", "Valence (Espagne), 30 oct. 2024 (AFP) - ..." (AFP names a foreign town's country).
# Also as German, Spanish, Italian and Portuguese write it: "Berlin, 5. Februar 2025 —", "Madrid, 20 de enero
# de 2025 —", "Roma, 10 aprile 2025 —" (such articles were undated, and left out by every date filter).
_DATELINE = re.compile(
    r"^[ \t]*[A-ZÀ-Ý][\w'’ .-]{1,40}(?:\([^)\n]{1,30}\))?,[ \t]+(?:(?:le|on)[ \t]+)?"
    r"(\d{1,2}(?:er|\.)?[ \t]+(?:de[ \t]+)?[^\W\d_]+\.?[ \t]+(?:de[ \t]+)?\d{4}"
    r"|[A-Z][a-z]+\.?[ \t]+\d{1,2},[ \t]+\d{4})"
    r"[ \t]*(?:\([^)\n]{1,20}\))?[ \t]*[—–-]", re.M)
# Their months, for publication dates only (the entities' dates stay French and English); and French ones as
# AFP shortens them ("5 févr. 2025"), which the entities' dates do not read.
_OTHER_MONTHS = {"jänner": 1, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7, "déc": 12} | {
    name: number for names in (
    "januar februar märz april mai juni juli august september oktober november dezember",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
) for number, name in enumerate(names.split(), start=1)}
_OTHER_DATE = re.compile(r"\b(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})\b")


# A file's metadata lines ("Date: 2024-03-01", "Source: Reuters") state no fact: neither a title nor an
# answer (the extractive answerer never quotes them).
METADATA_LINE = re.compile(
    r"\s*(?:date|dates|source|sources|author|authors|auteur|auteurs|by|published|publié le|publication|"
    r"updated|mis à jour|url|link|lien|tags|mots-clés|keywords|title|titre|language|langue)\s*:"
    # A site's footer ("© 2024 Lyon Daily", "Copyright 2024 ...") is no answer either; "Copyright law ..." may be.
    r"|\s*(?:©|\(c\)\s|copyright\s+(?:©\s*|\(c\)\s*)?\d{4})"
    # A byline ("Par Julien Moreau | Publié le 20 novembre 2024", "By Sarah Kim") or a "Publié le ..." line:
    # it embeds close to any question (0.94 to a recipe's), and let unrelated questions count as answered.
    r"|\s*(?:par|by)\s+(?-i:(?:[A-ZÀ-Ý][\w'’.-]*\s*){1,4})(?:\||$|[—–]\s)"
    # "De notre correspondant à Moscou, Pierre Dupont", alone on its line
    r"|\W*(?:de|par)\s+not(?:re|er)\s+(?:correspondante?|envoyée?\s+spéciale?)\b[^.!?]{0,80}$"
    r"|\s*(?:publié|publiée|mis en ligne|mise en ligne|mis à jour|published|updated|posted)(?:\s+(?:le|on))?\s+\d",
    re.I,
)
_TITLE_LINE = re.compile(r"\s*(?:title|titre)\s*:\s*(\S.*)", re.I)


_BARE_URL = re.compile(r"<?(?:https?://|www\.)\S+>?")


def first_line(text: str) -> str | None:
    """The title of a plain text: its "Title:" line, else its first line that is not metadata."""
    for line in text.splitlines()[:40]:
        if (named := _TITLE_LINE.match(line)) is not None:
            return shorten(named.group(1).strip())
    for line in text.splitlines():
        line = line.strip()
        # A bare link (where the text was copied from) is no title.
        if line and not METADATA_LINE.match(line) and not _DATE_LINE.match(line) and not _BARE_URL.fullmatch(line):
            return shorten(line)
    return None


def shorten(line: str) -> str:
    if len(line) <= _TITLE_MAX:
        return line
    cut = line.rfind(" ", 0, _TITLE_MAX)
    return line[: cut if cut > 0 else _TITLE_MAX].rstrip(" ,;:") + "…"


# Who wrote it, as its head says: "Par Claire Fontaine | Publié le ...", "*By James Whitmore, Kyiv — March 4*",
# "Auteur : Jean Martin". Up to four capitalised words; "et"/"and" joins a second author.
_NAME = r"(?-i:[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:de |d['’]|van |von )?[A-ZÀ-Ý][\w'’.-]*){0,3})"
# "De notre correspondant à Moscou, Pierre Dupont": the name after the post.
_POST = r"(?:not(?:re|er)\s+(?:correspondante?|envoyée?\s+spéciale?)(?:\s+(?:à|au|aux|en|dans)\s+[^,]{1,40})?,\s*)?"
_BYLINE = re.compile(
    rf"^[\W_]*(?:(?:par|by|de)\s+{_POST}|(?:auteur|auteure|author|autrice)s?\s*:\s*)(?P<name>{_NAME}"
    rf"(?:\s+(?:et|and|&)\s+{_NAME})?)\s*(?:$|[,|—–•·*_(]|\s-\s)", re.I)
_HEAD_LINES = 8


def is_byline(line: str) -> bool:
    return _BYLINE.match(line.strip()) is not None


def byline(text: str) -> str | None:
    """The author a text's byline names in its first lines, if any."""
    for line in text.splitlines()[:_HEAD_LINES]:
        if match := _BYLINE.match(line.strip()):
            return match.group("name").strip()
    return None


def author_name(value: str | None) -> str | None:
    """An author as metadata gives it: "Claire Fontaine", "Par Claire Fontaine", "A; B" -> "A, B"."""
    if not value:
        return None
    value = re.sub(r"^\s*(?:par|by)\s+", "", " ".join(str(value).split()), flags=re.I)
    names = [name.strip() for name in re.split(r"\s*;\s*", value) if name.strip()]
    return ", ".join(dict.fromkeys(names))[:200] or None


def date_in_text(text: str) -> str | None:
    """A publication date the file states in its first lines: a ``Date:`` or "Publié le" line (also after a
    byline: "Par Jean Dupont | Publié le 5 mars 2024"), a dateline ("Dakar, le 25 mars 2024 — ..."), or a
    byline's date ("By James Whitmore, Kyiv — March 4, 2025")."""
    head = text[:1500]
    lines = [match.group(1) for match in _DATE_LINE.finditer(head)]
    lines += [match.group(1) for match in _PUBLISHED_IN_LINE.finditer("\n".join(head.splitlines()[:8]))]
    lines += [match.group(1) for match in _DATELINE.finditer(head[:800])]
    # A byline that dates the story after its author: "*By James Whitmore, Kyiv — March 4, 2025*".
    lines += [line for line in head.splitlines()[:_HEAD_LINES] if is_byline(line)]
    for words in lines:
        if found := stated_date(words, head):
            return found
    return None


def stated_date(words: str, head: str) -> str | None:
    """The first full date written in ``words`` ("05 mars 2024 à 10h32, modifié le 06 mars": the 5th).
    A relative one ("il y a 3 heures", "hier", "2 days ago") or a year alone is no publication day: read
    against the clock, it dated the article on the day it was indexed, or on the 1st of this month."""
    if iso := _ISO_DATE.search(words):
        return valid_date(*iso.groups())
    if numeric := _NUMERIC_DATE.search(words):
        first, second, year = numeric.groups()
        # 05/03/2024 is the 5th of March in French (and most of the world), the 3rd of May in English.
        day, month = (second, first) if detect_language(head) == "en" else (first, second)
        return valid_date(year, month, day)
    from ..entities import extract_dates

    for mention in sorted(extract_dates(words), key=lambda mention: mention.start):
        if len(mention.key) == 10 and not mention.key.startswith("-"):
            return valid_date(*mention.key.split("-"))
    for day, month, year in _OTHER_DATE.findall(words):
        if month.lower() in _OTHER_MONTHS:
            return valid_date(year, str(_OTHER_MONTHS[month.lower()]), day)
    return None


def valid_date(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
