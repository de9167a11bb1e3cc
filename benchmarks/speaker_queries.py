"""Query variants of eval_speakers.py, generated from the PolNeAR annotations.

Every variant keeps the person (and so the relevant passages) of a plain "what did NAME
say" query and only rewrites the question:

- speech_noun: "NAME comments on TOPIC", "NAME's remarks about TOPIC", ... (one of
  SPEECH_TEMPLATES, chosen by a hash of the name). TOPIC is the most frequent noun or
  proper-noun lemma (spaCy) of the person's own gold Content spans in dev that is not a
  stopword, a generic noun (GENERIC_NOUNS), a number or date, or a word of the name; it
  becomes two words when one compound ("health care", "tax returns") holds at least
  half of its uses. The name is written in full for the people at even positions of the
  sorted plain set and as the surname alone for the others. No topic: the plain question.
- role: "what did the ROLE say", ROLE taken from annotated Source spans of train and dev
  that carry both a role and the person's name ("Republican nominee Donald Trump",
  "Robby Mook, Clinton's campaign manager,", "Sen. Tim Kaine (D-Va.)" -> "Senator"): the
  span minus the name, honorifics, parentheses, punctuation and relative clauses, each
  remaining stretch a candidate, abbreviated titles spelt out, kept when it holds a noun
  that is not a name and has 1 to 6 words; "what did ROLE say" when it opens with a
  possessive ("Clinton's running mate"). A role attached to more than one person across
  all annotations is dropped; each dev person with a role gets its most frequent one.

People are told apart by initial, surname and suffix ("Bill Clinton" is not "Hillary
Clinton"; "Bernie"/"Bernard Sanders" are one); a span naming the surname alone counts
for the most frequent full name with that surname in the annotated spans.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

from eval_attribution import article_files, parse_ann, surname

SPEECH_TEMPLATES = (
    "{name} comments on {topic}",
    "{poss} remarks about {topic}",
    "{name} criticism of {topic}",
    "{poss} reaction to {topic}",
    "{name} statement on {topic}",
    "{name} warning about {topic}",
    "{name} interview {topic}",
    "{poss} views on {topic}",
)
GENERIC_NOUNS = frozenset({
    "people", "thing", "time", "way", "year", "lot", "day", "week", "month", "percent",
    "something", "anything", "everything", "nothing", "kind", "part", "point", "fact",
    "number", "question", "mr", "mrs", "ms"})
NUMERIC_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
TITLE_ABBREVIATIONS = {"Sen": "Senator", "Rep": "Representative", "Gov": "Governor",
                       "Lt": "Lieutenant", "Gen": "General", "Sec": "Secretary",
                       "Atty": "Attorney", "Pres": "President", "Col": "Colonel",
                       "Sgt": "Sergeant", "Capt": "Captain", "Adm": "Admiral", "Amb": "Ambassador"}
ABBREVIATION = re.compile(r"\b(" + "|".join(TITLE_ABBREVIATIONS) + r")\.(?=\s)")
# role words spaCy often tags PROPN in front of a name ("Chairman John Podesta")
TITLE_WORDS = frozenset({t.lower() for t in TITLE_ABBREVIATIONS.values()} | {
    "minister", "chairman", "chairwoman", "chair", "mayor", "director", "spokesman",
    "spokeswoman", "speaker", "leader", "chief", "judge", "justice", "commissioner",
    "congressman", "congresswoman", "chancellor", "premier", "sheriff", "officer",
    "commander"})
# "Committee Chairman Rep. Jason Chaffetz": the style after a title is no part of the role
STYLE_AFTER_TITLE = re.compile(
    r"\b((?:" + "|".join(sorted(w.capitalize() for w in TITLE_WORDS)) + r")\s+)(?:Sen|Rep|Gov)\.\s+")
NOT_SPEAKER_DEPS = frozenset({"poss", "pobj", "compound", "nmod", "dobj"})
RELATIVES = frozenset({"who", "whose", "whom", "which", "that", "where", "when"})


def stable_hash(text: str) -> int:
    """The same number for the same text in every run (Python's hash() is salted)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)


def short_name(name: str) -> str:
    """The surname as written: "Donald J. Trump" -> "Trump", "Martin O'Malley" -> "O'Malley"
    (the whole name when its last word is no word)."""
    words = [w for w in name.split() if w.strip(".,").lower() not in SUFFIXES]
    last = words[-1].strip(",") if words else ""
    return last if re.search(r"\w", last) else name


def possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def person_key(name: str) -> str:
    """First name + surname + suffix: one key for "Donald J. Trump" and "Donald Trump",
    two for "Rick Scott" and "Rakeyia Scott"."""
    words = [w.strip(".,").lower() for w in name.split()]
    suffix = " ".join(w for w in words if w in SUFFIXES)
    first = words[0] if len(words) >= 2 else "?"
    return f"{first} {surname(name)} {suffix}".strip()


def topic_ok(t, name_words: set[str]) -> bool:
    return (t.pos_ in ("NOUN", "PROPN") and t.is_alpha and len(t) > 2 and not t.is_stop
            and t.lemma_.lower() not in GENERIC_NOUNS and t.ent_type_ not in NUMERIC_ENTS
            and t.lower_ not in name_words and t.lemma_.lower() not in name_words)


def topic_units(doc, name_words: set[str]) -> tuple[list, list]:
    """The candidate topics of one Content span, as (key, as written): a two-word name
    ("United States", "Hillary Clinton") is one unit, a longer one none, any other noun
    its lemma; and the noun compounds ("tax returns")."""
    units, pairs = [], []
    inside: set[int] = set()
    for ent in doc.ents:
        words = [t for t in ent if not (t.lower_ in ("the", "'s", "’s") or t.is_punct)]
        if len(words) >= 2:
            inside.update(range(ent.start, ent.end))
            if len(words) == 2 and all(topic_ok(t, name_words) for t in words):
                text = " ".join(t.text for t in words)
                units.append(((text.lower(),), text))
    for t in doc:
        if t.i in inside or not topic_ok(t, name_words):
            continue
        units.append(((t.lemma_.lower(),), as_written(t)))
        head = t.head
        if (t.dep_ == "compound" and head.i == t.i + 1 and head.i not in inside
                and topic_ok(head, name_words)):
            pairs.append(((t.lemma_.lower(), head.lemma_.lower()),
                          f"{as_written(t)} {as_written(head)}"))
    return units, pairs


def as_written(t) -> str:
    """The word as the text writes it, lower-cased at a sentence start unless a name."""
    return t.lower_ if t.is_sent_start and t.pos_ != "PROPN" and not t.ent_type_ else t.text


def topic_of(nlp, contents: list[str], name: str) -> str | None:
    """The person's most frequent content noun (or its usual compound), as written."""
    name_words = {w.strip(".,’'").lower() for w in re.split(r"[\s\-]+", name)} | {surname(name)}
    counts: Counter[tuple[str, ...]] = Counter()
    pair_counts: Counter[tuple[str, ...]] = Counter()
    forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for doc in nlp.pipe(contents):
        units, pairs = topic_units(doc, name_words)
        for key, written in units:
            counts[key] += 1
            forms[key][written] += 1
        for key, written in pairs:
            pair_counts[key] += 1
            forms[key][written] += 1
    if not counts:
        return None
    (top,), count = counts.most_common(1)[0]
    best = [p for p, n in pair_counts.most_common() if top in p and n >= max(2, count / 2)]
    return forms[best[0] if best else (top,)].most_common(1)[0][0]


def speech_noun_queries(queries: list[dict], nlp) -> list[dict]:
    """One "speech noun + topic" question per plain query (same person, same passages)."""
    out = []
    for i, q in enumerate(queries):
        written = q["name"] if i % 2 == 0 else short_name(q["name"])
        topic = topic_of(nlp, [content for _, content in q["relevant"]], q["name"])
        if topic:
            template = SPEECH_TEMPLATES[stable_hash(q["name"]) % len(SPEECH_TEMPLATES)]
            question = template.format(name=written, poss=possessive(written), topic=topic)
        else:
            question = f"what did {q['name']} say"
        out.append({**q, "question": question, "topic": topic, "written": written})
    return out


def source_spans() -> list[str]:
    """Annotated Source spans of train and dev of two words or more with a capital (the
    ones that can carry a role and a name), once per article, abbreviated titles spelt
    out ("Sen." -> "Senator"; "Committee Chairman Rep. X" -> "Committee Chairman X")."""
    spans = []
    for split in ("train", "dev"):
        for _, ann_path in article_files(split):
            seen = set()
            for g in parse_ann(ann_path):
                text = " ".join(g.source_text.split())
                if g.source and g.source not in seen and len(text.split()) >= 2 \
                        and re.search(r"[A-Z]", text):
                    seen.add(g.source)
                    text = STYLE_AFTER_TITLE.sub(r"\1", text)
                    spans.append(ABBREVIATION.sub(lambda m: TITLE_ABBREVIATIONS[m[1]], text))
    return spans


def is_title(t) -> bool:
    word = t.lower_.rstrip(".")
    return word in HONORIFICS or word in TITLE_WORDS


def followed_by_s(doc, end: int) -> bool:
    return end < len(doc) and doc[end].lower_ in ("'s", "’s", "'")


def speaker_of(doc) -> list | None:
    """The tokens of the one person the span is about (titles in front left out), or
    None: no person, or several ("Mr. Grassley and Mr. Leahy", "Pat Smith, mother of
    Sean Smith"). Possessors, objects and compounds ("Clinton's running mate", "adviser
    to Obama", "Clinton campaign chairman John Podesta") are not the speaker."""
    people = [e for e in doc.ents if e.label_ == "PERSON" and e.root.dep_ not in NOT_SPEAKER_DEPS
              and not followed_by_s(doc, e.end) and not e.text.endswith(("'s", "’s"))]
    names = [[t for t in e if not is_title(t)] for e in people]
    names = [n for n in names if n]
    texts = [" ".join(t.text for t in n) for n in names]
    if len({surname(n) for n in texts}) != 1 or \
            len({person_key(n) for n in texts if len(n.split()) >= 2}) > 1:
        return None
    return max(names, key=len)


def stretches(doc, name_ids: set[int]) -> list[list]:
    """Runs of the span's tokens between the name, punctuation, parentheses, honorifics;
    a relative clause ("who led ...") is dropped up to the next comma."""
    runs: list[list] = [[]]
    depth, skipping = 0, False
    for t in doc:
        depth += t.text == "("
        inner_hyphen = t.text == "-" and not t.whitespace_ and t.i and not doc[t.i - 1].whitespace_
        cut = (depth > 0 or t.i in name_ids or (t.is_punct and not inner_hyphen)
               or t.lower_.rstrip(".") in HONORIFICS or t.is_space)
        depth = max(0, depth - (t.text == ")"))
        if t.text in (",", "—", "–"):
            skipping = False
        if t.lower_ in RELATIVES and t.pos_ == "PRON":
            skipping = True
        if cut or skipping:
            runs.append([])
        else:
            runs[-1].append(t)
    return [r for r in runs if r]


def role_text(run: list) -> tuple[str, bool] | None:
    """(role, opens with a possessive) for one stretch, or None when it is no role of one
    person: no noun but names, a pronoun, a number, "and", a plural head ("aides")."""
    while run and run[0].pos_ == "DET":
        run = run[1:]
    if not run or any(t.pos_ in ("PRON", "CCONJ") or t.like_num for t in run):
        return None
    if not any((t.pos_ == "NOUN" and t.ent_type_ != "PERSON") or is_title(t) for t in run):
        return None
    ids = {t.i for t in run}
    heads = [t for t in run if t.head.i not in ids or t.head.i == t.i]
    if not heads or heads[-1].tag_ in ("NNS", "NNPS"):
        return None
    role = " ".join("".join(t.text.replace("’", "'") + t.whitespace_ for t in run).split())
    if not 1 <= len(role.split()) <= 6:
        return None
    marks = [k for k, t in enumerate(run) if t.lower_ in ("'s", "’s")]
    owned = bool(marks) and all(t.pos_ == "PROPN" for t in run[:marks[0]])
    return role, owned


def lower_case_words(spans: list[str]) -> set[str]:
    """Words the spans write in lower case more often than capitalised (not counting the
    first word): a role's first word is lower-cased if it is one ("Former" -> "former",
    never "Trump")."""
    low: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for text in spans:
        for word in text.split()[1:]:
            word = word.strip(",.;:()\"'“”‘’")
            (low if word.islower() else cap)[word.lower()] += 1
    return {w for w, n in low.items() if n > cap[w]}


def parse_roles(nlp, spans: list[str]) -> list[tuple[str, list[tuple[str, bool]]]]:
    """(person as written, their roles) for every span that names one person."""
    lower = lower_case_words(spans)
    found = []
    for doc in nlp.pipe(spans, batch_size=256):
        name = speaker_of(doc)
        if not name:
            continue
        ids = {t.i for t in name}
        roles = []
        for run in stretches(doc, ids):
            if found_role := role_text(run):
                role, owned = found_role
                first, _, rest = role.partition(" ")
                if first.lower() in lower and first.lower() not in TITLE_WORDS:
                    first = first.lower()
                roles.append((f"{first} {rest}".strip(), owned))
        found.append((" ".join(t.text for t in name), roles))
    return found


def role_key(role: str) -> str:
    return " ".join(role.lower().split())


def collect_roles(nlp, spans: list[str]) -> tuple[dict, Counter, dict]:
    """Per role: the people it is attached to; per (person, role) how often; per role its
    usual spelling and whether it opens with a possessive. A span naming the surname
    alone counts for the most frequent full name with that surname."""
    found = parse_roles(nlp, spans)
    full: dict[str, str] = {}
    for n, _ in Counter(n for n, _ in found if len(n.split()) >= 2).most_common():
        full.setdefault(surname(n), n)
    people: dict[str, set[str]] = defaultdict(set)
    counts: Counter[tuple[str, str]] = Counter()
    spelling: dict[str, Counter] = defaultdict(Counter)
    for name, roles in found:
        who = person_key(name if len(name.split()) >= 2 else full.get(surname(name), name))
        for role, owned in roles:
            people[role_key(role)].add(who)
            counts[(who, role_key(role))] += 1
            spelling[role_key(role)][(role, owned)] += 1
    return people, counts, spelling


def role_queries(queries: list[dict], nlp) -> list[dict]:
    """One "what did the ROLE say" question per plain query whose person has a role that
    no other person carries in the annotations."""
    people, counts, spelling = collect_roles(nlp, source_spans())
    out = []
    for q in queries:
        who = person_key(q["name"])
        mine = sorted((-n, key) for (p, key), n in counts.items()
                      if p == who and people[key] == {who})
        if not mine:
            continue
        key = mine[0][1]
        role, owned = spelling[key].most_common(1)[0][0]
        question = f"what did {role} say" if owned else f"what did the {role} say"
        out.append({**q, "question": question, "role": role, "role_uses": -mine[0][0]})
    return out
