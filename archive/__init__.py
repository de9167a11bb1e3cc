"""archive: an offline, searchable news archive with semantic retrieval."""
__version__ = "0.1.0"
