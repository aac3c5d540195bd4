"""Sentence splitting, and which fragments count as claims worth comparing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

MIN_CLAIM_WORDS = 5
# "MOSUL, Iraq (Reuters) -", "LONDON —": a dateline in front of the first sentence.
DATELINE = re.compile(
    r"^[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+)*(?:,\s*[A-Z][\w.]+(?: [A-Z][\w.]+)*)?\s*(?:\([^)]{1,30}\))?\s*[-\u2013\u2014]+\s*"
)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    # pysbd is rule-based (the Golden Rules set): it keeps "U.S.", "Gen.", initials,
    # decimals and quoted speech together without any model download.
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


# pysbd's time grows with the square of a paragraph's length (a 200 KB paragraph took
# 33 s, 400 KB 87 s): longer paragraphs go to it in pieces of about this many characters.
CHUNK_CHARS = 4000
# A safe place to cut: a sentence end, spaces, then an upper-case letter or a digit,
# where the word before the stop is not a short abbreviation ("U.S.", "Gen.", "J.").
SAFE_CUT = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def chunks(paragraph: str, size: int = CHUNK_CHARS) -> list[str]:
    """``paragraph`` cut at safe sentence ends into pieces of at most about ``size`` characters.

    A piece with no safe end within twice ``size`` is cut at the last space, so no
    piece grows without bound (pysbd then sees one over-long "sentence" end there).
    """
    pieces = []
    start = 0
    while len(paragraph) - start > size:
        window = paragraph[start : start + 2 * size]
        cuts = [m.end() for m in SAFE_CUT.finditer(window) if m.end() <= size] or [
            m.end() for m in SAFE_CUT.finditer(window)
        ]
        cut = cuts[-1] if cuts else (window.rfind(" ", 0, size) + 1 or size)
        pieces.append(paragraph[start : start + cut])
        start += cut
    pieces.append(paragraph[start:])
    return pieces


# A sentence end glued to the next sentence, as scraped wire copy has it: "Saturday.The",
# 'illegal."A recent', "fired?Nobody". The end must follow a lower-case letter, a digit
# or a closing bracket ("U.S.Army" and initials stay as they are) and the next word must
# start with a capital followed by a lower-case letter, a space or an apostrophe
# ("Node.js" and "3.5" stay as they are).
GLUED_END = re.compile(r"(?<=[a-z0-9%)\]])([.!?]+[\"'”’)]*)(?=[\"“‘(]?[A-Z][a-z\s'’])")
# Tokens whose dots are not sentence ends: URLs and e-mail addresses.
NOT_PROSE = re.compile(r"://|^www\.|@")


def repair_glued_sentences(text: str) -> str:
    """Give each glued sentence end its space back; URLs and e-mail addresses are left alone.

    A straight double quote right after the stop closes the sentence when an odd number
    of them came before it on the line, and opens the next one otherwise.
    """
    pieces: list[str] = []
    done = quotes = 0
    for match in GLUED_END.finditer(text):
        token_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        token_end = min(
            (i for i in (text.find(" ", match.end()), text.find("\n", match.end())) if i >= 0), default=len(text)
        )
        if NOT_PROSE.search(text[token_start:token_end]):
            continue
        end = match.group(1)
        # Only the stretch since the last repair is searched: the whole stays linear in the text.
        newline = text.rfind("\n", done, match.start())
        if newline >= 0:
            quotes = 0
        quotes += text.count('"', max(done, newline + 1), match.start())
        pieces.append(text[done : match.start()])
        if end.endswith('"') and (quotes + end.count('"') - 1) % 2 == 0:
            pieces.append(end[:-1] + ' "')  # the quote opens the next sentence
        else:
            pieces.append(end + " ")
        quotes += end.count('"')
        done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, paragraph by paragraph (long paragraphs a piece at a time).

    Glued sentence ends get their space back first (:func:`repair_glued_sentences`).
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\S)", repair_glued_sentences(text)):
        paragraph = " ".join(paragraph.split())
        for piece in chunks(paragraph) if paragraph else []:
            sentences.extend(s.strip() for s in _segmenter().segment(piece) if s.strip())
    return sentences


def strip_dateline(sentence: str) -> str:
    return DATELINE.sub("", sentence, count=1)


def split_article(body: str) -> list[str]:
    """An article's sentences, with the dateline taken off the first."""
    sentences = split_sentences(body)
    if sentences:
        sentences[0] = strip_dateline(sentences[0])
    return [s for s in sentences if s]


def is_claim(sentence: str) -> bool:
    """Whether a sentence is a statement worth pairing (not a question or a fragment)."""
    words = re.findall(r"[A-Za-z0-9][\w'’.-]*", sentence)
    if len(words) < MIN_CLAIM_WORDS:
        return False
    if sentence.rstrip(" \"'”’)").endswith("?"):
        return False
    return any(ch.islower() for ch in sentence)


# A pair of sentences must fit the model's 128 tokens: a sentence over this many words
# is cut into clauses rather than truncated.
LONG_SENTENCE_WORDS = 90
# Where to cut an over-long sentence, best first: semicolons, dashes, then a comma
# before a conjunction.
CLAUSE_BREAKS = (
    ("semicolon", re.compile(r";\s+")),
    ("dash", re.compile(r"\s+[\u2013\u2014-]{1,2}\s+")),
    ("conjunction", re.compile(r",\s+(?=(?:and|but|while|whereas|although|though|because|as|so)\s)")),
)


def split_long_sentence(sentence: str, max_words: int = LONG_SENTENCE_WORDS) -> tuple[list[str], set[str]]:
    """``sentence`` cut into parts of at most ``max_words`` words, and the kinds of cut made.

    Each cut is the boundary of the best kind nearest the middle; a part with no such
    boundary is cut between words ("words" in the kinds), never dropped.
    """
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence], set()
    middle = len(sentence) / 2
    for kind, pattern in CLAUSE_BREAKS:
        cuts = [m for m in pattern.finditer(sentence) if m.start() > 0 and m.end() < len(sentence)]
        if cuts:
            best = min(cuts, key=lambda m: abs(m.start() - middle))
            head, tail = sentence[: best.start()].rstrip(), sentence[best.end() :].lstrip()
            kinds = {kind}
            break
    else:
        head, tail, kinds = " ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :]), {"words"}
    parts = []
    for piece in (head, tail):
        more, more_kinds = split_long_sentence(piece, max_words)
        parts += more
        kinds |= more_kinds
    return parts, kinds


@dataclass(frozen=True)
class ArticleClaims:
    """An article body as the pipeline compares it."""

    sentences: list[str]  # every sentence, dateline off
    claims: list[str]  # the claims among them, over-long ones cut to fit the model
    # (original sentence, number of parts, kinds of cut) for each claim that was cut
    cut: list[tuple[str, int, set[str]]]


def article_claims(body: str) -> ArticleClaims:
    """The sentences of ``body``, and the claims the pipeline pairs."""
    sentences = split_article(body)
    claims: list[str] = []
    cut: list[tuple[str, int, set[str]]] = []
    for text in filter(is_claim, sentences):
        parts, kinds = split_long_sentence(text)
        claims += parts
        if len(parts) > 1:
            cut.append((text, len(parts), kinds))
    return ArticleClaims(sentences, claims, cut)
