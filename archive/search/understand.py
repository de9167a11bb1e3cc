"""How a question is understood: who it asks about (a person linked by name or role) and what.

`Linker` holds the archive's people: every alias, each person's surname and the roles the
articles give them ("Russian Foreign Minister"). `understand` finds them anywhere in a
question by longest match ("NAME warning in CITY", "Foreign Office spokesperson NAME",
"NAME's reaction to Y", "what did the German chancellor say"), and decides:

- speaker: a known person (or organisation) is named and the question asks for speech (a
  speech word anywhere: said, comments, warning, reaction, ...), or names nothing else (a
  bare name, or a title and a name), or has one of the fixed forms of `query.parse_query`;
- mentions: it asks what someone said, but nobody of that name is quoted in the archive:
  passages that mention the name are searched instead, and the answer says so;
- topic: anything else, including a place or organisation leading a topic question
  ("Russia gas exports"), and a role several people hold (their names are returned as
  `speaker_candidates`, so the reader can choose).

Why hand-written: entity linkers need a knowledge base (Wikidata) and the network; here the
knowledge base is the archive's own people table, and linking is a dictionary lookup of
word n-grams plus the fuzzy name matching of `archive.text.names` where it is safe (a
capitalised name-like span, with its first-name guard).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz

from archive.search.query import MAX_PARSE_CHARS, looks_like_name, parse_query
from archive.text.names import fold, resolve_person, split_name
from archive.text.terms import STOPWORDS

MODES = ("speaker", "mentions", "topic")
MAX_NGRAM = 6
# Words that ask for what someone said, wherever they stand in the question.
SPEECH_WORDS = frozenset("""say says said saying tell tells told telling comment comments commented
commenting remark remarks remarked statement statements quote quotes quoted quotation
quotations words warning warnings warn warns warned criticism criticisms criticise criticised
criticises criticize criticized criticizes critique reaction reactions react reacts reacted
response responses respond responds responded reply replies replied interview interviews
claim claims claimed view views position stance argue argues argued insist insists insisted
deny denies denied denial promise promises promised pledge pledges pledged vow vows vowed
announce announces announced announcement speech speeches testimony testify testified tweet
tweets tweeted write writes wrote blame blames blamed accuse accuses accused praise praises
praised urge urges urged admit admits admitted think thinks thought believe believes
believed opinion message address""".split())
# Titles written before a name that never make a role on their own.
TITLES = frozenset("mr mrs ms miss dr prof sir dame lord lady sen rep gov".split())
# Words of a question's frame that are not its topic.
FRAME = frozenset("""what did does do has have had is was were been show find get list me all
the any anything something ever from by quotes quote""".split())
DETERMINERS = frozenset("the a an".split())
# Words that turn a role into another office: "deputy foreign minister" is not the minister.
OTHER_OFFICE = frozenset("deputy vice former assistant acting ex junior shadow under".split())
TOKEN = re.compile(r"\w[\w'’.\-]*")


@dataclass(frozen=True)
class Understood:
    """How a question was read. speaker: the canonical person whose words are asked for
    (None unless mode is "speaker"); speaker_text: the words of the question that named or
    described them; speaker_candidates: every person those words may mean (several for an
    ambiguous name or role); topic: what is asked about them (or the whole question); mode:
    "speaker", "mentions" (nobody of that name is quoted: passages naming them instead) or
    "topic" (a plain search)."""

    mode: str
    topic: str | None
    speaker: str | None = None
    speaker_text: str | None = None
    speaker_candidates: list[str] = field(default_factory=list)
    linked_by: str | None = None  # "name", "role" or "fuzzy"

    @property
    def people(self) -> list[str]:
        """The people whose own words rank first (empty unless mode is "speaker")."""
        if self.mode != "speaker":
            return []
        return self.speaker_candidates or ([self.speaker] if self.speaker else [])

    def to_json(self) -> dict:
        """The `understood` object of `archive search --json`, with `note` (describe)."""
        return {**asdict(self), "note": describe(self)}


def describe(u: Understood) -> str | None:
    """How a question was read, in one line for a reader; None for a plain topic search."""
    about = f" about {u.topic}" if u.topic else ""
    if u.mode == "speaker" and u.speaker:
        who = (f"{u.speaker} ({u.speaker_text})" if u.linked_by == "role" and u.speaker_text
               else u.speaker)
        others = [p for p in u.speaker_candidates if p != u.speaker]
        also = f" (or {', '.join(others)}, who share the name)" if others else ""
        return f"What {who} said{about}{also}"
    if u.mode == "speaker" and u.speaker_text:
        return f"Nobody called {u.speaker_text} is quoted in this archive"
    if u.mode == "mentions":
        return (f"Nobody called {u.speaker_text} is quoted in this archive: passages that "
                f"mention {u.speaker_text}{about}")
    if u.speaker_candidates:
        return (f"“{u.speaker_text}” may be {' or '.join(u.speaker_candidates)}: ask for one "
                f"by name; showing all passages")
    if u.speaker_text:
        return f"Nobody described as “{u.speaker_text}” is quoted in this archive; showing all passages"
    return None


@dataclass(frozen=True)
class _Token:
    key: str
    start: int
    end: int
    text: str


def tokens(text: str) -> list[_Token]:
    """Words with their character span; `key` folded (case, accents, possessive 's)."""
    out = []
    for m in TOKEN.finditer(text):
        word = m.group().rstrip(".'’-")
        key = fold(word).replace(" ", "")
        if key:
            out.append(_Token(key, m.start(), m.start() + len(word), word))
    return out


def _keys(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(text))


class Linker:
    """The archive's people as a gazetteer: alias and surname n-grams, roles by head word."""

    def __init__(self, aliases: dict[str, str], people: Iterable[dict] = ()) -> None:
        self.aliases = aliases
        self.names: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for alias, person in aliases.items():
            key = _keys(alias)
            if key:
                self.names[key].add(person)
        self.kinds: dict[str, str] = {}
        self.quotes: dict[str, int] = {}
        self.roles: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for p in people:
            self.kinds[p["name"]] = p.get("type") or "person"
            self.quotes[p["name"]] = int(p.get("quotes") or 0)
            for role in p.get("roles") or ():
                key = tuple(k for k in _keys(role) if k not in TITLES)
                key = key[1:] if key and key[0] in DETERMINERS else key
                if key:
                    self.roles[key[-1]].append((key, p["name"]))
        self.role_words = {w for roles in self.roles.values() for key, _ in roles for w in key}
        for person in set(aliases.values()):
            if self.kinds.get(person, "person") == "person":
                parts = split_name(person)
                if parts and parts.first:
                    self.names[tuple(parts.surname.split())].add(person)

    def longest_name(self, toks: Sequence[_Token], i: int) -> tuple[int, set[str]]:
        """The longest alias or surname starting at token i: (length, people) or (0, {})."""
        for n in range(min(MAX_NGRAM, len(toks) - i), 0, -1):
            people = self.names.get(tuple(t.key for t in toks[i:i + n]))
            if people:
                return n, people
        return 0, set()

    def role_people(self, words: Sequence[str]) -> set[str]:
        """People holding a role that contains every one of `words` in order (each word equal
        or, from 5 letters, a close spelling: "Russia" ~ "Russian"), ending in the same head
        word, and adds no word that makes it another office ("deputy", "former"); of those,
        the roles with the fewest other words: "foreign minister" -> every foreign
        minister; "Russian foreign minister" -> one."""
        if not words:
            return set()
        found: dict[str, int] = {}
        for role, person in self.roles.get(words[-1], ()):
            if _in_order(words[:-1], role[:-1]) and not (OTHER_OFFICE.intersection(role)
                                                        - set(words)):
                extra = len(role) - len(words)
                found[person] = min(extra, found.get(person, extra))
        fewest = min(found.values(), default=0)
        return {p for p, extra in found.items() if extra == fewest}


def _close(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 85)


def _in_order(words: Sequence[str], role: Sequence[str]) -> bool:
    """Every word appears in `role`, in order (not necessarily adjacent)."""
    j = 0
    for w in words:
        while j < len(role) and not _close(w, role[j]):
            j += 1
        if j == len(role):
            return False
        j += 1
    return True


ROLE_NOUNS = frozenset("""spokesman spokeswoman spokesperson minister secretary president
chancellor ambassador envoy senator governor chief director chairman chairwoman chair leader
mayor premier representative commissioner adviser advisor official aide general head
nominee candidate""".split())


def _capitalised(tok: _Token) -> bool:
    return tok.text[:1].isupper()


def understand(question: str, linker: Linker | None) -> Understood:
    """Read a question (see the module docstring); never raises on any text."""
    q = " ".join((question or "").split())
    try:
        if not q or len(q) > MAX_PARSE_CHARS or linker is None:
            return Understood("topic", q or None)
        intent = parse_query(q, known_names=linker.aliases.keys())
        if intent.speaker_text:
            return _fixed_form(q, intent.speaker_text, intent.topic, linker)
        return _free_form(q, tokens(q), linker)
    except Exception:  # noqa: BLE001 - a search box must never fail on odd input
        return Understood("topic", q or None)


def link_phrase(phrase: str, linker: Linker, any_case: bool = True) -> tuple[list[str], str | None]:
    """The people a speaker phrase names or describes, and how: a name inside it (exact alias
    or surname, longest first), else a close spelling of the phrase (when it looks like a
    name, or in any case with `any_case`: the phrase stands where a speaker must), else a
    role."""
    toks = tokens(phrase)
    for i in range(len(toks)):
        n, people = linker.longest_name(toks, i)
        if n:
            return _by_quotes(people, linker), "name"
    bare = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    if any_case or looks_like_name(bare):
        found = resolve_person(bare, linker.aliases)
        if found:
            return found, "fuzzy"
    words = [t.key for t in toks if t.key not in DETERMINERS]
    for start in range(len(words)):  # the longest described role first
        people = linker.role_people(words[start:])
        if people:
            return _by_quotes(people, linker), "role"
    return [], None


def _by_quotes(people: Iterable[str], linker: Linker) -> list[str]:
    return sorted(people, key=lambda p: (-linker.quotes.get(p, 0), p))


def _fixed_form(q: str, speaker_text: str, topic: str | None, linker: Linker) -> Understood:
    """"what did X say about Y" and the other forms of parse_query."""
    people, how = link_phrase(speaker_text, linker)
    if how == "role" and len(people) > 1:
        return Understood("topic", topic or q, None, speaker_text, people, how)
    if people:
        return Understood("speaker", topic, people[0], speaker_text, _several(people), how)
    if _name_slot(speaker_text):
        return Understood("mentions", topic, None, speaker_text, [], None)
    return Understood("topic", q, None, speaker_text)  # a role nobody here holds


def _name_slot(text: str) -> bool:
    """Could the words in a speaker slot be somebody's name ("Jane Doe", "jane doe"), rather
    than a description ("the government")?"""
    bare = re.sub(r"^(?:the)\s+", "", text, flags=re.I)
    if looks_like_name(bare):
        return True
    words = [t.key for t in tokens(bare)]
    return 1 <= len(words) <= 3 and bare == bare.lower() and not any(
        w in STOPWORDS or w in ROLE_NOUNS or w in SPEECH_WORDS for w in words)


def _several(people: list[str]) -> list[str]:
    """Candidates are listed only when there is a choice."""
    return people if len(people) > 1 else []


@dataclass
class _Span:
    start: int  # token indices [start, end)
    end: int
    people: list[str]
    how: str | None


def _free_form(q: str, toks: list[_Token], linker: Linker) -> Understood:
    """A question in no fixed form: link names and roles anywhere in it."""
    speech = any(t.key in SPEECH_WORDS for t in toks)
    span = _speaker_name(toks, _names(toks, linker, q == q.lower()), linker)
    role = _role_span(toks, linker)
    if role and span and role.start <= span.start < role.end:
        span = None  # a name inside a role phrase: "Clinton's running mate"
    if span and span.people:
        if speech or _only_titles(toks, span, linker):
            return Understood("speaker", _topic(q, toks, span, linker), span.people[0],
                              _text(q, toks, span), _several(span.people), span.how)
        return Understood("topic", q)
    if role and (speech or _only_titles(toks, role, linker)):
        topic = _topic(q, toks, role, linker)
        if len(role.people) == 1:
            return Understood("speaker", topic, role.people[0], _text(q, toks, role), [], "role")
        return Understood("topic", q, None, _text(q, toks, role), role.people, "role")
    if span and speech:  # a name nobody in the archive is quoted under
        return Understood("mentions", _topic(q, toks, span, linker), None,
                          _text(q, toks, span), [], None)
    return Understood("topic", q)


def _plain(tok: _Token) -> bool:
    """A word that is never (part of) a name: frame, speech and function words."""
    return tok.key in SPEECH_WORDS or tok.key in FRAME or tok.key in STOPWORDS


def _names(toks: list[_Token], linker: Linker, lower: bool) -> list[_Span]:
    """The names in a question, in order: aliases and surnames (a one-word one capitalised,
    unless the whole question is lower case), capitalised name-like runs resolved by close
    spelling, and runs nobody is known by (people empty)."""
    spans, i = [], 0
    while i < len(toks):
        n, people = linker.longest_name(toks, i)
        if n and (n > 1 or _capitalised(toks[i]) or (lower and not _plain(toks[i]))):
            spans.append(_Span(i, i + n, _by_quotes(people, linker), "name"))
            i += n
        else:
            i += 1
    taken = {k for sp in spans for k in range(sp.start, sp.end)}
    for start, end in _capital_runs(toks):
        if taken.intersection(range(start, end)):
            continue
        name = " ".join(t.text for t in toks[start:end])
        found = _close_person(name, linker)
        spans.append(_Span(start, end, found, "fuzzy" if found else None))
    return sorted(spans, key=lambda sp: sp.start)


def _speaker_name(toks: list[_Token], spans: list[_Span], linker: Linker) -> _Span | None:
    """The name that can be the speaker: the first known person; else the first place or
    organisation standing before a speech word ("Kremlin statement on ..."; in "envoy's
    warning about Ukraine" Ukraine is the topic); else the first unknown name-like run
    (a sentence's capitalised first word only if nothing else)."""
    speech_at = [k for k, t in enumerate(toks) if t.key in SPEECH_WORDS]
    known = [sp for sp in spans if sp.people]
    for sp in known:
        if any(linker.kinds.get(p, "person") == "person" for p in sp.people):
            return sp
    for sp in known:
        if any(k >= sp.end for k in speech_at) or not speech_at:
            return sp
    unknown = [sp for sp in spans if not sp.people
               and not (sp.end - sp.start == 1 and toks[sp.start].text.isupper())]  # "US"
    named = [sp for sp in unknown if sp.end - sp.start > 1 or sp.start > 0] or unknown
    return named[0] if named else None


def _close_person(name: str, linker: Linker) -> list[str]:
    """People a capitalised run may be a misspelling of ("Sergei Lavrof"): only for a
    name-like run of real words (no acronym such as "US", no word under 4 letters), and only
    people, never places or organisations."""
    words = name.split()
    if not looks_like_name(name) or any(len(w) < 4 or w.isupper() for w in words):
        return []
    return [p for p in resolve_person(name, linker.aliases)
            if linker.kinds.get(p, "person") == "person"]


def _capital_runs(toks: list[_Token]) -> list[tuple[int, int]]:
    """Maximal runs of 1-3 capitalised words that are not frame, speech or title words."""
    runs, start = [], None
    for i, tok in enumerate([*toks, None]):
        ok = tok is not None and _capitalised(tok) and not _plain(tok) and tok.key not in TITLES
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start <= 3:
                runs.append((start, i))
            start = None
    return runs


def _role_span(toks: list[_Token], linker: Linker) -> _Span | None:
    """The longest role phrase held by somebody in the archive ("the German chancellor",
    "Kremlin spokesman"): a role's head word, with the words before it that narrow it; a
    one-word role counts only after "the" or a possessive."""
    for j, tok in enumerate(toks):
        if tok.key not in linker.roles:
            continue
        i = j
        while i > 0 and j - i < MAX_NGRAM - 1 and not _plain(toks[i - 1]):
            i -= 1
        for start in range(i, j + 1):
            people = linker.role_people([t.key for t in toks[start:j + 1]])
            single = start == j and not (j > 0 and (toks[j - 1].key in DETERMINERS
                                                    or toks[j - 1].text.endswith(("'s", "’s"))))
            if people and not single:
                return _Span(start, j + 1, _by_quotes(people, linker), "role")
    return None


def _title_start(toks: list[_Token], span: _Span, linker: Linker) -> int:
    """Where the words that title the name just before it begin ("Foreign Office
    spokesperson Jane Doe" -> at "Foreign"): capitalised words, role words, titles."""
    i = span.start
    while i > 0:
        tok = toks[i - 1]
        if not (tok.key in TITLES or tok.key in DETERMINERS or tok.key in ROLE_NOUNS
                or tok.key in linker.role_words or (_capitalised(tok) and not _plain(tok))):
            break
        i -= 1
    return i


def _only_titles(toks: list[_Token], span: _Span, linker: Linker) -> bool:
    """Nothing but the name (or role) and words that can title it ("Foreign Office
    spokesperson Jane Doe", "the German chancellor"): a bare name asks for their words."""
    start = _title_start(toks, span, linker)
    return all(start <= k < span.end or _plain(tok) for k, tok in enumerate(toks))


def _text(q: str, toks: list[_Token], span: _Span) -> str:
    text = q[toks[span.start].start:toks[span.end - 1].end]
    return re.sub(r"['’]s$", "", text)


def _topic(q: str, toks: list[_Token], span: _Span, linker: Linker) -> str | None:
    """The question without the speaker's words and title, speech and frame words; None
    when nothing is left."""
    start = _title_start(toks, span, linker)
    kept = [t for k, t in enumerate(toks) if not start <= k < span.end
            and t.key not in SPEECH_WORDS and t.key not in FRAME]
    while kept and kept[0].key in STOPWORDS | TITLES:
        kept.pop(0)
    while kept and kept[-1].key in STOPWORDS:
        kept.pop()
    if not kept:
        return None
    return q[kept[0].start:kept[-1].end] if _contiguous(toks, kept) else " ".join(
        t.text for t in kept)


def _contiguous(toks: list[_Token], kept: list[_Token]) -> bool:
    idx = [toks.index(t) for t in kept]
    return idx == list(range(idx[0], idx[-1] + 1))
