"""Every exception llmbook_utils raises on purpose. Each message says what happened and what to do.

All of them derive from ``LLMBookError``, so ``except llmbook_utils.LLMBookError`` catches
any of them; each also derives from the built-in exception a reader would expect
(``LookupError`` for an unknown name, ``FileNotFoundError`` for a missing file, ...).
"""

from __future__ import annotations


class LLMBookError(RuntimeError):
    """Base class for every error this package raises on purpose."""


class InvalidProfileError(LLMBookError, ValueError):
    """LLMBOOK_PROFILE holds a value that is not a known profile."""


class InsufficientVRAMError(LLMBookError):
    """The GPU cannot hold what a cell is about to load."""


class UnknownNameError(LLMBookError, LookupError):
    """A name (of a model, a data set, ...) that the course does not know; the message lists the known ones."""


class UnknownModelError(UnknownNameError):
    """A model id that the offline registry has no stand-in for."""


class UnknownDatasetError(UnknownNameError):
    """A data set name that ``load_dataset`` does not know."""


class MissingDataError(LLMBookError, FileNotFoundError):
    """A data file of the course is missing or cannot be read."""


class MissingPackageError(LLMBookError, ImportError):
    """A package the course needs (often one that ships an offline model) is not installed."""


class MissingAPIKeyError(LLMBookError):
    """An API key was needed and none was found in any of the places we looked."""


class LocalServerError(LLMBookError):
    """The local OpenAI-compatible server could not be started or did not answer."""


class ChecksumMismatchError(LLMBookError):
    """A cached download no longer has the sha256 recorded when it was first fetched."""
