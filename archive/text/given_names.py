"""Given names: the gender a speaker's first name suggests when an article never says "he"
or "she" near it (archive.quotes), and whether two given names may be one person's
(`first_names_compatible`): the guard of archive.text.names that keeps "Michael Tanner" and
"Michelle Tanzer", "Dean Baker" and "Dan Backer" two people.
"""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from archive.text.spelling import fold, strip_accents, translit

# Compact lists of the names news writes most, checked first; a name they lack is looked up
# in the larger table below (gender_of), and a name neither holds simply has no gender.
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

GIVEN_NAMES = FEMALE_NAMES | MALE_NAMES


def from_given_name(name: str) -> str:
    """The name from its given name on, when one word that is no given name comes before it
    ("Rip Donald Trump" in the Title Case headline "Black Lawmakers Rip Donald Trump As A
    ..." -> "Donald Trump"); the name unchanged otherwise ("Rip Torn", "Donald Trump")."""
    words = name.split()
    if (len(words) >= 3 and words[0].lower() not in GIVEN_NAMES
            and words[1].lower() in GIVEN_NAMES):
        return " ".join(words[1:])
    return name


def gender_of(given: str) -> str | None:
    """"f" or "m" for a given name only women or only men bear: the lists above first, then
    the table of 59k names almost all of whose bearers are one gender (`_table`); else
    None (Jean, Chris, Bernie, Kim, or a name nobody listed)."""
    key = strip_accents(given.lower().rstrip("."))  # José -> jose
    female, male = key in FEMALE_NAMES, key in MALE_NAMES
    if female or male:
        return "f" if female and not male else "m" if male and not female else None
    gender = _table().get(key)
    return gender if gender in ("f", "m") else None


def is_given_name(word: str) -> bool:
    """Is `word` a given name people bear ("Dean", "Ivana", "Kim"), by the lists above and
    the table (`_table`: 69k names seen often enough); not "Rence" or "Kisrty" (typos) nor
    "Grigoris" (too rare to be listed)."""
    key = strip_accents(word.lower().rstrip("."))
    return key in GIVEN_NAMES or key in _table()


FIRST_NAME_THRESHOLD = 75.0  # fuzzy ratio of two transliteration keys, one no known name


def first_names_compatible(a: tuple[str, ...], b: tuple[str, ...], nicknames: bool = False
                           ) -> bool:
    """True when first names may denote the same person (missing, initial or variant); with
    `nicknames` (for names whose surnames are the same, not merely close) also a nickname and
    its formal name ("Chuck" / "Charles")."""
    if not a or not b:
        return True
    x, y = a[0].rstrip("."), b[0].rstrip(".")
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    if x == y:
        return True
    gx, gy = gender_of(fold(x)), gender_of(fold(y))
    if gx and gy and gx != gy:
        return False  # "Michael" / "Michelle", "Daniel" / "Danielle": close, not one person
    return spelled_alike(x, y) or nicknames and nickname_of(fold(x), fold(y))


def spelled_alike(x: str, y: str) -> bool:
    """Are two given names one name spelt two ways? The same transliteration key (Sergey /
    Sergei, Yevgeny / Evgeny); else they start with one letter (not Dan / Ann, Rick / Eric,
    Jane / Diane, Ian / John) and, when both are names people bear, differ only in vowels,
    "h" or "v"/"f" (Damien / Damian, Stephen / Steven, Kirsten / Kristen) or are close and a
    nickname and its name (Joe / Joseph, Steve / Steven; not Dean / Dan, Ivana / Ivanka,
    Patty / Patrick); when one is no known name (a typo, a rare transliteration: Rence /
    Reince, Grigoris / Gregory), their keys are close. (benchmarks/README.md, stop 33)"""
    kx, ky = _glide(translit(x)), _glide(translit(y))
    if kx == ky:
        return True
    if not kx or not ky or fold(x)[:1] != fold(y)[:1]:
        return False
    close = fuzz.ratio(kx, ky) >= FIRST_NAME_THRESHOLD
    if is_given_name(x) and is_given_name(y):
        sx, sy = kx.replace("h", ""), ky.replace("h", "")
        short = min(len(sx), len(sy)) < 5  # a vowel more in a short name is another name
        return (_skeleton(sx) == _skeleton(sy) and abs(len(sx) - len(sy)) <= (0 if short else 1)
                or close and nickname_of(fold(x), fold(y)))
    return close


def _glide(key: str) -> str:
    """A key without the "y" romanisation writes before "e" ("Yevgeny" / "Evgeny", "Yelena" /
    "Elena"; `translit` has made it "i")."""
    return key[1:] if key.startswith("ie") else key


def _skeleton(key: str) -> str:
    """A key's consonants, "v" as "f" ("Stephen" / "Steven": both "stfn")."""
    return re.sub("[aeiou]", "", key.replace("v", "f"))


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer  # lazy: reads its table of ~1,000 names once

    return NickNamer()


@lru_cache(maxsize=65536)
def nickname_of(x: str, y: str) -> bool:
    """Is the shorter given name a nickname of the longer ("Chuck" / "Charles", "Bill" /
    "William", "Jimmy" / "James"), by the `nicknames` package's hand-curated table: the
    shorter as a nickname of the longer, or of one length with the same initial (the table
    also links "Will" to "Fred", which merged two people here)."""
    short, long_ = sorted((x, y), key=len)
    return (len(short) < len(long_) or short[0] == long_[0]) and (
        long_ in _nicknamer().canonicals_of(short))


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """The names of data/given_name_genders.tsv.gz (written by
    benchmarks/make_given_name_genders.py from the nomquamgender package's table, 36
    sources): "m" or "f" for names with p(woman) <= 0.05 or >= 0.95 seen 50 times or more,
    "u" for the others seen 200 times or more; read once."""
    path = Path(__file__).resolve().parent / "data" / "given_name_genders.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t") for line in f if "\t" in line)
