"""Group the spellings of a person's name across an archive.

Why hand-written: entity-linking libraries need a knowledge base (Wikidata) and the
network; here names come from scraped, partly machine-translated news ("Ryabkov",
"Riabco", "Rybko"), so we combine a light transliteration key, rapidfuzz similarity and
first-name compatibility, with guards so that "Hillary Clinton" and "Bill Clinton" stay
apart.

Scale: names are blocked by the first letter of their normalised surname and compared
with `rapidfuzz.process.cdist` (vectorised C++) inside a block, so tens of thousands
of distinct names take seconds, not an O(n^2) Python loop.
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from rapidfuzz import fuzz, process

from archive.text.given_names import first_names_compatible, is_given_name
from archive.text.spelling import NAME_CACHE, fold
from archive.text.spelling import translit as _translit

SURNAME_THRESHOLD = 82.0  # on transliteration keys (see _translit)
MIN_FUZZY_LEN = 5  # shorter surnames must match exactly ("Bush" vs "Rush")
DOMINANCE = 3.0  # a bare surname goes to a person with 3x the mentions of the next one
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Words that end the name of an organisation, not a person: no surname of theirs.
ORGANISATION_WORDS = frozenset("""inc corp co ltd plc llc ag sa nv fund group bank company
association party council ministry agency institute university college club union committee
board commission organisation organization foundation trust federation department office
service services systems holdings industries international government network poll
congress""".split())
_PARTICLES = frozenset({"de", "da", "del", "della", "di", "du", "van", "von", "der", "den",
                        "la", "le", "bin", "ibn", "al", "el", "st"})


@dataclass(frozen=True)
class NameParts:
    """A name split into first names, surname and suffix ("Jr.")."""

    first: tuple[str, ...]
    surname: str
    suffix: str


NO_NAME = NameParts((), "", "")  # what a string that is no name splits into


@functools.lru_cache(maxsize=NAME_CACHE)
def split_name(name: str) -> NameParts | None:
    """Split a folded name; particles stay with the surname ("van der Leyen")."""
    words = fold(name).split()
    suffix = ""
    while len(words) > 1 and words[-1] in _SUFFIXES:
        suffix = words.pop()
    if not words:
        return None
    k = len(words) - 1
    while k > 0 and words[k - 1] in _PARTICLES:
        k -= 1
    return NameParts(tuple(words[:k]), " ".join(words[k:]), suffix)


# --- Grouping ---


@dataclass
class _Person:
    """A cluster of full-name spellings believed to denote one person."""

    first: tuple[str, ...]
    suffix: str
    organisation: bool = False
    forms: Counter = field(default_factory=Counter)

    def mentions(self) -> int:
        """Total mentions of the full forms."""
        return sum(self.forms.values())


def _surname_clusters(surnames: list[str]) -> dict[str, int]:
    """Union-find over folded surnames whose transliteration keys are close."""
    parent = list(range(len(surnames)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [_translit(s) for s in surnames]
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        blocks[k[:1]].append(i)
    for idx in blocks.values():
        _union_block(idx, keys, parent, find)
    return {s: find(i) for i, s in enumerate(surnames)}


def _union_block(idx: list[int], keys: list[str], parent: list[int], find) -> None:
    """Union similar keys inside one block (one vectorised cdist call)."""
    block = [keys[i] for i in idx]
    for a, b in _close_pairs(block, block):
        if a < b:
            parent[find(idx[a])] = find(idx[b])


def _close_pairs(left: list[str], right: list[str]) -> set[tuple[int, int]]:
    """(i, j) where left[i] and right[j] are the same transliteration key or, both at least
    MIN_FUZZY_LEN long, close ones: the one rule by which grouping (`_union_block`) and
    regrouping (`connected_surnames`) join surnames."""
    at: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(right):
        at[key].append(j)
    pairs = {(i, j) for i, key in enumerate(left) for j in at.get(key, ())}
    long_left = [i for i, key in enumerate(left) if len(key) >= MIN_FUZZY_LEN]
    long_right = [j for j, key in enumerate(right) if len(key) >= MIN_FUZZY_LEN]
    if long_left and long_right:
        scores = process.cdist([left[i] for i in long_left], [right[j] for j in long_right],
                               scorer=fuzz.ratio, score_cutoff=SURNAME_THRESHOLD, workers=1)
        rows, cols = scores.nonzero()
        pairs.update((long_left[r], long_right[c]) for r, c in zip(rows.tolist(), cols.tolist())
                     if not _other_family(left[long_left[r]], right[long_right[c]]))
    return pairs


def _other_family(a: str, b: str) -> bool:
    """Two close transliteration keys that are still two families: a "-son" made of the
    other (`_patronymic_pair`), or other consonants among their first three: McCaul /
    McFaul, Gibson / Gibbons, Isakson / Jackson, Stenberg / Stoltenberg. A misspelling or a
    romanisation mostly changes vowels and doubled letters (Ryabkov / Riabco / Rybko keep
    r-b-k); a consonant misspelt early is the price (benchmarks/README.md, stop 28). Nor is
    a surname with an "s" more (`_plural_pair`)."""
    ca, cb = re.sub("[aeiou]", "", a), re.sub("[aeiou]", "", b)
    n = min(3, len(ca), len(cb))
    return ca[:n] != cb[:n] or _patronymic_pair(a, b) or _plural_pair(a, b)


def _patronymic_pair(a: str, b: str) -> bool:
    """Two surnames one of which is the other with "-son"/"-sen" made of it (Roberts /
    Robertson, Richards / Richardson, Peters / Petersen): close spellings, other families."""
    short, long_ = sorted((a, b), key=len)
    return bool(short) and long_.startswith(short[:-1]) and long_[len(short) - 1:] in (
        short[-1] + "on", short[-1] + "en", short[-1] + "son", short[-1] + "sen")


def _plural_pair(a: str, b: str) -> bool:
    """One surname the other with an "s" (Connors / O'Connor, Roberts / Robert, Williams /
    William): two families."""
    short, long_ = sorted((a, b), key=len)
    return long_ == short + "s"


def surname_spelled_like(typed: str, surname: str, key_ratio: float | None = None) -> bool:
    """Could `typed` be a spelling of `surname`? Close as written ("Holm" ~ Holmes), or as
    close on their transliteration keys as two surnames the grouping takes for one person
    ("Riabco" ~ Ryabkov), or, with `key_ratio`, at least that close on them; not "Brexit" ~
    Beith."""
    ka, kb = _translit(typed), _translit(surname)
    if _other_family(ka, kb):
        return False  # "Robertson" is no spelling of Roberts, nor "McFaul" of McCaul
    return (fuzz.ratio(fold(typed), fold(surname)) >= 80 or (
        bool(_close_pairs([ka], [kb])) if key_ratio is None
        else fuzz.ratio(ka, kb) >= key_ratio))


def surname_block(surname: str) -> str:
    """The block a surname is compared within: the first letter of its transliteration key
    (as `_surname_clusters` blocks them)."""
    return _translit(surname)[:1]


def connected_surnames(seeds: Iterable[str], present: Callable[[str], Iterable[str]]
                       ) -> set[str]:
    """`seeds` and every surname joined to one of them by a chain of similar surnames: the
    union of the surname clusters `group_names` would make that touch a seed.

    Regrouping only the names with these surnames gives each of them exactly what regrouping
    every name would (clusters are the components of the similarity graph, and a person
    never spans two), so adding 1% of an archive regroups about 1% of its names.
    `present(block)` lists the archive's surnames of one block (surname_block); seeds are
    the surnames of names added or removed (a removed one may have joined two clusters:
    searching from it finds both)."""
    found = {s for s in seeds if s}
    frontier = sorted(found)
    blocks: dict[str, list[tuple[str, str]]] = {}
    while frontier:
        by_block: dict[str, list[str]] = defaultdict(list)
        for surname in frontier:
            by_block[surname_block(surname)].append(surname)
        frontier = []
        for block, surnames in by_block.items():
            if block not in blocks:
                blocks[block] = [(s, _translit(s)) for s in present(block)]
            others = [(s, k) for s, k in blocks[block] if s not in found]
            for s in _similar(surnames, others):
                found.add(s)
                frontier.append(s)
    return found


def _similar(surnames: list[str], others: list[tuple[str, str]]) -> list[str]:
    """The `others` (surname, key) joined to one of `surnames` (`_close_pairs`)."""
    pairs = _close_pairs([_translit(s) for s in surnames], [k for _, k in others])
    return sorted({others[j][0] for _, j in pairs})


def _people_in_cluster(full: list[tuple[str, NameParts, int]],
                       types: Mapping[str, str | None]) -> list[_Person]:
    """Split the full names of one surname cluster into people by first name; the name of an
    organisation (`_organisation`) joins only the same words ("Trades Union Congress" /
    "Trade Unions Congress"), never a close spelling ("National Labor Relations Board" /
    "International Rugby Board", "Time Warner" / "Tim Warner")."""
    people: list[_Person] = []
    for form, parts, count in sorted(full, key=lambda x: -x[2]):
        named = _organisation(parts, types.get(form))
        # no nicknames here: over the evaluation haystack they merged 30 pairs, a quarter of
        # them two people ("Patti Smith" the singer and "Patricia Smith"); a typed nickname
        # still finds the person (resolve_person, the linker)
        match = next((p for p in people if p.suffix == parts.suffix and (
            _same_words(p.first, parts.first) if named or p.organisation
            else first_names_compatible(p.first, parts.first))), None)
        if match is None:
            match = _Person(parts.first, parts.suffix, organisation=named)
            people.append(match)
        if len(match.first) == 0 or len(match.first[0].rstrip(".")) == 1:
            match.first = parts.first if parts.first and len(parts.first[0]) > 1 else match.first
        match.forms[form] += count
    return people


def _organisation(parts: NameParts, kind: str | None) -> bool:
    """Is a full name an organisation's: ending in an ORGANISATION_WORDS word, or typed no
    person's (`speaker_types`) and led by no given name ("Liberal Democrats"; not "Marco
    Bortolami", whom spaCy may take for a place)?"""
    return parts.surname.split()[-1] in ORGANISATION_WORDS or (
        not is_person(kind) and not is_given_name(parts.first[0]))


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The same words, but for spelling, a plural "s" ("Trades" / "Trade") and the little
    words ("Office of" / "for National Statistics", "Food & Agriculture" / "and")."""
    return _content_keys(a) == _content_keys(b)


_LITTLE_WORDS = frozenset("of for and the on in at to".split())


def _content_keys(words: tuple[str, ...]) -> list[str]:
    return [_translit(w.rstrip(".")).rstrip("s") for w in words
            if w not in _LITTLE_WORDS and w.strip("-")]


def _canonical(person: _Person) -> str:
    """Most frequent full (two-or-more-token) form, ties broken by length then text."""
    return min(person.forms, key=lambda f: (-person.forms[f], -len(f), f))


def group_names(mentions: Iterable[tuple], types: Mapping[str, str | None] | None = None
                ) -> dict[str, str]:
    """Map every speaker name as written (title-stripped) to a canonical name.

    `mentions` are (name, role) pairs, one per attribution, or (name, role, count) for
    `count` of them; `types` the type of each name as written (`speaker_types`; unknown
    when missing).
    Surnames are clustered by
    transliteration-aware fuzzy matching; inside a surname cluster, full names split
    into people by compatible first names; a bare surname joins the only (or a clearly
    dominant) person of its cluster and otherwise maps to itself.
    """
    counts: Counter = Counter()
    for m in mentions:
        if m[0] and m[0].strip():
            counts[m[0].strip()] += m[2] if len(m) > 2 else 1
    parts = {n: split_name(n) for n in counts}
    parts = {n: p for n, p in parts.items() if p is not None}
    cluster_of = _surname_clusters(sorted({p.surname for p in parts.values()}))
    full: dict[int, list[tuple[str, NameParts, int]]] = defaultdict(list)
    bare: dict[int, list[str]] = defaultdict(list)
    for name, p in parts.items():
        cid = cluster_of[p.surname]
        if p.first:
            full[cid].append((name, p, counts[name]))
        else:
            bare[cid].append(name)
    out: dict[str, str] = {n: n for n in counts}
    for cid in set(full) | set(bare):
        people = _people_in_cluster(full.get(cid, []), types or {})
        for person in people:
            canon = _canonical(person)
            for form in person.forms:
                out[form] = canon
        _assign_bare(bare.get(cid, []), people, counts, out, types or {})
    return out


def _assign_bare(names: list[str], people: list[_Person], counts: Counter,
                 out: dict[str, str], types: Mapping[str, str | None]) -> None:
    """Bare surnames: to the only/dominant person of exactly that surname ("Lavrov" ->
    Sergey Lavrov; "Browne" is Des Browne's or nobody's, never Gordon Brown's however often
    he is quoted), else to the most frequent bare form written the same way. Never to an
    organisation's name unless as its abbreviation ("IMF" -> "International Monetary Fund
    (IMF)"; "Democrats" is not the Liberal Democrats, "Congress" not the Trade Unions
    Congress), never by a close spelling across articles ("Woolf" is not Markus Wolf,
    "Halifax" not Asa Khalif, "BCC" not the BBC: an article's own misspelling of a name it
    writes in full is read in the article, archive.quotes), and a place or a group
    ("Israel", "Democrats") to nobody. (benchmarks/README.md, stop 33)"""
    canonical = [_canonical(p) for p in people]
    surnames = [fold((split_name(c) or NO_NAME).surname) for c in canonical]
    best_written: dict[str, str] = {}  # each bare form's most frequent way of writing it
    for n in sorted(names, key=lambda n: (counts[n], n), reverse=True):
        best_written.setdefault(fold(n), n)
    for name in names:
        bare = split_name(name)
        if bare is None or types.get(name) in ("place", "group"):
            continue
        exact = [(p, c) for p, c, sn in zip(people, canonical, surnames)
                 if sn == fold(bare.surname) and (not p.organisation or f"({name}" in c)]
        ranked = sorted(exact, key=lambda pc: -pc[0].mentions())
        if len(ranked) == 1 or len(ranked) > 1 and \
                ranked[0][0].mentions() >= DOMINANCE * ranked[1][0].mentions():
            out[name] = ranked[0][1]
        elif not exact and not people:
            out[name] = best_written[fold(name)]


@functools.lru_cache(maxsize=NAME_CACHE)
def misspelt_surname(typed: str, surname: str) -> bool:
    """Is `typed` a misspelling of `surname` ("Keidis" / "Kiedis", "Giulini" / "Giuliani") or
    a romanisation of it ("Riabco" / "Ryabkov"): another spelling, of letters, that
    `surname_spelled_like` accepts with keys at least 88% alike? Not "Twitter" / "Tveter"
    (83 on their keys). Remembered: an article's every name lookup asks it of its surnames."""
    return (bool(_translit(typed) and _translit(surname)) and fold(typed) != fold(surname)
            and surname_spelled_like(typed, surname, key_ratio=88))


# --- Lookup ---


def resolve_person(query_name: str, aliases: dict[str, str], limit: int = 5) -> list[str]:
    """Canonical names matching a name typed by a user ("lavrov", "Sergei Lavrof").

    Exact (case/accent-insensitive) alias hits come first; then aliases whose surname
    is close to the query's last word and whose first name is compatible; finally a
    whole-string fuzzy match. Returns at most `limit` canonical names, best first.
    """
    q = split_name(query_name or "")
    if q is None or not aliases:
        return []
    folded = {fold(a): c for a, c in aliases.items()}
    exact = folded.get(fold(query_name))
    scored: dict[str, float] = {}
    if exact:
        scored[exact] = 200.0
    qkey = _translit(q.surname)
    for alias, canon in folded.items():
        parts = split_name(alias)
        if parts is None:
            continue
        score = _alias_score(q, qkey, parts)
        if score and score > scored.get(canon, 0.0):
            scored[canon] = score
    if not scored:
        hits = process.extract(fold(query_name), list(folded), scorer=fuzz.WRatio,
                               score_cutoff=88, limit=limit)
        for alias, score, _ in hits:
            scored[folded[alias]] = max(scored.get(folded[alias], 0.0), score)
    ranked = [c for c, _ in sorted(scored.items(), key=lambda x: (-x[1], x[0]))]
    if q.first:
        ranked = _same_person(q, ranked, exact is not None)
    return ranked[:limit]


def _same_person(q: NameParts, candidates: list[str], exact: bool) -> list[str]:
    """The candidates a name typed with a first name can really mean.

    The matching above is generous so that "Lavrof" or "Riabco" still find their person; with
    a full name typed ("what did Brad Holm say") it let in other people and bare names: "Kelly
    Holmes" (another first name, through the alias "Holmes"), "Iran" or "Orange" for Rangel
    (one-word names of another surname), and "John Robertson" beside an exact "John G.
    Roberts Jr.". Over 194 PolNeAR names these took 1-4 of the top 5 from the asked person.
    So: a candidate with a first name needs a compatible one; a one-word candidate needs the
    same surname (transliteration key); and when the typed name is itself a known alias, only
    candidates with that surname stay."""
    key = _translit(q.surname)
    keep = []
    for name in candidates:
        parts = split_name(name)
        if parts is None:
            continue
        same = _translit(parts.surname) == key
        if parts.first and not first_names_compatible(q.first, parts.first, nicknames=same):
            continue
        if (not parts.first or exact) and not same:
            continue
        keep.append(name)
    return keep


def _alias_score(q: NameParts, qkey: str, parts: NameParts) -> float:
    """Similarity of a query name to one alias (0 when incompatible)."""
    akey = _translit(parts.surname)
    if not first_names_compatible(q.first, parts.first, nicknames=akey == qkey):
        return 0.0
    if akey == qkey:
        return 100.0 + (5.0 if q.first and parts.first else 0.0)
    if min(len(akey), len(qkey)) < MIN_FUZZY_LEN - 1:
        # a single word may also be a first name: "hillary"
        if not q.first and parts.first and _translit(parts.first[0]) == qkey:
            return 90.0
        return 0.0
    score = fuzz.ratio(akey, qkey)
    if score >= SURNAME_THRESHOLD - 4:
        return score
    if not q.first and parts.first and _translit(parts.first[0]) == qkey:
        return 90.0
    return 0.0


# --- Speaker types ---

SPEAKER_TYPE_VALUES = ("person", "organization", "place", "group")


def speaker_types(mentions: Iterable[tuple[str, str | None]],
                  aliases: dict[str, str] | None = None) -> dict[str, str | None]:
    """The type of each (canonical) speaker from its attributions' types.

    `mentions` are (speaker name, speaker_type) pairs, one per attribution, with types as
    given by archive.quotes (spaCy PERSON vs ORG/GPE/NORP: "person", "organization",
    "place", "group", or None when unknown). With `aliases` (group_names output) names
    are mapped to their canonical person first. The majority of known types wins; a tie
    between "person" and another type goes to "person" (the extractor only calls a
    name a person on evidence: a PERSON entity or a known first name). Names never typed
    map to None.
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    for name, kind in mentions:
        if not name or not name.strip():
            continue
        canon = (aliases or {}).get(name.strip(), name.strip())
        votes[canon][kind if kind in SPEAKER_TYPE_VALUES else None] += 1
    out: dict[str, str | None] = {}
    for canon, c in votes.items():
        known = [(n, k) for k, n in c.items() if k is not None]
        if not known:
            out[canon] = None
            continue
        best = max(n for n, _ in known)
        tied = {k for n, k in known if n == best}
        out[canon] = "person" if "person" in tied else sorted(tied)[0]
    return out


def is_person(kind: str | None) -> bool:
    """True for speakers that may be people: typed "person" or untyped (older archives,
    unresolved names); False for organizations, places and groups."""
    return kind in (None, "person")


# --- Mentioned names ---


def mention_people(mentions: Iterable[tuple], aliases: dict[str, str]) -> dict[str, str]:
    """Map every name mentioned in a passage (spaCy's entities, `(name, type)` with type
    "person", "org" or "place", or `(name, type, count)` for `count` such mentions) to a
    canonical name, through the speakers' grouping.

    A name that is a speaker's alias is that speaker ("Lavrov" → "Sergei Lavrov", whatever
    spaCy called it). People's names are grouped with `group_names` together with the
    speakers' aliases: a mention grouped with a speaker is that speaker, the others take
    their group's canonical name, so the speakers' own grouping (`archive speakers`) never
    changes. An organisation or place that is one person's surname ("Stoltenberg", which
    spaCy often calls an organisation) is that person; others keep their name."""
    mentions = [(m[0].strip(), m[1], m[2] if len(m) > 2 else 1) for m in mentions
                if m[0] and m[0].strip()]
    persons = [(n, None, c) for n, t, c in mentions if t == "person" and n not in aliases]
    grouped = group_names(persons + [(a, None) for a in aliases])
    speaker_of = {grouped[a]: c for a, c in aliases.items() if a in grouped}
    out = {n: speaker_of.get(g, g) for n, g in grouped.items()}
    out.update(aliases)
    surnames: dict[str, set[str]] = defaultdict(set)
    for name, person in out.items():
        parts = split_name(name)
        if parts is not None and parts.first:
            surnames[parts.surname].add(person)
    for name, _, _ in mentions:
        if name not in out:
            owners = surnames.get(fold(name), set())
            out[name] = next(iter(owners)) if len(owners) == 1 else name
    return {name: out[name] for name, _, _ in mentions}
