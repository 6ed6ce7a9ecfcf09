"""Questions about who and what the articles mention, answered from the entity index.

"Who is mentioned?", "Which places are mentioned in the article about the weapons?", "Quelles
organisations sont citées ?": similarity search answers these badly (no sentence says "the people are
..."), the entity index exactly. Each name is cited by one of its mentions: the quote is the name as
written, at its offsets, and the passage is the sentence around it.

"(in ...)" narrows the answer: to an article named by its file or title, else to the passages that
match the rest of the question ("in the passages about weapons"), or to their articles when it says
"article". Nothing relevant to it means the question is refused, as any other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from .answering.grounding import CITY, COUNTRY, REGION, absent_names, place_types, question_names, same_place
from .entities import DATE, NAMED_KINDS, ORGANISATION, OTHER, PERSON, PLACE, Entity, entity_key, spelled_alike
from .filters import resolve_sources
from .loaders import FILE_NAME
from .types import Answer, Citation

MAX_NAMES = 25
ENTITY_INDEX = "entity index"  # the answerer of these answers: a citation's score is its name's mention count
# A scope ("in the passages about X") is a noun phrase, not a question: e5 rates unrelated passages up to
# about 0.82 against one on the sample, related ones from 0.83. Sharing a word relaxes it to the
# answerer's own threshold.
SCOPE_MIN_SIMILARITY = 0.83

_KIND_WORDS = [
    (PERSON, r"people|persons?|individuals|personalities|names? of people|personnes?|gens|personnalit[eé]s?|"
             r"individus"),
    (PLACE, r"places?|locations?|countries|country|nations?|cities|city|towns?|regions?|provinces?|lieux|lieu|"
            r"endroits?|pays|villes?|r[eé]gions?"),
    (ORGANISATION, r"organi[sz]ations?|companies|company|institutions?|groups|organismes?|entreprises?|"
                   r"soci[eé]t[eé]s?|institutions?"),
    (OTHER, r"other names|autres noms"),
    (DATE, r"dates?"),
]
# "Which countries..." wants the places that are countries, not every place the article names.
_PLACE_WORDS = [
    (COUNTRY, r"countries|country|pays|nations?"),
    (CITY, r"cities|city|towns?|villes?"),
    (REGION, r"regions?|r[eé]gions?|provinces?"),
]
_ALL_PLACES = r"places?|locations?|lieux|lieu|endroits?"
# "Which trade unions / parties were mentioned?" wants the organisations of that kind: one the article
# calls so beside its name ("the CGT union", "le syndicat Force ouvrière", "the Chega party", "Socialist
# Party"), or a union known by its name alone ("la CGT-Cheminots", "SUD-Rail").
UNION, PARTY, COMPANY = "union", "party", "company"
QUOTED = "quoted"  # the people who speak: said, declared, "a estimé", "explique" beside their name
ROLE = "role"  # the people an article calls by the role asked for ("Which ministers were mentioned?")
# "Which ministers / coaches / players ... were mentioned?": the noun asked (English or French), and the nouns an
# article writes beside such a person's name, in either language ("le ministre de l'Intérieur, Ali Yerlikaya",
# "Arsenal manager Mikel Arteta", "l'ailier Matthis Lebel", "Thierry Nier, secrétaire général de ...").
_ROLES = [
    (r"ministers?|ministres?", r"ministres?|ministers?"),
    (r"coach(?:es)?|managers?|entra[iî]neurs?|s[eé]lectionneurs?",
     r"coach(?:es)?|managers?|entra[iî]neurs?|s[eé]lectionneurs?"),
    (r"players?|joueurs?|joueuses?",
     r"players?|joueurs?|joueuses?|ailiers?|demis?(?:\s+d['’]ouverture|\s+de\s+m[eê]l[eé]e)?|talonneurs?|piliers?|"
     r"d[eé]fenseurs?|defenders?|strikers?|forwards?|attaquants?|milieux?|midfielders?|wingers?|gardiens?|"
     r"goalkeepers?|substitutes?|rempla[cç]ants?|capitaines?|captains?"),
    (r"presidents?|pr[eé]sidente?s?", r"pr[eé]sidente?s?|presidents?"),
    (r"mayors?|maires?", r"maires?|mayors?"),
    (r"economists?|[eé]conomistes?", r"[eé]conomistes?|economists?"),
    (r"prosecutors?|procureure?s?", r"procureure?s?|prosecutors?"),
    (r"lawyers?|avocate?s?", r"avocate?s?|lawyers?|attorneys?"),
    (r"judges?|juges?", r"juges?|judges?"),
    (r"candidates?|candidate?s?", r"candidate?s?|candidates?"),
    (r"leaders?|dirigeante?s?",
     r"leaders?|dirigeante?s?|chefs?|secr[eé]taires?\s+g[eé]n[eé]ra(?:l|le|ux)|secretary\s+general|coordinat(?:eur|rice)"),
    (r"chief\s+executives?|CEOs?|bosses|PDG|patrons?|patronnes?",
     r"PDG|directeur\s+g[eé]n[eé]ral|directrice\s+g[eé]n[eé]rale|chief\s+executives?|CEOs?|patronne?s?"),
    (r"researchers?|scientists?|chercheu(?:r|se)s?|scientifiques?",
     r"chercheu(?:r|se)s?|researchers?|scientists?|scientifiques?|biochimistes?|biologistes?"),
]
_ORG_WORDS = [
    (UNION, r"(?:trade\s+|labou?r\s+)?unions?|syndicats?|organisations?\s+syndicales?"),
    (PARTY, r"(?:political\s+)?part(?:y|ies)|partis?(?:\s+politiques?)?"),
    (COMPANY, r"compan(?:y|ies)|firms?|businesses|entreprises?|soci[eé]t[eé]s?|groupes?\s+industriels?"),
]
_ORG_HEADS = {UNION: r"syndicats?|(?:trade|labou?r)\s+unions?|unions?",
              PARTY: r"part(?:y|ies)|partis?"}
# A name that says it itself: "Syndicat national des journalistes", "Socialist Party"; "Union européenne"
# is a union of states, so for unions only the words that mean a workers' one count. A company's legal form
# ("Veltrix AG", "Renault SA") or trade ("Kestrel Airways", "Halden Therapeutics") is written capitalised.
_ORG_IN_NAME = {UNION: r"syndicat|syndicale?|(?:trade|labou?r)\s+union", PARTY: r"part(?:y|i)",
                COMPANY: r"(?-i:AG|SA|SAS|SE|GmbH|Inc|Ltd|plc|PLC|Corp|NV|BV|SpA|Airways|Airlines|Therapeutics|"
                         r"Pharma|Pharmaceuticals|Technologies|Industries|Holdings|Motors|Construction)\b"}
# A company is called so beside its name ("l'entreprise de travaux publics Garonne BTP", "Le fabricant lyonnais
# de pompes à chaleur Ardelys", "Halden Therapeutics, the Cambridge-based company"), or, for a name spaCy tags an
# organisation, named as having a chief, staff or shares ("Le PDG de TotalEnergies", "la direction de la SNCF",
# "Veltrix shares jumped"): spaCy tags the CGT, the Insee and the Champions League ORG as well, and some companies
# a place or a person ("Ardelys", "Barral Construction"), which the noun beside them tells. Not "groupe": a
# council's political group ("le groupe Saint-Nazaire Demain").
_COMPANY_NOUNS = (r"entreprises?|soci[eé]t[eé]s?|compagnies?|firmes?|start-?ups?|constructeurs?|fabricants?|"
                  r"groupes?\s+industriels?|op[eé]rateurs?|titre|companies|company|firms?|makers?|manufacturers?|"
                  r"rivals?|carriers?|retailers?|airlines?|industrial\s+group|conglomerate")
_COMPANY_BEFORE = re.compile(rf"\b(?:{_COMPANY_NOUNS})\s+(?-i:[a-zà-ÿ'’-]+\s+){{0,5}}$", re.I)
_COMPANY_APPOSITION = re.compile(rf"^\s*,\s+(?:the|a|an|le|la|l['’]|un|une)\s*(?:[\w'’-]+\s+){{0,3}}"
                                 rf"(?:{_COMPANY_NOUNS})\b", re.I)
_COMPANY_OWNER_BEFORE = re.compile(r"\b(?:(?:PDG|patron|patronne|direction|directeur\s+g[eé]n[eé]ral|salari[eé]s|"
                                   r"actionnaires)\s+(?:de\s+la|de\s+l['’]|de|du|des|d['’])|(?:chief\s+executive|"
                                   r"CEO|chairman|shareholders|employees|boss)\s+of(?:\s+the)?)\s*$", re.I)
_COMPANY_OWNER_AFTER = re.compile(r"^\s+(?:shares|shareholders|stock|employees|chief\s+executive)\b", re.I)
_KNOWN_UNIONS = {
    "cgt", "cfdt", "fo", "force ouvriere", "unsa", "sud", "solidaires", "cfe cgc", "cftc", "fsu", "snes",
    "ig metall", "verdi", "dgb", "tuc", "unite", "unison", "gmb", "afl cio", "teamsters", "uaw", "seiu",
    "cgil", "cisl", "uil", "ugt", "ccoo", "fgtb", "csc",
}
_VERB = (r"(?:mentioned|named|cited|quoted|interviewed|interrog[eé]e?s?|referred to|referenced|talked about|"
         r"discussed|appear|appears|"
         r"mentionn[eé]e?s?|cit[eé]e?s?|nomm[eé]e?s?|[eé]voqu[eé]e?s?|r[eé]f[eé]renc[eé]e?s?|apparaissent|"
         r"appara[iî]t|figurent|dont on parle|en question)")
_BE = r"(?:is|are|was|were|get|gets|got|est|sont|a été|ont été|était|étaient|sont-ils|sont-elles)"
_WHO = re.compile(rf"^\s*(?:who|qui)\s+(?:{_BE}\s+)?{_VERB}\b(?P<tail>.*)$", re.I)
# "Who was quoted?", "Which people were interviewed?", "Qui s'est exprimé ?" ask for the people who speak in the
# articles, not every name: in French "cité" is as often "mentioned", and stays so.
_SPOKE = re.compile(r"^\s*(?:who|qui)\s+(?:spoke|has\s+spoken|have\s+spoken|s['’]est\s+exprimée?|"
                    r"se\s+sont\s+exprimée?s|a\s+pris\s+la\s+parole|ont\s+pris\s+la\s+parole|a\s+parlé|"
                    r"ont\s+parlé)\b(?P<tail>.*)$", re.I)
_QUOTED_VERB = re.compile(r"\b(?:quoted|interviewed|interrog[eé]e?s)\s*(?:$|\b(?:in|within|from|by|dans|par)\b)",
                          re.I)
_WHICH = re.compile(
    rf"^\s*(?:which|what|list(?: the| all(?: the)?)?|name(?: the)?|quels?|quelles?|liste(?: des| les)?)\s+"
    rf"(?P<kind>[^?]*?)\s+(?:{_BE}\s+)?(?:(?:the )?(?:ones )?)?{_VERB}\b(?P<tail>.*)$", re.I)
_TAIL = re.compile(r"^\s*(?:in|within|from|by|dans|par|au sein de|parmi)\s+(?P<what>.+?)\s*[?.!]*\s*$", re.I)
_ARTICLE_WORD = re.compile(r"\b(?:articles?|documents?|texts?|textes?|files?|fichiers?|stories|story)\b", re.I)
_ONE_ARTICLE = re.compile(r"\b(?:article|document|text|texte|file|fichier|story)\b", re.I)
# What a newsroom calls its pieces: "Who wrote the opinion column about...?" names one as surely as "article".
_PIECES = (r"(?:(?:opinion|live)\s+)?(?:columns?|op-eds?|editorials?|éditoriaux|éditorial|chroniques?|tribunes?|"
           r"obituar(?:y|ies)|nécrologies?|interviews?|entretiens?|blogs?|blog\s+posts?|dépêches?|dispatch(?:es)?|"
           r"brèves?|pieces?|papiers?|reportages?|portraits?|analys[ie]s|analyses?|enquêtes?)")
_PIECE_WORD = re.compile(rf"\b{_PIECES}\b", re.I)
_LEAD_WORDS = re.compile(
    r"^(?:(?:the|these|those|this|all|les|le|la|ces|cet|cette|ce|tous les|toutes les)\b|l['’])\s*"
    rf"(?:(?:articles?|documents?|texts?|textes?|files?|fichiers?|passages?|stories|story|{_PIECES})\s*)?"
    r"(?:about|on|regarding|concerning|sur|concernant|à propos de|au sujet de|qui parlent de|"
    r"qui parle de|de|du|des|named|nommé|intitulé|with|avec|of)?\b\s*", re.I)

# "in the Nvidia article", "in the ECB story": the article is named before the word.
_TRAILING_WORDS = re.compile(r"\s+(?:articles?|stories|story|texts?|documents?|files?|pieces?|reports?)$", re.I)

LABELS = {
    "en": {PERSON: "People mentioned", PLACE: "Places mentioned", ORGANISATION: "Organisations mentioned",
           OTHER: "Other names mentioned", DATE: "Dates mentioned", COUNTRY: "Countries mentioned",
           CITY: "Cities mentioned", REGION: "Regions mentioned", UNION: "Trade unions mentioned",
           PARTY: "Parties mentioned", COMPANY: "Companies mentioned", QUOTED: "People quoted"},
    "fr": {PERSON: "Personnes mentionnées", PLACE: "Lieux mentionnés", ORGANISATION: "Organisations mentionnées",
           OTHER: "Autres noms mentionnés", DATE: "Dates mentionnées", COUNTRY: "Pays mentionnés",
           CITY: "Villes mentionnées", REGION: "Régions mentionnées", UNION: "Syndicats mentionnés",
           PARTY: "Partis mentionnés", COMPANY: "Entreprises mentionnées", QUOTED: "Personnes qui s'expriment"},
}
NONE_FOUND = {
    "en": "The indexed articles mention no name of the kind \"{what}\"{where}.",
    "fr": "Les articles indexés ne citent aucun nom de type « {what} »{where}.",
}
WHAT = {
    "en": {PERSON: "person", PLACE: "place", ORGANISATION: "organisation", OTHER: "other name", DATE: "date",
           COUNTRY: "country", CITY: "city", REGION: "region", UNION: "trade union", PARTY: "party",
           COMPANY: "company", QUOTED: "person quoted"},
    "fr": {PERSON: "personne", PLACE: "lieu", ORGANISATION: "organisation", OTHER: "autre nom", DATE: "date",
           COUNTRY: "pays", CITY: "ville", REGION: "région", UNION: "syndicat", PARTY: "parti",
           COMPANY: "entreprise", QUOTED: "personne qui s'exprime"},
}
MORE = {"en": "… and {n} more (see `assistant entities`).", "fr": "… et {n} autres (voir `assistant entities`)."}
NO_SUCH_ARTICLE = {
    "en": "No indexed article is about “{scope}”.",
    "fr": "Aucun article indexé ne porte sur « {scope} ».",
}


@dataclass
class EntityQuestion:
    kinds: tuple[str, ...]
    scope: str  # what follows "in", without its leading "the article about"; "" for all articles
    articles: bool  # the scope names articles, not passages
    one_article: bool = False  # "the article about ...": the one that is most about it
    places: tuple[str, ...] = ()  # COUNTRY, CITY, REGION asked for; () for every place
    organisations: tuple[str, ...] = ()  # UNION, PARTY, COMPANY asked for; () for every organisation
    quoted: bool = False  # the people who speak in the articles ("Who was quoted?"), not every person named
    role: str = ""  # the role asked for, as asked ("ministers"); its article nouns are ``_ROLES``'
    role_nouns: str = ""

    def sections(self) -> list[str]:
        """What the answer lists, one line each: the kinds, a place or organisation kind split as asked."""
        people = (ROLE,) if self.role else (QUOTED,) if self.quoted else ()
        split = {PLACE: self.places, ORGANISATION: self.organisations, PERSON: people}
        return [section for kind in self.kinds for section in (split.get(kind) or (kind,))]


def parse(question: str) -> EntityQuestion | None:
    """The kinds and scope of a "who / which ... are mentioned (in ...)?" question, else None."""
    text = " ".join(question.split())
    match = _WHO.match(text) or _SPOKE.match(text)
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    role = role_nouns = ""
    if match:
        kinds: tuple[str, ...] = (PERSON,)
    else:
        match = _WHICH.match(text)
        if not match:
            return None
        kinds = _kinds(match.group("kind"))
        role, role_nouns = _role(match.group("kind"))
        if role:
            kinds = (PERSON,)
        if not kinds:
            return None
        places = _place_kinds(match.group("kind")) if PLACE in kinds else ()
        organisations = _organisation_kinds(match.group("kind")) if ORGANISATION in kinds else ()
    tail = match.group("tail").strip(" ?.!")
    if tail and not _TAIL.match(tail):
        return None  # "who is mentioned as the supplier?" is a question for the answerer
    what = _TAIL.match(tail).group("what") if tail else ""
    scope = _TRAILING_WORDS.sub("", _LEAD_WORDS.sub("", what, count=1).strip()) if what else ""
    articles = bool(_ARTICLE_WORD.search(what))
    one = articles and bool(_ONE_ARTICLE.search(what)) and not re.search(r"\b(?:articles|stories|files|fichiers|"
                                                                          r"documents|texts|textes)\b", what, re.I)
    quoted = kinds == (PERSON,) and bool(_SPOKE.match(text) or _QUOTED_VERB.search(text[: match.start("tail")]))
    return EntityQuestion(kinds=kinds, scope=scope, articles=articles, one_article=one, places=places,
                          organisations=organisations, quoted=quoted, role=role, role_nouns=role_nouns)


def _role(words: str) -> tuple[str, str]:
    """The role a question's noun asks for ("ministers", "entraîneurs") and the nouns an article calls it by."""
    words = words.strip()
    for asked, nouns in _ROLES:
        if re.fullmatch(rf"(?:the\s+|les\s+)?(?:{asked})", words, re.I):
            return words, nouns
    return "", ""


def _has_role(entity: Entity, nouns: str) -> bool:
    """Whether an article calls the person by one of ``nouns`` beside a mention: before it, a complement or a
    lowercase adjective between ("le ministre de l'Intérieur, Ali Yerlikaya", "l'entraîneur toulousain Ugo Mola"),
    or after it, in apposition ("Thierry Nier, secrétaire général de la CGT-Cheminots")."""
    gap = r"(?:\s+(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of)\s*[\w'’-]+|(?-i:[a-zà-ÿ][\w'’-]*)))"
    before = re.compile(rf"\b(?:{nouns})\b{gap}{{0,3}},?\s+$", re.I)
    after = re.compile(rf"^\s*,\s+(?:(?:the|le|la|l['’]|un|une|a|an)\s*)?(?:[\w'’-]+\s+){{0,2}}(?:{nouns})\b", re.I)
    return _called_so(entity, before, after, reach=80)


def _kinds(words: str) -> tuple[str, ...]:
    words = words.strip().lower()
    if re.fullmatch(r"(?:names?|entities|entités|noms?|named entities|entités nommées)", words):
        return NAMED_KINDS
    found = [kind for kind, pattern in _KIND_WORDS if re.search(rf"\b(?:{pattern})\b", words)]
    if not found and _organisation_kinds(words):
        found = [ORGANISATION]
    return tuple(found)


def _place_kinds(words: str) -> tuple[str, ...]:
    words = words.strip().lower()
    if re.search(rf"\b(?:{_ALL_PLACES})\b", words):
        return ()
    return tuple(kind for kind, pattern in _PLACE_WORDS if re.search(rf"\b(?:{pattern})\b", words))


def _organisation_kinds(words: str) -> tuple[str, ...]:
    """The kinds a question's noun names when it opens with one: "countries of the European Union" asks
    for countries, not unions."""
    words = words.strip().lower()
    return tuple(kind for kind, pattern in _ORG_WORDS if re.match(rf"(?:{pattern})\b", words))


def _is_company(entity: Entity) -> bool:
    """Whether a name is a company's: by its legal form, or by what a sentence calls it (``_COMPANY_NOUNS``); for an
    organisation, also by its chief, staff or shares."""
    if re.search(rf"\b(?:{_ORG_IN_NAME[COMPANY]})", entity.name):
        return True
    return _called_so(entity, _COMPANY_BEFORE, _COMPANY_APPOSITION, reach=60) or (
        entity.kind == ORGANISATION and _called_so(entity, _COMPANY_OWNER_BEFORE, _COMPANY_OWNER_AFTER, reach=60))


def _is_organisation(kind: str, entity: Entity) -> bool:
    """Whether an organisation is a union, a party or a company: by its name, or by what a sentence calls it."""
    if kind == COMPANY:
        return _is_company(entity)
    if re.search(rf"\b(?:{_ORG_IN_NAME[kind]})", entity.name, re.I):
        return True
    # "CGT-Cheminots", "SUD-Rail": a known union's branch; not any name that starts with one ("Sud Ouest")
    if kind == UNION and (entity.key in _KNOWN_UNIONS or entity_key(entity.name.split("-")[0]) in _KNOWN_UNIONS):
        return True
    head = _ORG_HEADS[kind]
    before = re.compile(rf"\b(?:{head})\s+(?:(?:de\s+la|du|des|de\s+l['’]|the)\s+)?$", re.I)
    after = re.compile(rf"\s+(?:{head})\b", re.I)
    return _called_so(entity, before, after, reach=40)


def _called_so(entity: Entity, before: re.Pattern[str], after: re.Pattern[str], reach: int) -> bool:
    """Whether a mention of ``entity`` has ``before`` within the ``reach`` characters before it, or ``after`` right
    after it, in its passage: what the sentence calls it ("le syndicat FO", "Thierry Nier, secrétaire général")."""
    for mention in entity.mentions:
        at = mention.start - mention.passage_start
        passage = mention.passage
        if before.search(passage[max(0, at - reach) : at]) or after.match(passage[at + len(mention.text) :]):
            return True
    return False


# A verb of speech with its subject beside it: after the name ("Ronan O'Gara a regretté", "Patrick Pouyanné, a
# estimé", "Bayern coach Vincent Kompany admitted") or before it, a title between ("a déclaré Thierry Nier",
# "a indiqué le gouverneur de Malatya, Seddar Yavuz", "said Arsenal manager Mikel Arteta").
_SPEECH = (r"(?:said|says|told|tells|added|adds|admitted|admits|declared|explained|explains|stated|insisted|"
           r"warned|argued|noted|conceded|called|claimed|replied|urged|recalled|acknowledged|"
           r"d[eé]clar\w*|affirm\w*|estim\w*|indiqu\w*|t[eé]moign\w*|comment[eé]\w*|comment\b|expliqu\w*|"
           r"regrett\w*|f[eé]licit\w*|salu[eé]\w*|pr[eé]cis[eé]\w*|d[eé]nonc\w*|soulign\w*|ajout\w*|assur[eé]\w*|"
           r"pr[eé]venu\w*|averti\w*|reconnu\w*|confi[eé]\w*|racont\w*|r[eé]pondu\w*|rappel[eé]\w*|"
           r"appel[eé]\w*|insist[eé]\w*|lanc[eé]\w*|martel[eé]\w*|jug[eé]\w*|selon|according\s+to)")
_SPEAKER_AFTER = re.compile(
    r"^(?:\s*,[^,.;«»\"“”]{1,60},)?\s*,?\s+(?:(?:a|avait|ont|avaient|s['’]est|se\s+sont|has|had|have|also|then|later|"
    r"au\s+contraire|de\s+son\s+côté|aussi|encore|pour\s+sa\s+part)\s+){0,3}" + _SPEECH + r"\b", re.I)
_SPEAKER_BEFORE = re.compile(_SPEECH + r"\s+(?:[\w'’.-]+,?\s+){0,6}$", re.I)
_OPENING_QUOTES, _CLOSING_QUOTES = "«“", "»”"


def _is_quoted(entity: Entity) -> bool:
    """Whether a person speaks in an article: a mention is the subject of a verb of speech, outside any quotation
    (a name inside someone's quote, "même sans Antoine Dupont », s'est félicité Ugo Mola", is not the speaker)."""
    for mention in entity.mentions:
        at = mention.start - mention.passage_start
        passage = mention.passage
        before, after = passage[:at], passage[at + len(mention.text):]
        # Inside a quotation when one opens before and closes after: the sentence may begin after a quote's
        # opening mark ('club," said Arsenal manager Mikel Arteta.').
        opened = sum(before.count(c) for c in _OPENING_QUOTES) - sum(before.count(c) for c in _CLOSING_QUOTES)
        if (opened > 0 and any(c in after for c in _CLOSING_QUOTES)) or (before.count('"') % 2 and '"' in after):
            continue
        if _SPEAKER_AFTER.match(after) or _SPEAKER_BEFORE.search(before[-80:]):
            return True
    return False


def _is_a(place: str, entity: Entity) -> bool:
    """Whether a place entity is a country, city or region. Countries and cities (of 15,000 people or more)
    are all known by name; a place the lists do not know (a cosmodrome, "Kordofan") is listed among the
    regions."""
    known = place_types(entity.name) or place_types(entity.key)
    return place in known if known else place == REGION


def answer_entity_question(assistant: Any, question: str, language: str,
                           filters: dict[str, Any] | None = None) -> Answer | None:
    parsed = parse(question)
    if parsed is None:
        return None
    doc_ids: list[str] | None = None
    spans: dict[str, list[tuple[int, int]]] | None = None
    where = assistant.where(filters)
    if where is not None:
        doc_ids = _doc_ids_matching(assistant, where)
    if parsed.scope:
        named = resolve_sources([parsed.scope], assistant.articles())
        if named and parsed.articles and not parsed.one_article:
            # "les articles sur la grève": a title holding the words is one of those articles, not all of them
            # ("Raffineries : la grève chez TotalEnergies" was, "Grève à la SNCF" was left out).
            relevant = _relevant_chunks(assistant, parsed.scope, where, language)
            named = list(dict.fromkeys([*named, *(doc.metadata["doc_id"] for doc in relevant)]))
        if named:
            doc_ids = [d for d in named if doc_ids is None or d in doc_ids]
        else:
            relevant = _relevant_chunks(assistant, parsed.scope, where, language)
            if not relevant:
                lang = language if language in NO_SUCH_ARTICLE else "en"
                return Answer(text=NO_SUCH_ARTICLE[lang].format(scope=parsed.scope), question=question,
                              answered=False, answerer=ENTITY_INDEX)
            if parsed.one_article:
                # "the article about Putin's visit": the article of the passage most about it, not every
                # article with a passage near it (one on Zelensky's visit listed its places too).
                doc_ids = [relevant[0].metadata["doc_id"]]
            elif parsed.articles:
                doc_ids = sorted({doc.metadata["doc_id"] for doc in relevant})
            else:
                spans = {}
                for doc in relevant:
                    spans.setdefault(doc.metadata["doc_id"], []).append((doc.metadata["start"], doc.metadata["end"]))
                doc_ids = sorted(spans)
    entities: list[Entity] = []
    # A company spaCy tagged a place or a person ("Le fabricant lyonnais ... Ardelys") is still one.
    also = tuple(k for k in (PLACE, PERSON, OTHER) if COMPANY in parsed.organisations and k not in parsed.kinds)
    for kind in (*parsed.kinds, *also):
        entities.extend(assistant.entity_index.entities(kind=kind, doc_ids=doc_ids, spans=spans))
    answer = _answer(question, language, parsed, entities, ENTITY_INDEX)
    # Each name's citation says when its article was published, and its link, as a passage's does: read for the cited
    # articles only (every article's record, per question, weighs on a large archive).
    dated = assistant.store.get_articles(sorted({c.doc_id for c in answer.citations}))
    answer.citations = [replace(c, published=dated[c.doc_id].published, url=dated[c.doc_id].url)
                        if c.doc_id in dated else replace(c, published="") for c in answer.citations]
    return answer


def _doc_ids_matching(assistant: Any, where: dict[str, Any]) -> list[str]:
    ids: set[str] = set()
    for page_ids, _ in assistant.store.iter_chunk_texts(where=where):
        ids.update(chunk_id.rsplit("-", 1)[0] for chunk_id in page_ids)
    return sorted(ids)


def _relevant_chunks(assistant: Any, scope: str, where: dict[str, Any] | None, language: str) -> list[Any]:
    """Retrieved chunks holding a sentence the answerer would accept as being about ``scope``."""
    vector = assistant.embeddings.embed_queries([scope])[0]
    docs = assistant.retriever.search(scope, k=assistant.settings.k, where=where, query_vector=vector)
    answerer = assistant.answerer
    score = getattr(answerer, "score_sentences", None)
    if score is None:
        return docs
    kept = {}  # best first
    for sentence in score(scope, vector, docs, language):
        threshold = answerer.threshold(language, sentence.chunk.metadata.get("language", ""))
        shares_words = sentence.chunk.metadata.get("lexical_score", 0.0) > 0
        if sentence.similarity >= SCOPE_MIN_SIMILARITY or (shares_words and sentence.score >= threshold):
            kept.setdefault(sentence.chunk.id, sentence.chunk)
    named = f"about {scope}"  # read as a question's names are, past its first word: the scope has none
    if not question_names(named):
        return list(kept.values())
    # A scope that names something is about the articles that name it: "l'élection au Portugal" brought in
    # the article on Benin's election (0.849 to the scope, the Portuguese one 0.855).
    by_article: dict[str, list[Any]] = {}
    for chunk in kept.values():
        by_article.setdefault(chunk.metadata["doc_id"], []).append(chunk)
    naming = {doc_id for doc_id, chunks in by_article.items()
              if not absent_names(named, chunks, assistant.embeddings, assistant.cache)}
    return [chunk for chunk in kept.values() if chunk.metadata["doc_id"] in naming]


def _answer(question: str, language: str, parsed: EntityQuestion, entities: list[Entity],
            answerer_name: str) -> Answer:
    lang = language if language in LABELS else "en"
    where_text = f" ({parsed.scope})" if parsed.scope else ""
    sections = parsed.sections()
    of_section = {
        section: [e for e in entities
                  if e.kind == section or (e.kind == PLACE and section in parsed.places and _is_a(section, e))
                  or (e.kind == ORGANISATION and section in parsed.organisations and _is_organisation(section, e))
                  or (e.kind in (PLACE, PERSON, OTHER) and section == COMPANY and section in parsed.organisations
                      and _is_company(e))
                  or (e.kind == PERSON and section == QUOTED and _is_quoted(e))
                  or (e.kind == PERSON and section == ROLE and _has_role(e, parsed.role_nouns)
                      and (not parsed.quoted or _is_quoted(e)))]
        for section in sections
    }
    if COMPANY in of_section and not of_section[COMPANY]:
        # No sentence calls any of them a company ("Which company, covered by The Verge for its app store's
        # terms, ...?" of MultiHop-RAG's tech news, whose passages name Google without a word saying what it
        # is): the organisations, labelled as such, rather than a refusal of what the articles may well hold.
        organisations = [e for e in entities if e.kind == ORGANISATION]
        if organisations:
            sections = list(dict.fromkeys(ORGANISATION if s == COMPANY else s for s in sections))
            of_section.setdefault(ORGANISATION, organisations)
    if not any(of_section.values()):
        what = " / ".join(parsed.role if k == ROLE else WHAT[lang][k] for k in sections)
        return Answer(text=NONE_FOUND[lang].format(what=what, where=where_text), question=question,
                      answered=False, answerer=answerer_name)
    citations: list[Citation] = []
    lines: list[str] = []
    for kind in sections:
        names = []
        of_kind = merged_names(of_section[kind])
        for entity in of_kind[:MAX_NAMES]:
            mention = _best_mention(entity)
            marker = len(citations) + 1
            citations.append(Citation(
                marker=marker, source=mention.source, title=mention.title, quote=mention.text,
                start=mention.start, end=mention.end, score=float(entity.mention_count),
                doc_id=mention.doc_id, passage=mention.passage, passage_start=mention.passage_start,
                passage_end=mention.passage_end,
            ))
            names.append(f"{entity.label} [{marker}]")
        if names:
            label = _role_label(parsed, lang) if kind == ROLE else LABELS[lang][kind]
            line = f"{label}{where_text}{' :' if lang == 'fr' else ':'} {', '.join(names)}."
            if len(of_kind) > MAX_NAMES:
                line += " " + MORE[lang].format(n=len(of_kind) - MAX_NAMES)
            lines.append(line)
    return Answer(text="\n".join(lines), citations=citations, question=question, answered=True,
                  answerer=answerer_name)


def _role_label(parsed: EntityQuestion, lang: str) -> str:
    """"Ministers mentioned", "Entraîneurs qui s'expriment": the role as asked, the verb as the other labels'."""
    role = parsed.role[:1].upper() + parsed.role[1:]
    if parsed.quoted:
        return f"{role} qui s'expriment" if lang == "fr" else f"{role} quoted"
    return f"{role} mentionnés" if lang == "fr" else f"{role} mentioned"


def merged_names(entities: list[Entity]) -> list[Entity]:
    """One entry per place named in two languages ("Soudan" in a French article, "Sudan" in an English
    one: listed as "Soudan (Sudan)"), and per person or organisation written two ways ("Volodymyr
    Zelensky (Volodymyr Zelenskyy)", ``entities.spelled_alike``), under the most mentioned name's key, with
    the mentions and articles of all its names (an entity filter on that key keeps the articles that write
    any of them). Other entities are returned as they are; the most mentioned first."""
    kept: list[Entity] = []
    first_of: dict[str, Entity] = {}
    # Names spelled alike have as many words with the same initials: only those are compared.
    alike: dict[tuple[str, ...], list[str]] = {}
    for entity in entities:
        place = same_place(entity.name) if entity.kind == PLACE else None
        if place is None and entity.kind in (PERSON, ORGANISATION) and entity.key:
            initials = (entity.kind, *(word[0] for word in entity.key.split()))
            groups = alike.setdefault(initials, [])
            place = next((g for g in groups if spelled_alike(first_of[g].key, entity.key)), None)
            if place is None:
                place = f"{entity.kind} {entity.key}"
                groups.append(place)
        if place is None:
            kept.append(entity)
        elif place in first_of:
            merged = first_of[place]
            merged.other_names.append(entity.name)
            merged.mentions.extend(entity.mentions)
            merged.sources.extend(s for s in entity.sources if s not in merged.sources)
        else:
            first_of[place] = replace(entity, mentions=list(entity.mentions), sources=list(entity.sources),
                                      other_names=list(entity.other_names))
            kept.append(first_of[place])
    # The most mentioned first once merged: "Beijing (Pékin)", 4 mentions, ranked below names of 3.
    return sorted(kept, key=lambda e: -e.mention_count)


def _best_mention(entity: Entity):
    # The mention that spells the name as displayed reads best as a citation.
    def fold(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    for mention in entity.mentions:
        if fold(mention.text) == fold(entity.name):
            return mention
    return entity.mentions[0]


# "Who wrote the article about the heatwave?", "Qui a écrit l'article sur le port de Marseille ?": the
# author is in the article's byline or metadata, which a search of its sentences never quotes (an answer
# quoted the heatwave's temperatures).
_AUTHOR_QUESTION = re.compile(
    r"^\s*(?:who\s+(?:wrote|authored|signed|is\s+the\s+author\s+of|was\s+the\s+author\s+of)|"
    r"qui\s+a\s+(?:écrit|ecrit|rédigé|redige|signé|signe)|qui\s+(?:est|était)\s+l['’]auteur(?:e)?\s+de|"
    r"quel\s+est\s+l['’]auteur(?:e)?\s+de|(?:what\s+is\s+the\s+)?(?:name\s+of\s+the\s+)?author\s+of)\s+"
    r"(?P<scope>.+?)\s*[?.!]*\s*$", re.I)
ARTICLE_RECORD = "article record"  # the answerer of these answers: the article's own record
WRITTEN_BY = {"en": "“{title}” was written by {author}", "fr": "« {title} » a été écrit par {author}"}
FROM_METADATA = {"en": " (as the page's metadata says: its text does not name them).",
                 "fr": " (d'après les métadonnées de la page : son texte ne le nomme pas)."}
NO_AUTHOR = {"en": "“{title}” does not say who wrote it.", "fr": "« {title} » ne dit pas qui l'a écrit."}


_POINTING = {"it", "this", "that", "them", "ça", "cela", "ceci", "le", "la", "les", "l", "celui-ci", "celui-là"}


def _article_about(assistant: Any, scope: str, where: dict[str, Any] | None, language: str) -> str | None:
    """The doc id of the article most about ``scope``: its sentence nearest the scope, if near enough for
    the model (a scope is a noun phrase: the answerer's bars, set for questions, let "the Mars landing"
    through on an article about Marseille's port, which shares the French "mars" with it)."""
    ranked = articles_about(assistant, scope, where, language)
    return ranked[0].chunk.metadata["doc_id"] if ranked and ranked[0].similarity >= SCOPE_MIN_SIMILARITY else None


def articles_about(assistant: Any, scope: str, where: dict[str, Any] | None, language: str) -> list[Any]:
    """Each retrieved article's sentence nearest ``scope`` (a ``ScoredSentence``: its ``similarity`` says how
    near), best first; an answerer that does not score sentences gives none."""
    vector = assistant.embeddings.embed_queries([scope])[0]
    docs = assistant.retriever.search(scope, k=assistant.settings.k, where=where, query_vector=vector)
    score = getattr(assistant.answerer, "score_sentences", None)
    if score is None:
        from .answering.extractive import ExtractiveAnswerer

        score = ExtractiveAnswerer(assistant.embeddings, assistant.cache).score_sentences
    from .loaders import METADATA_LINE, is_byline

    # Not a byline or a date line: "By James Whitmore, Kyiv — March 4" is as near "the Mars landing" (0.837)
    # as its article's sentences are to their subject.
    best: dict[str, Any] = {}
    for sentence in score(scope, vector, docs, language):
        if not METADATA_LINE.match(sentence.text) and not is_byline(sentence.text):
            doc_id = sentence.chunk.metadata["doc_id"]
            if doc_id not in best or sentence.similarity > best[doc_id].similarity:
                best[doc_id] = sentence
    return sorted(best.values(), key=lambda sentence: -sentence.similarity)


def answer_author_question(assistant: Any, question: str, language: str,
                           filters: dict[str, Any] | None = None) -> Answer | None:
    """Who wrote the article the question names (by its file, title or subject), from its record."""
    match = _AUTHOR_QUESTION.match(" ".join(question.split()))
    if not match:
        return None
    asked = match.group("scope")
    if not (_ARTICLE_WORD.search(asked) or _PIECE_WORD.search(asked)
            or FILE_NAME.search(asked)):
        return None  # "Qui a écrit Don Quichotte ?" asks about a book, which the articles may name
    scope = _TRAILING_WORDS.sub("", _LEAD_WORDS.sub("", asked, count=1).strip())
    if not scope or scope.lower() in _POINTING:
        return None  # "who wrote it?", "who wrote this article?": a follow-up, for the search
    lang = language if language in WRITTEN_BY else "en"
    where = assistant.where(filters)
    articles = assistant.articles()
    named = resolve_sources([scope], articles)
    if len(named) != 1:
        about = _article_about(assistant, scope, where, language)
        if about is None:
            return Answer(text=NO_SUCH_ARTICLE[lang].format(scope=scope), question=question, answered=False,
                          answerer=ARTICLE_RECORD)
        named = [about]
    article = next(a for a in articles if a.doc_id == named[0])
    if article.duplicate_of:  # a copy's record holds no text: its original's does
        article = next((a for a in articles if a.source == article.duplicate_of), article)
    if not article.author:
        return Answer(text=NO_AUTHOR[lang].format(title=article.title), question=question, answered=False,
                      answerer=ARTICLE_RECORD)
    text = assistant.store.article_text(article.doc_id) or ""
    said = WRITTEN_BY[lang].format(title=article.title, author=article.author)
    first_name = article.author.split(",")[0].strip()
    at = text.find(first_name) if first_name else -1
    if at < 0:
        return Answer(text=said + FROM_METADATA[lang], question=question, answered=True, answerer=ARTICLE_RECORD)
    # The byline's line is the passage relied on: quote == article_text[start:end].
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    citation = Citation(marker=1, source=article.source, title=article.title, quote=text[start:end], start=start,
                        end=end, score=1.0, doc_id=article.doc_id, passage=text[start:end], passage_start=start,
                        passage_end=end, published=article.published, url=article.url)
    return Answer(text=f"{said} [1].", citations=[citation], question=question, answered=True,
                  answerer=ARTICLE_RECORD)
