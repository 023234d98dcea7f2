"""User-facing errors.

Anything the user can fix (bad input, unknown option value, missing model) raises
:class:`UserError`; the CLI prints its message as one line and exits non-zero, never a traceback.
"""


class UserError(Exception):
    """An error caused by the user's input or environment, shown as a one-line message."""

    exit_code = 2


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
