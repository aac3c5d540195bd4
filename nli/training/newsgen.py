"""Rule-based NLI pairs made from real news sentences.

The public NLI sets are short on the ways news reports disagree: a changed count,
another day, another place, who did or said something, a denial instead of a
confirmation. Each rule below is one named function from a sentence (and a seeded
random generator) to a rewritten sentence, or ``None`` where it does not apply.
:func:`generate_pairs` applies them to sentences of FNC-1 *training* bodies and is
reproducible from its seed.
"""

from __future__ import annotations

import csv
import itertools
import random
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

Rule = Callable[[str, random.Random], "str | None"]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PLACES = [
    "London",
    "Paris",
    "Berlin",
    "Moscow",
    "Beijing",
    "Tokyo",
    "Cairo",
    "Baghdad",
    "Damascus",
    "Kabul",
    "Tehran",
    "Istanbul",
    "Madrid",
    "Rome",
    "Washington",
    "New York",
    "Chicago",
    "Los Angeles",
    "Texas",
    "California",
    "Florida",
    "Syria",
    "Iraq",
    "Iran",
    "Israel",
    "Gaza",
    "Ukraine",
    "Russia",
    "China",
    "Japan",
    "India",
    "Pakistan",
    "Afghanistan",
    "Nigeria",
    "Kenya",
    "Mexico",
    "Canada",
    "Australia",
    "Brazil",
    "France",
    "Germany",
    "Britain",
    "Spain",
    "Italy",
    "Egypt",
    "Libya",
    "Yemen",
    "Turkey",
    "Lebanon",
    "Jordan",
]
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "twenty": 20,
    "hundred": 100,
    "dozens": 36,
}
# Hedged quantities ("at least 5") are not contradicted by another nearby number.
HEDGES = re.compile(
    r"(at least|more than|over|up to|about|around|nearly|almost|some|roughly|fewer than|less than)\s+$",
    re.I,
)
# Only an auxiliary before a participle or "be"/"been" negates cleanly ("was killed").
AUXILIARIES = re.compile(
    r"\b(is|was|are|were|has|have|had|will|would|could|should)\b(?= (?:been|be|\w+ed|\w+en|\w+ing)\b)"
)
ATTRIBUTION_VERBS = {
    "confirmed": "denied",
    "acknowledged": "denied",
    "admitted": "denied",
    "announced": "denied",
    "denied": "confirmed",
}
SAID_TRAILER = re.compile(r",\s*(?:according to [^,]+|(?:the )?[A-Z][\w.\- ]{1,40} (?:said|told [^,]+|reported))\s*\.$")
SAID_LEADER = re.compile(
    r"^(?:[A-Z][\w.\- ]{1,40}|(?:He|She|They|Officials|Police)) (?:said|says|told [\w ]+?) (?:that )?"
)
RELATIVE_CLAUSE = re.compile(r",\s+(?:who|which|where)\s+[^,]{3,80},")
LEADING_PHRASE = re.compile(r"^(?:On|In|At|After|Before|Earlier|Later|Last|This)\b[^,]{2,50},\s+")
NOT_NAME_STARTS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "But",
    "And",
    "If",
    "When",
    "This",
    "That",
    "It",
    "He",
    "She",
    "They",
    "We",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "St",
}
# Two capitalized words, not inside a longer capitalized run: "Frank Shultz".
PROPER_NAME = re.compile(r"(?<![A-Z][a-z]\s)(?<![A-Za-z])([A-Z][a-z]+ [A-Z][a-z]+)\b(?! [A-Z])")


def _replace_at(text: str, match: re.Match, new: str) -> str:
    return text[: match.start()] + new + text[match.end() :]


def change_number(sentence: str, rng: random.Random) -> str | None:
    """A stated, unhedged count or amount becomes a different one."""
    candidates = [
        m
        for m in re.finditer(r"\b\d{1,3}(?:,\d{3})*(?:\.\d+)?\b", sentence)
        if not HEDGES.search(sentence[: m.start()])
        and not re.match(r"(1[89]|20)\d\d$", m.group())  # years belong to change_date
    ]
    words = [
        m
        for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", sentence, re.I)
        if not HEDGES.search(sentence[: m.start()])
    ]
    if not candidates and not words:
        return None
    match = rng.choice(candidates + words)
    token = match.group()
    if token.lower() in NUMBER_WORDS:
        value = NUMBER_WORDS[token.lower()]
    else:
        value = float(token.replace(",", ""))
    factor = rng.choice([0.5, 2, 3, 0.25, 10])
    new_value = value * factor if value > 1 else value + rng.randint(2, 9)
    new_value = int(round(new_value)) if new_value >= 1 else round(new_value, 2)
    if new_value == value:
        new_value = int(value) + 3
    return _replace_at(sentence, match, f"{new_value:,}" if isinstance(new_value, int) else str(new_value))


def change_date(sentence: str, rng: random.Random) -> str | None:
    """A weekday, month or year becomes another one."""
    # A month counts only before a day or year: "May" alone is too often the verb.
    for names, after in ((WEEKDAYS, ""), (MONTHS, r"(?= \d)")):
        match = re.search(r"\b(" + "|".join(names) + r")\b" + after, sentence)
        if match:
            return _replace_at(sentence, match, rng.choice([n for n in names if n != match.group()]))
    match = re.search(r"\b(19[5-9]\d|20[0-2]\d)\b", sentence)
    if match:
        return _replace_at(sentence, match, str(int(match.group()) + rng.choice([-3, -2, -1, 1, 2])))
    return None


def change_place(sentence: str, rng: random.Random) -> str | None:
    """A named country or city becomes another one."""
    found = [m for m in re.finditer(r"\b(" + "|".join(PLACES) + r")\b", sentence)]
    if not found:
        return None
    match = rng.choice(found)
    return _replace_at(sentence, match, rng.choice([p for p in PLACES if p != match.group()]))


def swap_actor(sentence: str, rng: random.Random, other_names: list[str] | None = None) -> str | None:
    """The person who did or said something becomes someone else."""
    names = [m for m in PROPER_NAME.finditer(sentence) if _looks_like_person(m.group(1))]
    pool = [n for n in (other_names or []) if n not in sentence]
    if not names or not pool:
        return None
    match = rng.choice(names)
    return _replace_at(sentence, match, rng.choice(pool))


def _looks_like_person(name: str) -> bool:
    first = name.split()[0]
    return first not in NOT_NAME_STARTS and first not in WEEKDAYS + MONTHS and name not in PLACES


def negate(sentence: str, rng: random.Random) -> str | None:
    """The first auxiliary verb is negated ("was" becomes "was not")."""
    match = AUXILIARIES.search(sentence)
    if not match or re.search(r"\b(not|never|no|if|If|unless)\b|n't", sentence):
        return None
    return _replace_at(sentence, match, match.group() + " not")


def flip_confirmation(sentence: str, rng: random.Random) -> str | None:
    """ "confirmed" becomes "denied" (and back): who said what is reversed."""
    match = re.search(r"\b(" + "|".join(ATTRIBUTION_VERBS) + r")\b", sentence)
    if not match:
        return None
    return _replace_at(sentence, match, ATTRIBUTION_VERBS[match.group()])


def drop_attribution(sentence: str, rng: random.Random) -> str | None:
    """ "X, officials said." becomes "X." (news convention: the report is the claim)."""
    trailer = SAID_TRAILER.search(sentence)
    if trailer:
        return sentence[: trailer.start()] + "."
    leader = SAID_LEADER.match(sentence)
    if leader and len(sentence) - leader.end() > 20:
        rest = sentence[leader.end() :]
        return rest[0].upper() + rest[1:]
    return None


def drop_clause(sentence: str, rng: random.Random) -> str | None:
    """A relative clause or a leading time/place phrase is dropped."""
    clause = RELATIVE_CLAUSE.search(sentence)
    if clause:
        return _replace_at(sentence, clause, "")
    lead = LEADING_PHRASE.match(sentence)
    if lead:
        rest = sentence[lead.end() :]
        return rest[0].upper() + rest[1:]
    return None


SYNONYMS = [
    ("said", "stated"),
    ("launched", "fired"),
    ("toward", "towards"),
    ("about", "regarding"),
    ("began", "started"),
    ("attack", "assault"),
    ("officials", "authorities"),
    ("nearly", "almost"),
    ("large", "big"),
    ("shows", "indicates"),
    ("told", "informed"),
    ("around", "about"),
    ("U.S.", "US"),
    ("killed", "left dead"),
    ("investigation", "inquiry"),
    ("investigating", "looking into"),
    ("announced", "declared"),
    ("help", "assist"),
    ("buy", "purchase"),
    ("people", "persons"),
]
MODIFIERS = (
    "small",
    "large",
    "huge",
    "senior",
    "official",
    "local",
    "early",
    "late",
    "also",
    "reportedly",
    "recently",
    "now",
    "still",
    "new",
    "former",
    "top",
    "major",
    "several",
    "further",
    "initial",
)


def swap_synonym(sentence: str, rng: random.Random) -> str | None:
    """A word becomes a synonym ("fired" / "launched"): the same claim, worded differently."""
    found = []
    for a, b in SYNONYMS:
        for word, other in ((a, b), (b, a)):
            for m in re.finditer(r"(?<![\w.])" + re.escape(word) + r"(?![\w])", sentence):
                found.append((m, other))
    if not found:
        return None
    match, other = rng.choice(found)
    return _replace_at(sentence, match, other)


def restyle(sentence: str, rng: random.Random) -> str | None:
    """One typographic convention switched (opening curly quote to straight, "U.S." to "US", ...).

    The first convention found is switched throughout; a mixed result ("x, y\u201d") is
    still the same claim, which is all this rule must teach.
    """
    for pattern, replacement in (
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u2019", "'"),
        ('"', "\u201c"),
        ("U.S.", "US"),
        ("percent", "per cent"),
    ):
        if pattern in sentence:
            return sentence.replace(pattern, replacement)
    return None


def drop_modifier(sentence: str, rng: random.Random) -> str | None:
    """A modifier is dropped ("a small truck" becomes "a truck"): the shorter claim follows."""
    found = [m for m in re.finditer(r"\b(" + "|".join(MODIFIERS) + r") ", sentence)]
    if not found:
        return None
    match = rng.choice(found)
    return _replace_at(sentence, match, "")


CAUSES = [
    "an electrical fault",
    "a gas leak",
    "arson",
    "an air strike",
    "a roadside bomb",
    "a storm",
    "heavy flooding",
    "engine failure",
    "a cyber attack",
    "human error",
    "a faulty valve",
    "a chemical spill",
    "poor maintenance",
    "a lightning strike",
    "a drone attack",
    "a suicide bomber",
    "a landslide",
    "an earthquake",
    "a technical glitch",
    "a computer virus",
]
CAUSE_MARKER = re.compile(
    r"\b(caused by|because of|due to|blamed on|triggered by|the result of) ([^,.;:\"\u201d]{3,60})"
)
TIME_OF_DAY = {"morning": "evening", "afternoon": "night", "evening": "morning", "night": "afternoon"}
CLOCK_TIME = re.compile(r"\b\d{1,2}(?::\d{2})? ?(a\.m\.|p\.m\.)")
# Two places joined by "and", "or", a comma or "between" are a list: swapping them keeps the claim.
LIST_WORDS = re.compile(r"\band\b|\bor\b|,|\bbetween\b|\bboth\b|\bnor\b")


def swap_cause(sentence: str, rng: random.Random) -> str | None:
    """The stated cause becomes another one ("caused by a gas leak" becomes "caused by arson")."""
    match = CAUSE_MARKER.search(sentence)
    if not match or len(match.group(2).split()) > 6:
        return None
    cause = match.group(2).strip()
    new_cause = rng.choice([c for c in CAUSES if c != cause.lower()])
    return sentence[: match.start(2)] + new_cause + sentence[match.start(2) + len(cause) :]


def swap_places(sentence: str, rng: random.Random) -> str | None:
    """Two places trade roles ("Russia accused Ukraine" becomes "Ukraine accused Russia")."""
    found = [m for m in re.finditer(r"\b(" + "|".join(PLACES) + r")\b", sentence)]
    for first, second in itertools.pairwise(found):
        between = sentence[first.end() : second.start()]
        if first.group() != second.group() and not LIST_WORDS.search(between) and len(between.split()) <= 8:
            return sentence[: first.start()] + second.group() + between + first.group() + sentence[second.end() :]
    return None


def change_time(sentence: str, rng: random.Random) -> str | None:
    """The time of day changes ("2 a.m." becomes "2 p.m.", "morning" becomes "evening")."""
    clock = CLOCK_TIME.search(sentence)
    if clock:
        flipped = "p.m." if clock.group(1) == "a.m." else "a.m."
        return sentence[: clock.start(1)] + flipped + sentence[clock.end(1) :]
    match = re.search(r"\b(" + "|".join(TIME_OF_DAY) + r")\b", sentence)
    if match:
        return _replace_at(sentence, match, TIME_OF_DAY[match.group()])
    return None


def _as_clause(sentence: str) -> str | None:
    """The sentence as a clause to embed after "that"/"whether": no final stop, no capital on a common word."""
    if re.search('["\u201c\u201d?!]', sentence) or not sentence.endswith("."):
        return None
    first, _, rest = sentence[:-1].partition(" ")
    if first in NOT_NAME_STARTS or first in {"Police", "Officials", "Authorities", "Some", "Many", "Several"}:
        first = first.lower()
    return f"{first} {rest}"


UNCERTAIN_FRAMES = (
    "It was not immediately clear whether {}.",
    "Reports suggested that {}.",
    "Officials are investigating whether {}.",
    "There were unconfirmed reports that {}.",
    "It remains unclear whether {}.",
    "Some observers believe that {}.",
    "It could not be independently verified that {}.",
)
ESTABLISHED_FRAMES = (
    "Investigators have established that {}.",
    "It has been confirmed that {}.",
    "Officials confirmed that {}.",
    "Police have verified that {}.",
)
REFUTED_FRAMES = (
    "It is not true that {}.",
    "Investigators have ruled out claims that {}.",
    "Officials dismissed as false reports that {}.",
    "There is no truth to reports that {}.",
)
SEPARATE_EVENT_LEADS = (
    "In a separate incident, ",
    "In an unrelated case, ",
    "Last year, ",
    "Two years earlier, ",
    "In an earlier case, ",
)


def frame_uncertain(sentence: str, rng: random.Random) -> str | None:
    """The claim is only reported or suspected ("Reports suggested that ..."): it does not follow."""
    clause = _as_clause(sentence)
    return rng.choice(UNCERTAIN_FRAMES).format(clause) if clause else None


def frame_established(sentence: str, rng: random.Random) -> str | None:
    """The claim is confirmed by someone ("Investigators have established that ..."): it follows."""
    clause = _as_clause(sentence)
    return rng.choice(ESTABLISHED_FRAMES).format(clause) if clause else None


def frame_refuted(sentence: str, rng: random.Random) -> str | None:
    """The claim is ruled out ("It is not true that ..."): the two cannot both hold."""
    clause = _as_clause(sentence)
    return rng.choice(REFUTED_FRAMES).format(clause) if clause else None


def make_modal(sentence: str, rng: random.Random) -> str | None:
    """A done thing becomes a possible one ("was killed" becomes "may have been killed")."""
    match = re.search(r"\b(was|were|has been|have been|had been|will)\b(?= (?:\w+ed|\w+en|be)\b)", sentence)
    if not match or re.search(r"\b(may|might|could|not|never)\b", sentence):
        return None
    modal = "may" if match.group() == "will" else "may have been"
    return _replace_at(sentence, match, modal)


def mark_separate_event(sentence: str, rng: random.Random) -> str | None:
    """The sentence is said to be about another event ("In a separate incident, ...")."""
    clause = _as_clause(sentence)
    if not clause:
        return None
    return rng.choice(SEPARATE_EVENT_LEADS) + clause + "."


DIGITS_FOR_WORDS = {word: str(value) for word, value in NUMBER_WORDS.items() if value <= 20}
WORDS_FOR_DIGITS = {digits: word for word, digits in DIGITS_FOR_WORDS.items()}
# A capitalized word inside the sentence, not a place, day or month: a name that outlets spell differently.
INNER_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{4,})\b")
KEEP_SPELLING = set(PLACES) | set(WEEKDAYS) | set(MONTHS) | NOT_NAME_STARTS
DOUBLED = re.compile(r"([bcdfgklmnprstz])\1")
# Not one of a list of places ("in Paris and Lyon"): dropping it would leave "and Lyon".
PLACE_PHRASE = re.compile(
    r" (?:in|near|outside|across) (?:the )?(?:" + "|".join(PLACES) + r")\b(?=[,.;]| (?!and\b|or\b)[a-z])"
)


def respell_name(sentence: str, rng: random.Random) -> str | None:
    """A name is transliterated another way ("Zummar" becomes "Zumar"): outlets spell names differently."""
    found = [m for m in INNER_NAME.finditer(sentence) if m.group(1) not in KEEP_SPELLING]
    if not found:
        return None
    match = rng.choice(found)
    name = match.group(1)
    doubled = DOUBLED.search(name)
    if doubled:
        respelled = name[: doubled.start()] + doubled.group(1) + name[doubled.end() :]
    else:
        # double the first consonant that follows a vowel ("Kamal" becomes "Kammal")
        inner = re.search(r"(?<=[aeiou])([bdfklmnprstz])(?=[aeiouy])", name)
        if not inner:
            return None
        respelled = name[: inner.start()] + inner.group(1) * 2 + name[inner.end() :]
    return _replace_at(sentence, match, respelled)


def reformat_number(sentence: str, rng: random.Random) -> str | None:
    """A small number is written the other way ("five" becomes "5", "12" becomes "twelve")."""
    words = list(re.finditer(r"\b(" + "|".join(DIGITS_FOR_WORDS) + r")\b", sentence))
    digits = [
        m for m in re.finditer(r"(?<![\d.,$])\b(\d{1,2})\b(?![\d.,:%])", sentence) if m.group() in WORDS_FOR_DIGITS
    ]
    if not words and not digits:
        return None
    match = rng.choice(words + digits)
    token = match.group()
    return _replace_at(sentence, match, WORDS_FOR_DIGITS.get(token) or DIGITS_FOR_WORDS[token])


def drop_place(sentence: str, rng: random.Random) -> str | None:
    """Where it happened is left out ("killed in Iraq" becomes "killed"): the shorter claim follows."""
    found = list(PLACE_PHRASE.finditer(sentence))
    if not found:
        return None
    return _replace_at(sentence, rng.choice(found), "")


# Near-identical rewordings that keep the claim: without them the contradiction
# rules teach that two almost identical news sentences are contradictory.
PARAPHRASE_RULES: dict[str, Rule] = {"swap_synonym": swap_synonym, "restyle": restyle}
# Added in v1.3 (``near_copies``): more of the differences between syndicated copies.
NEAR_COPY_PARAPHRASE_RULES: dict[str, Rule] = {"respell_name": respell_name, "reformat_number": reformat_number}
NEAR_COPY_SHORTENING_RULES: dict[str, Rule] = {"drop_place": drop_place, "drop_modifier": drop_modifier}
# Edits after which each sentence still entails the other.
REWORDING_RULES: dict[str, Rule] = {**PARAPHRASE_RULES, **NEAR_COPY_PARAPHRASE_RULES}


def near_copy(sentence: str, rng: random.Random, shorten: bool = True) -> tuple[str, bool] | None:
    """Several claim-keeping edits at once, as between an agency story and its reprint.

    Four to six rules are tried in a random order; a copy needs at least two that
    apply (on FNC-1 bodies: two in about 75% of copies, three in 20%, up to five).

    Returns the copy and whether it only rewords (True: both directions entail) or
    also leaves something out (False: only the original entails the copy). Without
    ``shorten`` only rewording edits are made, so a changed fact cannot be dropped.
    """
    rules = dict(REWORDING_RULES)
    if shorten:
        rules.update(NEAR_COPY_SHORTENING_RULES, drop_attribution=drop_attribution)
    names = list(rules)
    rng.shuffle(names)
    copy, applied = sentence, []
    for name in names[: rng.randint(2, 4) + 2]:
        edited = rules[name](copy, rng)
        if edited and edited != copy:
            copy, applied = edited, applied + [name]
    if len(applied) < 2:
        return None
    copy = copy[0].upper() + copy[1:]
    return copy, all(name in REWORDING_RULES for name in applied)


CONTRADICTION_RULES: dict[str, Rule] = {
    "change_number": change_number,
    "change_date": change_date,
    "change_place": change_place,
    "negate": negate,
    "flip_confirmation": flip_confirmation,
}
ENTAILMENT_RULES: dict[str, Rule] = {
    "drop_attribution": drop_attribution,
    "drop_clause": drop_clause,
}
MORE_ENTAILMENT_RULES: dict[str, Rule] = {"drop_modifier": drop_modifier}
# Added in v1.2 (``extended``): the disagreements the first rules did not cover.
EXTENDED_CONTRADICTION_RULES: dict[str, Rule] = {
    "swap_cause": swap_cause,
    "swap_places": swap_places,
    "change_time": change_time,
}
# name -> (rule, label of framed -> original, label of original -> framed or None where unclear)
FRAMING_RULES: dict[str, tuple[Rule, str, str | None]] = {
    "frame_uncertain": (frame_uncertain, "neutral", None),
    "frame_established": (frame_established, "entailment", "neutral"),
    "frame_refuted": (frame_refuted, "contradiction", "contradiction"),
    "make_modal": (make_modal, "neutral", None),
}
# Contradictions of a fact (not of a stance) that become neutral once the events are said to differ.
FACT_CHANGES = {
    "change_number",
    "change_date",
    "change_place",
    "change_time",
    "swap_actor",
    "swap_places",
    "swap_cause",
}


def _content_words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", sentence.lower())}


def most_overlapping(sentence: str, others: list[str]) -> str:
    """The other sentence sharing most content words: a neutral pair that is not trivially unrelated."""
    words = _content_words(sentence)
    return max(others, key=lambda other: len(words & _content_words(other)))


def _usable(sentence: str) -> bool:
    words = sentence.split()
    return 8 <= len(words) <= 60 and sentence[-1:] in ".\"'" and not sentence.endswith("?")


def read_bodies(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["articleBody"] for row in csv.DictReader(handle)]


def generate_pairs(
    bodies: Iterable[str],
    seed: int = 13,
    per_article: int = 8,
    split_sentences: Callable[[str], list[str]] | None = None,
    paraphrases: bool = False,
    extended: bool = False,
    near_copies: bool = False,
) -> Iterator[dict[str, str]]:
    """Yield ``{premise, hypothesis, label, rule}`` pairs from article bodies.

    For each article a few sentences are rewritten by each applicable rule, in a
    random order fixed by ``seed``. Contradictions are yielded in both directions,
    entailments once (and the reverse direction as neutral, since a shortened
    sentence does not entail its longer original); neutral pairs join two
    different sentences of one article. With ``paraphrases`` (recipes from v1.1),
    meaning-preserving rewordings are added (both directions entailment) and the
    modifier-dropping rule joins the entailment rules; without it the output is
    exactly that of v1. With ``extended`` (v1.2) the cause, place-swap and time rules
    join the contradictions, about half the fact-changing contradictions also appear
    as neutral pairs once marked as a separate event, and about half the sentences
    are also framed as uncertain, established or refuted. With ``near_copies`` (v1.3)
    respelled names, reformatted numbers and dropped places join the claim-keeping
    rules, about half the sentences also get a near copy (two or more such edits at once),
    and about half the contradictions are also made with the changed sentence reworded,
    so that the changed fact, not the surface difference, is what contradicts.
    """
    if split_sentences is None:
        from nli.scoring.sentences import split_sentences as default_splitter

        split_sentences = default_splitter
    rng = random.Random(seed)
    for body in bodies:
        sentences = [s for s in split_sentences(body) if _usable(s)]
        if len(sentences) < 2:
            continue
        names = sorted(
            {m.group(1) for s in sentences for m in PROPER_NAME.finditer(s) if _looks_like_person(m.group(1))}
        )
        rng.shuffle(sentences)
        made = 0
        used: dict[str, int] = {}
        for sentence in sentences:
            if made >= per_article:
                break
            # Entailment rules apply rarely, so they are tried first; no rule more than twice an article.
            contradiction_rules = dict(CONTRADICTION_RULES)
            if extended:
                contradiction_rules.update(EXTENDED_CONTRADICTION_RULES)
            contradiction_names = list(contradiction_rules) + ["swap_actor"]
            rng.shuffle(contradiction_names)
            agreeing = dict(ENTAILMENT_RULES)
            if paraphrases:
                agreeing.update(MORE_ENTAILMENT_RULES)
                agreeing.update(PARAPHRASE_RULES)
                if near_copies:
                    agreeing.update(NEAR_COPY_PARAPHRASE_RULES, drop_place=drop_place)
                agreeing_names = list(agreeing)
                rng.shuffle(agreeing_names)
                # half the sentences get a claim-preserving rewrite, half a contradicting one
                ordered = (
                    agreeing_names + contradiction_names if rng.random() < 0.5 else contradiction_names + agreeing_names
                )
            else:
                ordered = list(ENTAILMENT_RULES) + contradiction_names
            rule_names = [n for n in ordered if used.get(n, 0) < 2]
            for rule_name in rule_names:
                if rule_name == "swap_actor":
                    rewritten = swap_actor(sentence, rng, names)
                    label = "contradiction"
                elif rule_name in contradiction_rules:
                    rewritten = contradiction_rules[rule_name](sentence, rng)
                    label = "contradiction"
                else:
                    rewritten = agreeing[rule_name](sentence, rng)
                    label = "entailment"
                if rewritten and rewritten != sentence:
                    break
            else:
                continue
            made += 1
            used[rule_name] = used.get(rule_name, 0) + 1
            yield {"premise": sentence, "hypothesis": rewritten, "label": label, "rule": rule_name}
            if label == "contradiction" or rule_name in REWORDING_RULES:
                yield {"premise": rewritten, "hypothesis": sentence, "label": label, "rule": rule_name}
            else:
                yield {
                    "premise": rewritten,
                    "hypothesis": sentence,
                    "label": "neutral",
                    "rule": rule_name + "_reversed",
                }
            other = most_overlapping(sentence, [s for s in sentences if s != sentence])
            yield {"premise": sentence, "hypothesis": other, "label": "neutral", "rule": "same_article"}
            if extended:
                yield from _extended_pairs(sentence, rewritten, rule_name, rng)
            if near_copies:
                yield from _near_copy_pairs(sentence, rewritten, label, rule_name, rng)


def _near_copy_pairs(
    sentence: str, rewritten: str, label: str, rule_name: str, rng: random.Random
) -> Iterator[dict[str, str]]:
    if rng.random() < 0.5:
        made = near_copy(sentence, rng)
        if made:
            copy, reworded_only = made
            yield {"premise": sentence, "hypothesis": copy, "label": "entailment", "rule": "near_copy"}
            backward = "entailment" if reworded_only else "neutral"
            yield {"premise": copy, "hypothesis": sentence, "label": backward, "rule": "near_copy_reversed"}
    if label == "contradiction" and rng.random() < 0.5:
        made = near_copy(rewritten, rng, shorten=False)
        if made:
            yield {"premise": sentence, "hypothesis": made[0], "label": label, "rule": rule_name + "_reworded"}
            yield {"premise": made[0], "hypothesis": sentence, "label": label, "rule": rule_name + "_reworded"}


def _extended_pairs(sentence: str, rewritten: str, rule_name: str, rng: random.Random) -> Iterator[dict[str, str]]:
    if rule_name in FACT_CHANGES and rng.random() < 0.5:
        separate = mark_separate_event(rewritten, rng)
        if separate:
            yield {"premise": sentence, "hypothesis": separate, "label": "neutral", "rule": "separate_event"}
            yield {"premise": separate, "hypothesis": sentence, "label": "neutral", "rule": "separate_event"}
    if rng.random() < 0.5:
        names = list(FRAMING_RULES)
        rng.shuffle(names)
        for name in names:
            rule, forward, backward = FRAMING_RULES[name]
            framed = rule(sentence, rng)
            if framed:
                yield {"premise": framed, "hypothesis": sentence, "label": forward, "rule": name}
                if backward:
                    yield {"premise": sentence, "hypothesis": framed, "label": backward, "rule": name + "_reversed"}
                break
