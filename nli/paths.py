"""Where the checkout's own files lie (the shipped models, the harness data, the bundled example), and the cache."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
EVAL_DATA_DIR = PROJECT_ROOT / "eval" / "data"
NEWS_PAIRS = EVAL_DATA_DIR / "news_pairs.jsonl"
SPLIT_CASES = EVAL_DATA_DIR / "sentence_splits.jsonl"
GLUED_CASES = EVAL_DATA_DIR / "glued_splits.jsonl"
SLOT_PAIRS = EVAL_DATA_DIR / "slot_pairs.jsonl"
NUMBER_PHRASES = EVAL_DATA_DIR / "number_phrases.jsonl"
EXAMPLE_SET = PROJECT_ROOT / "examples" / "dock-road-fire"
RECIPES_DIR = Path(__file__).resolve().parent / "training" / "recipes"
# ../shared/data beside the checkout, unless NLI_DATA_DIR says otherwise (nli.data.corpora).
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"


def cache_root() -> Path:
    """``$NLI_CACHE_DIR`` or ``~/.cache/nli``: rebuilt files that never go in the repository."""
    return Path(os.environ.get("NLI_CACHE_DIR") or Path.home() / ".cache" / "nli")
