"""Reading article sets and cleaning them of what is not the article's own reporting.

Accepted input: a directory of ``.txt``/``.md``/``.html`` files (one article each,
id = file stem), a list of such files, or one ``.jsonl``/``.json`` file of records
``{id, text, title?, source?, url?, date?}``. HTML goes through trafilatura.

Problems are collected over the whole set and raised together as one
:class:`InputError`, so a user sees every bad file at once.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nli.errors import InputError
from nli.text import readable_text

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".json"}


@dataclass
class Article:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    date: str | None = None
    origin: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DroppedLine:
    line: int
    text: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CleanArticle:
    article: Article
    body: str
    dropped: list[DroppedLine] = field(default_factory=list)


@dataclass
class ReadResult:
    articles: list[Article]
    warnings: list[str]


# Bytes that text never holds (C0 controls but tab, newline, form feed, carriage return; DEL).
CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"
BINARY_SAMPLE = 4096
OPTIONAL_FIELDS = ("title", "source", "url", "date")


def decode_text(path: Path, raw: bytes, warnings: list[str]) -> str | None:
    """The text of a file, or None when it looks binary.

    UTF-8 (with or without a BOM); UTF-16 by its BOM; otherwise Windows-1252 with a
    warning. A NUL byte in the first 4 KB, or more than 1% control bytes there, is binary.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    sample = raw[:BINARY_SAMPLE]
    if b"\x00" in sample or sum(sample.count(c) for c in CONTROL_BYTES) > len(sample) / 100:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        warnings.append(
            f"{path}: not valid UTF-8 (byte {err.start}); read as Windows-1252 instead, check the characters"
        )
        return raw.decode("cp1252", errors="replace")


def _html_to_article(path: Path, html: str) -> tuple[str, str | None, str | None]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta else None
    date = meta.date if meta else None
    return text, title, date


def load_json(text: str) -> tuple[object, str | None, int]:
    """``(value, None, 0)``, or ``(None, why, line)`` where the text is not JSON a reader can take."""
    try:
        return json.loads(text), None, 0
    except json.JSONDecodeError as err:
        return None, err.msg, err.lineno
    except RecursionError:
        return None, "nested too deeply to read", 1


def jsonl_lines(text: str) -> Iterator[tuple[int, object, str | None]]:
    """``(line number, value, why it is not JSON or None)`` for each non-blank line.

    Lines end at "\\n" only: U+2028, U+2029 and U+0085 are valid inside JSON strings.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            value, why, _ = load_json(line)
            yield number, value, why


def article_problems(article: Article, where: str) -> list[str]:
    """What is wrong with one article's fields, one line each (an empty list when nothing is)."""
    problems = []
    if not isinstance(article.id, str) or not article.id.strip():
        problems.append(f"{where}: 'id' must be a non-empty string, not {article.id!r}")
    if not isinstance(article.text, str) or not article.text.strip():
        if article.text is None:
            problems.append(f"{where}: missing 'text'; each article needs {{id, text}}")
        else:
            kind = "empty" if isinstance(article.text, str) else f"a {type(article.text).__name__}"
            problems.append(f"{where}: 'text' must be the article's text, not {kind}")
    for name in OPTIONAL_FIELDS:
        value = getattr(article, name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{where}: '{name}' must be a string or absent, not a {type(value).__name__}")
    return problems


def _record_id(record: dict, fallback: str, where: str, problems: list[str]) -> str:
    if "id" not in record or record["id"] is None:
        return fallback
    value = record["id"]
    # Any number is taken as its text (1 -> "1", 1.5 -> "1.5"); NaN and infinities are no ids.
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{where}: 'id' must be a string or a finite number, not {value}")
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(f"{where}: 'id' must be a string or a number, not {json.dumps(value)}")
    elif isinstance(value, str) and not value.strip():
        problems.append(f"{where}: 'id' is empty; give each article an id (or leave 'id' out)")
    return str(value)


def _read_records(path: Path, text: str, problems: list[str]) -> list[Article]:
    records: list[tuple[int, object]] = []
    if path.suffix.lower() == ".jsonl":
        for number, record, why in jsonl_lines(text):
            if why:
                problems.append(f"{path}:{number}: not valid JSON ({why}); expected one object per line")
            else:
                records.append((number, record))
    else:
        loaded, why, line = load_json(text)
        if why:
            problems.append(f"{path}:{line}: not valid JSON ({why})")
            return []
        if isinstance(loaded, dict) and isinstance(loaded.get("articles"), list):
            loaded = loaded["articles"]
        if not isinstance(loaded, list):
            problems.append(f'{path}: expected a list of article objects (or {{"articles": [...]}})')
            return []
        records = [(i + 1, item) for i, item in enumerate(loaded)]
    if not records and not problems:
        problems.append(f"{path}: no article records; expected objects with 'id' and 'text'")
    articles = []
    for number, record in records:
        where = f"{path}:{number}" if path.suffix.lower() == ".jsonl" else f"{path} (record {number})"
        article, found = article_from_record(record, f"{path.stem}-{number}", where)
        problems.extend(found)
        if article:
            articles.append(article)
    return articles


def article_from_record(record: object, fallback_id: str, where: str) -> tuple[Article | None, list[str]]:
    """An article from a JSON record ``{id?, text, title?, ...}``, or None and what is wrong with it."""
    if not isinstance(record, dict):
        return None, [f"{where}: expected an object with 'id' and 'text', not {type(record).__name__}"]
    found: list[str] = []
    article = Article(
        id=_record_id(record, fallback_id, where, found),
        text=record.get("text"),  # type: ignore[arg-type]
        **{name: record.get(name) for name in OPTIONAL_FIELDS},
        origin=where,
    )
    found += article_problems(article, where) if not found else []
    return (None if found else article), found


def _listed(path: Path, warnings: list[str]) -> list[Path]:
    found = []
    for entry in sorted(path.iterdir()):
        if entry.suffix.lower() not in ARTICLE_SUFFIXES | RECORD_SUFFIXES:
            continue
        if entry.is_file():
            found.append(entry)
        else:  # a named pipe would block the run, a folder is not an article
            warnings.append(f"{entry}: skipped, not a regular file")
    return found


def read_articles(paths: list[str | Path]) -> ReadResult:
    """Read every article named by ``paths``; raise :class:`InputError` listing all problems."""
    problems: list[str] = []
    warnings: list[str] = []
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _listed(path, warnings)
            if not found:
                problems.append(f"{path}: directory has no .txt, .md, .html, .jsonl or .json files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            problems.append(f"{path}: not a regular file; expected a file or a directory of articles")
        else:
            problems.append(f"{path}: no such file or directory")
    articles: list[Article] = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in ARTICLE_SUFFIXES | RECORD_SUFFIXES:
            problems.append(
                f"{path}: unsupported file type {suffix or '(none)'}; expected .txt, .md, .html, .jsonl or .json"
            )
            continue
        try:
            raw = path.read_bytes()
        except OSError as err:
            problems.append(f"{path}: cannot be read ({err.strerror})")
            continue
        text = decode_text(path, raw, warnings)
        if text is None:
            problems.append(f"{path}: looks binary; expected a text, Markdown, HTML or JSON file")
            continue
        if suffix in RECORD_SUFFIXES:
            articles.extend(_read_records(path, text, problems))
            continue
        title = date = None
        if suffix in {".html", ".htm"}:
            text, title, date = _html_to_article(path, text)
        if not text.strip():
            problems.append(f"{path}: empty article")
            continue
        articles.append(Article(id=path.stem, text=text, title=title, date=date, origin=str(path)))
    problems += duplicate_id_problems(articles)
    if problems:
        raise InputError(problems)
    return ReadResult(articles, warnings)


def readable_article(article: Article) -> Article:
    """``article`` with every text field as :func:`nli.text.readable_text` makes it.

    Ids too: an id with a right-to-left override or a zero-width space would show as
    another id, or two ids that look the same would differ.
    """
    fields = {
        name: readable_text(value) if isinstance(value, str) else value for name, value in asdict(article).items()
    }
    return Article(**{**fields, "origin": article.origin})


def duplicate_id_problems(articles: list[Article]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for article in articles:
        where = article.origin or f"article {article.id!r}"
        if article.id in seen:
            problems.append(f"{where}: duplicate article id {article.id!r} (also {seen[article.id]})")
        seen.setdefault(article.id, where)
    return problems


def as_articles(given: object) -> ReadResult:
    """What the Python API accepts: paths (one, or any iterable), :class:`Article` objects, or both.

    Every problem is raised at once as :class:`InputError`.
    """
    if given is None:
        raise InputError(["no articles given: pass paths (files or directories) or nli.Article objects"])
    if isinstance(given, dict):
        raise InputError(["expected paths or nli.Article objects, not a dict: make each article nli.Article(id, text)"])
    if isinstance(given, str | os.PathLike | Article):
        items: list = [given]
    else:
        try:
            items = list(given)  # type: ignore[call-overload]
        except TypeError:
            raise InputError(
                [f"expected paths or nli.Article objects (or an iterable of them), not a {type(given).__name__}"]
            ) from None
    problems = [
        f"item {i}: expected a path or an nli.Article, not a {type(item).__name__}"
        for i, item in enumerate(items)
        if not isinstance(item, str | os.PathLike | Article)
    ]
    given_articles = [item for item in items if isinstance(item, Article)]
    for i, article in enumerate(given_articles):
        problems += article_problems(article, article.origin or f"Article {i} ({article.id!r})")
    if problems:
        raise InputError(problems)
    # Read path by path, so that articles keep the caller's order, files and objects mixed.
    articles: list[Article] = []
    warnings: list[str] = []
    for item in items:
        if isinstance(item, Article):
            articles.append(item)
        else:
            try:
                read = read_articles([item])
            except InputError as err:
                problems += err.problems
                continue
            articles += read.articles
            warnings += read.warnings
    if problems:
        raise InputError(problems)
    if not articles:
        raise InputError(["no articles given: pass paths (files or directories) or nli.Article objects"])
    articles = [readable_article(article) for article in articles]
    for i, article in enumerate(articles):
        problems += article_problems(article, article.origin or f"Article {i} ({article.id!r})")
    if problems:
        raise InputError(problems)
    duplicates = duplicate_id_problems(articles)
    if duplicates:
        raise InputError(duplicates)
    return ReadResult(articles, warnings)


# --- cleaning -------------------------------------------------------------------------

URL = re.compile(r"https?://\S+|www\.\S+")
# Scraper metadata glued to the front of a line: "date 2024-04-22 <title>".
METADATA_PREFIX = re.compile(r"^\s*date:?\s+\d{4}-\d{2}-\d{2}\S*\s*", re.I)
BOILERPLATE_PATTERNS: list[tuple[str, re.Pattern]] = [
    # "Editor: Lena Marsh", "Reporter | Sam Lee": a role with a colon or a bar. "By …" is a
    # byline only as a list of names (BY_NAMES): "By the next day, …", "By contrast, …" and
    # "Reporter who accused …" are sentences of the story.
    ("byline", re.compile(r"^(editor|edited by|written by|author|reporter)\s*[:|]\s*\S", re.I)),
    ("reporting credit", re.compile(r"^\(?\s*(reporting|additional reporting|writing|editing) by\b", re.I)),
    # "Like us on Facebook", not "Like our neighbours, we were worried."
    ("follow us", re.compile(r"^(follow|join|subscribe|sign up) (us|our)\b|^like us on\b|\bfollow us on\b", re.I)),
    # A label with a colon, or a link line without a sentence's end: "Related charges were
    # filed." and "Credit card debt rose 5%." are the story's sentences.
    (
        "see also",
        re.compile(r"^(see also|read more|related|more on this|also read|recommended)\b\s*(:.*|[^.!?]*)$", re.I),
    ),
    (
        "comment policy",
        re.compile(r"\b(comments? (are|is) (moderated|closed)|comment policy|community guidelines)\b", re.I),
    ),
    (
        "image credit",
        re.compile(
            r"^((photo|image|picture|file photo|illustration)s?( credit)?\s*[:|©]|credit\s*:|source:\s*getty"
            r"|(photo|image|picture|illustration)s?\s+(by|courtesy of)\b).{0,80}$",
            re.I,
        ),
    ),
    ("image credit", re.compile(r"\b(file photo|photo credit|getty images|/ afp|/ reuters)\.?$", re.I)),
    # "Published: 14 May 2025", "Updated 3:00 PM EST"; not "Updated figures showed 40 were killed."
    (
        "timestamp",
        re.compile(r"^(last )?(update[ds]?|published|posted|modified|date)\b\s*(:.{0,60}|(?=.*\d)[^.!?]{0,50})$", re.I),
    ),
    ("timestamp", re.compile(r"^\W*\d{4}-\d{2}-\d{2}(t[\d:+\-.z]+)?\W*$", re.I)),
    ("timestamp", re.compile(r"^\W*\d{1,2}[:.]\d{2}\s*(am|pm|gmt|utc)?\W*$", re.I)),
    ("reading time", re.compile(r"^\d+\s*(-| )?min(ute)?s?( read)?\b", re.I)),
    ("contact line", re.compile(r"\S+@\S+\.\w+|\+\d[\d ]{7,}")),
    ("navigation", re.compile(r"^\W*[\w ]{0,30}\s*\|\s*[\w :]*$")),
]


# "By Nadia Ferreira, Harbour Herald", "BY RORY PLATT and ANN NG | Reuters": capitalised
# names after "By", then at most a short credit after a comma, bar or dash.
NAME_WORD = r"(?:[A-Z][\w.'’-]*|and|&|de|van|von|al|bin)"
BY_NAMES = re.compile(
    rf"^(?i:by|written by|edited by)\s+[A-Z][\w.'’-]*(?:\s+{NAME_WORD}){{0,5}}\s*(?:[,|/–—-]\s*[^.!?]{{0,60}})?$"
)


def _drop_reason(line: str, title: str | None, seen: set[str]) -> str | None:
    stripped = line.strip()
    if not stripped:
        return None
    if URL.fullmatch(stripped) or (URL.search(stripped) and len(URL.sub("", stripped).split()) <= 3):
        return "bare URL"
    norm = " ".join(stripped.lower().split())
    if title and norm == " ".join(title.lower().split()):
        return "repeated title"
    if norm in seen:
        return "repeated line"
    if BY_NAMES.match(stripped):
        return "byline"
    for reason, pattern in BOILERPLATE_PATTERNS:
        if pattern.search(stripped):
            return reason
    words = stripped.split()
    if stripped.endswith(",") or (stripped.count(",") >= 3 and not re.search(r"[.!?\"”]$", stripped)):
        return "tag list"
    if len(words) <= 6 and not re.search(r"[.!?\"”’]$", stripped):
        # Short unpunctuated lines are headings, section names or keyword tags.
        return "heading or tag"
    return None


# A list item or a dateline-free heading marker: never joined to the line before it.
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]\s|\d{1,3}[.)]\s|#+\s)")
WRAP_MIN_LINES = 3


def _is_hard_wrapped(block: list[str]) -> bool:
    """Lines broken at a fixed width: all but the last within a quarter of the longest, and no list."""
    if len(block) < WRAP_MIN_LINES or any(LIST_ITEM.match(line) for line in block):
        return False
    widths = [len(line.rstrip()) for line in block[:-1]]
    longest = max(widths)
    return longest <= 120 and sum(w >= 0.75 * longest for w in widths) >= 0.8 * len(widths)


# A line that ends a sentence (or introduces a quote or list) ends there whatever its width.
SENTENCE_END = re.compile(r"[.!?:][\"”’')\]]*$")
# How long, against the block's longest line, a line must be to read as broken by a
# wrap; and the narrowest wrap width taken for one (below it: bylines, datelines, tags).
WRAPPED_LINE_SHARE = 0.6
NARROWEST_WRAP = 30


def _is_heading(line: str) -> bool:
    """A line in Title Case ("Fire Destroys Warehouse In Port District"): a title or heading, never wrapped prose."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _continues(line: str, following: str, longest: int) -> bool:
    """Whether the break between ``line`` and ``following`` (one paragraph) is a wrap, not a line end.

    A wrap: the line does not end a sentence, is long for its paragraph, and the next
    line's first word would not have fitted after it within the paragraph's width.
    """
    line, following = line.rstrip(), following.strip()
    if LIST_ITEM.match(line) or LIST_ITEM.match(following) or SENTENCE_END.search(line) or _is_heading(line):
        return False
    next_word = following.split(maxsplit=1)[0]
    return (
        longest >= NARROWEST_WRAP
        and len(line) >= WRAPPED_LINE_SHARE * longest
        and len(line) + 1 + len(next_word) > longest
    )


def _join_wrapped(block: list[str]) -> list[str]:
    """A paragraph's lines with the breaks that are wraps joined (short paragraphs, ragged wraps)."""
    longest = max(len(line.rstrip()) for line in block)
    joined = [block[0]]
    for previous, line in itertools.pairwise(block):
        if _continues(previous, line, longest):
            joined[-1] = f"{joined[-1].rstrip()} {line.strip()}"
        else:
            joined.append(line)
    return joined


def unwrap_lines(text: str) -> list[str]:
    """The text's lines, each hard-wrapped paragraph joined into one line.

    Plain text broken at a fixed width (wire copy, e-mail, text taken from a PDF) puts
    line breaks inside sentences; read as they are, every line is a sentence end and
    the first line a title. Paragraphs whose lines all reach about the same width are
    joined whole. In other paragraphs a break is joined where it reads as a wrap (the
    line does not end a sentence, is long for its paragraph, and the next word would
    not have fitted after it); headings (Title Case), list items, short lines and
    blank lines stay as they are. Line and paragraph separators (U+2028, U+2029, U+0085) and bare
    carriage returns count as line ends.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n\n")
    text = text.replace("\u2028", "\n").replace("\x85", "\n")
    lines: list[str] = []
    block: list[str] = []
    for line in text.split("\n") + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            lines += [" ".join(part.strip() for part in block)] if _is_hard_wrapped(block) else _join_wrapped(block)
        block = []
        lines.append(line)
    return lines[:-1]


# WordPress shortcodes that wrap media, pasted with the text of a post: "[caption id=...]<img
# src=...> A photo caption[/caption]". Their content is a caption or an embed, never the
# report. Only these names: square brackets in news text are mostly editorial ("[sic]",
# "[the company]").
MEDIA_SHORTCODE = r"(?:caption|wp_caption|embed|video|audio|gallery|playlist)"
SHORTCODE = re.compile(
    rf"\[({MEDIA_SHORTCODE})\b[^\]]*\].*?\[/\1\]|\[/?{MEDIA_SHORTCODE}\b[^\]]*\]|<img\b[^>]*>", re.I | re.S
)


def strip_shortcodes(text: str) -> tuple[str, list[DroppedLine]]:
    """``text`` without media shortcodes and bare ``<img>`` tags, and what was removed (line numbers of ``text``)."""
    removed = [
        DroppedLine(text.count("\n", 0, match.start()) + 1, " ".join(match.group().split()), "media shortcode")
        for match in SHORTCODE.finditer(text)
    ]
    # A removed block keeps its line breaks, so later line numbers still point into the original.
    stripped = SHORTCODE.sub(lambda match: "\n" * match.group().count("\n"), text)
    return stripped, removed


def clean_article(article: Article) -> CleanArticle:
    """Drop boilerplate lines; the first unpunctuated line becomes the title if none is known."""
    kept: list[str] = []
    text, dropped = strip_shortcodes(article.text)
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(unwrap_lines(text), start=1):
        prefix = METADATA_PREFIX.match(line)
        if prefix:
            dropped.append(DroppedLine(number, prefix.group().strip(), "metadata"))
            line = line[prefix.end() :]
        lines.append((number, line))
    title = article.title
    # A one-line article is its own text, not a title over nothing.
    if title is None and sum(1 for _, line in lines if line.strip()) > 1:
        for _, line in lines:
            candidate = line.strip()
            if candidate and not URL.fullmatch(candidate):
                if not re.search(r"[.!?\"”]$", candidate) and len(candidate.split()) <= 25:
                    title = candidate
                break
    seen: set[str] = set()
    title_taken = False
    for number, line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if title and not title_taken and article.title is None and stripped == title:
            title_taken = True
            dropped.append(DroppedLine(number, stripped, "title"))
            seen.add(" ".join(stripped.lower().split()))
            continue
        reason = _drop_reason(stripped, title, seen)
        if reason:
            dropped.append(DroppedLine(number, stripped, reason))
        else:
            kept.append(URL.sub("", stripped).strip())
        seen.add(" ".join(stripped.lower().split()))
    body = "\n".join(kept).strip()
    body = re.sub(r"\n{3,}", "\n\n", body)
    cleaned_article = Article(**{**article.to_dict(), "title": title})
    return CleanArticle(cleaned_article, body, sorted(dropped, key=lambda line: line.line))


def parse_article_date(text: str | None):
    """An article's date as a timezone-naive datetime (ISO 8601 first, then dateparser), or None.

    None also for a date that is relative or impossible ("yesterday", "2024-13-45").
    """
    import datetime

    if not text or not text.strip():
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        import dateparser

        # Relative dates ("yesterday", "3 days ago") are not parsed: read against the day the
        # tool runs, they would turn a contradiction into an update depending on when it runs.
        parsed = dateparser.parse(
            text,
            settings={
                "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
            },
            # English news: trying every language makes an unreadable date take seconds.
            languages=["en"],
        )
    if parsed is not None and parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


EMPTY_AFTER_CLEANING = "nothing left after removing boilerplate"


@dataclass(frozen=True)
class SkippedArticle:
    """An article left out of the comparison, and why."""

    id: str
    origin: str
    reason: str

    @property
    def warning(self) -> str:
        return f"{self.origin or self.id}: {self.reason}; left out"

    def to_dict(self) -> dict:
        return asdict(self)


def clean_articles(articles: list[Article], needed: int = 1) -> tuple[list[CleanArticle], list[SkippedArticle]]:
    """Clean every article; one that is only boilerplate (a page of script, a promo) is left out.

    Returns the usable articles and the ones left out. Raises :class:`InputError`,
    naming every one left out, when fewer than ``needed`` remain.
    """
    cleaned = [clean_article(a) for a in articles]
    skipped = [SkippedArticle(c.article.id, c.article.origin, EMPTY_AFTER_CLEANING) for c in cleaned if not c.body]
    usable = [c for c in cleaned if c.body]
    if len(usable) < needed:
        enough = "an article" if needed == 1 else f"{needed} articles"
        raise InputError(
            [f"{s.origin or s.id}: {s.reason}" for s in skipped]
            + [f"{len(usable)} usable article(s) left; {enough} needed"]
        )
    return usable, skipped
