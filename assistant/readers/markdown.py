"""A Markdown article read without its marks: the front matter's title and date, a link's words, no images,
code blocks, table rules or quotation marks."""

from __future__ import annotations

import re

from .head import date_in_text, first_line, shorten, stated_date

# Markdown is read as what it says: an article's text without its markup. Its marks were indexed and
# quoted ("**Vilnius**", "[le communiqué](https://...)"), a front matter was article text, and spaCy read
# "Vilnius](https://example.com" and "Pays | Dépenses" as names.
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# One key a line: "\s*" let an empty "title:" take the next line ("date: 2024-05-02") for its value. The
# indented lines after a key are its YAML list ("  - Jean Dupont") or folded text ("title: >").
_FRONT_FIELD = re.compile(r"^(title|date|author)[ \t]*[:=][ \t]*(.*?)[ \t]*$((?:\n[ \t]+\S.*)*)", re.I | re.M)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$\n?", re.M | re.S)  # code is not prose
_SETEXT_RULE = re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_QUOTE_MARK = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$")
# A mark's text ends at the next bracket, and is bounded: tried from each "[" of "[[[[...", one read the rest of the
# text each time (2.5 s at 10 kB, hours at a megabyte). No link's words run to 1,000 characters, nor hold brackets.
_INLINE = [
    # a notes app's [[page]] or [[page|text]]
    (re.compile(r"\[\[(?:[^\[\]|\n]{0,300}\|)?([^\[\]\n]{1,300})\]\]"), r"\1"),
    (re.compile(r"!\[[^\[\]]{0,1000}\]\([^()]{0,2000}\)"), ""),  # an image
    (re.compile(r"\[([^\[\]]{1,1000})\]\((?:[^()]|\([^()]{0,500}\)){0,2000}\)"), r"\1"),  # [text](url "title")
    (re.compile(r"\[([^\[\]]{1,1000})\]\[[^\[\]]{0,1000}\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML (<br>, <em>)
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).){1,2000}?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]
# An escaped mark ("\*absurde\*") is the character itself: kept aside (in the private-use area) while the
# marks are read.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_ASIDE = 0xF0000


def read_markdown(text: str) -> tuple[str, str | None, str | None, str | None]:
    """The text of a Markdown article, its title (the front matter's, else its first heading, else its first
    line) and its date (the front matter's, else as a text states it)."""
    fields: dict[str, str] = {}
    if front := _FRONT_MATTER.match(text):
        for name, value, block in _FRONT_FIELD.findall(front.group(1)):
            if block and (not value or value in (">", "|", ">-", "|-")):
                lines = [line.strip() for line in block.splitlines() if line.strip()]
                items = [line[1:].strip().strip("\"'") for line in lines if line.startswith("-")]
                value = "; ".join(items) if items else " ".join(lines)
            elif value.startswith("[") and value.endswith("]"):
                value = "; ".join(item.strip().strip("\"'") for item in value[1:-1].split(","))
            if value := value.strip().strip("\"'").strip():
                fields.setdefault(name.lower(), value)
        text = text[front.end() :]
    text = _ESCAPED.sub(lambda mark: chr(_ASIDE + ord(mark.group(1))), _FENCE.sub("", text))
    lines, heading = [], None
    for line in text.split("\n"):
        if _SETEXT_RULE.match(line) and lines and lines[-1].strip():
            heading = heading or lines[-1].strip()  # "Séisme au Maroc" over "====="
            continue
        if _TABLE_RULE.match(line) and "-" in line or _LINK_DEFINITION.match(line):
            continue
        line = _QUOTE_MARK.sub("", line)  # "> « Nous ne céderons pas »": the quotation, not its mark
        if match := _HEADING.match(line):
            line = match.group(1)
            heading = heading or line.strip()
        elif line.lstrip().startswith("|") or line.count("|") >= 2:
            line = "; ".join(cell.strip() for cell in line.strip().strip("|").split("|"))  # a table row
        lines.append(line)
    plain = re.sub(r"\n{3,}", "\n\n", _without_marks("\n".join(lines))).strip("\n")
    # The heading as the text reads it: "# 3 TGV sur 5 <b>supprimés</b>" was titled with its marks.
    title = fields.get("title") or (_without_marks(heading) if heading else None) or first_line(plain)
    published = stated_date(fields["date"], plain) if "date" in fields else None
    return plain, shorten(title) if title else None, published or date_in_text(plain), fields.get("author")


def _without_marks(text: str) -> str:
    """Markdown's inline marks taken off (links, emphasis, inline HTML), escaped characters put back."""
    for pattern, replacement in _INLINE:  # on the whole text: a link's words may wrap over two lines
        text = pattern.sub(replacement, text)
    return re.sub(r"[\U000F0000-\U000F00FF]", lambda aside: chr(ord(aside.group(0)) - _ASIDE), text)
