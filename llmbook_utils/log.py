"""The one way llmbook_utils talks: the ``llmbook_utils`` logger.

Every helper reports through ``say()`` — which model stands in for which, where a
data set came from, a one-time build — and nothing else in the package prints. The
lines go to the notebook's output (stdout, as plain text). To silence every helper
at once::

    import logging
    logging.getLogger("llmbook_utils").setLevel(logging.WARNING)

or ``llmbook_utils.quiet()`` (the same call), or set ``LLMBOOK_QUIET=1`` before
the first import. Warnings (``warnings.warn``) and errors are not affected.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

LOGGER_NAME = "llmbook_utils"


class _CurrentStdout(logging.Handler):
    """Writes to whatever ``sys.stdout`` is at the moment of the call (Jupyter and pytest swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # pragma: no cover - logging must never break a notebook
            self.handleError(record)


def get_logger() -> logging.Logger:
    """The package's logger, set up on first use: INFO lines to stdout, message only."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, _CurrentStdout) for h in logger.handlers):
        handler = _CurrentStdout()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False  # don't print twice when the root logger is configured too
        if logger.level == logging.NOTSET:
            quiet_env = os.environ.get("LLMBOOK_QUIET", "").lower() in {"1", "true", "yes", "on"}
            logger.setLevel(logging.WARNING if quiet_env else logging.INFO)
    return logger


def say(line: str) -> None:
    """Report one line to the reader (unless the logger is quieted)."""
    get_logger().info(line)


def quiet(on: bool = True) -> None:
    """Silence (``on=True``) or restore every helper's report lines."""
    get_logger().setLevel(logging.WARNING if on else logging.INFO)


@contextlib.contextmanager
def transformers_quiet() -> Iterator[None]:
    """Hide transformers' info/warning lines and loading bars for a block (used by one-time builds).

    A fresh classification head's "newly initialized weights" notice and the GGUF loader's
    bars are expected there and would only alarm the reader.
    """
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


# Bars that transformers draws around loading and saving a checkpoint: on a CPU they flash by
# and, in a notebook, leave a widget per model. Downloads and training loops keep their bars.
BOOKKEEPING_BARS = ("Loading weights", "Writing model shards")


def _hide_bookkeeping_bars(factory, args, kwargs):
    if kwargs.get("desc") in BOOKKEEPING_BARS:
        kwargs = {**kwargs, "disable": True}
    return factory(*args, **kwargs)


def hide_loading_bars() -> None:
    """Hide transformers' "Loading weights" / "Writing model shards" bars (its own tqdm hook)."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_tqdm_hook(_hide_bookkeeping_bars)
