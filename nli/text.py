"""Text as the models read it: what a tokenizer cannot take, or a reader cannot see, is removed."""

from __future__ import annotations

import re
import unicodedata

# Lone UTF-16 surrogates: valid in JSON ("\ud800") and in a Python str, but not text;
# the tokenizers library refuses a string holding one.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters that are never visible text: C0/C1 controls but tab and newline (NUL,
# escape, DEL, ...), and the invisible format characters (zero-width space and joiners,
# soft hyphen, word joiner, BOM, bidirectional marks, embeddings, overrides and
# isolates). An RLO in an id or a sentence would reorder what a reader sees; a
# zero-width space splits a word for the model but not for the eye.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates as U+FFFD, so that it encodes as UTF-8.

    A file name that is not UTF-8 reaches Python as lone surrogates (PEP 383); an
    output that quotes it must still be valid UTF-8.
    """
    return LONE_SURROGATE.sub("\ufffd", text)


def readable_text(text: str) -> str:
    """``text`` in NFC with lone surrogates as U+FFFD and invisible characters removed.

    Form feed, carriage return and U+0085 stay: line handling reads them as line ends.
    """
    return unicodedata.normalize("NFC", INVISIBLE.sub("", valid_unicode(text)))
