"""Atomic writes: a reader sees either no file or the whole file, never half."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_temp(out_dir: Path, data: bytes) -> Path:
    """Write `data` durably to a hidden temp file in `out_dir` (same filesystem
    as the target, so os.replace is atomic). Removes it again if writing fails."""
    fd, name = tempfile.mkstemp(dir=out_dir, prefix=".photo-", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def publish(files: dict[Path, bytes], out_dir: Path) -> None:
    """Write each {target: data} atomically, all or none: if any step fails, the
    temp files and the targets this call already placed are removed again.
    Targets already present are left alone: their names are content hashes."""
    temps: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for target, data in files.items():
            if not target.exists():
                temps[target] = write_temp(out_dir, data)
        for target, temp in temps.items():
            os.replace(temp, target)
            placed.append(target)
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
