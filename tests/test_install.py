"""The wheel as a user installs it: a fresh virtual environment without torch, run from elsewhere."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT
from test_cli_score import PLANTED, matches

pytestmark = pytest.mark.slow


def _run(*args, cwd, timeout=900):
    # No NLI_* variables and no checkout on the path: only what the wheel carries.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NLI_", "PYTHON"))}
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("install")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(ROOT), "-w", str(work / "dist"), cwd=work)
    wheels = list((work / "dist").glob("nli-*.whl"))
    assert len(wheels) == 1
    _run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work)
    # No byte-compiling of every dependency at install (a third of the install's time): Python
    # compiles what the commands below import, as a user's first run does.
    _run(str(work / "venv" / "bin" / "pip"), "install", "--quiet", "--no-compile", str(wheels[0]), cwd=work)
    elsewhere = work / "elsewhere"
    shutil.copytree(EXAMPLES, elsewhere / "set")
    return work / "venv" / "bin", elsewhere, wheels[0]


def test_the_wheel_scores_the_example_from_another_directory_without_torch(installed):
    bin_dir, elsewhere, _ = installed
    report = json.loads(_run(str(bin_dir / "nli"), "score", "set", "--json", cwd=elsewhere).stdout)
    top = report["contradictions"][: len(PLANTED)]
    for name in ("number", "attribution", "denial"):
        assert any(matches(pair, PLANTED[name]) for pair in top), f"planted {name} contradiction not in the top"
    assert report["model"].replace("\\", "/").endswith("nli_models/minilm-nli-news")
    code = (
        "import importlib.util, json, nli\n"
        "report = nli.score_articles(['set'])\n"
        "print(json.dumps({'n': len(report.contradictions), 'torch': importlib.util.find_spec('torch') is not None,"
        " 'path': nli.__file__}))\n"
    )
    outcome = json.loads(_run(str(bin_dir / "python"), "-c", code, cwd=elsewhere).stdout)
    assert outcome["n"] >= 3 and outcome["torch"] is False
    assert str(ROOT) not in outcome["path"], "the checkout, not the wheel, was imported"


def test_the_installed_models_version_and_module_entry_point(installed):
    bin_dir, elsewhere, wheel = installed
    models = {m["name"]: m for m in json.loads(_run(str(bin_dir / "nli"), "models", "--json", cwd=elsewhere).stdout)}
    assert {m["origin"] for m in models.values()} == {"installed"}
    assert models["minilm-nli-news"]["torch_backend"] is False
    version = _run(str(bin_dir / "python"), "-m", "nli", "--version", cwd=elsewhere).stdout
    assert re.match(r"nli \d+\.\d+\.\d+ \(model minilm-nli-news v\d", version) and "installed" in version
    # The wheel carries the scoring files, not the fp16 weights or the training record.
    assert 30e6 < wheel.stat().st_size < 100e6  # the default model, the stance model and the encoder


def test_the_wheel_leaves_out_the_accurate_model_and_says_where_it_is(installed):
    bin_dir, elsewhere, _ = installed
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NLI_", "PYTHON"))}
    result = subprocess.run(
        [str(bin_dir / "nli"), "score", "set", "--model", "mpnet-teacher-v2"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert result.returncode == 3, result.stderr
    assert "model 'mpnet-teacher-v2' not found" in result.stderr
    assert "ships in the checkout's models/ only" in result.stderr
    assert "Traceback" not in result.stderr
