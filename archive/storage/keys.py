"""How a passage is known across rebuilds: the SHA-1 of its text.

Rowids change when an index is rebuilt; (article id, passage hash) does not. The build
stores the hash beside each passage (unchanged passages reuse their vectors by it), and the
user's bookmarks point to passages by it.
"""
from __future__ import annotations

import hashlib


def passage_hash(text: str) -> str:
    """The hash a passage is stored and bookmarked under."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
