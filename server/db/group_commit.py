"""Group commit: concurrent writes applied by one writer in one transaction.

Each request thread queues its work (a function of a `GroupTxn`) and then
takes the write lock (engine.writer_lock). Whoever holds the lock drains the queue —
its own job and every job queued meanwhile, up to MAX_GROUP — runs each job
in its own SAVEPOINT, commits once, and wakes the waiters; a thread whose job
was done by another writer just returns the answer. One transaction and one
commit per group instead of per request: under a burst, N pushes cost one
counter lock, one commit and one connection check-out instead of N.

Each job stays isolated: a job that raises is rolled back to its SAVEPOINT
(its seqs handed back) and its exception re-raised in its own request only;
the rest of the group commits. If the commit itself fails, every job of the
group gets that error (nothing of the group is written).
"""
from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .engine import begin_write, writer_lock

T = TypeVar("T")
MAX_GROUP = 64  # jobs per transaction: bounds how long one group holds the lock


class GroupTxn:
    """What a job gets: the shared session and the group's change-sequence counter.
    The counter is taken first, outside any job's SAVEPOINT: on PostgreSQL a row
    lock taken inside a SAVEPOINT would be released if that job rolled back."""

    def __init__(self, session: Session) -> None:
        from ..records import SeqCounter  # records imports db: late import avoids a cycle

        self.session = session
        self.counter = SeqCounter(session)
        self.batched: dict[Callable[[Session, list[Any]], None], list[Any]] = {}

    def batch(self, flush: Callable[[Session, list[Any]], None], item: Any) -> None:
        """Queue `item` for one `flush(session, items)` call made just before the
        group commits: many jobs' small writes to one table become one statement."""
        self.batched.setdefault(flush, []).append(item)

    def flush_batched(self) -> None:
        for flush, items in self.batched.items():
            if items:
                flush(self.session, items)


class _Job(Generic[T]):
    __slots__ = ("work", "result", "error", "done")

    def __init__(self, work: Callable[[GroupTxn], T]) -> None:
        self.work = work
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupWriter:
    """The queue of pending writes for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.queue: deque[_Job[Any]] = deque()
        self.groups = 0  # transactions committed (for benchmarks)
        self.jobs = 0

    def run(self, work: Callable[[GroupTxn], T]) -> T:
        """Run `work(txn)` inside a group transaction; returns its result once committed."""
        job: _Job[T] = _Job(work)
        self.queue.append(job)  # deque.append is atomic
        while not job.done:
            with writer_lock(self.engine):
                if not job.done:
                    self._write_group()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _write_group(self) -> None:
        group: list[_Job[Any]] = []
        while self.queue and len(group) < MAX_GROUP:
            group.append(self.queue.popleft())
        try:
            with Session(self.engine) as session:
                begin_write(session)
                txn = GroupTxn(session)
                for job in group:
                    _run_job(txn, job)
                txn.flush_batched()
                txn.counter.save()
                session.commit()
        except BaseException as err:  # the commit failed: nothing of the group is written
            for job in group:
                if job.error is None:
                    job.error = err
        finally:
            self.groups += 1
            self.jobs += len(group)
            for job in group:
                job.done = True


def _run_job(txn: GroupTxn, job: _Job[Any]) -> None:
    seq_before = txn.counter.value
    batched_before = {flush: len(items) for flush, items in txn.batched.items()}
    try:
        with txn.session.begin_nested():
            job.result = job.work(txn)
    except Exception as err:  # noqa: BLE001 -- re-raised in the job's own request
        job.error = err
        txn.counter.value = seq_before  # hand back the seqs of the rolled-back job
        for flush, items in txn.batched.items():  # and drop what it queued
            del items[batched_before.get(flush, 0):]


_writers: weakref.WeakKeyDictionary[Engine, GroupWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def group_writer(engine: Engine) -> GroupWriter:
    """The one GroupWriter of `engine` in this process."""
    with _writers_lock:
        writer = _writers.get(engine)
        if writer is None:
            writer = _writers[engine] = GroupWriter(engine)
        return writer


def group_write(engine: Engine, work: Callable[[GroupTxn], T]) -> T:
    """Shortcut: run `work` in the next group transaction of `engine`."""
    return group_writer(engine).run(work)
