"""News question-answering assistant: answers from your articles only, with the passages it relied on."""

from .answering.llm import LLMConfigError
from .api import Assistant, QuestionError, answer
from .filters import FilterError
from .indexer import IndexBusyError, IndexInterrupted
from .reranking import RerankerError
from .search import Mention, SearchError
from .settings import Settings, SettingsError, SettingsWarning
from .store import ModelMismatchError, StoreError, StoreFullError, StoreStoppedError, StoreUnreachableError
from .types import Answer, Citation, IndexReport

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "FilterError",
    "IndexBusyError",
    "IndexInterrupted",
    "IndexReport",
    "LLMConfigError",
    "Mention",
    "ModelMismatchError",
    "QuestionError",
    "RerankerError",
    "SearchError",
    "Settings",
    "SettingsError",
    "SettingsWarning",
    "StoreError",
    "StoreFullError",
    "StoreStoppedError",
    "StoreUnreachableError",
    "answer",
]
__version__ = "0.1.0"
