"""The terminal report of ``nli score`` and ``nli stance``, readable at 80 columns and wider.

Articles are numbered once in a legend ([1] bay-tv ...), and every later mention uses
the number: a contradiction is its two sentences one under the other, a claim is one
line with its articles' stances beneath, and the agreement matrix has one narrow
column per article. Every piece of user text is escaped: article text may hold
"[sic]" or a WordPress "[caption]...[/caption]", which rich would read as markup.
"""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from nli.scoring.claim_stance import StanceReport
from nli.scoring.report import LabelledPair, Report
from nli.scoring.slots import segments

STANCE_STYLE = {
    "supports": "green",
    "contradicts": "bold red",
    "mentions": "yellow",
    "not_mentioned": "dim",
}
# Above this many articles the terminal leaves out the agreement matrix, and a claim's
# line names at most this many articles for each stance.
TERMINAL_MATRIX_ARTICLES = 30
STANCE_WORDS = {"supports": "supports", "contradicts": "contradicts", "mentions": "mentions", "not_mentioned": "silent"}


def _marked(pair: LabelledPair, side: str) -> str:
    """One side's text, escaped for rich, with the conflicting spans underlined."""
    ref = pair.a if side == "a" else pair.b
    spans = [getattr(c, side) for c in pair.slots.conflicts] if pair.slots else []
    return "".join(
        f"[bold underline]{escape(piece)}[/]" if marked else escape(piece)
        for piece, marked in segments(ref.text, spans)
    )


def _hanging() -> Table:
    """Two columns without borders: a short mark, then text whose wrapped lines stay under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    return grid


def render_terminal(report: Report, top: int = 10, show_dropped: bool = False, console: Console | None = None) -> None:
    """Contradictions, shared claims with each article's stance, and the agreement matrix."""
    console = console or Console()
    number = {article: k for k, article in enumerate(report.agreement.articles, start=1)}
    console.print(
        f"[bold]{len(report.articles)} articles[/], {report.stats.claim_sentences} claim sentences, "
        f"{report.stats.candidate_pairs} candidate pairs, {report.stats.nli_calls} NLI calls "
        f"({report.backend}, {report.stats.seconds:.1f} s)"
    )
    console.print(
        Columns([f"[bold]{escape(f'[{k}]')}[/] {escape(article)}" for article, k in number.items()], padding=(0, 2)),
    )

    def mark(article: str, pair: LabelledPair, side: str) -> str:
        also = sorted(pair.articles(side) - {article}, key=number.get)
        copies = f" [dim](also {escape(' '.join(f'[{number[a]}]' for a in also))})[/]" if also else ""
        return f"[bold]\\[{number[article]}][/]{copies}"

    shown = report.contradictions[:top]
    console.rule(f"Top {len(shown)} contradictions" if shown else "Contradictions")
    if not shown:
        console.print("[green]No contradictions found.[/]")
    for rank, pair in enumerate(shown, start=1):
        console.print(f"[bold]{rank}.[/] score {pair.score:.2f}  {escape(pair.type or '')}", highlight=False)
        sides = _hanging()
        for side, ref in (("a", pair.a), ("b", pair.b)):
            sides.add_row(mark(ref.article, pair, side), _marked(pair, side))
        console.print(Padding(sides, (0, 0, 0, 3)))
    if report.updates:
        console.rule("Figures revised between dated reports (updates, not contradictions)")
        for pair in report.updates[:top]:
            earlier, later = pair.update["earlier"], pair.update["later"]
            console.print(
                f"[bold]\\[{number[earlier['article']]}][/] {escape(str(earlier['date']))}: {escape(earlier['figure'])}"
                f"  →  [bold]\\[{number[later['article']]}][/] {escape(str(later['date']))}: {escape(later['figure'])}",
                highlight=False,
            )

    if report.claims:
        console.rule("Shared claims and where each article stands")
        for rank, claim in enumerate(report.claims[:top], start=1):
            heading = _hanging()
            heading.add_row(f"[bold]{rank}.[/]", escape(claim.text[:200]))
            console.print(heading)
            by_stance: dict[str, list[str]] = {}
            for article in report.agreement.articles:
                by_stance.setdefault(claim.stances[article].stance, []).append(f"[{number[article]}]")
            line = "   ".join(
                f"[{STANCE_STYLE[stance]}]{STANCE_WORDS[stance]}[/] {escape(' '.join(marks[:TERMINAL_MATRIX_ARTICLES]))}"
                + (
                    f" and {len(marks) - TERMINAL_MATRIX_ARTICLES} more"
                    if len(marks) > TERMINAL_MATRIX_ARTICLES
                    else ""
                )
                for stance, marks in sorted(by_stance.items(), key=lambda item: list(STANCE_STYLE).index(item[0]))
            )
            console.print(Padding(line, (0, 0, 0, 3)), highlight=False)

    console.rule("Agreement (agree − contradict) / compared pairs")
    if len(report.agreement.articles) > TERMINAL_MATRIX_ARTICLES:
        console.print(
            f"{len(report.agreement.articles)} articles: too many for a matrix here; "
            "--json or --html gives every pair of articles with something compared"
        )
    else:
        matrix = Table(box=None, pad_edge=False)
        matrix.add_column("")
        for article in report.agreement.articles:
            matrix.add_column(escape(f"[{number[article]}]"), justify="right")
        for i, article in enumerate(report.agreement.articles):
            cells = []
            for j in range(len(report.agreement.articles)):
                value = report.agreement.score(i, j) if i != j else None
                cells.append("·" if value is None else f"{value:+.2f}")
            matrix.add_row(escape(f"[{number[article]}] {article}"), *cells)
        console.print(matrix)

    if show_dropped:
        for article in report.articles:
            for line in article.dropped:
                console.print(f"[dim]{escape(article.id)}:{line.line} dropped ({line.reason}): {escape(line.text)}[/]")


def render_stances(report: StanceReport, console: Console | None = None) -> None:
    """Each article's stance on one claim: one line per article, its deciding sentence beneath."""
    console = console or Console()
    console.print(f"[bold]Stance on:[/] {escape(report.claim)}", highlight=False)
    for result in report.articles:
        probs = "  ".join(f"{stance} {p:.2f}" for stance, p in result.probs.items())
        console.print(f"[bold]{escape(result.article)}[/]: {result.stance}   [dim]{probs}[/]", highlight=False)
        if result.evidence:
            console.print(Padding(escape(result.evidence[0].text), (0, 0, 0, 3)), highlight=False)
