"""The package layout: what each subpackage may import, and a scoring path free of torch."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

PACKAGE = ROOT / "nli"
HEAVY = ("torch", "transformers", "sentence_transformers")

# Each part of nli/ and the parts it may import (README, "Layout"). Data flows one way:
# scoring never reaches training or evaluation, and nothing but the CLI reaches everything.
BASE = {"errors", "paths", "outputs", "text"}
# A model folder's side files (thresholds, combiner, stance aggregator) are read by the
# scoring modules that use them; the model bundle loads them with the backend.
MODEL_SIDE_FILES = {"scoring.verdicts", "scoring.combiner", "scoring.stance"}
ALLOWED = {
    "errors": set(),
    "paths": set(),
    "text": set(),
    "outputs": {"errors", "text"},
    "model": BASE | {"model", "data"} | MODEL_SIDE_FILES,
    "data": BASE | {"data", "model.labels"},
    "scoring": BASE | {"scoring", "model.backends", "model.labels", "model.registry", "model.bundle"},
    "batch": BASE | {"batch", "scoring", "model"},
    "evaluation": BASE | {"evaluation", "scoring", "model", "data"},
    "training": BASE | {"training", "evaluation", "scoring", "model", "data"},
}
CLI_MODULE_LINES = 300


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _nli_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``nli.…`` module a file imports, at any depth (lazy imports in functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "nli":
            if node.module == "nli":
                found += [(node.lineno, f"nli.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] in ("nli", *HEAVY)]
    return found


def _modules(part: str) -> list[Path]:
    return sorted((PACKAGE / part).rglob("*.py")) if (PACKAGE / part).is_dir() else [PACKAGE / f"{part}.py"]


def test_every_module_belongs_to_a_known_part():
    parts = {p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())}
    assert parts - {"__init__", "__main__", "cli"} == set(ALLOWED)


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_what_the_layout_allows(part):
    wrong = []
    for path in _modules(part):
        for line, module in _nli_imports(path):
            if module.split(".")[0] != "nli":
                continue
            target = ".".join(module.split(".")[1:3])
            if not any(target == allowed or target.startswith(allowed + ".") for allowed in ALLOWED[part] | {part}):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    assert not wrong, "\n".join(wrong)


def test_no_scoring_module_names_torch_even_lazily():
    named = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in _modules("scoring") + _modules("data")
        for line, module in _nli_imports(path)
        if module.split(".")[0] in HEAVY
    ]
    assert not named, "\n".join(named)


def test_the_layout_checks_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from nli.training.trainer import train\n    import torch\n")
    assert _nli_imports(bad) == [(2, "nli.training.trainer"), (3, "torch")]


@pytest.mark.slow
def test_scoring_an_article_set_loads_no_torch(tmp_path):
    """Import every scoring module, run the CLI's score command, then look in sys.modules."""
    scoring = [f"nli.scoring.{p.stem}" for p in _modules("scoring") if p.stem != "__init__"]
    out = tmp_path / "report.json"
    code = (
        "import importlib, json, sys\n"
        f"for name in {scoring + ['nli.model.backends', 'nli.model.labels', 'nli']!r}:\n"
        "    importlib.import_module(name)\n"
        "from nli.cli import main\n"
        f"status = main(['score', {str(EXAMPLES)!r}, '--output', {str(out)!r}, '--html', {str(tmp_path / 'r.html')!r}])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps({'status': status, 'heavy': heavy}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"status": 0, "heavy": []}
    assert json.loads(out.read_text())["contradictions"], "the example set's planted contradictions were not found"


def test_the_model_directory_keeps_what_a_user_needs_at_the_top_and_its_training_record_below():
    from nli.model.export import TRAINING_RECORD_DIR, TRAINING_RECORD_FILES

    model = ROOT / "models" / "minilm-nli-news"
    assert {p.name for p in model.iterdir()} == {
        "MODEL_CARD.md",
        "combiner.json",
        "config.json",
        "model.safetensors",
        "onnx",
        "parity.json",
        "stance_aggregator.json",
        "thresholds.json",
        "tokenizer.json",
        "tokenizer_config.json",
        TRAINING_RECORD_DIR,
    }
    assert set(TRAINING_RECORD_FILES) <= {p.name for p in (model / TRAINING_RECORD_DIR).iterdir()}


def test_the_wheel_lists_every_subpackage():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {".".join(init.parent.relative_to(ROOT).parts) for init in PACKAGE.rglob("__init__.py")}
    assert packages <= listed and "nli_models" in listed


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the nli modules it imports (lazy imports included), resolved to modules that exist."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for _, module in _nli_imports(path):
            while module and module not in modules:  # "from nli.scoring.x import f" -> nli.scoring.x
                module = module.rpartition(".")[0]
            if module and module != name:
                targets.add(module)
        graph[name] = targets
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_between_modules():
    # A package's __init__ re-exporting its modules is not a circle of the code's own.
    graph = {
        name: {t for t in targets if not (name.startswith(t + ".") and t.count(".") < name.count("."))}
        for name, targets in _import_graph().items()
        if name != "nli"
    }
    graph = {name: targets - {"nli"} for name, targets in graph.items()}
    assert _circles(graph) == []


def test_the_circle_check_can_fail():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_command_module_is_long():
    long = {
        str(path.relative_to(ROOT)): n
        for path in sorted((PACKAGE / "cli").glob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > CLI_MODULE_LINES
    }
    assert not long, long


def _takes_parsed_arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
    for argument in arguments:
        annotation = ast.unparse(argument.annotation) if argument.annotation else ""
        if "Namespace" in annotation or argument.arg == "args":
            return True
    return False


def test_nothing_below_the_cli_takes_parsed_arguments():
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (PACKAGE / "cli") not in path.parents
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _takes_parsed_arguments(node)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_parsed_arguments_check_can_fail():
    tree = ast.parse("def run(args: argparse.Namespace) -> int: ...\ndef fine(items, *args): ...\n")
    assert [_takes_parsed_arguments(f) for f in tree.body] == [True, False]
