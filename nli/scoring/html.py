"""Self-contained HTML reports (Jinja2 templates, inline CSS and SVG, no scripts or network).

Every piece of article text is untrusted: the templates autoescape everything, and
the few fragments built here (word-level diff marks, sentence marks) escape the
text before wrapping it in markup.
"""

from __future__ import annotations

import base64
import difflib
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from nli.scoring.report import Report
from nli.scoring.slots import Span, segments
from nli.scoring.verdicts import AGREEING, CONTRADICTION

TEMPLATES = Path(__file__).parent / "templates"
STANCE_CLASS = {"supports": "ok", "contradicts": "bad", "mentions": "meh", "not_mentioned": "none"}


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["pct"] = lambda value: "—" if value is None else f"{100 * value:.1f}"
    return env


def diff_marks(a: str, b: str) -> tuple[Markup, Markup]:
    """Both sentences, escaped, with the words that differ between them wrapped in <mark>."""
    words_a, words_b = a.split(), b.split()
    matcher = difflib.SequenceMatcher(None, [w.lower() for w in words_a], [w.lower() for w in words_b])
    out_a, out_b = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        chunk_a, chunk_b = escape(" ".join(words_a[i1:i2])), escape(" ".join(words_b[j1:j2]))
        if tag == "equal":
            out_a.append(chunk_a)
            out_b.append(chunk_b)
        else:
            if i2 > i1:
                out_a.append(Markup("<mark>") + chunk_a + Markup("</mark>"))
            if j2 > j1:
                out_b.append(Markup("<mark>") + chunk_b + Markup("</mark>"))
    return Markup(" ").join(out_a), Markup(" ").join(out_b)


def span_marks(text: str, spans: list[dict]) -> Markup:
    """The sentence, escaped, with the conflicting slot spans wrapped in <mark class="slot">."""
    pieces = segments(text, [Span(s["start"], s["end"], s["text"]) for s in spans])
    return Markup("").join(
        Markup('<mark class="slot">') + escape(piece) + Markup("</mark>") if marked else escape(piece)
        for piece, marked in pieces
    )


def heatmap_svg(articles: list[str], scores: list[list[float | None]], cell: int = 46) -> Markup:
    """The agreement matrix as inline SVG: red (contradict) to green (agree), grey where not compared."""

    def colour(value: float | None) -> str:
        if value is None:
            return "#e5e5e5"
        red = int(220 - 120 * max(value, 0)) if value >= 0 else 220
        green = int(200 + 20 * value) if value >= 0 else int(200 + 140 * value)
        return f"rgb({red},{max(green, 60)},{110 if value >= 0 else 90})"

    label_width = 150
    n = len(articles)
    # room for the rotated column labels on the right and for the four legend entries
    width, height = max(label_width + n * cell + 110, label_width + 4 * 110 + 20), label_width + n * cell + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="agreement heatmap">'
    ]
    for i, name in enumerate(articles):
        y = label_width + i * cell + cell / 2
        parts.append(f'<text x="{label_width - 6}" y="{y + 4}" text-anchor="end" font-size="12">{escape(name)}</text>')
        x = label_width + i * cell + cell / 2
        parts.append(
            f'<text x="{x}" y="{label_width - 6}" font-size="12" transform="rotate(-45 {x} {label_width - 6})">{escape(name)}</text>'
        )
        for j in range(n):
            value = None if i == j else scores[i][j]
            text = "" if value is None else f"{value:+.2f}"
            parts.append(
                f'<rect x="{label_width + j * cell}" y="{label_width + i * cell}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{colour(value)}"><title>{escape(articles[i])} / {escape(articles[j])}: {text or "not compared"}</title></rect>'
            )
            if text:
                parts.append(
                    f'<text x="{label_width + j * cell + cell / 2 - 1}" y="{label_width + i * cell + cell / 2 + 4}" '
                    f'text-anchor="middle" font-size="11">{text}</text>'
                )
    legend_y = label_width + n * cell + 14
    for k, (value, name) in enumerate(((-1.0, "contradict"), (0.0, "mixed"), (1.0, "agree"), (None, "not compared"))):
        x = label_width + k * 110
        parts.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{colour(value)}"/>')
        parts.append(f'<text x="{x + 18}" y="{legend_y + 12}" font-size="12">{name}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _normalize(text: str) -> str:
    return " ".join(text.split())


def marked_article(article: dict, status: dict[tuple[str, str], str]) -> list[dict]:
    """The article's lines: dropped ones flagged, kept sentences wrapped in status marks."""
    dropped = {d["line"]: d["reason"] for d in article["dropped"]}
    lines = []
    for number, raw in enumerate(article["text"].splitlines(), start=1):
        if not raw.strip():
            continue
        if number in dropped:
            lines.append({"dropped": True, "reason": dropped[number], "html": escape(raw.strip())})
            continue
        line = _normalize(raw)
        html = escape(line)
        for sentence in article["sentences"]:
            kind = status.get((article["id"], sentence))
            if kind and sentence in line:
                wrapped = (
                    Markup('<span class="s-{}" title="{}">').format(kind, kind) + escape(sentence) + Markup("</span>")
                )
                html = Markup(str(html).replace(str(escape(sentence)), str(wrapped), 1))
        lines.append({"dropped": False, "reason": None, "html": html})
    return lines


def render_score_html(report: Report, top: int = 20) -> str:
    document = report.to_dict()
    status: dict[tuple[str, str], str] = {}
    for pair in report.pairs:
        kind = "contradicted" if pair.verdict == CONTRADICTION else "agreed" if pair.verdict in AGREEING else None
        for side in (pair.a, pair.b):
            key = (side.article, side.text)
            if kind == "contradicted" or (kind and key not in status):
                status[key] = kind
    contradictions = []
    for rank, pair in enumerate(document["contradictions"][:top], start=1):
        # The conflicting slots when the comparison found them; else the words that differ.
        if pair["conflicts"]:
            marked_a = span_marks(pair["a"]["text"], [c["a"] for c in pair["conflicts"]])
            marked_b = span_marks(pair["b"]["text"], [c["b"] for c in pair["conflicts"]])
        else:
            marked_a, marked_b = diff_marks(pair["a"]["text"], pair["b"]["text"])
        contradictions.append({**pair, "rank": rank, "marked_a": marked_a, "marked_b": marked_b})
    articles = [{**a, "lines": marked_article(a, status)} for a in document["articles"]]
    return (
        _environment()
        .get_template("score.html.j2")
        .render(
            report=document,
            articles=articles,
            contradictions=contradictions,
            stance_class=STANCE_CLASS,
            heatmap=heatmap_svg(document["agreement"]["articles"], document["agreement"]["matrix"])
            if document["agreement"]["matrix"] is not None
            else None,
        )
    )


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_eval_html(results: list[dict], plots: dict[str, list[Path]], errors: list[dict]) -> str:
    grouped: dict[str, dict[tuple[str, str], list[dict]]] = {}
    for error in errors:
        grouped.setdefault(error["dataset"], {}).setdefault((error["gold"], error["predicted"]), []).append(error)
    sets = []
    for result in results:
        name = result["dataset"]
        sets.append(
            {
                "result": result,
                "plots": [_png_data_uri(p) for p in plots.get(name, [])],
                "errors": sorted(grouped.get(name, {}).items()),
                "anchor": re.sub(r"[^a-z0-9-]", "-", name.lower()),
            }
        )
    return _environment().get_template("eval.html.j2").render(sets=sets)
