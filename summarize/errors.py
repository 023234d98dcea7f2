"""User-facing errors.

Anything the user can fix (bad input, unknown option value, missing model) raises
:class:`UserError`; the CLI prints its message as one line and exits non-zero, never a traceback.

A message names a setting the way the library spells it, marked ``⟨...⟩``: ``pass
⟨allow_pickle=True⟩ if you trust it``. ``str(error)`` drops the marks (a Python caller reads
``allow_pickle=True``); the command line puts its own flag in their place (``--allow-pickle``)
through :meth:`UserError.for_command_line`, so library messages name no command-line flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SETTING = re.compile(r"⟨([^⟩]+)⟩")


class UserError(Exception):
    """An error caused by the user's input or environment, shown as a one-line message."""

    exit_code = 2

    def __str__(self) -> str:
        return spell_settings(super().__str__())

    def for_command_line(self, flags: Mapping[str, str]) -> str:
        """The message with each marked setting replaced by its command-line flag."""
        return spell_settings(super().__str__(), flags)


def spell_settings(text: str, flags: Mapping[str, str] | None = None) -> str:
    """``text`` with each marked setting (``⟨embedder⟩``) spelled as ``flags`` spell it (the
    command line's ``--embedder``), else by its library name (``embedder``)."""
    return SETTING.sub(lambda m: (flags or {}).get(m.group(1), m.group(1)), text)


class ModelUnavailableError(UserError):
    """A model is neither cached locally nor reachable."""

    exit_code = 3


def os_reason(exc: OSError) -> str:
    """The readable part of an OS error ("No space left on device"), for one-line messages."""
    return exc.strerror or str(exc) or type(exc).__name__


def cannot_write(path: object, exc: OSError, kept: str = "") -> UserError:
    """The one-line error for a file or folder that could not be written; ``kept`` says what
    was saved before the failure."""
    return UserError(f"{path}: cannot write ({os_reason(exc)}){'; ' + kept if kept else ''}")
