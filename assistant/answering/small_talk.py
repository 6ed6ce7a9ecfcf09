"""Courtesies and questions about the assistant itself, answered without a search.

"Merci !" was searched like a question and answered with two quoted sentences of a strike article, with
their citations: a reader takes a cited reply as what the articles say. A message made only of thanks,
greetings or agreement, or one asking what the assistant can do, gets a short reply of its own instead.
"""

from __future__ import annotations

import re

from ..language import question_language
from ..lexical import fold

# "other": Spanish, Italian, German and Portuguese, replied to in English as their questions are ("¡Gracias!"
# was searched and answered with two cited sentences).
_THANKS = {"en": "thanks thank thx ty cheers", "fr": "merci",
           "other": "gracias grazie danke dankeschon dank obrigado obrigada"}
_GREETINGS = {"en": "hello hi hey morning evening afternoon", "fr": "bonjour bonsoir salut coucou",
              "other": "hola ciao buongiorno buonasera hallo servus gutentag gutenmorgen gutenabend buenosdias "
                       "buenastardes buenasnoches bomdia"}
# Greetings of two words, read as one ("Guten Morgen": "Morgen" alone is "tomorrow", not a courtesy).
_TWO_WORD_GREETING = re.compile(r"\b(?:guten (?:tag|morgen|abend)|buen(?:os dias|as tardes|as noches)|bom dia)\b")
# Not "nice" or "top": "Nice ?" asks about the city, "Top 14" about rugby.
# "yes", "no", "lol" alone were searched and answered with two quoted sentences.
_AGREEMENT = {"en": "ok okay great perfect cool good fine excellent awesome bye goodbye yes yeah yep no nope lol "
                    "haha",
              "fr": "ok okay super parfait genial cool bien excellent bravo daccord aurevoir oui ouais non mdr"}
# Words that may come with those and change nothing: "thank you very much", "merci beaucoup à vous",
# "Thanks, that's helpful", "Merci, c'est très clair". Alone they are no courtesy ("Is it clear?").
_FILLERS = set("you very much so a lot all again there everyone good great day beaucoup bien tous toi vous a "
               "encore d de la le les tres mille bonne journee soiree au plus muchas mil tante vielen schon "
               "that this it s is was really helpful useful clear interesting nice job work well done for your "
               "the help in advance c est etait ca vraiment utile clair interessant sympa boulot travail pour ton "
               "votre ta aide avance".split())
# "What can you do?", "Que peux-tu faire ?", "Help", "Comment ça marche ?"
_HELP = re.compile(
    r"(?:what can you do|what do you do|how does (?:this|it) work|who are you|help|how do i use (?:this|you)|"
    r"que (?:peux|sais)[ -]tu faire|que pouvez[ -]vous faire|que fais[ -]tu|qui es[ -]tu|qui etes[ -]vous|aide|"
    r"comment (?:ca|cela) (?:marche|fonctionne)|a quoi sers[ -]tu|"
    r"que (?:puedes|sabes) hacer|cosa (?:puoi|sai) fare|was kannst du(?: tun| machen)?)", re.I)

REPLIES = {
    "thanks": {"en": "You're welcome. Ask another question about the articles whenever you like.",
               "fr": "Avec plaisir. Posez une autre question sur les articles quand vous voulez."},
    "greeting": {"en": "Hello. Ask a question about the indexed articles: I answer from them only, and show "
                       "the passages I relied on.",
                 "fr": "Bonjour. Posez une question sur les articles indexés : j'y réponds à partir d'eux seuls, "
                       "en montrant les passages sur lesquels je m'appuie."},
    "agreement": {"en": "Ask another question about the articles whenever you like.",
                  "fr": "Posez une autre question sur les articles quand vous voulez."},
    "link": {"en": "I cannot open links: I answer from the indexed articles only. To ask about this page, save it "
                   "and add the file to the index (the Library tab, or `assistant index FILE`), then ask a question "
                   "about it.",
             "fr": "Je ne peux pas ouvrir de liens : je réponds à partir des articles indexés seulement. Pour poser "
                   "une question sur cette page, enregistrez-la et ajoutez le fichier à l'index (l'onglet "
                   "Bibliothèque, ou `assistant index FICHIER`), puis posez votre question."},
    "help": {"en": "I answer questions from the indexed articles only, quoting the passages I relied on, and say "
                   "so when they do not answer. Ask in English or French: “What weapons were mentioned?”, “Who is "
                   "mentioned?”, or follow up on an answer: “And who supplies them?”.",
             "fr": "Je réponds aux questions à partir des articles indexés seulement, en citant les passages sur "
                   "lesquels je m'appuie, et je le dis quand ils ne répondent pas. Posez vos questions en français "
                   "ou en anglais : « Quelles armes ont été mentionnées ? », « Qui est mentionné ? », ou une suite "
                   "à une réponse : « Et qui les fournit ? »."},
}


def _folded(text: str) -> str:
    folded = fold(text).replace("’", "'")
    return _TWO_WORD_GREETING.sub(lambda greeting: greeting.group(0).replace(" ", ""), folded)


# A message that is only links: it was searched by the words of its address, and answered with quotes.
_LINKS = re.compile(r"\s*(?:<?(?:https?://|www\.)[^\s<>]+>?\s*)+")
# A French site's address (lemonde.fr, france24.com/fr/): its reply is in French, an address having no grammar.
_FRENCH_SITE = re.compile(r"\.fr\b|/fr/|//fr\.", re.I)


def small_talk(message: str) -> tuple[str, str] | None:
    """``(kind, language)`` of a message that is only courtesy (``thanks``, ``greeting``, ``agreement``),
    asks what the assistant does (``help``) or is a link (``link``); ``None`` for anything else, which is a
    question to search."""
    if _LINKS.fullmatch(message):
        return "link", "fr" if _FRENCH_SITE.search(message) else "en"
    folded = _folded(message).replace("d'accord", "daccord").replace("au revoir", "aurevoir")
    words = re.findall(r"[a-z]+", folded)
    if not words or len(words) > 12 or re.search(r"\d", folded):
        return None
    kinds = {"thanks": _THANKS, "greeting": _GREETINGS, "agreement": _AGREEMENT}
    said: dict[str, str] = {}  # kind -> language of its first word seen
    rest: list[str] = []
    for word in words:
        found = next(((kind, lang) for kind, langs in kinds.items() for lang, listed in langs.items()
                      if word in listed.split()), None)
        if found:
            said.setdefault(found[0], found[1])
        else:
            rest.append(word)
    if any(word not in _FILLERS for word in rest) or not said:
        # "Bonjour, que peux-tu faire ?": a greeting and a question about the assistant itself
        return ("help", question_language(message)) if _HELP.fullmatch(" ".join(rest)) else None
    return next(((kind, said[kind]) for kind in ("thanks", "greeting", "agreement") if kind in said), None)


def small_talk_text(kind: str, language: str) -> str:
    return REPLIES[kind].get(language, REPLIES[kind]["en"])


_COURTESY_WORDS = {word for table in (_THANKS, _GREETINGS, _AGREEMENT) for words in table.values()
                   for word in words.split()} | _FILLERS | {"amis", "friends", "folks", "guys", "team", "equipe"}
_OPENING_PUNCTUATION = re.compile(r"[,!.:;]")


def without_courtesy(question: str) -> str:
    """The question less a courtesy before or after it: "Salut les amis, quelles armes ont été citées ?" was
    searched with its greeting, which pulled in a sentence about friends; "... ? Merci !" with its thanks.
    A message that is only courtesy stays whole ("Thanks, that's helpful" is no question "That's helpful")."""
    if small_talk(question):
        return question
    question = _without_closing_courtesy(question)
    # The words before the first punctuation mark, if few (a pattern of repeated optional words took
    # minutes on a long question, backtracking).
    cut = _OPENING_PUNCTUATION.search(question, 0, 60)
    if cut is None:
        return question
    words = re.findall(r"[a-z]+", _folded(question[: cut.start()]).replace("d'accord", "daccord"))
    if not words or len(words) > 5 or not all(word in _COURTESY_WORDS for word in words):
        return question
    rest = question[cut.end():].lstrip(",!.:; \t\n")
    # Capitalised as a question opens: the model reads "quelles armes" and "Quelles armes" a little apart.
    return rest[:1].upper() + rest[1:] if re.search(r"[^\W\d_]{2}", rest) else question


# A last sentence after the question's end mark, up to 60 characters.
_CLOSING = re.compile(r"(?<=[?!.])[ \t\n]+([^?!.]{1,60})[?!. \t\n]*$")


def _without_closing_courtesy(question: str) -> str:
    """The question less a closing "Thanks!", "Merci d'avance.", when what stays still asks something."""
    closing = _CLOSING.search(question)
    if closing is None:
        return question
    words = re.findall(r"[a-z]+", _folded(closing.group(1)).replace("d'accord", "daccord"))
    rest = question[: closing.start()].rstrip()
    if not words or len(words) > 5 or not all(word in _COURTESY_WORDS for word in words) \
            or not re.search(r"[^\W\d_]{2}", rest):
        return question
    return rest
