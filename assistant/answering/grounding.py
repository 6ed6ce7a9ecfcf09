"""Names a question asks about that the retrieved passages never mention.

Similarity alone cannot tell "What did Zelensky say about the visit?" from an answerable question on an
article about that visit: the passages are on topic and score as high as true answers. But if none of the
names the question asks about (runs of capitalised words) appears in the passages or among the names
of their articles, the passages cannot answer it. A name counts as mentioned when one of its words is
in the passages' text (case and accents folded: "Budanov" in "Kyrylo Budanov"), when a word is a near
spelling of one of theirs ("Putin" / "Poutine", a typo), or when the multilingual model finds it close
to one of the articles' entity names ("Moscow" / "Moscou"), or when both name one country or body in
English and French ("North Korea" / "Corée du Nord", from Unicode CLDR; "NATO" / "OTAN"): English
questions on French articles are the normal case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
from langchain_core.documents import Document

from ..embeddings import EmbeddingCache, ModelEmbeddings, passage_vectors
from ..entities import data_lines, entity_key
from ..language import surely_in
from ..lexical import fold, stop_words

# A run of capitalised words ("Emmanuel Macron", "Kim Jong-un", "BBC"); particles end a run.
_NAME_RUN = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w’'-]*)*")
_WORD = re.compile(r"\w+")
# A sentence's end, up to the next one's first word: ? ! … or a full stop after a lower-case word ("M.
# Dupont", "Mr. Smith", "U.S. President" name someone).
_SENTENCE_END = re.compile(r"(?:[?!…]|[a-zß-öø-ÿ]{3}\.)[\s«“\"'(¿¡]*")
_ROMAN = re.compile(r"[ivxlcdm]+(?:e|eme|er|th|st|nd|rd)?")
# e5 similarity of a name (as a query) to an entity name of the articles (as a passage). Measured with
# the sample's names: one thing in two languages 0.87-0.92 ("London"/"londres" 0.88, "Putin"/"vladimir
# poutine" 0.89), names the article lacks at most 0.85 ("Zelensky" 0.85, "China" 0.85). Country and body
# names that fall below it ("United States"/"etats unis" 0.84, "NATO"/"otan" 0.84) are in ALIASES.
NAME_SIMILARITY = 0.865
# Bodies and short forms that CLDR's country names lack: each set names one thing.
ALIASES = [
    {"nato", "otan", "north atlantic treaty organization", "organisation du traite de l atlantique nord"},
    {"un", "onu", "nations unies", "united nations"},
    {"eu", "ue", "union europeenne", "european union"},
    {"us", "usa", "u s", "etats unis", "united states", "amerique", "america"},
    {"uk", "royaume uni", "united kingdom", "britain", "great britain", "grande bretagne"},
    {"kremlin", "moscou", "moscow"},
    {"who", "oms", "world health organization", "organisation mondiale de la sante"},
    {"imf", "fmi", "international monetary fund", "fonds monetaire international"},
    # Words an English question capitalises and a French article does not: faiths, institutions.
    {"muslim", "muslims", "musulman", "islam", "islamic", "islamique"},
    {"christian", "chretien"},
    {"icj", "cij", "cour internationale de justice", "international court of justice"},
    {"icc", "cpi", "cour penale internationale", "international criminal court"},
    # A body's short forms with its full names: "What is the ECB's rate?" on an article that writes "la
    # Banque centrale européenne" was refused ("They do not mention “ECB”").
    {"iaea", "aiea", "international atomic energy agency", "agence internationale de l energie atomique"},
    {"wto", "omc", "world trade organization", "organisation mondiale du commerce"},
    {"ecb", "bce", "european central bank", "banque centrale europeenne"},
    {
        "opec",
        "opep",
        "organization of the petroleum exporting countries",
        "organisation des pays exportateurs de petrole",
    },
    {"unhcr", "hcr", "un refugee agency", "haut commissariat des nations unies pour les refugies"},
    {
        "oecd",
        "ocde",
        "organisation for economic co operation and development",
        "organisation de cooperation et de developpement economiques",
    },
    {"federal reserve", "reserve federale"},
    {"catholic", "catholique"},
    {"protestant"},
    {"jewish", "jew", "jews", "juif", "israelite"},
    {"church", "eglise"},
    {"british", "britannique"},
    {"spanish", "espagnol", "hispanique"},
]
# Regions that news names often and that English and French name otherwise: no data that ships on PyPI
# pairs them (CLDR names countries only; pycountry's French names of subdivisions leave "Scotland" as it is).
REGIONS = [
    ("England", "Angleterre"),
    ("Scotland", "Écosse"),
    ("Wales", "Pays de Galles"),
    ("Northern Ireland", "Irlande du Nord"),
    ("Brittany", "Bretagne"),
    ("Normandy", "Normandie"),
    ("Burgundy", "Bourgogne"),
    ("Corsica", "Corse"),
    ("Catalonia", "Catalogne", "Catalunya", "Cataluña"),
    ("Andalusia", "Andalousie"),
    ("Basque Country", "Pays basque"),
    ("Bavaria", "Bavière", "Bayern"),
    ("Flanders", "Flandre"),
    ("Wallonia", "Wallonie"),
    ("Tuscany", "Toscane"),
    ("Sicily", "Sicile"),
    ("Sardinia", "Sardaigne"),
    ("Lombardy", "Lombardie"),
    ("Crimea", "Crimée"),
    ("Chechnya", "Tchétchénie"),
    ("Siberia", "Sibérie"),
    ("Caucasus", "Caucase"),
    ("West Bank", "Cisjordanie"),
    ("Gaza Strip", "Bande de Gaza"),
    ("Golan Heights", "Plateau du Golan"),
    ("Galilee", "Galilée"),
    ("Kashmir", "Cachemire"),
    ("Tibet",),
    ("Xinjiang",),
    ("Kurdistan",),
    ("Balkans",),
    ("Sahel",),
    ("Patagonia", "Patagonie"),
    ("Lapland", "Laponie"),
    ("Quebec", "Québec"),
    ("Texas",),
    ("California", "Californie"),
    ("Florida", "Floride"),
    ("Louisiana", "Louisiane"),
    ("Donbas", "Donbass"),
    ("English Channel", "Channel", "Manche"),
    ("Mediterranean", "Méditerranée"),
    ("Baltic", "Baltique"),
    ("Black Sea", "Mer Noire"),
    ("North Sea", "Mer du Nord"),
]
_CITY = "city "  # an alias group's prefix for the names of one city (city-names.txt)
NEAR_SPELLING = 0.8  # difflib ratio: "putin"/"poutine" 0.83, "gesulado"/"gesualdo" 0.88
KNOWN_NAME_PREFIX = 4  # "russ" of "Russie" / "russes", "ukra" of "Ukraine" / "ukrainiens"
# English capitalises months and days, which name no thing an article must mention ("the battle of 16
# August" is "16 août" in a French text). "May" stays: it is also a name.
_CALENDAR = {
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}


def question_names(question: str) -> list[str]:
    """Runs of capitalised words, less the question's first word, capitalised whatever it is ("Did NATO
    react?" asks about NATO; "Emmanuel Macron a-t-il..." still names Macron)."""
    words = _WORD.findall(question)[1:]  # the first is capitalised whatever it is
    if _capitals_tell_nothing(words):
        return []
    if surely_in(question) == "de":
        return []  # German capitalises every noun: "Welche Waffen wurden erwähnt?" was refused for “Waffen”
    names = []
    # Where a sentence's first word starts, capitalised whatever it is: after spaces and Spanish's opening "¿"
    # or "¡" ("¿Cuánto costará...?" was refused for not mentioning "Cuánto"), and after a later sentence's end
    # ("What weapons were mentioned? Thanks!" was refused, as not mentioning “Thanks”).
    opening = len(question) - len(question.lstrip().lstrip("¿¡").lstrip())
    starts = {opening} | {end.end() for end in _SENTENCE_END.finditer(question)}
    for match in _NAME_RUN.finditer(question):
        text = re.sub(r"['’]s$", "", match.group(0))  # "China's" asks about China
        if match.start() in starts:
            text = text.partition(" ")[2].lstrip()
        if _telling(text):
            names.append(text)
    return list(dict.fromkeys(names))  # "Please ... Please ..." listed “Please” twice in the refusal


def _capitals_tell_nothing(words: list[str]) -> bool:
    """Whether a question's words (its first left out) are capitalised whatever they are: "WHAT WEAPONS WERE
    MENTIONED?", "What Weapons Were Mentioned?", where a function word is capitalised too, or every word is.
    Counting capitals alone took "Who is Anna Weber?" and "Was sagte Markus Söder?" (two capitalised words of
    three) for such questions: their names went unchecked, and the nearest sentences of an article that
    never mentions Söder were quoted as what he said."""
    capitalised = [word for word in words if word[:1].isupper()]
    if len(capitalised) * 2 <= max(len(words), 2):
        return False
    stop = stop_words(query=True)
    return len(capitalised) == len(words) or any(fold(word) in stop for word in capitalised)


def _telling(name: str) -> bool:
    """Whether a name is specific enough to be looked for: a word of four letters or more that is not a
    function word, or an acronym of three ("NATO", "BBC"). Shorter ones ("Ur", "D3", "LO", "AC") are too
    often written otherwise in the article, or a Roman numeral ("XXème")."""
    stop = stop_words(query=True)
    for word in name.replace("’", " ").replace("'", " ").split():
        key = entity_key(word)
        if not key or key in stop or key in _CALENDAR or _ROMAN.fullmatch(key):
            continue
        if len(key) >= 4 or (len(key) == 3 and word.isupper()):
            return True
    return False


@lru_cache(maxsize=1)
def _alias_groups() -> dict[str, str]:
    """Folded name -> the thing it names: a CLDR territory or region code ("KP" for "north korea" and
    "coree du nord", "029" for "caribbean" and "caraibes"), a CLDR language ("french" and "francais",
    which also stand for the adjectives), or an ``ALIASES`` set's position, which wins where both list
    a name."""
    from babel import Locale

    groups: dict[str, str] = {}
    english, french = Locale("en"), Locale("fr")
    for code in sorted(set(english.territories) & set(french.territories)):
        for name in (english.territories[code], french.territories[code]):
            groups.setdefault(entity_key(name), code)
    for code in sorted(set(english.languages) & set(french.languages)):
        if len(code) == 2:  # the ISO 639-1 languages: the widely spoken ones, not "Ewe" or "Ga"
            for name in (english.languages[code], french.languages[code]):
                groups.setdefault(entity_key(name), f"language {code}")
    for number, names in enumerate(ALIASES):
        groups.update(dict.fromkeys(names, f"alias {number}"))
    for number, names in enumerate(REGIONS):
        for name in names:
            groups.setdefault(entity_key(name), f"region {number}")
    # A city's names in other languages ("Beijing" / "Pékin", "The Hague" / "La Haye"): e5 rates them no
    # closer than two cities ("beijing" / "pekin" 0.79, "beijing" / "tokyo" 0.82). Countries and the
    # lists above keep a name they share with a city.
    cities = _city_names()
    # A city's own name first: GeoNames lists "Islamabad" among Chittagong's names, "Victoria" among Hong Kong's.
    for number, names in enumerate(cities):
        groups.setdefault(entity_key(names[0]), f"{_CITY}{number}")
    for number, names in enumerate(cities):
        for name in names[1:]:
            groups.setdefault(entity_key(name), f"{_CITY}{number}")
    return groups


def _is_city(group: str) -> bool:
    return group.startswith(_CITY)


@lru_cache(maxsize=1)
def _city_names() -> list[list[str]]:
    """Each city's names, its own first (city-names.txt)."""
    return [line.split("\t") for line in data_lines("city-names.txt")]


@lru_cache(maxsize=1)
def _city_countries() -> dict[str, str]:
    """Folded main name of a city -> its country's code (city-countries.txt; a name several cities share is
    the most populous one's: "Rome" is Italy's, not Georgia's)."""
    countries: dict[str, str] = {}
    for line in data_lines("city-countries.txt"):
        code, name = line.split("\t")
        countries.setdefault(entity_key(name), code)
    return countries


def country_of_city(key: str) -> str | None:
    """The country code of the city a folded name names, by any of its names for the large ones ("roma",
    "rome"), by its main name for the others ("malatya"); None for a name no city has."""
    key = _without_article(key)
    group = _alias_groups().get(key)
    if group is not None and _is_city(group):
        key = entity_key(_city_names()[int(group.removeprefix(_CITY))][0])
    return _city_countries().get(key)


def _places_of(group: str | None) -> set[str]:
    """The groups a name's group stands for: itself, and for a language, which also names its people ("the
    Italian unions"), the countries where it is mostly spoken (CLDR's likely country, and the one of the same
    code: Italian, Italy; Portuguese, Brazil and Portugal)."""
    if group is None:
        return set()
    if not group.startswith("language "):
        return {group}
    from babel.core import get_global

    code = group.removeprefix("language ")
    likely = str(get_global("likely_subtags").get(code, "")).split("_")
    return {group, code.upper(), *(part for part in likely[1:] if len(part) == 2 and part.isupper())}


COUNTRY, CITY, REGION, OTHER_NAME = "country", "city", "region", "other"
# CLDR territories with a two-letter code that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


@lru_cache(maxsize=1)
def _place_keys() -> dict[str, frozenset[str]]:
    """Folded place name -> what it is known as. Countries: CLDR's names in English and French and the
    short forms of ``ALIASES`` ("USA", "Grande-Bretagne"); regions: CLDR's areas ("Europe", "Caraïbes")
    and ``REGIONS``; cities: every name of a city in city-names.txt, whatever claimed it first above
    ("Moscou" is a city, and stands for the Kremlin in questions), and the main names of smaller ones
    (town-names.txt)."""
    from babel import Locale

    types: dict[str, set[str]] = {}
    countries = set()
    for locale in (Locale("en"), Locale("fr")):
        for code, name in locale.territories.items():
            if code.isalpha() and code not in _NOT_COUNTRIES:
                countries.add(entity_key(name))
            elif code.isdigit():
                types.setdefault(entity_key(name), set()).add(REGION)
    for names in ALIASES:
        if names & countries:
            countries |= names
    for key in countries:
        types.setdefault(key, set()).add(COUNTRY)
    for names in REGIONS:
        for name in names:
            types.setdefault(entity_key(name), set()).add(REGION)
    for names in _city_names():
        for number, name in enumerate(names):
            key = entity_key(name)
            if number == 0 or key not in countries:  # GeoNames calls Mexico City "Mexico", Benin City "Benin"
                types.setdefault(key, set()).add(CITY)
    for names in ALIASES:  # a body or a faith ("Kremlin", "OTAN"): known, and not a country, city or region
        for key in names - types.keys():
            types[key] = {OTHER_NAME}
    # A smaller city ("Le Havre"), by its main name, unless the name is known as something larger.
    for name in data_lines("town-names.txt"):
        types.setdefault(entity_key(name), {CITY})
    return {key: frozenset(kinds) for key, kinds in types.items()}


def place_types(name: str) -> frozenset[str]:
    """What a place's name is known to name: ``COUNTRY``, ``CITY``, ``REGION``, or several ("Singapour"),
    or ``OTHER_NAME`` ("Kremlin", "OTAN"); none for a name the lists lack (a town under 15,000 people, a
    cosmodrome, a province the lists do not pair: "Kordofan")."""
    key = _without_article(entity_key(name))
    return _place_keys().get(key, frozenset())


def same_place(name: str) -> str | None:
    """What place a name names, the same for its names in other languages ("Soudan" and "Sudan", "Genève"
    and "Geneva" if GeoNames lists both): a CLDR code, a city's or region's group; None if unknown."""
    group = _alias_groups().get(_without_article(entity_key(name)))
    if group is None or group.startswith("language "):
        return None
    # ``ALIASES`` pairs what a question may name for another ("Kremlin" for Moscow): one place only for
    # the countries among them ("USA", "États-Unis").
    return None if group.startswith("alias ") and COUNTRY not in place_types(name) else group


def known_names() -> int:
    """Read the names known in both languages (countries, languages, bodies, cities) now, as the web app
    starts, rather than at the first question that names something (half a second), and what kind of
    place each names; how many there are."""
    _place_keys()
    return len(_alias_groups())


@lru_cache(maxsize=1)
def _group_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for name, group in _alias_groups().items():
        names.setdefault(group, []).append(name)
    return names


@lru_cache(maxsize=4096)  # the demonym rule scans every name; a question's names recur (and are asked twice)
def _group_of(key: str) -> str | None:
    """The alias group of a folded name, or of the country an English demonym is made from
    ("brazilian" from "brazil", "canadian" from "canada", "austrian" from "austria", not "australia")."""
    groups = _alias_groups()
    key = _without_article(key)
    if key in groups:
        return groups[key]
    if " " not in key and len(key) >= 6:
        for name, group in groups.items():
            if _is_city(group):  # "Parisian" may mean Paris, but a city's alias stems too much
                continue
            stem = name if name[-1] not in "aeiouy" else name[:-1]
            if len(stem) >= 4 and " " not in name and key.startswith(stem) and len(key) - len(stem) <= 4:
                return group
    return None


def _alias_mentioned(passages: tuple[set[str], list[str]], name: str, prefix: int = 0) -> bool:
    """Whether the passages name what ``name`` names, in another language or as an adjective ("French" /
    "française", "Brazilian" / "Brésil", "Caribbean" / "Caraïbes"; one word of a longer name is enough, as
    for ``spells``: "French Jews" / "Français"): every word of one of its aliases is there, spelled nearly
    or inflected (a word that starts with it, less its last letter)."""
    key = entity_key(name)
    groups = {_group_of(part) for part in dict.fromkeys([key, *key.split()])} - {None}
    long_words = passages[1]
    for group in groups:
        for alias in _group_names()[group]:
            wanted = name_words(alias)
            if not wanted:
                continue
            if _is_city(group):
                # GeoNames lists a city's names in every language: spelled exactly, or "Paries" (Latin)
                # would be read in "parties".
                if all(w in passages[0] for w in wanted):
                    return True
            elif all(
                spells(passages, [w], prefix) or (len(w) >= 5 and any(x.startswith(w[:-1]) for x in long_words))
                for w in wanted
            ):
                return True
    return False


def absent_names(
    question: str, docs: Sequence[Document], embeddings: ModelEmbeddings, cache: EmbeddingCache | None = None
) -> list[str]:
    """The question's names when none of them is mentioned by the passages (else an empty list)."""
    return _none_mentioned(question_names(question), docs, embeddings, cache)


# "What did the United Nations say about ...?", "Did Greenpeace claim ...?", "Qu'a déclaré Jonas Keller ... ?",
# "Le maire a-t-il dit que ... ?": the one whose words are asked about (``speaker``).
_SPEECH_VERBS_EN = (
    r"(?:say|said|tell|told|declare|declared|announce|announced|claim|claimed|state|stated|write|"
    r"wrote|tweet|tweeted|deny|denied|warn|warned|respond|responded|reply|replied|comment|commented|"
    r"think)"
)
_SPEECH_VERBS_FR = r"(?:dit|déclaré|affirmé|annoncé|répondu|écrit|expliqué|estimé|démenti|assuré|promis|averti)"
_SPEECH_QUESTIONS = (
    re.compile(rf"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<speaker>.+?)\s+{_SPEECH_VERBS_EN}\b", re.I),
    re.compile(
        rf"^\W*(?:did|does|do|has|have|had)\s+(?P<speaker>.+?)\s+(?:ever\s+|really\s+|actually\s+)?"
        rf"{_SPEECH_VERBS_EN}\b",
        re.I,
    ),
    re.compile(
        rf"\bqu['’](?:a|ont|avait|avaient)(?:-t-(?:il|elle|on)|-(?:ils|elles))?\s+{_SPEECH_VERBS_FR}\s+"
        rf"(?P<speaker>.+?)(?=\s+(?:sur|à propos|au sujet|concernant|après|lors)\b|\s*\?|$)",
        re.I,
    ),
    re.compile(
        rf"^\W*(?P<speaker>.+?)\s+(?:a|ont|avait|avaient)-t?-?(?:il|elle|ils|elles)\s+(?:bien\s+|vraiment\s+)?"
        rf"{_SPEECH_VERBS_FR}\b",
        re.I,
    ),
)


def speaker_names(question: str) -> list[str]:
    """The question's names that stand for the one it asks the words of ("What did the United Nations say
    about the attack?": “United Nations”), when it asks what someone said; else an empty list."""
    names = question_names(question)
    for pattern in _SPEECH_QUESTIONS:
        if match := pattern.search(question):
            return [name for name in names if name in match["speaker"]]
    return []


def absent_speaker(
    question: str, docs: Sequence[Document], embeddings: ModelEmbeddings, cache: EmbeddingCache | None = None
) -> list[str]:
    """The names of the one whose words the question asks, when the passages mention none of them.

    ``absent_names`` lets a question through when any of its names is mentioned: "What did the United
    Nations say about the Dravik attack?" was answered with what a monitoring group said about it, as if the
    UN had said it. Words nobody in the articles is said to have spoken are not in them."""
    return _none_mentioned(speaker_names(question), docs, embeddings, cache)


def _none_mentioned(
    names: list[str], docs: Sequence[Document], embeddings: ModelEmbeddings, cache: EmbeddingCache | None
) -> list[str]:
    """``names`` when the passages (or their articles' titles and entity names) mention none of them."""
    if not names or not docs:
        return []
    # The passages and their articles' titles: a later chunk often says "he" where the title names him.
    text = " ".join(f"{doc.metadata.get('title', '')} {doc.page_content}" for doc in docs)
    passages = text_words(text)
    if any(_mentions(passages, name) for name in names):
        return []
    if any(name.isupper() and entity_key(name) in spelled_out(text) for name in names):
        return []
    keys = sorted({key for doc in docs for key in (doc.metadata.get("entities") or []) if key})
    groups = _alias_groups()
    theirs = {groups[key] for key in keys if key in groups}
    # An article from "Roma" or on Malatya is about Italy or Turkey, though it may never name the country: a
    # country the question names is mentioned by its cities (not the reverse: "Italy" does not name Rome).
    theirs |= {country for key in keys if (country := country_of_city(key))}
    if any(_places_of(_group_of(entity_key(name))) & theirs for name in names):
        return []
    # A country's or a language's names are known in both languages (above): an embedding is only asked
    # about other names, and e5 rates any two country names alike ("China" / "North Korea").
    unknown = [name for name in names if not _known_both_ways(name)]
    if keys and unknown:
        # Queries: the names are short and unprefixed questions; the cache only holds passages.
        asked = _name_vectors(embeddings, tuple(entity_key(name) for name in unknown))
        known = passage_vectors(embeddings, cache, keys)
        if float((asked @ np.asarray(known, dtype=np.float32).T).max()) >= NAME_SIMILARITY:
            return []
    return names


_QUESTION_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def years_in(question: str) -> list[str]:
    return list(dict.fromkeys(_QUESTION_YEAR.findall(question)))


def absent_years(question: str, docs: Sequence[Document]) -> list[str]:
    """The years the question asks about that no passage (nor its article's title) writes: "What was the
    ECB's rate in 2019?" on articles of 2025 was answered with the current rate, a sentence as close to
    the question as a true answer."""
    years = years_in(question)
    if not years or not docs:
        return []
    written = set(
        _QUESTION_YEAR.findall(" ".join(f"{doc.metadata.get('title', '')} {doc.page_content}" for doc in docs))
    )
    return [] if written & set(years) else years


# A number as written: "2,500", "2 500", "12.5", "1,8" (a group of three digits after a separator is
# thousands, anything else a decimal part).
_WRITTEN_NUMBER = re.compile(r"(?<![\w.,])\d+(?:(?:[,.\s\u202f\u00a0']\d{3})+(?!\d))?(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"(?<=\d)[,.\s\u202f\u00a0'](?=\d{3}(?!\d))")
# Small numbers written out ("three days", "trois jours") are numbers too: a claim of "3 days" may say so.
_NUMBER_WORDS = {
    word: str(value)
    for value, words in enumerate(
        [
            "zero zéro",
            "one un une",
            "two deux",
            "three trois",
            "four quatre",
            "five cinq",
            "six",
            "seven sept",
            "eight huit",
            "nine neuf",
            "ten dix",
            "eleven onze",
            "twelve douze",
            "thirteen treize",
            "fourteen quatorze",
            "fifteen quinze",
            "sixteen seize",
            "seventeen dix-sept",
            "eighteen dix-huit",
            "nineteen dix-neuf",
            "twenty vingt",
        ]
    )
    for word in words.split()
}
_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")\b", re.I
)


def numbers_in(text: str, words: bool = True) -> set[str]:
    """The numbers a text writes, in one form: "2,500" and "2 500" -> "2500", "1,8" and "1.8" -> "1.8";
    with ``words``, the small ones written out too ("three" -> "3")."""
    found = {_THOUSANDS.sub("", match.group(0)).replace(",", ".") for match in _WRITTEN_NUMBER.finditer(text)}
    if words:
        found |= {_NUMBER_WORDS[match.group(0).lower()] for match in _NUMBER_WORD.finditer(text)}
    return found


def unwritten_numbers(claim: str, passage: str) -> set[str]:
    """The numbers (in digits) a claim writes that the passage does not: "losses of 90 million euros"
    cited to a passage of "12 millions d'euros"."""
    return numbers_in(claim, words=False) - numbers_in(passage)


# Words an acronym skips: "Société nationale des chemins de fer" is the SNCF, "Bank of England" the BoE.
_PARTICLES = frozenset("de du des d la le les l et en au aux a pour sur of the for and on in to".split())
_LETTERS = re.compile(r"[^\W\d_]+")


def spelled_out(text: str, longest: int = 6) -> set[str]:
    """The acronyms a text spells out: the initials of each run of up to ``longest`` words that opens
    with a capital, particles skipped ("Banque centrale européenne" -> "bce", "Confédération générale du
    travail" -> "cgt"). A question asking about the BCE is answered by an article that only writes it
    out in full."""
    words = [(word[0].isupper(), entity_key(word)) for word in _LETTERS.findall(text)]
    found: set[str] = set()
    for start, (capital, key) in enumerate(words):
        if not capital or key in _PARTICLES:
            continue
        initials = ""
        for _, following in words[start:]:
            if following in _PARTICLES:
                continue
            initials += following[:1]
            if len(initials) >= 3:
                found.add(initials)
            if len(initials) == longest:
                break
    return found


@lru_cache(maxsize=256)  # asked again of each retrieved article (extractive.discount_unnamed)
def _name_vectors(embeddings: ModelEmbeddings, keys: tuple[str, ...]) -> np.ndarray:
    return np.asarray(embeddings.embed_queries(list(keys)), dtype=np.float32)


def _known_both_ways(name: str) -> bool:
    """Whether a name is a country's, a language's or a listed body's, whose names in both languages are
    known. A city's are known too, but a city also stands for its country ("Tokyo" for Japan's government,
    "Washington"), which only the embedding and near spellings see."""
    group = _group_of(entity_key(name))
    return group is not None and not _is_city(group)


def _mentions(passages: tuple[set[str], list[str]], name: str) -> bool:
    if _known_both_ways(name):
        # A country, language or listed body: its names in both languages are known, so a near spelling
        # must also open as one of them does ("russes" for "Russie"), not just share letters ("chief" for
        # "Chine").
        return _alias_mentioned(passages, name, prefix=KNOWN_NAME_PREFIX)
    return spells(passages, name_words(name)) or _alias_mentioned(passages, name)


def mentioned_in(names: Sequence[str], text: str) -> list[str]:
    """Those of ``names`` (names, or years: "2021") that ``text`` mentions: a year written as such, a name as
    ``absent_names`` reads it in a passage."""
    words, years = text_words(text), set(_QUESTION_YEAR.findall(text))
    return [name for name in names if name in years or (not name.isdigit() and _mentions(words, name))]


def name_words(name: str) -> list[str]:
    """The folded words of a name that a text must have (or spell nearly) to mention it."""
    return [w for w in _WORD.findall(entity_key(name)) if len(w) >= 3 or w.isdigit()]


def named_in(question: str) -> list[tuple[str, list[str]]]:
    """The question's names, each with its ``name_words``: "Who is Budanov?" names "Budanov", which
    "Kyrylo Boudanov" mentions. English questions on French articles share few words with them but most
    names."""
    return [(name, name_words(name)) for name in question_names(question)]


def text_words(text: str) -> tuple[set[str], list[str]]:
    """A text's folded words, and those of four letters or more (the ones a near spelling may match)."""
    words = set(_WORD.findall(entity_key(text)))
    return words, [w for w in words if len(w) >= 4]


def spells(text: tuple[set[str], list[str]], words_of_name: Sequence[str], prefix: int = 0) -> bool:
    """Whether a text (its ``text_words``) has one of the name's words, or a near spelling of a long one
    (that opens with the word's first ``prefix`` letters)."""
    words, long_words = text
    return any(w in words for w in words_of_name) or any(
        near_spelling(w, [c for c in long_words if c[:prefix] == w[:prefix]] if prefix else long_words)
        for w in words_of_name
        if len(w) >= 4
    )


def _without_article(key: str) -> str:
    for article in ("the ", "la ", "le ", "les ", "l "):
        if key.startswith(article):
            return key[len(article) :]
    return key


def near_spelling(word: str, candidates: Sequence[str]) -> bool:
    matcher = SequenceMatcher(None, "", word)  # the word is seq2, whose index the matcher keeps
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if (
            matcher.real_quick_ratio() >= NEAR_SPELLING
            and matcher.quick_ratio() >= NEAR_SPELLING
            and matcher.ratio() >= NEAR_SPELLING
        ):
            return True
    return False


_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")


@lru_cache(maxsize=1)
def _full_names() -> dict[str, tuple[str, ...]]:
    """Folded acronym -> the full names ``ALIASES`` gives it, in English and French."""
    names: dict[str, tuple[str, ...]] = {}
    for group in ALIASES:
        written_out = tuple(sorted(name for name in group if " " in name))
        for name in group:
            if " " not in name and written_out:
                names[name] = written_out
    return names


def with_full_names(question: str) -> str:
    """The question with each acronym it writes in capitals followed by its full names: "What did the ECB
    decide?" -> "What did the ECB (banque centrale europeenne, european central bank) decide?". e5 reads
    "ECB" far from "la Banque centrale européenne" (0.878 for the article's lead, under the bar; 0.914 with
    the names), and the question was refused."""

    def spell(match: re.Match[str]) -> str:
        names = _full_names().get(match.group().lower())
        return f"{match.group()} ({', '.join(names)})" if names else match.group()

    return _ACRONYM.sub(spell, question)
