"""Output files: checked before any work starts, written atomically once it is done.

A run that ends in a bad output path should fail in its first second, not after an
hour of scoring; and a run killed while writing must never leave a file that looks
complete. Every writer goes through :func:`write_text_atomic` (a temporary file in
the same folder, then a rename).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nli.errors import InputError
from nli.text import valid_unicode

# What reading a directory of articles picks up (nli.scoring.articles): an output
# written among the inputs with one of these would be read as an article next time.
READ_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl", ".json"}


def _writable_folder(folder: Path) -> str | None:
    """Why nothing can be written in ``folder``, or None. Probed, since root passes every access check."""
    if not folder.exists():
        return f"its folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".nli-probe-"):
            pass
    except OSError as err:
        return f"its folder {folder} is not writable ({err.strerror})"
    return None


def output_file_problems(path: Path | None, option: str, inputs: Iterable[str | Path] = ()) -> list[str]:
    """Problems with writing the file ``path`` (given as ``option``); none when it is fine or not asked for."""
    if path is None:
        return []
    if path.is_dir():
        return [f"{option} {path}: is a folder; expected a file name"]
    reason = _writable_folder(path.resolve().parent)
    if reason:
        return [f"{option} {path}: cannot be written, {reason}"]
    if path.exists():
        # An existing file may refuse writes its folder allows (read-only for this user,
        # immutable): opened for update, changed in nothing, closed at once.
        try:
            with path.open("r+b"):
                pass
        except OSError as err:
            return [f"{option} {path}: exists and cannot be written ({err.strerror})"]
    target = path.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if target == source:
            return [f"{option} {path}: is one of the inputs; it would be overwritten"]
        if source.is_dir() and source in target.parents and target.suffix.lower() in READ_SUFFIXES:
            if target.exists():
                return [f"{option} {path}: is one of the inputs (read from {given}); it would be overwritten"]
            return [
                f"{option} {path}: lies in the input folder {given}, where the next run would read it as an article"
            ]
    return []


def output_folder_problems(path: Path | None, option: str) -> list[str]:
    """Problems with writing into the folder ``path`` (made if missing, when its parent can hold it)."""
    if path is None:
        return []
    if path.exists() and not path.is_dir():
        return [f"{option} {path}: is a file; expected a folder"]
    reason = _writable_folder(path if path.exists() else path.resolve().parent)
    return [f"{option} {path}: cannot be written, {reason}"] if reason else []


def check_outputs(problems: Iterable[str]) -> None:
    """Raise :class:`InputError` with every output problem at once."""
    found = list(problems)
    if found:
        raise InputError(found)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` only if the block succeeds."""
    handle, temporary = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield Path(temporary)
        # mkstemp makes the file private (0600): give it the mode an ordinary write would.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_path(path) as temporary:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(valid_unicode(text))
            handle.flush()
            os.fsync(handle.fileno())


def finite(value: object) -> object:
    """``value`` with every NaN or infinity replaced by None: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def json_text(document: object, indent: int | None = 2) -> str:
    """Strict JSON (never a bare NaN), non-ASCII kept as it is, always valid UTF-8."""
    return valid_unicode(json.dumps(finite(document), indent=indent, ensure_ascii=False, allow_nan=False))
