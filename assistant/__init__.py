"""News question-answering assistant: answers from your articles only, with the passages it relied on."""

from .api import Assistant, QuestionError, answer
from .indexer import IndexBusyError
from .settings import Settings
from .store import ModelMismatchError
from .types import Answer, Citation, IndexReport

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "IndexBusyError",
    "IndexReport",
    "ModelMismatchError",
    "QuestionError",
    "Settings",
    "answer",
]
__version__ = "0.1.0"
