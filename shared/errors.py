"""The one exception type users see.

Anything the user can fix (a wrong name, a bad argument, a corrupt download, a
diverging run) raises :class:`HypeError` with a one-line cause and what to do. The CLI
prints that line and exits non-zero instead of showing a traceback.
"""


class HypeError(Exception):
    """A problem the user can act on; ``str(error)`` is the whole message."""

    def __init__(self, cause: str, fix: str = "") -> None:
        self.cause = cause
        self.fix = fix
        super().__init__(f"{cause} -> {fix}" if fix else cause)
