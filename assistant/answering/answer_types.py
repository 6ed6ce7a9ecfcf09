"""How many, how much: questions that ask for a number, and whether a sentence can give it.

"How many soldiers has North Korea sent?" is answered by a number of soldiers, "How much did Russia
pay?" by a sum of money. On an article that holds neither, the most similar sentences are still on
topic ("...fournit déjà des armes à la Russie depuis environ six semaines") and score as high as true
answers, so the similarity threshold lets them through. A sentence that cannot hold such an answer is
never quoted as one: the answerer chooses among the sentences that can, and refuses when none of them
scores enough.

What can hold it:
- a count ("how many soldiers", "combien de soldats"): a number that is not a date, a duration, a sum, a
  share, a measure or a label ("six semaines", "en 2019", "le 20 novembre", "3 milliards de dollars",
  "4 %", "obus de 122mm", "phase 3" count no soldiers), or one followed by the counted noun itself ("six
  mois" for "how many months");
- a sum ("how much did it cost", "combien a coûté", "combien d'aide", "what is the salary of"): an amount
  in a currency;
- any other number question ("how old", "combien", "what percentage", even of a budget): a number.

Questions about time ("when", "quand", "how long") are not typed: on the dev sets a time filter refused
answerable questions and caught no unanswerable one (time is written in too many ways: "au printemps",
"lors du sacre").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..entities import MONTHS
from ..lexical import fold, stop_words, tokenize

Kind = Literal["count", "number", "money"]

# Counting words, not "un"/"one": those are articles far more often than answers.
_NUMBER_WORDS = (
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt vingts trente "
    "quarante cinquante soixante cent cents mille million millions milliard milliards dizaine dizaines "
    "douzaine douzaines vingtaine vingtaines trentaine centaine centaines millier milliers moitie tiers quart "
    "double triple zero aucun aucune "
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand "
    "thousands billion billions trillion dozen dozens half third quarter twice none"
).split()
_NUMBER = re.compile(r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b")
_CURRENCY = re.compile(
    r"[$€£¥₽₩]|\b(?:dollars?|euros?|livres? sterling|pounds?|roubles?|rubles?|yuans?|renminbi|yens?|wons?|"
    r"francs?|hryvnias?|grivnas?|roupies?|rupees?|usd|eur|gbp|rub|cny|cents?|centimes?)\b"
)
# A share: "4 %", "4 pour cent", "4 per cent" (read as "%" before numbers are counted: "cent" is one).
_SHARE = re.compile(r"\s*(?:%|‰|\b(?:pour|per)\s*(?:cent|mille)\b|\bpercent\b)")
# Units of time after a number: "six semaines", "3 ans", "10 days".
_TIME_UNIT = re.compile(
    r"(?:siecles?|century|centuries|ans|annees?|years?|semaines?|weeks?|mois|months?|jours?|"
    r"days?|heures?|hours?|minutes?|secondes?|seconds?|decennies?|decades?)\b"
)
# Units of measure after a number: "obus de 122mm", "12 km", "3 tonnes" measure a calibre, a distance, a
# weight; they count no soldiers.
_MEASURE_UNIT = re.compile(
    r"(?:mm|cm|km|m|kg|mg|g|t|kt|mt|tonnes?|tons?|litres?|liters?|hectares?|ha|"
    r"(?:milli|centi|kilo)?(?:metres?|meters?|grammes?|grams?)|miles?|pieds|feet|foot|"
    r"inch(?:es)?|pouces?|degres?|degrees?|kw|mw|gw|kwh|mwh|gwh|twh|mph|kmh|noeuds?|"
    r"knots?|calibres?|calibers?)\b"
)
# The unit read straight after the number, as the words after it are read past stop words, among which "m"
# and "t" ("m'a dit"): "5 m de haut", "3 t", "122mm"; not a word that begins like one ("3 t-shirts") nor
# an elision ("deux m'ont dit").
_UNIT_AFTER = re.compile(r"\s*" + _MEASURE_UNIT.pattern + r"(?!['-])")
_YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")
# A four-digit number is a year after these words or a month, or before punctuation or a range
# ("en 2019", "since 2005", "mai 1968", "(1080-1086)"); "chaque année 1400 vies humaines" counts lives.
_BEFORE_YEAR = re.compile(
    r"(?:\b(?:en|in|since|depuis|from|de|du|jusqu'en|until|till|vers|around|circa|fin|"
    r"debut|late|early|mid|" + "|".join(MONTHS) + r")\s+|\()$"
)
_AFTER_YEAR = re.compile(r"\s*(?:[-–—,.;:)!?]|$)")
# A day of the month: "le 20 novembre", "March 5" (a dateline's date counts nothing).
_MONTH_AFTER = re.compile(r"\s*(?:" + "|".join(MONTHS) + r")\b")
_MONTH_BEFORE = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\.?\s+$")
_DAY = re.compile(r"(?:[12]?[0-9]|3[01])(?:er|st|nd|rd|th)?")
# A number that names rather than counts: "essai de phase 3", "l'article 49.3", "Covid-19", "le G20".
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:phase|article|chapitre|chapter|niveau|level|stage|etape|round|saison|season|"
    r"episode|tome|volume|numero|number|no|page|section|groupe|group|categorie|category|"
    r"type|version|covid|g)[\s-]*|\w-|[^\W\d_])$"
)  # "MiG-29", "A320"

# A number word joined to a word that is no number is part of a name: "Deux-Sèvres", "Trois-Rivières" (not
# "vingt-deux", "dix-huit").
_IN_A_NAME = re.compile(r"-(?!(?:" + "|".join(_NUMBER_WORDS) + r"|et)\b)[^\W\d_]")

_NUMBER_QUESTION = re.compile(
    r"\b(?:how many|how much|how old|combien|quel age|what percentage|"
    r"quel pourcentage|what proportion|quelle proportion)\b"
)


def _what_is_the(english: str, french: str) -> re.Pattern[str]:
    """ "What is the (unemployment) rate ...", "Quel est le taux ...": a question about one of these nouns."""
    return re.compile(
        r"\b(?:what|which)\s+(?:is|was|are|were)\s+the\s+(?:\w+\s+)?(?:" + english + r")\b"
        r"|\bquel(?:le)?s?\s+(?:est|sont|etait|etaient)\s+(?:le|la|les)\s+(?:" + french + r")\b"
    )


# "What is the price of oil?", "Quel est le taux de chômage ?": a sum, a number, without "how much".
_PRICE_QUESTION = _what_is_the(
    "price|prices|cost|costs|salary|salaries|wage|wages|share price|stock price",
    "prix|cout|couts|tarif|tarifs|montant|salaire|salaires|remuneration|cours",
)
_RATE_QUESTION = _what_is_the("rate|percentage|population", "taux|pourcentage|population")
# "By how much did prices fall?", "De combien les prix ont-ils baissé ?": a change, often a share ("about
# 80%"), not a sum, though prices are named. A raise or a cut too: "How much does the SNCF propose to raise
# wages?" was read as a sum for naming wages, and refused beside "une revalorisation de 2,5 % des salaires".
_CHANGE_QUESTION = re.compile(
    r"\b(?:how much|de combien)\b.*\b(?:f[ae]ll\w*|drop\w*|ris(?:e|es|en|ing)|rose|increas\w*|decreas\w*|"
    r"gr[eo]w\w*|declin\w*|climb\w*|jump\w*|shr[ai]nk\w*|rais(?:e|es|ed|ing)|cut|cuts|cutting|hik(?:e|es|ed|ing)|"
    r"lower(?:s|ed|ing)?|reduc\w*|slash\w*|baiss\w*|augment\w*|chut\w*|recul\w*|grimp\w*|progress\w*|diminu\w*|"
    r"hauss\w*|bondi\w*|cru|croi\w*|redui\w*|relev\w*|revalori\w*)\b"
)
# "How much money did the campaign raise?": a sum raised, not a raise.
_SUM_ASKED = re.compile(r"\bhow much (?:money|cash)\b|\bcombien d'(?:argent|euros|dollars)\b")
# "What percentage of the French think the budget unfair?": a share, whatever else it names.
_SHARE_QUESTION = re.compile(
    r"\b(?:what|which) (?:percentage|proportion|share)\b|"
    r"\bquel(?:le)? (?:pourcentage|proportion|part)\b"
)
# "How long", "combien de temps", "how many years": durations are written in too many ways to be typed.
_DURATION_QUESTION = re.compile(r"\b(?:combien de temps|how long|how much time)\b")
# "How many North Korean soldiers are ...": the words between "how many" and the verb; the head comes last.
_HOW_MANY = re.compile(
    r"\bhow many\s+(?P<phrase>.+?)(?=\s+(?:are|is|were|was|have|has|had|do|does|did|will|"
    r"would|can|could|should|may|might|must|in|on|at|of|for|from|per)\b|\s*[?.!]|$)"
)
_ENGLISH_VERB = re.compile(
    r"\w+ed|live|lives|work|works|remain|remains|die|exist|exists|attend|attends|"
    r"take|takes|took|come|came|go|went|get|got|make|made|win|won|lose|lost|play|"
    r"score|scored|vote|voted|fled|left|need|needs|use|uses|speak|speaks|own|owns"
)
_COMBIEN_DE = re.compile(r"\bcombien\s+(?:d'\s*|(?:des|de)\s+)(?P<noun>[^\W\d_][\w-]*)")
# Not "pays": a country in French ("Combien de pays...").
_MONEY_WORDS = re.compile(
    r"\b(?:cost\w*|pay|paid|spen[dt]\w*|pric\w*|worth|earn\w*|charg\w*|fund\w*|sold for|"
    r"sell for|budget\w*|cout\w*|paye\w*|payer|depens\w*|vaut|valent|valait|gagn\w*|prix|"
    r"montant|financ\w*|money|argent|salar\w*|wages?|aid|subsid\w*|revenue)\b"
)
# "Combien d'argent", "how many dollars", "combien d'aide": a sum, whatever the wording.
_MONEY_NOUNS = frozenset(
    "argent money cash fonds funds dollars euros livres pounds roubles rubles yuans aide aides "
    "financement financements subvention subventions investissement investissements dette "
    "budget salaire salaires".split()
)
_WORDS = re.compile(r"[^\W\d_][\w-]*")
_AFTER_NUMBER = re.compile(r"[^\W\d_][\w-]*|%")
# How many words after a number may name what it counts ("des milliers de soldats nord-coréens").
COUNT_WINDOW = 4


@dataclass(frozen=True)
class Expected:
    kind: Kind
    noun: str = ""  # what a count counts: "soldiers" in "How many North Korean soldiers...?", "soldats"


def expected_answer(question: str) -> Expected | None:
    """The kind of number the question's wording asks for, if it asks for one."""
    text = _folded(question)
    if _CHANGE_QUESTION.search(text) and not _SUM_ASKED.search(text):
        return Expected("number")
    if _PRICE_QUESTION.search(text) or "how expensive" in text:
        return Expected("money")
    if _RATE_QUESTION.search(text) or _SHARE_QUESTION.search(text):
        return Expected("number")
    if not _NUMBER_QUESTION.search(text) or _DURATION_QUESTION.search(text):
        return None
    noun = _counted_noun(text)
    if noun in _MONEY_NOUNS:
        return Expected("money")  # "combien d'argent", "how many dollars"
    if noun:
        return Expected("count", noun)
    # "How much did Russia pay?", "Combien a coûté...": a sum ("Combien de fois a-t-il gagné" counts).
    return Expected("money") if _MONEY_WORDS.search(text) else Expected("number")


def _folded(text: str) -> str:
    return fold(text).replace("’", "'")


def _counted_noun(folded_question: str) -> str:
    match = _COMBIEN_DE.search(folded_question)
    if match:
        return match.group("noun")
    match = _HOW_MANY.search(folded_question)
    if match:
        # The head noun ends the phrase ("toxic elements"), but a verb may follow it when no auxiliary
        # does ("how many people live in..."): the phrase up to the first word that reads as a verb.
        words = _WORDS.findall(match.group("phrase"))
        for end, word in enumerate(words):
            if end and _ENGLISH_VERB.fullmatch(word):
                words = words[:end]
                break
        return words[-1] if words else ""
    return ""


# Whether one of the words names the counted noun (the answerer's: across languages with the model).
SameThing = Callable[[str, Sequence[str]], bool]


def _as_read(sentence: str) -> str:
    """A sentence as its numbers are read: folded, shares written "%" ("4 pour cent" -> "4 %")."""
    return _SHARE.sub(" %", _folded(sentence))


# A count of nobody, the answer a toll question most needs quoted: "No deaths were reported.", "No one was
# hurt.", "Il n'y a pas eu de victime." (folded). "How many people died in the fire?" was answered with the
# number of residents evacuated, the sentence saying no one died holding no number. "Aucun(e)" is a number word.
_NONE_COUNTED = re.compile(
    r"\b(?:no (?:deaths?|fatalit(?:y|ies)|casualt(?:y|ies)|victims?|injur(?:y|ies)|dead|one (?:was|has been|had been))"
    r"|nobody|no-one|personne n'a ete|pas (?:eu )?de (?:victimes?|morts?|blesses?|deces))\b"
)


# What a toll question counts, deaths or injuries: "How many people died?", "Combien de blessés ?" (folded).
_TOLL_ASKED = {
    "deaths": re.compile(r"\b(?:died|dies|dead|deaths?|killed|fatalit(?:y|ies)|death toll|morte?s?|tue(?:e|s|es)?|"
                         r"deces|decede(?:e|s|es)?|peri)\b"),
    "injuries": re.compile(r"\b(?:injured|injur(?:y|ies)|hurt|wounded|blesse(?:e|s|es)?)\b"),
}
# A sentence saying nobody died, or nobody was hurt (folded): the toll, when the articles give no number.
_NONE_OF = {
    "deaths": re.compile(r"\b(?:no (?:deaths?|fatalit(?:y|ies)|dead|one (?:was|has been|had been) killed|one died)"
                         r"|nobody (?:was killed|died)|aucun (?:mort|deces)|aucune victime|personne n'a ete tue"
                         r"|pas (?:eu )?de (?:victimes?|morts?|deces))\b"),
    "injuries": re.compile(r"\b(?:no (?:injur(?:y|ies)|one (?:was|has been|had been) (?:hurt|injured))"
                           r"|nobody was (?:hurt|injured)|aucun blesse|personne n'a ete blesse"
                           r"|pas (?:eu )?de blesses?)\b"),
}


def toll_asked(question: str) -> str:
    """"deaths" or "injuries" when a count question asks a toll ("How many people died in the fire?"), else ""."""
    text = _folded(question)
    return next((kind for kind, asked in _TOLL_ASKED.items() if asked.search(text)), "")


def says_none_of(toll: str, sentence: str) -> bool:
    """Whether the sentence says nobody counts in that toll: "No deaths were reported." for "deaths"."""
    return bool(toll) and _NONE_OF[toll].search(_folded(sentence)) is not None


def carries(expected: Expected, text: str, same_thing: SameThing | None = None) -> bool:
    """Whether a sentence can hold the expected answer (see the module's docstring)."""
    folded = _as_read(text)
    if expected.kind == "money":
        return bool(_CURRENCY.search(folded))  # fold keeps the signs: "$", "€"
    if expected.kind == "number":
        # A date names a time, it is not the number asked: "How much is the fine for breaking the water
        # restrictions?" was answered "Les restrictions s'appliquent jusqu'au 31 août" and the dateline lead.
        return any(not _names_time_or_thing(folded, match) for match in _NUMBER.finditer(folded))
    counted = _counted_words(folded)
    if any(not measure for _, _, measure in counted) or _NONE_COUNTED.search(folded):
        return True
    words = counted_nouns(counted)
    return bool(words) and (same_thing or same_stem)(expected.noun, words)


def names_counted(expected: Expected, text: str, same_thing: SameThing | None = None) -> bool:
    """Whether one of the sentence's numbers is followed by the counted noun itself ("34 % des conducteurs"
    for "how many drivers", "quatre essais" for "how many tries"), not only by something else it counts."""
    if expected.kind != "count" or not expected.noun:
        return False
    words = counted_nouns(_counted_words(_as_read(text)))
    return bool(words) and (same_thing or same_stem)(expected.noun, words)


def counted_candidates(expected: Expected, texts: Sequence[str]) -> list[str]:
    """The words after the numbers of these sentences: those ``carries`` may ask ``same_thing`` about."""
    if expected.kind != "count":
        return []
    return sorted({word for text in texts for word in counted_nouns(_counted_words(_as_read(text)))})


def _counted_words(folded: str) -> list[tuple[str, list[str], bool]]:
    """Each number of a (folded) sentence, the few words after it, and whether it measures rather than
    counts (a date, a duration, a sum or a share)."""
    stop = stop_words()
    counted = []
    for match in _NUMBER.finditer(folded):
        following = _AFTER_NUMBER.findall(folded, match.end())[:COUNT_WINDOW]
        # What the number measures comes first once "de", "of" and further number words are passed over:
        # "3 milliards de dollars", "2 500 ans".
        unit = " ".join([w for w in following if w not in stop and w not in _NUMBER_WORDS][:2])
        before = folded[max(0, match.start() - 12) : match.start()]
        measure = (
            _names_time_or_thing(folded, match)
            or bool(_TIME_UNIT.match(unit) or _CURRENCY.match(unit))
            or bool(_UNIT_AFTER.match(folded, match.end()) or _MEASURE_UNIT.fullmatch(unit.split(" ")[0]))
            or unit[:1] == "%"
            or bool(_CURRENCY.search(before[-2:]))
        )  # "$1000"
        counted.append((match.group(0), following, measure))
    return counted


def _names_time_or_thing(folded: str, match: re.Match[str]) -> bool:
    """Whether a number of a (folded) sentence is a year, a day of the month or a label ("phase 3")."""
    before = folded[max(0, match.start() - 12) : match.start()]
    year = bool(_YEAR.fullmatch(match.group(0))) and bool(
        _BEFORE_YEAR.search(before) or _AFTER_YEAR.match(folded, match.end())
    )
    day = bool(_DAY.fullmatch(match.group(0))) and bool(
        _MONTH_AFTER.match(folded, match.end()) or _MONTH_BEFORE.search(before)
    )
    return year or day or bool(_LABEL_BEFORE.search(before) or _IN_A_NAME.match(folded, match.end()))


def counted_nouns(counted: Sequence[tuple[str, Sequence[str], bool]]) -> list[str]:
    stop = stop_words()
    return [
        w
        for _, following, _ in counted
        for w in following
        if w.isalpha() and len(w) > 2 and w not in stop and w not in _NUMBER_WORDS
    ]


def same_stem(noun: str, words: Sequence[str]) -> bool:
    """The counted noun among the words, inflected or not ("soldat" / "soldats")."""
    stems = set(tokenize(" ".join(words)))
    return any(stem in stems for stem in tokenize(noun))
