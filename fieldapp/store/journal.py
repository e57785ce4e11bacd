"""Crash-safe storage for TinyDB: an append-only journal plus an atomic snapshot.

Layout of a store directory (mode 0700, files 0600):
  snapshot.json   the whole database in TinyDB's layout {table: {doc_id: doc}}
  journal.log     one JSON line per commit: {"c": [[table, doc_id, doc|null], ...]}

A commit is appended as one line, flushed and fsynced before it returns: the
line is the unit of atomicity, so a record and its outbox operation written
together are either both there after a crash or both absent. Puts carry the
whole document, so replaying a line twice changes nothing. Compaction writes
the snapshot to a temp file, fsyncs it, renames it over the old one, fsyncs
the directory, then restarts the journal. On open, a torn last line (no
newline, or not JSON) is dropped and cut off the file, never fatal.
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

log = logging.getLogger(__name__)
SNAPSHOT = "snapshot.json"
JOURNAL = "journal.log"
FILE_MODE = 0o600
DIR_MODE = 0o700
MIN_COMPACT_BYTES = 1 << 20  # journals under 1 MiB are never worth compacting

Tables = dict[str, dict[str, Any]]
Change = tuple[str, str, dict[str, Any] | None]  # (table, doc_id, doc or None = delete)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Loading creates millions of small acyclic objects: the cyclic collector
    would rescan them again and again (measured ~30% of open time). Afterwards
    they are frozen out of future full collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


class StoreLockedError(RuntimeError):
    """Another open handle (this process or another) writes this store."""


def ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)


class JournalStorage(Storage):
    """TinyDB storage backed by snapshot + journal. `read()` returns the live
    in-memory tables (TinyDB and the Store both see one copy); `write()` (what
    TinyDB calls for its own writes) compacts; `commit()` is the fast path."""

    def __init__(self, path: str | os.PathLike[str], compact_ratio: float = 0.5) -> None:
        super().__init__()
        self.dir = Path(path)
        ensure_private_dir(self.dir)
        self._lock_fd = self._take_lock()  # one writer per journal, TinyDB included
        self._fd = -1
        self.compact_ratio = compact_ratio
        self.tables: Tables = {}
        self.dropped_bytes = 0  # size of a torn tail cut off on open (for tests / logs)
        self._snapshot_bytes = 0
        try:
            with gc_paused():
                self._load()
            self._fd = self._open_journal()
        except BaseException:
            self.close()
            raise
        self._journal_bytes = os.fstat(self._fd).st_size

    # --- TinyDB Storage interface -------------------------------------------------
    def read(self) -> Tables | None:
        return self.tables

    def write(self, data: Tables) -> None:
        self.tables = data
        self.compact()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = -1

    def _take_lock(self) -> int:
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLockedError(str(self.dir)) from None
        return fd

    # --- fast path --------------------------------------------------------------
    def commit(self, changes: list[Change], durable: bool = True) -> None:
        """Append one line and apply it; with `durable` returns once it is on disk.
        durable=False (merges of pulled changes, which can be pulled again) still
        writes the line before returning; the next durable commit's fsync — e.g.
        the pull cursor's — covers it, since fsync flushes the whole file."""
        if not changes:
            return
        line = (_dumps({"c": [list(ch) for ch in changes]}) + "\n").encode("utf-8")
        try:
            view = memoryview(line)
            while view:  # unbuffered: nothing lingers in a buffer to be glued on later
                view = view[os.write(self._fd, view):]
            if durable:
                os.fsync(self._fd)
        except OSError:
            self._undo_partial_write()
            raise
        self._journal_bytes += len(line)
        self._apply(changes)
        if self._journal_bytes > max(MIN_COMPACT_BYTES, self._snapshot_bytes * self.compact_ratio):
            try:
                self.compact()
            except OSError:  # e.g. disk full: the commit itself is safe in the journal;
                log.warning("compaction failed; will retry", exc_info=True)  # retried next time
                with contextlib.suppress(OSError):
                    (self.dir / (SNAPSHOT + ".tmp")).unlink(missing_ok=True)

    def _undo_partial_write(self) -> None:
        """Disk full mid-line: cut the fragment so the next line starts clean.
        Nothing was applied in memory, so the commit simply did not happen."""
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, self._journal_bytes)

    def compact(self) -> None:
        """Atomically replace the snapshot with the current state; restart the journal."""
        data = _dumps(self.tables).encode("utf-8")
        tmp = self.dir / (SNAPSHOT + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.dir / SNAPSHOT)
        _fsync_dir(self.dir)
        # A crash here leaves the old journal: replaying it onto the new snapshot is harmless.
        os.ftruncate(self._fd, 0)  # O_APPEND: the next line goes to offset 0
        os.fsync(self._fd)
        self._journal_bytes = 0
        self._snapshot_bytes = len(data)

    @property
    def journal_bytes(self) -> int:
        return self._journal_bytes

    # --- loading ---------------------------------------------------------------
    def _apply(self, changes: list[Change] | list[list[Any]]) -> None:
        for table, doc_id, doc in changes:
            docs = self.tables.setdefault(table, {})
            if doc is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = doc

    def _load(self) -> None:
        snapshot = self.dir / SNAPSHOT
        if snapshot.exists():
            raw = snapshot.read_bytes()
            self._snapshot_bytes = len(raw)
            self.tables = json.loads(raw) if raw else {}
        journal = self.dir / JOURNAL
        if journal.exists():
            good = self._replay(journal.read_bytes())
            size = journal.stat().st_size
            if good < size:  # cut the torn tail so later lines do not glue onto it
                self.dropped_bytes = size - good
                with open(journal, "r+b") as fh:
                    fh.truncate(good)
                    os.fsync(fh.fileno())

    def _replay(self, raw: bytes) -> int:
        """Apply every complete line; return the byte offset after the last good one."""
        good = 0
        while good < len(raw):
            end = raw.find(b"\n", good)
            if end < 0:
                break  # torn: the write never finished
            try:
                entry = json.loads(raw[good:end])
                changes = entry["c"]
            except (ValueError, KeyError, TypeError):
                break  # garbage from a crash mid-write: everything after it is suspect
            self._apply(changes)
            good = end + 1
        return good

    def _open_journal(self) -> int:
        path = self.dir / JOURNAL
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        os.chmod(path, FILE_MODE)
        return fd
