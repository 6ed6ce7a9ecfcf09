"""Plain text: bytes decoded in the encoding they are in, line ends and invisible characters normalised, and
whether a text holds prose at all (a page whose only lines are menus or a cookie banner holds none)."""

from __future__ import annotations

import re

from ..language import detect_language, language_confidence
from ..page_head import READ_ALSO
from .failures import LoadFailure

# Article text has at least one sentence of prose: this many words, ended as sentences end. Menus
# ("Home | News | Contact"), breadcrumbs, footers ("© 2024 Example. All rights reserved.") and lists of
# headline links have none; the shortest news brief has one.
_PROSE_WORDS = 5
# Menus part their items with | · •. A sentence starts where a line, an item or the sentence before it ends: tried
# from every character of a long line without a stop, it read the rest of the line each time (47 s on 40 kB).
_SENTENCE = re.compile(r"(?<![^.!?…。！？|·•\n])[^.!?…。！？|·•\n]+[.!?…。！？]")
_WORD = re.compile(r"[^\W\d_]+")
# Chinese and Japanese put no space between words: there a sentence of prose is this many characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_UNSPACED_PROSE = 10
# Banners are written in sentences too, but say what they are about: a page whose only sentences speak
# of cookies or JavaScript is a consent banner or an empty app shell, not an article.
_BANNER = re.compile(r"cookie|javascript", re.I)
# A consent banner's other sentences ("En continuant votre navigation, vous acceptez notre politique de
# confidentialité.") do not name cookies: a line that names them and asks for consent is a banner as a
# whole, as is a paywall's line (no article follows it). "La CNIL a infligé une amende à Google pour ses
# cookies. L'entreprise a trois mois..." is an article.
# Its lookaheads are tried at the line's start only (``^``): from every character, they read a long line to its
# end each time.
BANNER_LINE = re.compile(rf"^(?=.*(?:{_BANNER.pattern}))(?=.*(?:accept|consent|privacy|confidentialit|en continuant|"
                          r"en poursuivant|by continuing|param[eè]tr|settings|pr[eé]f[eé]rences))|r[eé]serv[eé] aux "
                          r"abonn[eé]s|abonnez-vous|subscribers only|subscribe to (?:read|continue)", re.I)


# A page a browser saved as text (.txt, .md) holds its markup: read as such, it was titled
# "<html><head><title>..." and answers quoted its scripts and cookie banner. A document opens with a doctype,
# or with <html> and then has a head or a body; "<html> est la première balise..." is a text about HTML.
_HTML_DOCUMENT = re.compile(
    r"\A(?:\s|<\?xml[^>]*>|<!--.*?-->)*(?:<!doctype\s+html|<html[\s>](?=.*?<(?:head|body)[\s>]))", re.I | re.S)


def is_html_document(text: str) -> bool:
    """Does this text (a file's, or its first kilobytes) open as an HTML document, whatever its file's name?"""
    return _HTML_DOCUMENT.match(text.lstrip("\ufeff")) is not None


def without_read_also(text: str) -> str:
    """The text without its lines that link to another article ("Lire aussi : ...", "Read more: ..."): a saved page
    keeps them inside its story, and so does the story copied from it into a text file."""
    return "\n".join(line for line in text.split("\n") if not READ_ALSO.match(line))


def has_prose(text: str) -> bool:
    return any((len(_WORD.findall(sentence)) >= _PROSE_WORDS or len(_UNSPACED.findall(sentence)) >= _UNSPACED_PROSE)
               and not _BANNER.search(sentence)
               for line in text.splitlines() if not BANNER_LINE.search(line) for sentence in _SENTENCE.findall(line))


# Characters that are no part of the words they sit in: a soft hyphen ("Zelen\u00adsky", as CMS exports
# write long words) split a name in two for the search and the entities; zero-width spaces and joiners
# likewise, and a NUL byte (damage further into a file than ``decode_text`` looks). A page's HTML parser
# already drops them.
_INVISIBLE = dict.fromkeys(map(ord, "\x00\ufeff\u00ad\u200b\u2060"))


def normalise_text(text: str) -> str:
    # Offsets are given in this normalised text, so every step here must be deterministic. Unicode's line
    # and paragraph separators end lines as "\n" does (a dateline after one was not read as a line's start).
    return (text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
            .translate(_INVISIBLE))


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 when it is, otherwise the detected encoding (cp1252, latin-1, ...)."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _utf16_without_bom(data)
        except LoadFailure:
            return _without_nuls(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    sample = text[:2_000_000]
    damaged = sample.count("\ufffd")
    if sum(1 for ch in sample if ord(ch) > 127) - damaged >= max(3, 2 * damaged):
        # UTF-8 with a few bad bytes (a cut download, a careless edit): keep its text, the damage marked
        # with U+FFFD, rather than read all of it in a code page it is not in.
        return text
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:2_000_000])
    if matches.best() is None:
        raise LoadFailure("binary")
    # charset-normalizer often takes Western text for a Baltic or Central European code page ("Déją");
    # the decoding in which the language detector is most confident is the one a reader would see.
    candidates = list(dict.fromkeys([m.encoding for m in list(matches)[:3]] + ["cp1252", "latin-1"]))
    best_text, best_rank = None, (-(10**9), -1.0)
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_like_text(text):
            continue
        # C1 control characters (U+0080-U+009F) are what latin-1 makes of cp1252's quotes and dashes: no
        # real text has them, and the language detector does not see them, so they decide first.
        controls = sum(1 for ch in text[:200_000] if "\x80" <= ch <= "\x9f")
        rank = (-controls, language_confidence(text) * _plausible_letters(text))
        if rank > best_rank:
            best_text, best_rank = text, rank
    if best_text is None:
        raise LoadFailure("encoding", detail=matches.best().encoding)
    return best_text


def _without_nuls(data: bytes) -> str:
    """A text with NUL bytes that is not UTF-16: a stray one a tool left, or the padding of a file cut by a
    crash or a download. Each made the whole article "binary"; its text is read without them. Binary data
    is no text once they are gone either (control characters, or no encoding at all)."""
    try:
        text = decode_text(data.replace(b"\x00", b""))
    except LoadFailure:
        raise LoadFailure("binary_not_text") from None
    if not _looks_like_text(text):
        raise LoadFailure("binary_not_text")
    return text


# UTF-16 written without a byte order mark (as some Windows tools write it): every character below
# U+0100 (spaces, digits, punctuation, Latin letters) has a NUL high byte, so the NULs of the text fall
# on one side of its byte pairs, in Cyrillic or Greek text too (their spaces and punctuation). Binary
# data has NULs on both sides.
_UTF16_MIN_NULS = 0.10  # pairs with a NUL on the text's side, at least (a share of all pairs)
_UTF16_MAX_STRAY = 0.05  # NULs on the other side, at most (a share of those): U+0100, U+0400 ...


def _utf16_without_bom(data: bytes) -> str:
    head = data[:8192]
    pairs = len(head) // 2
    low, high = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    for encoding, nuls, stray in (("utf-16-le", high, low), ("utf-16-be", low, high)):
        if nuls >= _UTF16_MIN_NULS * pairs and stray <= _UTF16_MAX_STRAY * nuls:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:  # an odd length, a lone surrogate: not UTF-16 after all
                break
            if _looks_like_text(text):
                return text
            break
    raise LoadFailure("binary_not_text")


# The non-ASCII letters each language writes. The detector is as sure that "prťsentť" is
# French as "présenté" (the rest of the text decides), so the letters break the tie between decodings.
_LETTERS = {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüß", "es": "áéíñóúü", "it": "àèéìíîòóùú", "pt": "ãõáâàçéêíóôú",
    "nl": "áéèëíïóöúü", "en": "àáçéèêëïñöü", "pl": "ąćęłńóśźż",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
}


def _plausible_letters(text: str) -> float:
    """Share of the non-ASCII letters of ``text`` that its language writes (1.0: no opinion)."""
    expected = _LETTERS.get(detect_language(text))
    letters = [ch.lower() for ch in text[:20000] if ch.isalpha() and not ch.isascii()]
    if expected is None or not letters:
        return 1.0
    return sum(1 for ch in letters if ch in expected) / len(letters)


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control / len(sample) < 0.01
