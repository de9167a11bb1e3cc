"""archive's own exceptions. Each message says what to do; the CLI and the page show it as one line."""
from __future__ import annotations


class ArchiveError(Exception):
    """Base class of every error archive raises on purpose."""


class IndexNotFound(ArchiveError):
    """No built index where one was expected."""


class IndexMismatch(ArchiveError):
    """The index was built with another model, dimension or format than the one in use."""


class IndexCorrupt(ArchiveError):
    """A file of the index is damaged or inconsistent with its siblings."""


class BuildLocked(ArchiveError):
    """Another build holds the index's lock."""


class BadRequest(ArchiveError, ValueError):
    """A user's argument is invalid (unknown mode, malformed date, ...)."""


class ModelNotFound(ArchiveError):
    """The sentence-transformers model folder cannot be found or loaded."""


class NotSupported(ArchiveError):
    """The storage engine in use lacks a feature; the message says which and what to do."""


class IndexNotWritable(ArchiveError):
    """The index folder (or a file a build must write in it) cannot be written."""


class BuildFailed(ArchiveError):
    """The environment failed in a way every article would (a library that cannot load, a
    full disk): the build stops and the previous index keeps answering."""


class Cancelled(ArchiveError):
    """The user stopped a build (the page's Cancel button); nothing of it was published."""
