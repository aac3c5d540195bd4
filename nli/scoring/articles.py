"""Reading article sets and cleaning them of what is not the article's own reporting.

Accepted input: a directory of ``.txt``/``.md``/``.html`` files (one article each,
id = file stem), a list of such files, or one ``.jsonl``/``.json`` file of records
``{id, text, title?, source?, url?, date?}``. HTML goes through trafilatura.

Problems are collected over the whole set and raised together as one
:class:`InputError`, so a user sees every bad file at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nli.errors import InputError

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


def _decode(path: Path, raw: bytes, warnings: list[str]) -> str | None:
    if b"\x00" in raw[:4096]:
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


def _read_records(path: Path, text: str, problems: list[str]) -> list[Article]:
    records: list[tuple[int, object]] = []
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as err:
                problems.append(f"{path}:{number}: not valid JSON ({err.msg}); expected one object per line")
    else:
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as err:
            problems.append(f"{path}:{err.lineno}: not valid JSON ({err.msg})")
            return []
        if isinstance(loaded, dict) and isinstance(loaded.get("articles"), list):
            loaded = loaded["articles"]
        if not isinstance(loaded, list):
            problems.append(f'{path}: expected a list of article objects (or {{"articles": [...]}})')
            return []
        records = [(i + 1, item) for i, item in enumerate(loaded)]
    articles = []
    for number, record in records:
        where = f"{path}:{number}" if path.suffix == ".jsonl" else f"{path} (record {number})"
        if not isinstance(record, dict):
            problems.append(f"{where}: expected an object with 'id' and 'text'")
            continue
        if not isinstance(record.get("text"), str) or not record["text"].strip():
            problems.append(f"{where}: missing or empty 'text'; each record needs {{id, text}}")
            continue
        articles.append(
            Article(
                id=str(record.get("id") or f"{path.stem}-{number}"),
                text=record["text"],
                title=record.get("title"),
                source=record.get("source"),
                url=record.get("url"),
                date=record.get("date"),
                origin=where,
            )
        )
    return articles


def read_articles(paths: list[str | Path]) -> ReadResult:
    """Read every article named by ``paths``; raise :class:`InputError` listing all problems."""
    problems: list[str] = []
    warnings: list[str] = []
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES | RECORD_SUFFIXES)
            if not found:
                problems.append(f"{path}: directory has no .txt, .md, .html, .jsonl or .json files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
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
        text = _decode(path, raw, warnings)
        if text is None:
            problems.append(f"{path}: looks binary (NUL bytes); expected a text, Markdown, HTML or JSON file")
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
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            problems.append(f"{article.origin}: duplicate article id {article.id!r} (also {seen[article.id]})")
        seen.setdefault(article.id, article.origin)
    if problems:
        raise InputError(problems)
    return ReadResult(articles, warnings)


# --- cleaning -------------------------------------------------------------------------

URL = re.compile(r"https?://\S+|www\.\S+")
# Scraper metadata glued to the front of a line: "date 2024-04-22 <title>".
METADATA_PREFIX = re.compile(r"^\s*date:?\s+\d{4}-\d{2}-\d{2}\S*\s*", re.I)
BOILERPLATE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("byline", re.compile(r"^(by|editor|edited by|written by|author|reporter)\s*[:|]?\s+\S", re.I)),
    ("reporting credit", re.compile(r"^\(?\s*(reporting|additional reporting|writing|editing) by\b", re.I)),
    ("follow us", re.compile(r"^(follow|join|subscribe|sign up|like) (us|our)\b|\bfollow us on\b", re.I)),
    ("see also", re.compile(r"^(see also|read more|related|more on this|also read|recommended)\b", re.I)),
    (
        "comment policy",
        re.compile(r"\b(comments? (are|is) (moderated|closed)|comment policy|community guidelines)\b", re.I),
    ),
    (
        "image credit",
        re.compile(r"^(photo|image|picture|file photo|credit|source: getty|illustration)\b.{0,80}$", re.I),
    ),
    ("image credit", re.compile(r"\b(file photo|photo credit|getty images|/ afp|/ reuters)\.?$", re.I)),
    ("timestamp", re.compile(r"^(last )?(update[ds]?|published|posted|modified|date)\b\s*:?.{0,60}$", re.I)),
    ("timestamp", re.compile(r"^\W*\d{4}-\d{2}-\d{2}(t[\d:+\-.z]+)?\W*$", re.I)),
    ("timestamp", re.compile(r"^\W*\d{1,2}[:.]\d{2}\s*(am|pm|gmt|utc)?\W*$", re.I)),
    ("reading time", re.compile(r"^\d+\s*(-| )?min(ute)?s?( read)?\b", re.I)),
    ("contact line", re.compile(r"\S+@\S+\.\w+|\+\d[\d ]{7,}")),
    ("navigation", re.compile(r"^\W*[\w ]{0,30}\s*\|\s*[\w :]*$")),
]


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


def clean_article(article: Article) -> CleanArticle:
    """Drop boilerplate lines; the first unpunctuated line becomes the title if none is known."""
    kept: list[str] = []
    dropped: list[DroppedLine] = []
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(article.text.splitlines(), start=1):
        prefix = METADATA_PREFIX.match(line)
        if prefix:
            dropped.append(DroppedLine(number, prefix.group().strip(), "metadata"))
            line = line[prefix.end() :]
        lines.append((number, line))
    title = article.title
    if title is None:
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
    return CleanArticle(cleaned_article, body, dropped)
