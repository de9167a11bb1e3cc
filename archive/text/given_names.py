"""Given names whose bearers are mostly women or mostly men: the gender a speaker's first
name suggests when an article never says "he" or "she" near it (archive.quotes), and the
guard that keeps "Michael Tanner" and "Michelle Tanzer" two people (archive.text.names).
"""
from __future__ import annotations

import gzip
import unicodedata
from functools import lru_cache
from pathlib import Path

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
    the table of 59k names almost all of whose bearers are one gender (`_genders`); else
    None (Jean, Chris, Bernie, Kim, or a name nobody listed)."""
    key = strip_accents(given.lower().rstrip("."))  # José -> jose
    female, male = key in FEMALE_NAMES, key in MALE_NAMES
    if female or male:
        return "f" if female and not male else "m" if male and not female else None
    return _genders().get(key)


def strip_accents(text: str) -> str:
    """`text` without its combining marks ("Ségolène" -> "Segolene")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _genders() -> dict[str, str]:
    """The names of data/given_name_genders.tsv.gz (written by
    benchmarks/make_given_name_genders.py from the nomquamgender package's table: names
    from 36 sources with p(woman) <= 0.05 or >= 0.95), read once."""
    path = Path(__file__).resolve().parent / "data" / "given_name_genders.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t") for line in f if "\t" in line)
