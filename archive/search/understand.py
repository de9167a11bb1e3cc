"""How a question is understood: who it asks about (a person linked by name or role) and what.

`archive.search.linker.Linker` holds the archive's people: every alias, each person's
surname and the roles the articles give them ("Russian Foreign Minister"). `understand`
finds them anywhere in a
question by longest match ("NAME warning in CITY", "Foreign Office spokesperson NAME",
"NAME's reaction to Y", "what did the German chancellor say"), and decides:

- speaker: a known person (or organisation) is named and the question asks for speech (a
  speech word anywhere: said, comments, warning, reaction, ...), or names nothing else (a
  bare name, or a title and a name), or has one of the fixed forms of `query.parse_query`;
- mentions: it asks what someone said, but nobody of that name is quoted in the archive:
  passages that mention the name are searched instead, and the answer says so;
- topic: anything else, including a place or organisation leading a topic question
  ("Russia gas exports"), and a role several people hold (their names are returned as
  `speaker_candidates`, so the reader can choose), unless one of them is quoted DOMINANCE
  times as often as the next: then they are the speaker and the others the candidates.

Why hand-written: see `linker`; the reading rules are few, ordered and explainable, where a
trained intent classifier would need labelled questions we do not have.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archive.search.linker import (DETERMINERS, FRAME, GENERIC_MODIFIERS, HEADLINE_VERBS,
                                   MAX_NGRAM, OTHER_OFFICE, PLURAL_HEADLINE_VERBS, ROLE_NOUNS,
                                   SPEECH_WORDS, SUFFIXES, Linker, Token, by_quotes,
                                   capitalised, casing, office_first, office_of, plain_word,
                                   tokens)
from archive.search.query import MAX_PARSE_CHARS, looks_like_name, parse_query
from archive.search.reading import (Understood, place_reading, role_reading, speaker_reading,
                                    voices_reading)
from archive.text import gender_of
from archive.text.given_names import is_given_name
from archive.text.roles import NAME_TITLES
from archive.text.terms import STOPWORDS

MODES = ("speaker", "mentions", "topic")
PREPOSITIONS = frozenset("of for at to in with from on by".split())


def understand(question: str, linker: Linker | None) -> Understood:
    """Read a question (see the module docstring); never raises on any text. A statement
    ("X says Y", "X warns of Y": a headline or a sentence) is marked `statement`: it is
    searched for its topic, the speaker's words blended in (speakers.rank_by_speaker)."""
    q = " ".join((question or "").split())
    try:
        if not q or len(q) > MAX_PARSE_CHARS or linker is None:
            return Understood("topic", q or None)
        intent = parse_query(q, known_names=linker.aliases.keys())
        toks = tokens(q)
        if intent.speaker_text:
            read = _fixed_form(q, toks, intent.speaker_text, intent.topic, linker)
        else:
            read = _free_form(q, toks, linker)
        if read.mode == "speaker" and _statement(toks, read.speaker_text):
            read = replace(read, statement=True)
        return read
    except Exception:  # noqa: BLE001 - a search box must never fail on odd input
        return Understood("topic", q or None)


def link_phrase(phrase: str, linker: Linker, any_case: bool = True) -> tuple[list[str], str | None]:
    """The people a speaker phrase names or describes, and how: a name inside it (exact alias
    or surname, longest first), else a close spelling of the phrase (when it looks like a
    name, or in any case with `any_case`: the phrase stands where a speaker must), else a
    role."""
    toks = tokens(phrase)
    while len(toks) > 1 and toks[-1].key in SUFFIXES:  # "John G. Roberts Jr."
        toks.pop()
    lower = phrase == phrase.lower()
    names = [(i, *linker.longest_name(toks, i)) for i in range(len(toks))]
    names = [(i, n, people) for i, n, people in names if n and _names_speaker(toks, i, n, lower)]
    keys = [t.key for t in toks]
    office = bool(keys) and (keys[-1] in ROLE_NOUNS or keys[-1] in linker.roles
                             or office_of(keys))
    role = _phrase_role(toks, linker)
    # "Clinton campaign manager", "RT America host": a name that does not end a phrase
    # ending in an office only qualifies it; "spokesperson Jane Doe": the name wins
    ending = [m for m in names if m[0] + m[1] == len(toks)]
    if role or office:
        names = ending
    if role and not names:
        return role, "role"
    if not role and not names and (placed := _phrase_place(toks, linker)):
        return placed, "place"
    if names:  # the longest name; of equally long ones, the one ending the phrase
        best = max(names, key=lambda m: (m[1], m[0] + m[1] == len(toks)))
        return by_quotes(best[2], linker), "name"
    bare = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    if (any_case and not office) or looks_like_name(bare):
        found = linker.close_people(bare)
        if found:
            return found, "fuzzy"
    return role, "role" if role else None


def _names_speaker(toks: list[Token], i: int, n: int, lower: bool) -> bool:
    """Can the name at toks[i:i+n] of a speaker phrase be the speaker? Not when it is a
    possessive before more words ("Obama's aide"), follows a preposition ("the lawyer for
    Pagliano", "president of the NAACP") or is one uncapitalised word of a phrase with
    capitals ("real estate developer")."""
    if i + n < len(toks) and toks[i + n - 1].text.endswith(("'s", "’s")):
        return False
    if any(t.key in PREPOSITIONS for t in toks[:i]):
        return False
    return n > 1 or capitalised(toks[i]) or (lower and not plain_word(toks[i]))


def _phrase_role(toks: list[Token], linker: Linker) -> list[str]:
    """The people a whole speaker phrase describes by role, the longest description first
    ("the Obama deputy national security adviser" -> "deputy national security adviser")."""
    words = [t.key for t in toks if t.key not in DETERMINERS]
    if NAME_TITLES.intersection(words[:-1]) and (people := linker.role_people(words)):
        return by_quotes(people, linker)  # "the Lord Chancellor" is no chancellor
    kept = _office_words(toks)
    if not kept:
        return []
    if toks[kept[-1]].key in linker.roles:
        for n in range(len(kept)):
            dropped = toks[kept[n - 1]].key if n else ""
            if n and (_qualifier(toks, kept[n - 1]) or dropped in OTHER_OFFICE or (
                    dropped in linker.role_words and dropped not in GENERIC_MODIFIERS
                    and n == len(kept) - 1)):
                # "Russian", "former": a word that narrows the role cannot be dropped; nor a
                # word of somebody's role to leave the bare office ("enterprise" in "national
                # enterprise reporter": not any reporter); "outspoken", "senior" can
                break
            people = linker.role_people([toks[k].key for k in kept[n:]])
            if people:
                return by_quotes(people, linker)
    # "the president of the NAACP" where the articles wrote "NAACP President"
    swapped = office_first([toks[k].key for k in kept])
    return by_quotes(linker.role_people(list(swapped)), linker) if swapped else []


def _office_words(toks: list[Token]) -> list[int]:
    """The positions of a speaker phrase's words that may write an office: all but its
    determiners and the titles written before names ("the Lord Chancellor" -> chancellor)."""
    return [k for k, t in enumerate(toks) if t.key not in DETERMINERS and t.key not in NAME_TITLES]


def _phrase_place(toks: list[Token], linker: Linker) -> list[str]:
    """The holders a speaker phrase led by a country no role writes may mean ("Scotland's
    first minister", "the first minister of Scotland", as `_phrase_role` reads the office
    before "of"): Linker.placed_holders."""
    words = [toks[k].key for k in _office_words(toks)]
    swapped = office_first(words)
    return (linker.placed_holders(words) if words else []) or (
        linker.placed_holders(list(swapped)) if swapped else [])


def _qualifier(toks: list[Token], k: int) -> bool:
    """Is word k a capitalised qualifier of a role ("Russian", "Obama's"), rather than a
    generic word capitalised because it starts the question ("Outgoing", "Top")?"""
    return capitalised(toks[k]) and not (k == 0 and toks[k].key in GENERIC_MODIFIERS)


def _fixed_form(q: str, toks: list[Token], speaker_text: str, topic: str | None,
                linker: Linker) -> Understood:
    """"what did X say about Y" and the other forms of parse_query."""
    people, how = link_phrase(speaker_text, linker)
    if how == "role":
        return role_reading(topic, people, speaker_text, linker, topic or q)
    if how == "place":
        return place_reading(people, speaker_text, topic or q)
    if people:
        return speaker_reading(topic, people, speaker_text, how, linker)
    # an unknown name is searched for as a name when the question asks what was said
    # ("what did Jane Doe say") or is a bare full name ("Jane Doe"); "Sanctions on Russia"
    # and "Gazprom" stay topics
    bare = speaker_text == q.strip(" ?!.")
    asks = any(t.key in SPEECH_WORDS for t in toks) or (bare and len(speaker_text.split()) > 1)
    asks = asks or _person_on(speaker_text, topic, q)
    if asks and not is_given_name(speaker_text.split()[0]) and (
            voices := voices_reading(speaker_text, topic or q, linker)) is not None:
        return voices  # "what did NATO say": its secretary general's words
    if _name_slot(speaker_text) and asks and not _names_things(speaker_text.split(), linker):
        return Understood("mentions", topic, None, speaker_text, [], None)
    if asks:  # a role nobody here holds: "what did the Spanish chancellor say"
        return Understood("topic", q, None, speaker_text)
    return Understood("topic", q)


def _person_on(speaker_text: str, topic: str | None, q: str) -> bool:
    """ "Marcus Thwaite on broadband pricing": the form "NAME on TOPIC" with a full name led
    by a given name people bear, as written ("Grace Church" reads so too, and is then found
    by its name; "Sanctions on Russia", "Apple on privacy" are topics)."""
    words = speaker_text.split()
    return (bool(topic) and 2 <= len(words) <= 3 and q.lstrip().startswith(speaker_text)
            and all(w[:1].isupper() for w in words) and is_given_name(words[0]))


def _name_slot(text: str) -> bool:
    """Could the words in a speaker slot be somebody's name ("Jane Doe", "jane doe"), rather
    than a description ("the government")?"""
    bare = re.sub(r"^(?:the)\s+", "", text, flags=re.I)
    if looks_like_name(bare):
        return True
    words = [t.key for t in tokens(bare)]
    return 1 <= len(words) <= 3 and bare == bare.lower() and not any(
        w in STOPWORDS or w in ROLE_NOUNS or w in SPEECH_WORDS for w in words)


@dataclass
class _Span:
    start: int  # token indices [start, end)
    end: int
    people: list[str]
    how: str | None  # "name", "fuzzy", "role", or "place" (Linker.placed_holders)


def _free_form(q: str, toks: list[Token], linker: Linker) -> Understood:
    """A question in no fixed form: link names and roles anywhere in it."""
    speech = any(t.key in SPEECH_WORDS for t in toks)
    case = casing(q, toks)
    span = _speaker_name(toks, _names(q, toks, linker, case), linker)
    role = _role_span(toks, linker)
    if role and not _speaker_position(toks, role):
        role = None  # "Cuban said ... and the Texas senator": the role is not who speaks
    if role and span and role.start <= span.start < role.end:
        span = None  # a name inside a role phrase: "Clinton's running mate"
    if role and span and span.start == role.end:
        role = None  # a role naming its holder: "Foreign Minister Jane Doe" asks for Jane Doe
    if role and span and role.end < span.start and (
            _leads_on(toks, role, linker) or not _speaker_position(toks, span)):
        span = None  # "the first minister on the smoking ban", "the home secretary's
        # remarks on ID cards": the role speaks; a name after it is in the topic
    titled = case == "mixed"  # only in ordinary casing do capitals mark a title
    if span and span.people:
        if speech or _only_titles(toks, span, linker, titled):
            return speaker_reading(_topic(q, toks, span, linker), span.people,
                                   _text(q, toks, span), span.how, linker)
        return Understood("topic", q)
    if role and (speech or _only_titles(toks, role, linker, titled)
                 or _leads_on(toks, role, linker)):
        if role.how == "place":
            return place_reading(role.people, _text(q, toks, role), q)
        return role_reading(_topic(q, toks, role, linker), role.people, _text(q, toks, role),
                            linker, q)
    if span and span.end - span.start > 1 and not _names_things(
            [t.text for t in toks[span.start:span.end]], linker) and (
            _speaks(toks, span) or _only_titles(toks, span, linker, titled)
            and gender_of(toks[span.start].text) is not None):
        # a full name nobody in the archive is quoted under, as the one who speaks ("Jane
        # Doe comments", "remarks by Jane Doe") or alone with a known first name ("Jane
        # Doe"; "Break Up Banks" in a headline is no name)
        return Understood("mentions", _topic(q, toks, span, linker), None,
                          _text(q, toks, span), [], None)
    return Understood("topic", q)


def _names_things(words: list[str], linker: Linker) -> bool:
    """Is a word of an unknown name a place, an organisation or an acronym ("Russia NATO")?
    Then the words are a topic, not a person nobody quotes."""
    return any(w.isupper() and len(w) > 1 or linker.kinds.get(
        linker.aliases.get(w, ""), "person") != "person" for w in words)


def _statement(toks: list[Token], speaker_text: str | None) -> bool:
    """Is the question a statement ("Blair says ...", "Tories pledge ..."): a third-person
    speech verb anywhere, or a plural one right after the speaker's name; and no question
    word first ("what does Lavrov say", "what Lavrov says" are questions)?"""
    if not toks or toks[0].key in FRAME or toks[0].key in ("how", "why", "when", "where"):
        return False
    if any(t.key in HEADLINE_VERBS for t in toks):
        return True
    name = [t.key for t in tokens(speaker_text or "")]
    keys = [t.key for t in toks]
    n = len(name)
    return any(keys[k:k + n] == name and k + n < len(keys) and keys[k + n] in
               PLURAL_HEADLINE_VERBS and not toks[k + n - 1].text.endswith(("'s", "’s"))
               for k in range(len(keys) - n + 1) if n)


def _speaker_position(toks: list[Token], span: _Span) -> bool:
    """Does the span stand where the one speaking does: before the first speech word, or
    after "by/from" ("remarks by the German chancellor"), or is there no speech word?"""
    speech_at = next((k for k, t in enumerate(toks) if t.key in SPEECH_WORDS), None)
    before = toks[span.start - 1].key if span.start > 0 else None
    return speech_at is None or span.end <= speech_at or before in ("by", "from")


def _speaks(toks: list[Token], span: _Span) -> bool:
    """Does the question present the name as the one speaking: a speech word right after
    it ("Jane Doe said", "Jane Doe's remarks") or "by/from" before it after one ("remarks
    by Jane Doe")?"""
    after = toks[span.end] if span.end < len(toks) else None
    before = toks[span.start - 1] if span.start > 0 else None
    return bool((after is not None and after.key in SPEECH_WORDS) or (
        before is not None and before.key in ("by", "from")
        and any(t.key in SPEECH_WORDS for t in toks[:span.start])))


def _names(q: str, toks: list[Token], linker: Linker, case: str) -> list[_Span]:
    """The names in a question, in order: aliases and surnames, then (in ordinary casing
    only) capitalised name-like runs, resolved by close spelling or nobody's (people
    empty). A one-word name must be capitalised in ordinary casing, may be any word but a
    small one typed in lower case standing where the one speaking does (`_speaker_position`),
    and in a capitals or Title Case headline must be the one speaking ("BLAIR SAYS ..."),
    since there every word is capitalised."""
    spans, i = [], 0
    while i < len(toks):
        n, people = linker.longest_name(toks, i)
        one = {"mixed": capitalised(toks[i]),  # in lower case, where a speaker stands:
               "lower": not plain_word(toks[i]) and _speaker_position(toks, _Span(
                   i, i + 1, [], None))}.get(  # "... comments on mobile games": no T Mobile
            case, i + 1 < len(toks) and toks[i + 1].key in SPEECH_WORDS)
        if n and (n > 1 or one):
            spans.append(_Span(i, i + n, by_quotes(people, linker), "name"))
            i += n
        else:
            i += 1
    taken = {k for sp in spans for k in range(sp.start, sp.end)}
    for start, end in (_capital_runs(toks, q) if case == "mixed" else []):
        if taken.intersection(range(start, end)):
            continue
        name = " ".join(t.text for t in toks[start:end])
        found = _close_person(name, linker) if end - start > 1 else []
        spans.append(_Span(start, end, found, "fuzzy" if found else None))
    return sorted(spans, key=lambda sp: sp.start)


def _speaker_name(toks: list[Token], spans: list[_Span], linker: Linker) -> _Span | None:
    """The name that can be the speaker: the first known person; else a place or
    organisation standing right before the first speech word, no other name between
    ("Kremlin statement on ..."; in "envoy's warning about Ukraine" Ukraine is the topic);
    else an unknown name: a run of several words first, then a word inside the question,
    then its capitalised first word."""
    speech_at = next((k for k, t in enumerate(toks) if t.key in SPEECH_WORDS), None)
    known = [sp for sp in spans if sp.people]
    before = next((sp for sp in spans if speech_at is not None and sp.end == speech_at
                   and not _qualifies_office(toks, sp, linker)), None)
    for sp in known:
        if sp.end - sp.start == 1 and _qualifies_office(toks, sp, linker):
            continue  # "Fox chief executive", "Blair spokesman": not Liam Fox, not Blair
        if any(linker.kinds.get(p, "person") == "person" for p in sp.people):
            if before is not None and sp.start > speech_at:
                # "Ivans comments on Putin", "Refugee Council response to Michael Howard's
                # attack": the name before the speech word speaks, not the one after it
                return before
            return sp
    for sp in known:
        later = [o for o in spans if o is not sp and sp.end <= o.start
                 and (speech_at is None or o.start < speech_at)]
        if not _qualifies_office(toks, sp, linker) and (
                speech_at is None or (sp.end <= speech_at and not later)):
            return sp  # not "Russian foreign minister", where Russia qualifies an office
    unknown = [sp for sp in spans if not sp.people and not _qualifies_office(toks, sp, linker)
               and not (sp.end - sp.start == 1 and toks[sp.start].text.isupper())]  # "US"
    unknown.sort(key=lambda sp: (sp.end - sp.start == 1, sp.start == 0, sp.start))
    return unknown[0] if unknown else None


def _qualifies_office(toks: list[Token], span: _Span, linker: Linker) -> bool:
    """Is the name followed by an office it qualifies ("Russian foreign minister", "Foreign
    Office spokesperson")? Then it is not the speaker."""
    if span.end >= len(toks):
        return False
    nxt = toks[span.end]
    return nxt.key in ROLE_NOUNS or (nxt.key in linker.role_words and not plain_word(nxt))


def _close_person(name: str, linker: Linker) -> list[str]:
    """People a capitalised run may be a misspelling of ("Sergei Lavrof"): only for a
    name-like run of real words (no acronym such as "US", no word under 4 letters), and only
    people, never places or organisations."""
    words = name.split()
    if not looks_like_name(name) or any(len(w) < 4 or w.isupper() for w in words) or (
            len(words) == 1 and words[0].lower() in GENERIC_MODIFIERS | OTHER_OFFICE):
        return []
    return linker.close_people(name)


def _capital_runs(toks: list[Token], q: str) -> list[tuple[int, int]]:
    """Maximal runs of 1-3 capitalised words that are not frame, speech or title words,
    separated by nothing but spaces and initials' periods ("Clinton: Trump" is two)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, tok in enumerate([*toks, None]):
        ok = (tok is not None and capitalised(tok) and not plain_word(tok)
              and tok.key not in NAME_TITLES and tok.key not in ROLE_NOUNS)
        joined = ok and start is not None and not q[toks[i - 1].end:tok.start].strip(" .")
        if start is not None and not joined:
            if i - start <= 3:
                runs.append((start, i))
            start = None
        if ok and start is None:
            start = i
    return runs


def _role_span(toks: list[Token], linker: Linker) -> _Span | None:
    """The longest role phrase held by somebody in the archive ("the German chancellor",
    "Kremlin spokesman"): a role's head word, with the words before it that narrow it; a
    one-word role counts only after "the" or a possessive."""
    for j, tok in enumerate(toks):
        if tok.key not in linker.roles:
            continue
        i = j
        # the words before the head that can narrow it: capitalised, or (typed in lower
        # case) words some role holds ("home secretary", "first minister")
        while i > 0 and j - i < MAX_NGRAM - 1 and (
                not plain_word(toks[i - 1]) or toks[i - 1].key in linker.role_words
                and toks[i - 1].key not in DETERMINERS):
            i -= 1
        for start in range(i, j + 1):
            if start > i and (_qualifier(toks, start - 1) or toks[start - 1].key in OTHER_OFFICE):
                break  # "Russian Foreign Minister" is not any foreign minister
            people = linker.role_people([t.key for t in toks[start:j + 1]])
            single = start == j and not (j > 0 and (toks[j - 1].key in DETERMINERS
                                                    or toks[j - 1].text.endswith(("'s", "’s"))))
            if people and not single:
                return _Span(start, j + 1, by_quotes(people, linker), "role")
        # "Scotland's first minister" where the roles say "First Minister"
        for start in range(i, j):
            if (people := linker.placed_holders([t.key for t in toks[start:j + 1]])):
                return _Span(start, j + 1, people, "place")
    return None


def _title_start(toks: list[Token], span: _Span, linker: Linker, titled: bool = True) -> int:
    """Where the words that title the name just before it begin ("Foreign Office
    spokesperson Jane Doe" -> at "Foreign"): capitalised words, role words, titles."""
    i = span.start
    while i > 0:
        tok = toks[i - 1]
        if not (tok.key in NAME_TITLES or tok.key in DETERMINERS or tok.key in ROLE_NOUNS
                or tok.key in linker.role_words
                or (titled and capitalised(tok) and not plain_word(tok))):
            break
        i -= 1
    return i


def _leads_on(toks: list[Token], span: _Span, linker: Linker) -> bool:
    """ "ROLE on TOPIC" ("the culture secretary on casinos"): the role opens the question
    and "on" or "about" follows it, as in the fixed form "NAME on TOPIC"."""
    return (span.end < len(toks) and toks[span.end].key in ("on", "about")
            and _title_start(toks, span, linker) == 0)


def _only_titles(toks: list[Token], span: _Span, linker: Linker, titled: bool = True) -> bool:
    """Nothing but the name (or role) and words that can title it ("Foreign Office
    spokesperson Jane Doe", "the German chancellor"): a bare name asks for their words.
    `titled` False: capitals mark nothing (a Title Case headline), so only title and
    office words count."""
    start = _title_start(toks, span, linker, titled)
    return all(start <= k < span.end or plain_word(tok) for k, tok in enumerate(toks))


def _text(q: str, toks: list[Token], span: _Span) -> str:
    text = q[toks[span.start].start:toks[span.end - 1].end]
    return re.sub(r"['’]s$", "", text)


def _topic(q: str, toks: list[Token], span: _Span, linker: Linker) -> str | None:
    """The question without the speaker's words and title, speech and frame words; None
    when nothing is left."""
    start = _title_start(toks, span, linker)
    kept = [t for k, t in enumerate(toks) if not start <= k < span.end
            and t.key not in SPEECH_WORDS and t.key not in FRAME]
    while kept and kept[0].key in STOPWORDS | NAME_TITLES:
        kept.pop(0)
    while kept and kept[-1].key in STOPWORDS:
        kept.pop()
    if not kept:
        return None
    return q[kept[0].start:kept[-1].end] if _contiguous(toks, kept) else " ".join(
        t.text for t in kept)


def _contiguous(toks: list[Token], kept: list[Token]) -> bool:
    idx = [toks.index(t) for t in kept]
    return idx == list(range(idx[0], idx[-1] + 1))
