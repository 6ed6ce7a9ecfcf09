"""Why a file was not indexed, said in one place.

Each reason has a code and an English wording, which is what the command line prints and ``--json``
carries. A ``Reason`` is that English text (a ``str``: reports, logs and JSON need nothing else), and it
keeps its code and values, so that the web page can say the same thing in its own language without
parsing the English (a reworded reason used to fall back to English there, unnoticed).
"""

from __future__ import annotations

SUPPORTED = ".txt .md .html .mhtml .webarchive .pdf .docx .doc .odt .rtf .eml .msg"

ENGLISH: dict[str, str] = {
    # the file itself, before it is read
    "no_path": "no such file or folder",
    "empty_path": "an empty path names no file or folder (an unset variable?)",
    "not_regular": "not a regular file",
    "link_loop": "symbolic link loop",
    "broken_link": "broken symbolic link (to {target})",
    "same_file": "the same file as {twin} (through a symbolic link), indexed once, under that name",
    "unsupported": "unsupported file type {suffix}",
    "bad_type": "unsupported file type {suffix}; supported: " + SUPPORTED,
    "save_as": "unsupported file type {suffix}: open it and save it as {target}",
    "bad_name": "its name is not valid UTF-8 (an old Latin-1 archive?): rename the file",
    "permission": "permission denied",
    "unreadable": "cannot be read ({detail})",
    "is_folder": "is a folder, not a file",
    "disappeared": "the file disappeared while it was being read",
    "too_large": "too large ({size} MB, the limit is {limit} MB{setting})",
    "text_too_long": "text too long ({size} MB, the limit is {limit} MB of text{setting}); not read",
    "too_many_characters": "text too long ({size} M characters, the limit is {limit} M{setting})",
    # its content
    "empty": "empty file",
    "no_text": "no text could be extracted",
    "binary": "binary content or unknown text encoding",
    "binary_not_text": "binary content, not text",
    "unpacks_too_much": "its parts unpack to more than {limit} MB ({size} MB at {part}): a zip bomb, or damaged",
    "too_nested": "nested too deeply to be read (parts within parts, thousands deep): a damaged or hostile file",
    "encoding": "not valid text in any known encoding (best guess {detail})",
    "html_empty": "HTML page without readable main text",
    "html_boilerplate": "no article text found in the page (only navigation or boilerplate: {detail})",
    "encrypted_pdf": "encrypted PDF (a password is needed)",
    "locked_pdf": "encrypted PDF that cannot be opened ({detail})",
    "broken_pdf": "broken PDF ({detail})",
    "scanned_pdf": "PDF without extractable text (scanned images?)",
    "broken_document": "damaged {kind} document ({detail})",
    "encrypted_document": "{kind} document protected by a password: save a copy without one",
    "old_office": "an Office 97-2003 file (.doc), not a {kind} document: open it and save it as .docx",
    "empty_document": "{kind} document without text",
    "not_doc": "not a Word 97-2003 document (.doc)",
    "old_word": "a Word 6 or Word 95 document, which is not read: open it and save it as .docx",
    "not_email": "not an e-mail: no mail headers (From, Subject, Date)",
    "encrypted_email": "encrypted e-mail (S/MIME or PGP): save its decrypted text",
    "empty_email": "e-mail without a text or HTML body",
    "broken_msg": "damaged Outlook message ({detail})",
    "not_msg": "not an Outlook e-mail (.msg)",
    "broken_tnef": "damaged Outlook winmail.dat package ({detail})",
    "not_rtf": "not a Rich Text document: it does not open with {{\\rtf",
    "attachment_failed": "e-mail without text of its own; its attachment {name}: {detail}",
    # said of a file indexed all the same (``IndexReport.warnings``)
    "attachment_left_out": "its attachment {name} was left out: {detail}",
    "not_mhtml": "not a web page saved as one file (no HTML page inside)",
    "not_webarchive": "not a web page Safari saved (no HTML page inside)",
    # an article given in memory (``Assistant.index_records``), named by its id or its place in the batch
    "record_type": "not an article: a record is a text, a dict with a 'text', or a LangChain Document, not {kind}",
    "record_no_text": "no text: a record needs a 'text' (or 'content', 'page_content') that is a string",
    "record_empty": "its text is empty",
    "record_field": "its {field} must be text, not {kind}",
    "record_date": "its {field} {value!r} is not a date (YYYY-MM-DD, a date as an article writes it: "
                   "'12 mars 2025', or a date or datetime)",
    "record_twice": "given twice in this batch (the same id or url); only the first one was indexed",
    # the run
    "vanished": "vanished while being indexed",
    "vanished_kept": "vanished while being indexed; its indexed version is kept",
    "index_failed": "indexing failed: {detail}",
    "not_indexed": "not indexed: {detail}",
    "not_in_index": "not in the index",
    # anything else, in the words it came with (an operating system's, a library's)
    "other": "{detail}",
    "prune_missing": "no such file or folder; nothing under it was pruned (assistant remove drops its articles)",
}
# Said after the reason when the file's earlier version stays indexed (an article emptied or overwritten
# with junk: what it said stays searchable).
KEPT = "; its indexed version is kept (`assistant remove` removes it)"


class Reason(str):
    """A reason's English text, with its ``code``, its ``values`` and whether the indexed version is ``kept``."""

    code: str
    values: dict[str, str]
    kept: bool

    def __new__(cls, code: str, *, kept: bool = False, **values: object) -> Reason:
        shown = {name: str(value) for name, value in values.items()}
        reason = super().__new__(cls, ENGLISH[code].format(**shown) + (KEPT if kept else ""))
        reason.code, reason.values, reason.kept = code, shown, kept
        return reason

    @classmethod
    def of(cls, reason: str) -> Reason:
        """``reason`` as a ``Reason``: itself if it is one, else said as it came."""
        return reason if isinstance(reason, Reason) else Reason("other", detail=reason)

    @classmethod
    def within(cls, code: str, inner: Reason, **values: object) -> Reason:
        """A reason that gives another as its ``detail`` (an e-mail failing for its attachment's): the inner one's
        code and values are kept beside it, so that it too is said in the page's language (``inner``)."""
        kept = {f"inner_{name}": value for name, value in inner.values.items()}
        return cls(code, detail=inner, inner_code=inner.code, **kept, **values)

    def inner(self) -> Reason | None:
        """The reason given as this one's detail, if it was given as one (``within``)."""
        if "inner_code" not in self.values:
            return None
        values = {name[len("inner_"):]: value for name, value in self.values.items()
                  if name.startswith("inner_") and name != "inner_code"}
        return Reason(self.values["inner_code"], **values)

    def keeping(self) -> Reason:
        """The same reason, saying that the file's indexed version is kept."""
        return Reason(self.code, kept=True, **self.values)

    def __reduce__(self):  # pickled (a process pool, a cache) as what it is, not as a plain string
        return _rebuild, (self.code, self.kept, self.values)


def _rebuild(code: str, kept: bool, values: dict[str, str]) -> Reason:
    return Reason(code, kept=kept, **values)


def os_reason(error: OSError) -> Reason:
    """An operating system's refusal: permission is said plainly, the rest in the system's words."""
    import errno

    if error.errno in (errno.EACCES, errno.EPERM):
        return Reason("permission")
    return Reason("other", detail=error.strerror or error)


def read_reason(error: OSError) -> Reason:
    """Why a file could not be read: permission said as for a locked folder, the rest in the system's words."""
    if isinstance(error, PermissionError):
        return Reason("permission")
    return Reason("unreadable", detail=error.strerror or error)
