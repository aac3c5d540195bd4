"""The HTML reports: escaping of hostile text, every section present, and a real browser."""

import shutil
import tempfile

import pytest
from conftest import EXAMPLES, MODEL_DIR, ROOT, run_cli

from nli.scoring.html import diff_marks, heatmap_svg, span_marks

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
ARTIFACTS = ROOT / "tests" / "artifacts"


def test_diff_marks_escape_and_mark_only_the_differences():
    a, b = diff_marks("Three <b>firefighters</b> were hurt.", "Eleven <b>firefighters</b> were hurt.")
    assert str(a) == "<mark>Three</mark> &lt;b&gt;firefighters&lt;/b&gt; were hurt."
    assert str(b) == "<mark>Eleven</mark> &lt;b&gt;firefighters&lt;/b&gt; were hurt."


def test_span_marks_escape_and_mark_the_conflicting_slots():
    text = "Three <b>firefighters</b> were hurt on Sunday."
    marked = span_marks(text, [{"start": 0, "end": 5, "text": "Three"}, {"start": 39, "end": 45, "text": "Sunday"}])
    assert str(marked) == (
        '<mark class="slot">Three</mark> &lt;b&gt;firefighters&lt;/b&gt; were hurt on <mark class="slot">Sunday</mark>.'
    )


def test_heatmap_escapes_article_names():
    svg = str(heatmap_svg(["<script>x</script>", "b"], [[None, 0.5], [0.5, None]]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "+0.50" in svg


@needs_model
def test_hostile_article_text_is_escaped(tmp_path):
    hostile = (
        '<script>alert("pwned")</script> The bridge <img src=x onerror=alert(1)> was closed on Monday after the storm.'
    )
    articles = tmp_path / "set"
    articles.mkdir()
    (articles / "a.txt").write_text(hostile + "\n\nThe river rose by three metres overnight, officials said.\n")
    (articles / "b.txt").write_text(
        "The bridge was open on Monday after the storm.\n\nThe river rose by ten metres overnight.\n"
    )
    out = tmp_path / "r.html"
    result = run_cli("score", str(articles), "--html", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run_cli("score", str(EXAMPLES), "--html", str(out))
    assert result.returncode == 0, result.stderr
    return out


@needs_model
def test_every_section_is_present(example_report):
    html = example_report.read_text()
    for section in ('id="articles"', 'id="contradictions"', 'id="claims"', 'id="agreement"', 'id="texts"'):
        assert section in html
    for article in ("bay-tv", "coastal-wire", "daily-flash", "freight-journal", "harbour-herald"):
        assert article in html
    assert "<svg" in html and '<mark class="slot">' in html and 'class="dropped"' in html
    assert 'class="type">attribution<' in html and 'class="type">number<' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in html


@needs_model
def test_eval_html(tmp_path):
    out = tmp_path / "eval.html"
    result = run_cli("eval", "eval/data/news_pairs.jsonl", "--limit", "30", "--bootstrap", "20", "--html", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert 'id="metrics"' in html and "Confusion" in html and "data:image/png;base64," in html
    assert "Misclassified pairs" in html


def _chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@needs_model
@pytest.mark.skipif(
    not (_chromium() and shutil.which("chromedriver")), reason="Chromium and chromedriver are not installed"
)
def test_report_in_a_real_browser(example_report):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = _chromium()
    profile = tempfile.mkdtemp(prefix="nli-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1300,2400",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        driver.get(example_report.as_uri())
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "report.png"))
        pairs = driver.find_elements(By.CSS_SELECTOR, "#contradiction-list .contradiction")
        assert pairs, "no contradictions rendered"
        texts = [p.text for p in pairs[:4]]
        # the cause contradiction is a known miss of the shipped model (see test_cli_score.py)
        planted = ("firefighters", "port authority", "arrested")
        for words in planted:
            assert any(words in t for t in texts), f"planted contradiction '{words}' not among the first four"
        requests = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert [r for r in requests if not r.startswith("data:")] == []
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@needs_model
def test_copies_of_a_wire_story_are_named_beside_each_side(tmp_path):
    articles = tmp_path / "set"
    articles.mkdir()
    for i in range(2):
        (articles / f"yes-{i}.txt").write_text("Police said the <b>fire</b> on Dock Road was started deliberately.\n")
        (articles / f"no-{i}.txt").write_text(
            "Police said the <b>fire</b> on Dock Road was not started deliberately.\n"
        )
    out = tmp_path / "r.html"
    result = run_cli("score", str(articles), "--html", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "(also no-1)" in html and "(also yes-1)" in html and "<b>fire</b>" not in html
