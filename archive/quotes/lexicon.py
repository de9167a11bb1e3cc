"""Word lists and cue sets of attribution: data only, no algorithms.

Speech and belief verb lemmas (the defaults of extract_article's `cues=` and
`belief_cues=`), noun cues, titles and role nouns, pronouns, and the small closed sets
the rules, the speaker analysis and the learned pass test words against. Several lists were
learned from the PolNeAR train annotations (benchmarks/learn_cues.py); their comments say so.

Imports nothing of the project (first names for gender guesses: archive.text.given_names).
"""
from __future__ import annotations

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
CONTENT_PREPS = frozenset({"for", "about", "on", "against", "of", "over"})
# Verb-specific prepositions ("pointed to the polls", "referred to him as").
VERB_PREPS = {"point": {"to"}, "refer": {"to"}, "object": {"to"}, "plead": {"to"},
               "agree": {"with", "to"}, "side": {"with"}, "vote": {"for", "against"},
               "describe": {"as"}, "see": {"as"}, "view": {"as"}, "regard": {"as"}}
# Prepositional objects that are circumstances, not content ("said on Tuesday").
CIRCUMSTANCE_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"})

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
    democratic republican sheriff officer treasurer comptroller auditor commissioner
    lieutenant councillor councilor councilman councilwoman alderman alderwoman prosecutor
    superintendent ceo
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
                               "actress", "mother", "wife", "daughter", "widow", "sister",
                               "grandmother", "granddaughter", "stepmother", "aunt", "niece",
                               "girlfriend", "queen", "princess", "duchess", "councilwoman",
                               "assemblywoman", "congresswoman", "anchorwoman", "sportswoman",
                               "policewoman", "lady"})
MALE_ROLE_NOUNS = frozenset({"spokesman", "congressman", "chairman", "businessman", "actor",
                             "father", "husband", "son", "widower", "brother", "grandfather",
                             "grandson", "stepfather", "uncle", "nephew", "boyfriend", "king",
                             "prince", "duke", "councilman", "assemblyman", "anchorman",
                             "sportsman", "policeman"})
# Role nouns news uses for women too ("chairman Jane Smith"): a person's gender from a role
# (archive.quotes.people.Person.gender) reads these only when the given name says nothing.
UNMARKED_ROLE_NOUNS = frozenset({"spokesman", "congressman", "chairman", "businessman", "actor",
                                 "councilman", "assemblyman", "anchorman", "sportsman",
                                 "policeman"})

# Nouns for people beyond the role nouns above, and the endings of nouns for what people
# do ("controller", "commissioner", "comedian"): a noun written right before a name is its
# role only if it names a person ("the private email server Hillary Clinton used" does not).
PERSON_NOUNS: frozenset[str] = frozenset(
    """friend rival colleague counterpart captain coach seed champion mate guy ally boss
    hero legend icon idol favourite favorite fan critic hopeful deputy peer lord cousin
    child spouse fiance prop wing mp""".split()
) | PERSON_ROLE_NOUNS | FEMALE_ROLE_NOUNS | MALE_ROLE_NOUNS
PERSON_SUFFIXES = ("er", "or", "ist", "ian", "man", "person", "ant", "ent", "ee", "ive", "ar")
# Nouns of things with the ending of a noun for a person, often written before a name.
THING_NOUNS = frozenset("""server computer paper letter number center centre order matter
water power border corner quarter meter chapter cover filter folder poster register sector
factor error mirror motor tractor monitor calendar dollar collar pillar seminar radar cellar
initiative objective perspective incentive alternative""".split())


def names_a_person(noun: str) -> bool:
    """Could a noun (a lower-case lemma) name a person: a role or person noun, or a noun of
    doing ("controller", "comedian", "nominee"), not a thing ("server", "government")?"""
    return noun in PERSON_NOUNS or (len(noun) > 4 and noun.endswith(PERSON_SUFFIXES)
                                    and not noun.endswith("ment") and noun not in THING_NOUNS)


# First names for gender guesses: archive.text.given_names (people grouping uses them too).


# Name suffixes dropped from a speaker's name ("Jr.", "III").
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# spaCy entity labels of organisations, groups and places (non-person named sources).
ORG_ENTITIES = frozenset({"ORG", "NORP", "GPE", "FAC"})


# Lemmatizer slips on cue verbs ("hoping" -> "hop").
LEMMA_FIXES = {"hoping": "hope", "hoped": "hope", "hopes": "hope", "retweeted": "retweet",
               "retweeting": "retweet"}


# spaCy entity labels a named source carries: persons, organisations, groups, places.
PERSON_ORG_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})


# Stance adjectives after "be" whose subject is a source: "Clinton was critical of the
# deal", "Republicans are eager to move on". Learned from PolNeAR train
# (benchmarks/learn_cues.py, >= 45% precision) plus a few close synonyms.
STANCE_ADJECTIVES: frozenset[str] = frozenset(
    """eager critical quick worried aware upset proud hopeful optimistic wary reluctant
    adamant inclined glad upbeat impressed outspoken outraged pleased vocal concerned
    confident skeptical sceptical supportive convinced""".split()
)


# Objects of a cue's preposition that name the medium, not the content ("said on
# Twitter", "spoke at the rally").
MEDIA_WORDS = frozenset("""twitter facebook instagram tv television radio show program programme
    interview podcast broadcast camera video air record stage phone call website blog page
    conference rally debate behalf""".split())


# Noun cues owned by a source: "Trump's assertion that ...", "a warning from the FBI",
# "her opposition to the deal". NOUN_CUES plus nouns learned from PolNeAR train
# (benchmarks/learn_cues.py) and stance nouns; the content must be a that-clause, an
# attached quotation or a complement ("of/on/about/to/against/for ...").
OWNED_NOUNS: frozenset[str] = NOUN_CUES | frozenset(
    """suggestion assertion warning embrace disagreement contention takeaway insistence
    assurance reluctance criticism opposition endorsement refusal stance decision
    rejection defense defence support praise attack attacks description denial
    complaint concern concerns fear fears hope hopes argument explanation response
    reaction answer assessment prediction promise threat vow pledge commitment
    declaration admission confession recollection account version characterization
    dismissal condemnation denunciation call calls insistence objection objections
    plea push""".split()
) - frozenset("poll survey study analysis report post data".split())
# Prepositions whose object is the content of an owned noun cue.
NOUN_PREPS = frozenset({"that"})


# First words of "Label: text" paragraphs that are no source ("BREAKING:", "Update:"),
# for headline labels and dash signatures.
LABEL_STOP = frozenset("""breaking update updated exclusive watch video videos photos photo read
    related correction corrections live analysis opinion transcript warning spoiler q a note
    ps source sources credit by via also plus bonus pictured more today tonight now here
    listen editor editors advertisement ad disclosure disclaimer question answer example
    bottom line why what how when where who step part chapter update:""".split())


# Lower-case words inside a signed name ("Julia de la Cruz").
NAME_PARTICLES = frozenset({"de", "da", "del", "della", "van", "von", "der", "la", "le", "bin", "al"})


# Candidates of the learned pass: heads of noun phrases (CANDIDATE_POS). Modifiers inside
# a phrase (CANDIDATE_SKIP_DEPS) and the words in CANDIDATE_SKIP_WORDS are never sources;
# the subject of a lead-in ("Cruz continued:") is tested against the same sets.
CANDIDATE_POS = frozenset({"PROPN", "NOUN", "PRON"})
CANDIDATE_SKIP_DEPS = frozenset({"compound", "det", "amod", "nummod", "quantmod", "npadvmod",
                                 "nmod", "case", "punct", "expl", "predet", "poss_case"})
CANDIDATE_SKIP_WORDS = frozenset({"it", "this", "that", "which", "what", "there", "these",
                                  "those", "something", "anything", "everything", "nothing",
                                  "itself", "themselves", "himself", "herself", "me", "us"})


# Irregular forms of cue verbs, for cue_lemma without spaCy ("said" -> "say").
IRREGULAR_VERBS = {"said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
                   "spoke": "speak", "spoken": "speak", "thought": "think", "felt": "feel",
                   "knew": "know", "known": "know", "saw": "see", "seen": "see", "found": "find",
                   "shown": "show", "meant": "mean", "sought": "seek", "understood": "understand",
                   "chose": "choose", "chosen": "choose", "forgot": "forget", "forgotten": "forget",
                   "swore": "swear", "sworn": "swear", "read": "read", "led": "lead", "did": "do"}


# Noun cues that report words (is_speech_cue): "his statement", not "a poll".
SPEECH_NOUNS = frozenset("""statement claim argument assertion remark comment comments remarks
    suggestion warning promise pledge vow announcement allegation accusation charge insistence
    admission acknowledgment acknowledgement message tweet post speech testimony call demand
    request plea letter memo email note""".split())

# what a manner or mood "content" is about ("adopted a pessimistic tone", "struck a
# conciliatory note"): a description of how someone sounded, not speech (never attributed)
MOOD_NOUNS = frozenset("""tone tones note notes mood air attitude demeanor demeanour posture
expression manner voice""".split())

# Heads of a phrase that names an organisation after a name or a nation: "the Trump
# campaign", "the Obama administration", "a Bloomberg poll", "the Russian government".
ORGANISATION_HEADS = frozenset("""campaign administration government team poll survey
committee ministry department agency commission""".split())
