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


# Near-identical rewordings that keep the claim: without them the contradiction
# rules teach that two almost identical news sentences are contradictory.
PARAPHRASE_RULES: dict[str, Rule] = {"swap_synonym": swap_synonym, "restyle": restyle}


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
) -> Iterator[dict[str, str]]:
    """Yield ``{premise, hypothesis, label, rule}`` pairs from article bodies.

    For each article a few sentences are rewritten by each applicable rule, in a
    random order fixed by ``seed``. Contradictions are yielded in both directions,
    entailments once (and the reverse direction as neutral, since a shortened
    sentence does not entail its longer original); neutral pairs join two
    different sentences of one article. With ``paraphrases`` (recipes from v1.1),
    meaning-preserving rewordings are added (both directions entailment) and the
    modifier-dropping rule joins the entailment rules; without it the output is
    exactly that of v1.
    """
    if split_sentences is None:
        from nli.sentences import split_sentences as default_splitter

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
            contradiction_names = list(CONTRADICTION_RULES) + ["swap_actor"]
            rng.shuffle(contradiction_names)
            agreeing = dict(ENTAILMENT_RULES)
            if paraphrases:
                agreeing.update(MORE_ENTAILMENT_RULES)
                agreeing.update(PARAPHRASE_RULES)
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
                elif rule_name in CONTRADICTION_RULES:
                    rewritten = CONTRADICTION_RULES[rule_name](sentence, rng)
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
            if label == "contradiction" or rule_name in PARAPHRASE_RULES:
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
