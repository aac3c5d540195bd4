"""Sentence splitting, and which fragments count as claims worth comparing."""

from __future__ import annotations

import re
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


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, paragraph by paragraph (long paragraphs a piece at a time)."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\S)", text):
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
