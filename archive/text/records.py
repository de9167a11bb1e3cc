"""The records of a dump: JSON Lines, JSON exports in the shapes scrapers write, CSV. One
record is one article; a bad record is one `Skipped`, never the file's end."""
from __future__ import annotations

import csv
import io
import json

from archive.models import RawArticle
from archive.text.skips import MAX_ARTICLE_BYTES, Skipped, failure, storable, too_large

TEXT_FIELDS = ("text", "body", "content", "article", "maintext")
OPTIONAL_FIELDS = ("title", "date", "url", "outlet", "author")
FIELD_ALIASES = {"outlet": ("outlet", "source", "publisher", "site", "sitename"),
                 "date": ("date", "published", "publication_date", "pubdate"),
                 "author": ("author", "authors", "byline")}


def record_to_article(record: dict, path: str, where: str,
                      max_bytes: int = MAX_ARTICLE_BYTES) -> RawArticle | Skipped:
    """One JSONL/CSV record: a text field is required; title, date, url, outlet, author optional."""
    lowered = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    text = next((lowered[f] for f in TEXT_FIELDS if isinstance(lowered.get(f), str)
                 and lowered[f].strip()), None)
    if text is None:
        return Skipped(f"{path}{where}", f"no text field (one of: {', '.join(TEXT_FIELDS)})")
    if len(text) > max_bytes or len(text.encode("utf-8", errors="replace")) > max_bytes:
        return Skipped(f"{path}{where}", too_large(max_bytes))
    meta: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS:
        keys = FIELD_ALIASES.get(name, (name,))
        value = next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        meta[name] = storable(str(value).strip()) if value is not None else None
    return RawArticle(text=storable(text.replace("\r\n", "\n")), path=f"{path}{where}", **meta)


def record(value: object, path: str, where: str, max_bytes: int) -> RawArticle | Skipped:
    """`record_to_article` inside the isolation boundary of one record."""
    try:
        return record_to_article(value, path, where, max_bytes)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - one bad record must never stop a file
        return Skipped(f"{path}{where}", failure(exc))


def read_jsonl(text: str, path: str,
               max_bytes: int = MAX_ARTICLE_BYTES) -> list[RawArticle | Skipped]:
    out: list[RawArticle | Skipped] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except RecursionError:
            out.append(Skipped(f"{path}#{number}", f"line {number} is nested too deeply to "
                               "be read"))
            continue
        except ValueError as exc:  # JSONDecodeError, or a number of over 4,300 digits
            why = getattr(exc, "msg", None) or str(exc).split(";")[0]
            out.append(Skipped(f"{path}#{number}", f"invalid JSON on line {number}: {why}"))
            continue
        if not isinstance(value, dict):
            out.append(Skipped(f"{path}#{number}", f"line {number} is not a JSON object"))
            continue
        out.append(record(value, path, f"#{number}", max_bytes))
    return out or [Skipped(path, "no records")]


# Keys under which a scraper's JSON export keeps its list of articles ({"articles": [...]}).
LIST_KEYS = ("articles", "items", "records", "data", "results", "documents", "docs", "posts")


def read_json(text: str, path: str,
              max_bytes: int = MAX_ARTICLE_BYTES) -> list[RawArticle | Skipped]:
    """A .json file as scrapers write it: one article object, a list of them, or an object
    keeping the list under a key such as "articles"; a file of one object per line (JSON
    Lines named .json) is read as .jsonl."""
    try:
        value = json.loads(text)
    except RecursionError:
        return [Skipped(path, "JSON nested too deeply to be read")]
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return read_jsonl(text, path, max_bytes)  # JSON Lines with a .json name
        return [Skipped(path, f"invalid JSON: {exc.msg} (line {exc.lineno})")]
    except ValueError as exc:  # a number of over 4,300 digits
        return [Skipped(path, f"invalid JSON: {str(exc).split(';')[0]}")]
    if isinstance(value, dict) and not any(isinstance(value.get(k), str) for k in TEXT_FIELDS):
        value = next((value[k] for k in LIST_KEYS if isinstance(value.get(k), list)), value)
    if isinstance(value, dict):
        return [record(value, path, "", max_bytes)]
    if not isinstance(value, list):
        return [Skipped(path, "JSON is neither an article object nor a list of them")]
    out = [record(item, path, f"#{n}", max_bytes) if isinstance(item, dict)
           else Skipped(f"{path}#{n}", f"item {n} is not a JSON object")
           for n, item in enumerate(value, start=1)]
    return out or [Skipped(path, "no records")]


def read_csv(text: str, path: str,
             max_bytes: int = MAX_ARTICLE_BYTES) -> list[RawArticle | Skipped]:
    csv.field_size_limit(2**31 - 1)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not any(f in header for f in TEXT_FIELDS):
            return [Skipped(path, f"CSV has no text column (one of: {', '.join(TEXT_FIELDS)}; "
                            f"found: {', '.join(header) or 'none'})")]
        rows = list(reader)
    except csv.Error as exc:
        return [Skipped(path, f"malformed CSV: {exc}")]
    out = [record(row, path, f"#{i}", max_bytes) for i, row in enumerate(rows, start=2)]
    return out or [Skipped(path, "no records")]
