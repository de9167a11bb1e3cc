"""Markup of the story view: every outlet's version of one story, what differs marked.

Pure functions over `Backend.story` rows (no Streamlit), so every rule is unit-tested. A
passage whose near-duplicate cluster also has a passage in another shown version is
"shared" and shown plainly, with the words it does not share with that other version's
passage marked (or, when the two are a rewrite rather than an edit, labelled "reworded
elsewhere"); a passage found in no other shown version is "only" and highlighted.
Article text is untrusted: every piece goes through `html.escape`.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from archive.app.html import escape, plural

ONLY_STYLE = ("border-left:4px solid #e8590c;background:rgba(232,89,12,.09);"
              "padding:.3em .6em;margin:.5em 0;border-radius:2px")
SHARED_STYLE = "border-left:4px solid rgba(128,128,128,.25);padding:.3em .6em;margin:.5em 0"
DIFF_STYLE = "background:rgba(64,192,87,.35);border-radius:3px;padding:0 1px;text-decoration:none"
LABEL_STYLE = ("display:block;font-size:.75em;font-weight:600;color:#e8590c;"
               "text-transform:uppercase;letter-spacing:.03em")
REWORDED_STYLE = ("display:block;font-size:.75em;font-weight:600;opacity:.6;"
                  "text-transform:uppercase;letter-spacing:.03em")
WORD = re.compile(r"\S+|\s+")
# below this share of common words two paired passages are a rewrite, not an edit: marking
# most of their words would tell the reader nothing, so the passage is labelled instead
CLOSE = 0.6


def marks(versions: Sequence[dict]) -> dict[int, dict]:
    """passage id → {"kind": "shared" | "only", "reference": the text of the same cluster's
    passage in the nearest other shown version (None for "only")}."""
    where: dict[int, list[tuple[int, dict]]] = {}
    for n, version in enumerate(versions):
        for p in version["passages"]:
            if p.get("cluster") is not None:
                where.setdefault(p["cluster"], []).append((n, p))
    out: dict[int, dict] = {}
    for n, version in enumerate(versions):
        for p in version["passages"]:
            others = [(m, q) for m, q in where.get(p.get("cluster"), []) if m != n]
            others.sort(key=lambda item: (abs(item[0] - n), item[0]))
            out[p["id"]] = ({"kind": "shared", "reference": others[0][1]["text"]} if others
                            else {"kind": "only", "reference": None})
    return out


def matcher(text: str, reference: str) -> difflib.SequenceMatcher:
    """Word-level (case-insensitive) comparison of `reference` (a) with `text` (b)."""
    return difflib.SequenceMatcher(None, [w.casefold() for w in reference.split()],
                                   [w.casefold() for w in text.split()], autojunk=False)


def word_diff_html(text: str, reference: str | None) -> str:
    """Escaped `text` with the words that are not in `reference` (inserted or changed
    against it, word by word) marked; unmarked when there is no reference."""
    tokens = WORD.findall(text or "")
    if reference is None:
        return escape(text)
    new: set[int] = set()
    for op, _, _, j1, j2 in matcher(text or "", reference).get_opcodes():
        if op in ("replace", "insert"):
            new.update(range(j1, j2))
    out, index = [], 0
    for token in tokens:
        if token.isspace():
            out.append(" ")
            continue
        piece = escape(token)
        out.append(f'<ins class="diff" style="{DIFF_STYLE}">{piece}</ins>' if index in new
                   else piece)
        index += 1
    return "".join(out)


def version_html(version: dict, found: dict[int, dict]) -> str:
    """One column: outlet, date, title, counts, then the passages in reading order, each
    marked as shared (changed words marked) or only in this version. One line, escaped."""
    passages = version["passages"]
    only = sum(found.get(p["id"], {}).get("kind") == "only" for p in passages)
    head = (f'<div class="version"><div style="font-size:1.05em;font-weight:700">'
            f'{escape(version.get("outlet") or "unknown outlet")}</div>'
            f'<div style="opacity:.7;font-size:.9em">{escape(version.get("date") or "undated")}'
            f' · {plural(len(passages), "passage")} · {only} only here</div>'
            f'<div style="font-style:italic;margin:.3em 0">'
            f'{escape(version.get("title") or "untitled")}</div>')
    body, section = [], None
    for p in passages:
        if p.get("section") and p["section"] != section:
            section = p["section"]
            body.append(f"<p><b>{escape(section)}</b></p>")
        mark = found.get(p["id"], {"kind": "only", "reference": None})
        page = f' <span style="opacity:.6">(p. {int(p["page"])})</span>' if p.get("page") else ""
        if mark["kind"] == "only":
            body.append(f'<div class="only" style="{ONLY_STYLE}"><span style="{LABEL_STYLE}">'
                        f'only in this version</span>{escape(p["text"])}{page}</div>')
        elif matcher(p["text"], mark["reference"]).ratio() < CLOSE:
            body.append(f'<div class="shared reworded" style="{SHARED_STYLE}"><span '
                        f'style="{REWORDED_STYLE}">reworded elsewhere</span>'
                        f'{escape(p["text"])}{page}</div>')
        else:
            body.append(f'<div class="shared" style="{SHARED_STYLE}">'
                        f'{word_diff_html(p["text"], mark["reference"])}{page}</div>')
    return head + "".join(body) + "</div>"


def summary(versions: Sequence[dict], found: dict[int, dict]) -> str:
    """"3 versions · 14 passages shared · 5 only in one version"."""
    kinds = [found.get(p["id"], {}).get("kind") for v in versions for p in v["passages"]]
    return " · ".join([plural(len(versions), "version"),
                       plural(kinds.count("shared"), "passage") + " shared",
                       f'{kinds.count("only")} only in one version'])
