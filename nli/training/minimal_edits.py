"""Minimal-edit NLI pairs made from real news sentences with spaCy (issue 33).

A real news sentence against the same sentence with one fact changed: a number, a
year, a named entity swapped for another of the same kind from the same article, a
negation inserted or removed, an assertion turned into a denial, or an antonym. Each
such edit is a contradiction. A model trained on those alone learns that any change
contradicts, so every article also gives edits that keep the meaning (a number
written in words, a compatible bound, a name shortened to its surname, a trailing
modifier dropped, an organisation named with another generic head or by its
initials, a name transliterated another way, the attribution moved to the end) as
entailment, the reverse of a dropped modifier (a fact added) and
another sentence of the same article as neutral; the recipe adds people-judged
paraphrases (MRPC train) beside them.

A recipe can add rules (:data:`EXTRA_CONTRADICTING`, tried first with a chance each)
and ask for contrasts: each preserving edit followed by the reworded sentence with a
fact changed, a contradiction, so that a shorter or reworded sentence does not by
itself read as implied (the shortcut v3e learnt from dropped modifiers).

Each rule is one function from a parsed sentence (a spaCy ``Doc``), the article's
entities and a seeded generator to an edited sentence, or ``None``. Reproducible
from the seed; the parse uses the scoring path's spaCy pipeline.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc, Span

from nli.scoring.slots import ORGANISATION_HEADS

CONTRADICTION, ENTAILMENT, NEUTRAL = "contradiction", "entailment", "neutral"
SWAPPABLE_ENTITIES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")
ANTONYMS = {
    "increased": "decreased",
    "rose": "fell",
    "raised": "lowered",
    "won": "lost",
    "higher": "lower",
    "more": "fewer",
    "before": "after",
    "approved": "rejected",
    "accepted": "rejected",
    "allowed": "banned",
    "opened": "closed",
    "confirmed": "denied",
    "alive": "dead",
    "first": "last",
    "largest": "smallest",
    "biggest": "smallest",
    "started": "ended",
    "began": "ended",
    "gained": "lost",
    "arrived": "left",
    "supported": "opposed",
    "agreed": "refused",
    "released": "detained",
    "survived": "died",
    "up": "down",
    "above": "below",
    "expanded": "shrank",
    "hired": "fired",
    "success": "failure",
    "successful": "unsuccessful",
    "legal": "illegal",
    "guilty": "innocent",
    "true": "false",
    "strong": "weak",
    "positive": "negative",
}
ANTONYMS |= {b: a for a, b in list(ANTONYMS.items()) if b not in ANTONYMS}
SAYING_VERBS = {"said", "says", "confirmed", "announced", "stated", "reported", "claimed", "admitted"}
SMALL_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
SMALL_NUMBER_WORDS += ["eleven", "twelve"]
_INTEGER = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")

Edit = Callable[[Doc, dict[str, list[str]], random.Random], "str | None"]


def _replace(doc: Doc, start_char: int, end_char: int, text: str) -> str:
    return doc.text[:start_char] + text + doc.text[end_char:]


def _integer_tokens(doc: Doc) -> list:
    return [t for t in doc if t.like_num and _INTEGER.match(t.text) and not _YEAR.fullmatch(t.text)]


def change_number(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A count or amount changed (15 → 23): a contradiction."""
    tokens = _integer_tokens(doc)
    if not tokens:
        return None
    token = rng.choice(tokens)
    value = int(token.text.replace(",", ""))
    factor = rng.choice([0.5, 0.6, 1.5, 2, 3]) if value >= 10 else None
    new = round(value * factor) if factor else value + rng.choice([1, 2, 3, 5])
    if new == value:
        new = value + 1
    text = f"{new:,}" if "," in token.text else str(new)
    return _replace(doc, token.idx, token.idx + len(token.text), text)


def change_small_count(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A small count changed up or down, in words or figures ('Eleven were hurt' → 'three were hurt').

    ``change_number`` only raises small counts written in figures, so a model trained on it
    alone can still read a smaller count in words as implied by a larger one.
    """
    tokens = [t for t in doc if _small_count(t.lower_) is not None]
    if not tokens:
        return None
    token = rng.choice(tokens)
    value = _small_count(token.lower_)
    new = rng.choice([n for n in range(2, len(SMALL_NUMBER_WORDS)) if n != value])
    in_words = not token.text.isdigit()
    text = SMALL_NUMBER_WORDS[new] if in_words != (rng.random() < 0.3) else str(new)
    if token.text[0].isupper():
        text = text[0].upper() + text[1:]
    return _replace(doc, token.idx, token.idx + len(token.text), text)


def _small_count(word: str) -> int | None:
    """2–12 from a word or figure ("one" is left out: it is as often a pronoun as a count)."""
    if word.isdigit():
        return int(word) if 2 <= int(word) < len(SMALL_NUMBER_WORDS) else None
    return SMALL_NUMBER_WORDS.index(word) if word in SMALL_NUMBER_WORDS[2:] else None


def change_year(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """Another year: a contradiction."""
    years = list(_YEAR.finditer(doc.text))
    if not years:
        return None
    match = rng.choice(years)
    year = int(match.group()) + rng.choice([-2, -1, 1, 2])
    return _replace(doc, match.start(), match.end(), str(year))


def swap_entity(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A person, organisation or place swapped for another of its kind from the same article: a contradiction."""
    spans = [e for e in doc.ents if e.label_ in SWAPPABLE_ENTITIES]
    rng.shuffle(spans)
    for span in spans:
        others = [
            o
            for o in entities.get(span.label_, [])
            if o.lower() not in span.text.lower() and span.text.lower() not in o.lower() and o not in doc.text
        ]
        if others:
            return _replace(doc, span.start_char, span.end_char, rng.choice(others))
    return None


def _root_auxiliary(doc: Doc):
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None, None
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if root.lemma_ == "be":
        return root, root
    return root, (aux[0] if aux else None)


def toggle_negation(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """The main clause negated, or its negation removed: a contradiction."""
    root, aux = _root_auxiliary(doc)
    # A sentence already negated elsewhere ("no indication", "never") gives a double negative.
    if root is None or any(t.lower_ in ("no", "never", "nothing", "none", "nobody") for t in doc):
        return None
    negations = [c for c in root.children if c.dep_ == "neg"]
    if negations:
        neg = negations[0]
        if neg.text.lower() == "n't":
            return _replace(doc, neg.idx, neg.idx + len(neg.text), "") if aux is not None else None
        end = neg.idx + len(neg.text) + (1 if neg.whitespace_ else 0)
        return _replace(doc, neg.idx, end, "")
    if aux is not None:
        end = aux.idx + len(aux.text)
        return doc.text[:end] + " not" + doc.text[end:]
    if root.tag_ in ("VBD", "VBZ", "VBP") and root.pos_ == "VERB":
        helper = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
        return _replace(doc, root.idx, root.idx + len(root.text), f"{helper} not {root.lemma_}")
    return None


def assert_to_denial(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """'X said that …' becomes 'X denied that …': a contradiction."""
    for token in doc:
        if token.text.lower() in SAYING_VERBS and any(c.dep_ == "ccomp" for c in token.children):
            return _replace(doc, token.idx, token.idx + len(token.text), "denied")
    return None


def swap_antonym(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A word swapped for its antonym (rose → fell): a contradiction."""
    tokens = [t for t in doc if t.text.lower() in ANTONYMS]
    if not tokens:
        return None
    token = rng.choice(tokens)
    new = ANTONYMS[token.text.lower()]
    new = new.capitalize() if token.text[0].isupper() else new
    return _replace(doc, token.idx, token.idx + len(token.text), new)


def number_in_words(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A small number written in words, or a word written as a number: the same fact (entailment)."""
    for token in doc:
        if token.text.isdigit() and int(token.text) < len(SMALL_NUMBER_WORDS):
            return _replace(doc, token.idx, token.idx + len(token.text), SMALL_NUMBER_WORDS[int(token.text)])
        if token.text.lower() in SMALL_NUMBER_WORDS[2:]:
            return _replace(doc, token.idx, token.idx + len(token.text), str(SMALL_NUMBER_WORDS.index(token.lower_)))
    return None


def compatible_bound(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """'15 people' becomes 'more than 10 people' or 'at least 15 people': still true (entailment)."""
    tokens = [t for t in _integer_tokens(doc) if int(t.text.replace(",", "")) >= 4]
    if not tokens:
        return None
    token = rng.choice(tokens)
    value = int(token.text.replace(",", ""))
    if token.i > 0 and doc[token.i - 1].lower_ in ("$", "£", "€"):
        return None
    text = rng.choice([f"more than {value * 2 // 3}", f"at least {value}", f"over {value // 2}"])
    return _replace(doc, token.idx, token.idx + len(token.text), text)


def surname_only(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A full name shortened to the surname: the same person (entailment)."""
    for span in doc.ents:
        if span.label_ == "PERSON" and len(span) >= 2 and all(t.is_alpha for t in span):
            return _replace(doc, span.start_char, span.end_char, span[-1].text)
    return None


def _droppable_modifier(doc: Doc) -> Span | None:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    for child in reversed(list(root.children)):
        if child.dep_ in ("prep", "npadvmod", "advcl") and child.i > root.i:
            span = doc[child.left_edge.i : child.right_edge.i + 1]
            if (
                not any(t.dep_ == "neg" or t.lower_ in ("not", "no", "never") for t in span)
                and len(span) < len(doc) / 2
            ):
                return span
    return None


def drop_modifier(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A trailing modifier of the main clause dropped ('… on Monday in Paris' → '…'): implied (entailment)."""
    span = _droppable_modifier(doc)
    if span is None:
        return None
    text = (doc.text[: span.start_char].rstrip(" ,") + doc.text[span.end_char :]).strip()
    return text if len(text.split()) >= 5 else None


# Transliteration variants of one name (Rumalyn / Rumalin, Andrey / Andrei, Yousef / Yusef,
# Mohammed / Mohamed, Khalid / Halid), as regular expressions over the name after its initial.
RESPELLINGS = (
    (re.compile(r"y$"), "i"),
    (re.compile(r"i$"), "y"),
    (re.compile(r"yn$"), "in"),
    (re.compile(r"in$"), "yn"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"([bdfglmnprst])\1"), r"\1"),
    (re.compile(r"kh"), "h"),
)


def organisation_variant(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """An organisation named with another generic head, or by its initials: the same actor (entailment).

    A head is swapped wherever it closes a capitalised name ("the Security Media Cell"),
    which spaCy's small pipeline often leaves untagged.
    """
    for token in doc[1:]:
        before = doc[token.i - 1]
        alternatives = sorted({h for group in ORGANISATION_HEADS if token.text in group for h in group} - {token.text})
        if alternatives and before.text[:1].isupper() and before.is_alpha and not before.is_sent_start:
            return _replace(doc, token.idx, token.idx + len(token.text), rng.choice(alternatives))
    for span in doc.ents:
        words = [t.text for t in span if t.is_alpha]
        initials = "".join(w[0] for w in words if w[0].isupper())
        if (
            span.label_ == "ORG"
            and 3 <= len(initials) <= 5
            and words[0].lower() != "the"
            and all(w[0].isupper() or w in ("of", "for") for w in words)
        ):
            return _replace(doc, span.start_char, span.end_char, initials)
    return None


def respell_name(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """A person or place transliterated another way (Rumalyn → Rumalin): the same one (entailment)."""
    tokens = [t for t in doc if t.ent_type_ in ("PERSON", "GPE") and t.is_alpha and len(t) >= 5]
    rng.shuffle(tokens)
    for token in tokens:
        rules = list(RESPELLINGS)
        rng.shuffle(rules)
        for pattern, replacement in rules:
            # The initial stays: a reader still recognises the name.
            respelled = token.text[0] + pattern.sub(replacement, token.text[1:], count=1)
            if respelled != token.text:
                return _replace(doc, token.idx, token.idx + len(token.text), respelled)
    return None


def move_attribution(doc: Doc, entities: dict[str, list[str]], rng: random.Random) -> str | None:
    """'Police said that 15 were held.' → '15 were held, police said.': the same report (entailment)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.text.lower() not in SAYING_VERBS or any(t.is_quote for t in doc):
        return None
    subjects = [c for c in root.children if c.dep_ == "nsubj" and c.i < root.i]
    clauses = [c for c in root.children if c.dep_ == "ccomp" and c.i > root.i]
    if not subjects or not clauses or subjects[0].left_edge.i != 0:
        return None
    clause = [t for t in clauses[0].subtree if not (t.dep_ == "mark" and t.head == clauses[0])]
    clause_text = "".join(t.text_with_ws for t in clause).strip().rstrip(".,")
    if len(clause_text.split()) < 4:
        return None
    subject = doc[subjects[0].left_edge.i : subjects[0].right_edge.i + 1]
    named = subject[0].pos_ == "PROPN" or subject[0].ent_type_
    subject_text = subject.text if named else subject.text[0].lower() + subject.text[1:]
    return f"{clause_text[0].upper()}{clause_text[1:]}, {subject_text} {root.text}."


CONTRADICTING: dict[str, Edit] = {
    "number": change_number,
    "year": change_year,
    "entity": swap_entity,
    "negation": toggle_negation,
    "denial": assert_to_denial,
    "antonym": swap_antonym,
}
# Rules a recipe adds by name (``[minimal_edits] extra_rules``, each with the chance it
# is tried first); kept apart so that the recipes written before them draw the same
# edits from the same seed.
EXTRA_CONTRADICTING: dict[str, Edit] = {"small_count": change_small_count}


def unknown_extra_rules(names: Iterable[str]) -> list[str]:
    """The names that are not rules of :data:`EXTRA_CONTRADICTING`, sorted."""
    return sorted(set(names) - set(EXTRA_CONTRADICTING))


PRESERVING: dict[str, Edit] = {
    "number_in_words": number_in_words,
    "bound": compatible_bound,
    "surname": surname_only,
    "drop_modifier": drop_modifier,
    "organisation": organisation_variant,
    "respelling": respell_name,
    "attribution_moved": move_attribution,
}


def article_entities(docs: Iterable[Doc]) -> dict[str, list[str]]:
    """The article's distinct entity texts by kind, in order of appearance."""
    found: dict[str, list[str]] = {}
    for doc in docs:
        for span in doc.ents:
            if span.label_ in SWAPPABLE_ENTITIES and span.text not in found.setdefault(span.label_, []):
                found[span.label_].append(span.text)
    return found


def minimal_edit_pairs(
    articles: Iterable[list[str]],
    nlp,
    seed: int = 29,
    per_article: int = 6,
    extra_rules: dict[str, float] | None = None,
    contrasts: bool = False,
) -> Iterator[dict[str, str]]:
    """Yield ``{premise, hypothesis, label, rule}`` for up to ``per_article`` sentences of each article.

    ``articles`` are lists of sentences; ``nlp`` a spaCy pipeline with a parser and
    entities. Each chosen sentence gives one contradicting edit, one preserving edit
    (entailment, and its reverse as neutral where a modifier was dropped) and one
    neutral pair with another sentence of its article, each where a rule applies.
    ``extra_rules`` maps rules of ``EXTRA_CONTRADICTING`` to the chance each is tried
    first for a sentence (1: wherever it applies). With ``contrasts``, each preserving
    edit also gives its contrast: the reworded sentence with a fact changed, a
    contradiction, so that the rewording itself (a shorter sentence above all) does not
    tell the label.
    """
    extra_rules = extra_rules or {}
    unknown = unknown_extra_rules(extra_rules)
    if unknown:
        raise ValueError(f"unknown minimal-edit rules {unknown}; expected some of {sorted(EXTRA_CONTRADICTING)}")
    contradicting = CONTRADICTING | {name: EXTRA_CONTRADICTING[name] for name in extra_rules}
    edits = contradicting | PRESERVING
    rng = random.Random(seed)
    for sentences in articles:
        usable = [s for s in sentences if 8 <= len(s.split()) <= 45]
        if len(usable) < 2:
            continue
        docs = list(nlp.pipe(usable))
        entities = article_entities(docs)
        for k in rng.sample(range(len(docs)), min(per_article, len(docs))):
            doc = docs[k]
            for rules, label in ((CONTRADICTING, CONTRADICTION), (PRESERVING, ENTAILMENT)):
                names = [name for name in rules if name != "negation"]
                rng.shuffle(names)
                if "negation" in rules:  # it applies to nearly any sentence: mostly the last resort
                    names.insert(0 if rng.random() < 0.25 else len(names), "negation")
                if label == CONTRADICTION:  # an added rule is tried first: it is there to be drawn
                    names = [n for n, chance in extra_rules.items() if chance >= 1 or rng.random() < chance] + names
                for name in names:
                    edited = edits[name](doc, entities, rng)
                    if edited and edited.strip() != doc.text.strip():
                        first, second = (
                            (doc.text, edited)
                            if rng.random() < 0.5 or label != CONTRADICTION
                            else (
                                edited,
                                doc.text,
                            )
                        )
                        yield {"premise": first, "hypothesis": second, "label": label, "rule": name}
                        if name == "drop_modifier":  # the shorter sentence does not imply the added modifier
                            yield {"premise": edited, "hypothesis": doc.text, "label": NEUTRAL, "rule": "add_modifier"}
                        if contrasts and label == ENTAILMENT:
                            yield from _contrast(doc.text, nlp(edited), name, contradicting, entities, rng)
                        break
            if rng.random() < 0.5:
                continue
            other = docs[rng.choice([i for i in range(len(docs)) if i != k])]
            yield {"premise": doc.text, "hypothesis": other.text, "label": NEUTRAL, "rule": "other_sentence"}


def _contrast(
    original: str, reworded: Doc, rewording: str, contradicting: dict[str, Edit], entities: dict, rng: random.Random
) -> Iterator[dict[str, str]]:
    """The reworded sentence with one fact changed, against the original: a contradiction.

    A negation is the last resort: it applies to nearly any sentence, and a shortened
    sentence has often lost the names and figures, so it would otherwise be most of the
    contrasts and teach that only a "not" undoes a rewording.
    """
    names = [name for name in contradicting if name != "negation"]
    for name in [*rng.sample(names, len(names)), "negation"]:
        changed = contradicting[name](reworded, entities, rng)
        if changed and changed.strip() != reworded.text.strip():
            yield {"premise": original, "hypothesis": changed, "label": CONTRADICTION, "rule": f"{rewording}+{name}"}
            return
