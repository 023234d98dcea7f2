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
