"""Shared fixtures. Tests run offline on the shipped models and small fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "dock-road-fire"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
MODEL_DIR = ROOT / "models" / "minilm-nli-news"

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} (the shared data folder) is not present")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} (the seed articles) is not present")


def run_cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the real `nli` command (as installed in this interpreter's environment)."""
    return subprocess.run(
        [sys.executable, "-m", "nli.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def onnx_model():
    import nli

    return nli.load_nli()


@pytest.fixture(scope="session")
def encoder():
    import nli

    return nli.load_encoder()


@pytest.fixture(scope="session")
def model(onnx_model, encoder):
    """The default model as one object, around the session's backends (loaded once)."""
    import nli

    return nli.Model.from_backend(onnx_model, encoder)
