"""Exceptions raised by llmbook_utils. Each message says what happened and what to do."""

from __future__ import annotations


class LLMBookError(RuntimeError):
    """Base class for every error this package raises on purpose."""


class InvalidProfileError(LLMBookError, ValueError):
    """LLMBOOK_PROFILE holds a value that is not a known profile."""


class InsufficientVRAMError(LLMBookError):
    """The GPU (or the lack of one) cannot hold what a cell is about to load."""


class UnknownModelError(LLMBookError, KeyError):
    """A model id that the offline registry has no stand-in for."""

    def __str__(self) -> str:  # KeyError would otherwise print the message in quotes
        return str(self.args[0]) if self.args else ""


class MissingAPIKeyError(LLMBookError):
    """An API key was needed and none was found in any of the places we looked."""


class MissingDataError(LLMBookError, FileNotFoundError):
    """A data file of the course is missing (or the data set name is unknown)."""


class LocalServerError(LLMBookError):
    """The local OpenAI-compatible server could not be started or did not answer."""
