"""Answerers: turn a question and retrieved passages into an ``Answer`` with citations."""

from .extractive import ExtractiveAnswerer
from .messages import not_answered_text

__all__ = ["ExtractiveAnswerer", "not_answered_text"]
