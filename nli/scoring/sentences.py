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


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, paragraph by paragraph."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\S)", text):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            sentences.extend(s.strip() for s in _segmenter().segment(paragraph) if s.strip())
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
