"""What a question was understood to ask (`Understood`), the readings that make one for a
speaker or a role, and the one-line description a reader sees (`describe`). Split from
`understand`, which finds the names and roles in a question."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from archive.search.linker import Linker
from archive.text.names import DOMINANCE, split_name

# People of an organisation whose words rank with its own (the most quoted first).
MAX_MEMBERS = 10
# Holders of a role several hold whose words rank first while the reader is asked to choose.
MAX_HOLDERS = 10


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
    linked_by: str | None = None  # "name", "role", "fuzzy" or "members"
    ranked: tuple[str, ...] = ()  # whose words rank first: the speaker and any close rival
    statement: bool = False  # "X says Y": a headline or sentence, searched for its topic
    members: tuple[str, ...] = ()  # an organisation's people, whose words rank with its own
    placed: bool = False  # candidates found by the country their articles name (place_reading)

    @property
    def people(self) -> list[str]:
        """The people whose own words rank first: the speaker's (mode "speaker"), or, for a
        role several people hold, every holder's (`role_reading`); else none."""
        if self.mode == "topic":
            return list(self.ranked) if self.linked_by in ("role", "members") else []
        if self.mode != "speaker":
            return []
        return list(self.ranked) or ([self.speaker] if self.speaker else [])

    def ranking_text(self, question: str) -> str:
        """The question as it is ranked. A role read as one person ranks like the person's
        name ("what did the Texas senator say" as "what did Ted Cruz say"): once the role is
        resolved, the passages that name the speaker are the citable ones, and the role's
        words would favour whoever else the passages call a senator."""
        if self.mode != "speaker" or self.linked_by != "role" or not self.speaker_text \
                or not self.speaker:
            return question
        found = re.search(r"(?:\bthe\s+)?" + re.escape(self.speaker_text), question, re.I)
        if found is None:
            return question
        return question[:found.start()] + self.speaker + question[found.end():]

    def to_json(self) -> dict:
        """The `understood` object of `archive search --json`, with `note` (describe)."""
        value = asdict(self)
        del value["ranked"], value["statement"], value["members"], value["placed"]
        return {**value, "note": describe(self)}


def speaker_reading(topic: str | None, people: Sequence[str], text: str | None,
                    how: str | None, linker: Linker) -> Understood:
    """A speaker question about `people` (best first).

    A full name typed ("Ban Ki-moon") also ranks the spellings the archive keeps apart
    for the same person ("Ban Ki - moon": same surname, compatible first names). A bare
    surname several people share ranks the words of those quoted at least a third as often
    as the most quoted one ("Clinton" in 2016 is Hillary Clinton; Bill Clinton is offered
    as a candidate)."""
    parts = split_name(text or "") if how in ("name", "fuzzy") else None
    if parts is not None and parts.first:
        variants = [p for p in linker.close_people(text or "") if p not in people]
        people = [*people, *variants]
        ranked = tuple(people)
    else:
        top = linker.quotes.get(people[0], 0)
        ranked = tuple(p for p in people
                       if linker.quotes.get(p, 0) * DOMINANCE >= top) or (people[0],)
    members: tuple[str, ...] = ()
    if linker.kinds.get(people[0], "person") == "organization":
        # what an organisation said includes what its people said for it: "David Frost,
        # director general of the British Chambers of Commerce, warned ..."
        members = tuple(linker.members(people[0])[:MAX_MEMBERS])
    return Understood("speaker", topic, people[0], text,
                      list(people) if len(people) > 1 else [], how, (*ranked, *members),
                      members=members)


def role_reading(topic: str | None, people: Sequence[str], text: str, linker: Linker,
                 question: str) -> Understood:
    """A question about whoever holds a role (`people`, most quoted first). One holder is
    the speaker. Of several, one quoted DOMINANCE times as often as the next is read as the
    speaker, the others offered as candidates (the rule for a surname several people share:
    "the Chancellor" in an archive of one Chancellor's years and another's few quotes);
    otherwise nobody is the speaker and the reader is asked to choose, while what the
    holders said (the MAX_HOLDERS most quoted, each hit labelled with its own speaker) ranks
    first: "what did the Italian prime minister say" answers with the words of the prime
    ministers the archive quotes, not with passages that only mention the office."""
    if len(people) == 1:
        return Understood("speaker", topic, people[0], text, [], "role")
    quotes = [linker.quotes.get(p, 0) for p in people[:2]]
    if len(quotes) == 2 and quotes[0] >= DOMINANCE * max(quotes[1], 1):
        return Understood("speaker", topic, people[0], text, list(people), "role",
                          (people[0],))
    return Understood("topic", question, None, text, list(people), "role",
                      tuple(people[:MAX_HOLDERS]))


def voices_reading(text: str, question: str, linker: Linker) -> Understood | None:
    """An organisation nobody is quoted as, whose people speak for it ("what did NATO say"
    in an archive that quotes only "NATO Secretary General Jens Stoltenberg"): nobody is
    asserted to be the speaker; what its people said (Linker.members) ranks first, each hit
    labelled with its own speaker. None when no role names it."""
    members = tuple(linker.members(text)[:MAX_MEMBERS])
    if not members:
        return None
    return Understood("topic", question, None, text, list(members), "members", members,
                      members=members)


def place_reading(people: Sequence[str], text: str, question: str) -> Understood:
    """A role led by a country that no holder's role writes ("Scotland's first minister"),
    whose holders' articles name it (Linker.placed_holders): nobody is asserted to hold it;
    those holders are offered to choose, and what they said ranks first."""
    return Understood("topic", question, None, text, list(people), "role",
                      tuple(people[:MAX_HOLDERS]), placed=True)


def describe(u: Understood) -> str | None:
    """How a question was read, in one line for a reader; None for a plain topic search."""
    about = f" about {u.topic}" if u.topic else ""
    if u.mode == "speaker" and u.speaker:
        who = (f"{u.speaker} ({u.speaker_text})" if u.linked_by == "role" and u.speaker_text
               else u.speaker)
        others = [p for p in u.speaker_candidates if p != u.speaker]
        also = "" if not others else (
            f" (“{u.speaker_text}” may also be {' or '.join(others)}: ask for one by name)"
            if u.linked_by == "role" else f" (or {', '.join(others)}, who share the name)")
        people = (f" (with what its people said: {', '.join(u.members)})" if u.members
                  else "")
        return f"What {who} said{about}{people}{also}"
    if u.mode == "speaker" and u.speaker_text:
        return f"Nobody called {u.speaker_text} is quoted in this archive"
    if u.mode == "mentions":
        return (f"Nobody called {u.speaker_text} is quoted in this archive: passages that "
                f"mention {u.speaker_text}{about}")
    if u.linked_by == "members":
        return (f"Nobody is quoted as {u.speaker_text} itself in this archive; showing first "
                f"what its people said: {', '.join(u.members)}")
    if u.placed:
        who, hold = (" and ".join(u.speaker_candidates),
                     "hold" if len(u.speaker_candidates) > 1 else "holds")
        return (f"Nobody is described as “{u.speaker_text}” in this archive; the articles "
                f"quoting {who}, who {hold} the office, name the country: showing what they "
                "said first (ask for one by name)")
    if u.speaker_candidates:
        shown = "what each said first" if u.people else "all passages"
        return (f"“{u.speaker_text}” may be {' or '.join(u.speaker_candidates)}: ask for one "
                f"by name; showing {shown}")
    if u.speaker_text:
        return (f"Nobody described as “{u.speaker_text}” is quoted in this archive; showing "
                "all passages")
    return None
