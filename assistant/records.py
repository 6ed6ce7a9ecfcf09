"""Articles given in memory (``Assistant.index_records``): a text, a dict, a DataFrame's row or a LangChain
``Document``, read as a ``Document`` like a file's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from langchain_core.documents import Document

from .loaders import RECORD, LoadError, article_document, content_hash
from .readers.failures import LoadFailure
from .readers.head import date_in_text, first_line, stated_date
from .readers.text import is_html_document, normalise_text
from .readers.web_page import read_html
from .reasons import Reason

# The keys a dict record is read by, first found first.
_RECORD_TEXT = ("text", "content", "page_content")
_RECORD_NAME = ("id", "url", "source")
_RECORD_DATE = ("published", "date")


def load_record(record: object, position: int) -> Document | LoadError:
    """An article held in memory as a ``Document`` like a file's: a text, a dict (``text``, and optionally
    ``id``, ``url``, ``title``, ``published`` or ``date``, ``author``; a pandas row as ``to_dict("records")``
    gives it), or a LangChain ``Document`` (the same keys in its metadata). Its source, by which it is cited,
    updated and removed, is its ``id``, else its ``url``, else its ``source``, else its text's hash; a record
    that cannot be read is a ``LoadError`` named by that, or by its place in the batch ("record 3")."""
    if isinstance(record, str):
        fields: dict[str, object] = {"text": record}
    elif isinstance(record, Document):
        # Its page_content is its text, whatever its metadata holds under "text" or "content".
        fields = {key: value for key, value in record.metadata.items() if key not in _RECORD_TEXT}
        fields["page_content"] = record.page_content
        if record.id and not any(_given(fields.get(key)) for key in _RECORD_NAME):
            fields["id"] = record.id
    elif isinstance(record, Mapping) or is_row(record):
        # A DataFrame's row as iterrows() or df.iloc[i] gives it (a pandas Series) was "not an article".
        items = record.items() if isinstance(record, Mapping) else record.to_dict().items()  # type: ignore[attr-defined]
        fields = {str(key): value for key, value in items}
    else:
        return LoadError(f"record {position}", Reason("record_type", kind=type(record).__name__))
    text = next((fields[key] for key in _RECORD_TEXT if _given(fields.get(key))), None)
    name = next((fields[key] for key in _RECORD_NAME if _given(fields.get(key))), None)
    if name is None and isinstance(text, str):
        name = "text:" + content_hash(text)[:16]  # the same text given again is the same article
    source = _record_name(name) if name is not None else f"record {position}"
    try:
        return _record_document(fields, text, source)
    except LoadFailure as failure:
        return LoadError(source, failure.reason)


def _record_name(value: object) -> str:
    """A record's id as text. A whole float is written as the int it is: a DataFrame's column of ids that
    misses one holds floats, and its rows came back as "12.0" where they had been "12", indexed twice."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_row(value: object) -> bool:
    """A table's row that is no dict: a pandas ``Series`` (``to_dict()`` and ``keys()``, no columns)."""
    return (callable(getattr(value, "to_dict", None)) and callable(getattr(value, "keys", None))
            and not hasattr(value, "columns"))


def _given(value: object) -> bool:
    """Whether a record's field holds a value: None, "" and a DataFrame's missing values (NaN, NaT, NA) do not."""
    try:
        if value is None or value != value:  # NaN is the one value unequal to itself
            return False
    except TypeError:  # pandas' NA, whose truth is undefined ("boolean value of NA is ambiguous")
        return False
    return not isinstance(value, str) or bool(value.strip())


def _record_document(fields: dict[str, object], text: object, source: str) -> Document:
    if text is None:
        raise LoadFailure("record_empty" if any(key in fields for key in _RECORD_TEXT) else "record_no_text")
    if not isinstance(text, str):
        raise LoadFailure("record_no_text")
    title, author, url = (_record_text(fields, key) for key in ("title", "author", "url"))
    published = _record_date(fields)
    text = normalise_text(text)
    if is_html_document(text):  # a scraper's raw page: read as a saved page is, menus and all left out
        text, page_title, page_date, page_author = read_html(text)
        title, published, author = title or page_title, published or page_date, author or page_author
    if not text.strip():
        raise LoadFailure("record_empty")
    return article_document(text, source, RECORD, title or first_line(text) or source,
                            published or date_in_text(text), author, url)


def _record_text(fields: dict[str, object], key: str) -> str | None:
    value = fields.get(key)
    if not _given(value):
        return None
    if not isinstance(value, str):
        raise LoadFailure("record_field", field=key, kind=type(value).__name__)
    return " ".join(value.split())


def _record_date(fields: dict[str, object]) -> str | None:
    """A record's publication date as YYYY-MM-DD: a ``date``/``datetime`` (a pandas ``Timestamp`` is one) or
    a text that states one ("2025-03-12", "2025-03-12T10:32:00Z", "12 mars 2025")."""
    key = next((key for key in _RECORD_DATE if _given(fields.get(key))), None)
    if key is None:
        return None
    value = fields[key]
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()[:10]
    stated = stated_date(value, value) if isinstance(value, str) else None
    if stated is None:
        raise LoadFailure("record_date", field=key, value=value)
    return stated
