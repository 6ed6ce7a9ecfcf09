"""Articles to chunks on paragraph and sentence boundaries, each with its offsets in the article."""

from __future__ import annotations

import hashlib
import json

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from .sentences import sentence_spans

# Paragraphs first, then lines, then sentence ends (kept with their sentence), then words.
_SEPARATORS = ["\n\n", "\n", r"(?<=[.!?…»\"”])\s+", r"\s+", ""]


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        separators=_SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",  # pieces then join back into the exact original text
        add_start_index=False,
        strip_whitespace=True,
    )


def chunk_id_for(doc_id: str, start: int, end: int, text: str) -> str:
    # Content-addressed: an unchanged chunk keeps its id when the article is edited elsewhere.
    digest = hashlib.sha1(f"{doc_id}:{start}:{end}:{text}".encode()).hexdigest()[:16]
    return f"{doc_id}-{digest}"


def chunk_document(document: Document, chunk_size: int, chunk_overlap: int) -> list[Document]:
    """Chunks of ``document`` whose ``start``/``end`` satisfy ``text[start:end] == chunk``.

    Each chunk's metadata also lists its sentences as ``(start, end)`` pairs in article offsets.
    """
    text = document.page_content
    pieces = make_splitter(chunk_size, chunk_overlap).split_text(text)
    chunks: list[Document] = []
    cursor = 0
    for index, piece in enumerate(pieces):
        start = _locate(text, piece, cursor)
        end = start + len(piece)
        cursor = start + 1
        metadata = {key: value for key, value in document.metadata.items() if key != "content_hash"}
        metadata.update(
            chunk_index=index,
            start=start,
            end=end,
            chunk_id=chunk_id_for(document.metadata["doc_id"], start, end, piece),
        )
        chunks.append(Document(page_content=piece, metadata=metadata, id=metadata["chunk_id"]))
    return chunks


def _locate(text: str, piece: str, cursor: int) -> int:
    start = text.find(piece, cursor)
    if start < 0:
        start = text.find(piece)
    if start < 0:  # the splitter only trims and cuts, so this means a bug, not bad input
        raise ValueError("chunk text not found in its document")
    return start


def chunk_sentences(chunk: Document) -> list[tuple[int, int]]:
    """Sentence spans of a chunk, in offsets of its article."""
    return sentence_spans(chunk.page_content, offset=chunk.metadata["start"],
                          language=str(chunk.metadata.get("language", "")))


def chunk_sentence_texts(chunk: Document) -> list[str]:
    """The texts of the chunk's sentences (``chunk_sentences``), as the indexer embeds them."""
    start = chunk.metadata["start"]
    return [chunk.page_content[a - start : b - start] for a, b in chunk_sentences(chunk)]


def stored_sentences(chunk: Document, split_if_missing: bool = True) -> list[tuple[int, int]]:
    """The sentence spans the indexer stored in the chunk's metadata (offsets in the article).

    A chunk without them (indexed by an older version) is split again, unless ``split_if_missing`` is
    False: the retriever's hot path must not load spaCy for a ranking signal.
    """
    raw = chunk.metadata.get("sentences")
    if raw:
        return [(int(a), int(b)) for a, b in json.loads(raw)]
    return chunk_sentences(chunk) if split_if_missing else []
