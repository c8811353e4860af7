"""Errors the core raises; each carries a one-line message fit for a user."""


class ReadnotesError(Exception):
    """A problem to show the user as one clear line (never a traceback)."""


class IndexNotFoundError(ReadnotesError):
    pass


class EditError(ReadnotesError):
    """A mark was refused; the file is unchanged."""


class ConflictError(EditError):
    """The index changed under us and the entry cannot be found again."""
