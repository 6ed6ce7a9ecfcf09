"""Fixed replies, in the language of the question."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .answer_types import Expected

NOT_ANSWERED = {
    "en": "The indexed articles do not answer this question.",
    "fr": "Les articles indexés ne répondent pas à cette question.",
}
NOT_MENTIONED = {
    "en": "They do not mention {names}.",
    "fr": "Ils ne mentionnent pas {names}.",  # names in « »: "pas « Chine »" reads, "pas Chine" does not
}
NO_ARTICLES = {
    "en": "No articles are indexed yet in {index}: add some first (`assistant index PATH`, or "
          "`Assistant.index(paths)` in Python).",
    "fr": "Aucun article n'est encore indexé dans {index} : ajoutez-en d'abord (`assistant index CHEMIN`, ou "
          "`Assistant.index(chemins)` en Python).",
}

UNSUPPORTED = {
    "en": "This answer cites no retrieved passage that says what it says: treat it with caution.",
    "fr": "Cette réponse ne cite aucun passage retrouvé qui dise ce qu'elle dit : à prendre avec prudence.",
}


def not_answered_text(language: str, absent: list[str] | None = None) -> str:
    text = NOT_ANSWERED.get(language, NOT_ANSWERED["en"])
    if absent:
        quoted = [f"« {name} »" if language == "fr" else f"“{name}”" for name in absent]
        joiner = " ni " if language == "fr" else " or "
        names = ", ".join(quoted[:-1]) + joiner + quoted[-1] if len(quoted) > 1 else quoted[0]
        text += " " + NOT_MENTIONED.get(language, NOT_MENTIONED["en"]).format(names=names)
    return text


NO_NUMBER = {
    "en": "None of the passages found gives {what}.",
    "fr": "Aucun des passages trouvés ne donne {what}.",
}
WHAT_NUMBER = {
    "en": {"count": "a number of “{noun}”", "money": "a sum of money", "number": "a number"},
    "fr": {"count": "de nombre de « {noun} »", "money": "de somme d'argent", "number": "de nombre"},
}


def no_number_text(language: str, expected: Expected) -> str:
    """A refusal that says what the passages lack: a number of soldiers, a sum."""
    lang = language if language in NO_NUMBER else "en"
    what = WHAT_NUMBER[lang][expected.kind]  # a count always has its noun: expected_answer gives "number" else
    return f"{not_answered_text(lang)} {NO_NUMBER[lang].format(what=what.format(noun=expected.noun))}"


def no_articles_text(language: str, index: str) -> str:
    """``index``: where the index is (a folder or a server's URL): a relative path taken from another
    working directory, or a mistyped one, is an empty index."""
    return NO_ARTICLES.get(language, NO_ARTICLES["en"]).format(index=index)


NO_MATCH = {
    "en": "No indexed article matches the filters ({filters}): there is nothing to answer from.",
    "fr": "Aucun article indexé ne correspond aux filtres ({filters}) : rien ne permet de répondre.",
}


def no_match_text(language: str, filters: str) -> str:
    """The filters that left no passage (``filters``: as ``filters.describe_filters`` names them), so
    the reader can widen them."""
    return NO_MATCH.get(language, NO_MATCH["en"]).format(filters=filters)


# Under filters "the indexed articles" would be false: the ones left out may answer, or name what the
# question names ("They do not mention « Bellingham »" when only the filters left him out).
NOT_ANSWERED_FILTERED = {
    "en": "The articles matching the filters do not answer this question.",
    "fr": "Les articles correspondant aux filtres ne répondent pas à cette question.",
}


def under_filters(language: str, text: str) -> str:
    """A refusal's text as said under filters."""
    lang = language if language in NOT_ANSWERED else "en"
    plain = NOT_ANSWERED[lang]
    return NOT_ANSWERED_FILTERED[lang] + text[len(plain):] if text.startswith(plain) else text


FILTERED = {
    "en": "Only the articles matching the filters were searched ({filters}).",
    "fr": "Seuls les articles correspondant aux filtres ont été consultés ({filters}).",
}


def filtered_text(language: str, filters: str) -> str:
    """Said beside a refusal under filters: the articles left out may answer."""
    return FILTERED.get(language, FILTERED["en"]).format(filters=filters)


def unsupported_text(language: str) -> str:
    return UNSUPPORTED.get(language, UNSUPPORTED["en"])


# Replies are written in English or French, and the refusal thresholds were calibrated for questions in
# them: a question in Chinese about the weather scored 0.89 against a French article on weapons, above the
# bar, and was answered with two unrelated sentences. Said in one language, never both at once: English,
# or the web page's language.
OTHER_SCRIPT = {
    "en": "Questions are answered in English or French: please ask in one of them.",
    "fr": "Les questions sont traitées en anglais ou en français : posez-la dans l'une de ces langues.",
}


def other_script_text(language: str = "en") -> str:
    return OTHER_SCRIPT.get(language, OTHER_SCRIPT["en"])
