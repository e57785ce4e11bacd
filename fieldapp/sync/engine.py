"""The sync engine: push the outbox, pull changes, upload photos.

Async so the UI never freezes: every network call and every store call runs
in a worker thread (`asyncio.to_thread`); the store is thread-safe (one lock).
Each phase is resumable: an op leaves the outbox only when the server's answer
is applied (`store.ack`), the pull cursor is saved only after its page has
been merged, a photo is marked uploaded only after the server kept it. So a
cut, a crash or a cancel at any point loses nothing, and re-sending is safe
because the server applies each op_id at most once ("duplicate" = acked).
"""
from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fieldapp.domain.operation import OP_KEYS

from .client import ApiClient
from .errors import AuthRequired, PayloadTooLarge, RateLimited, RequestRefused, ServerError, Unreachable
from .retry import Cancelled, RetryPolicy, call_with_retry, check_cancel

CURSOR_KEY = "pull_cursor"  # store meta: the server's change sequence we have merged up to
REFUSED_PHOTOS_KEY = "photos_refused"  # store meta: {sha: code} the server will never accept
LAST_SYNC_KEY = "last_sync_at"


@dataclass(frozen=True)
class Progress:
    phase: str  # "push" | "pull" | "photos" | "done"
    done: int
    total: int  # 0 = not known yet (a pull does not know how much is left)
    bytes_done: int = 0
    bytes_total: int = 0


@dataclass
class SyncReport:
    pushed: int = 0  # ops the server applied now
    duplicates: int = 0  # ops it already held (an earlier answer was lost): acknowledged too
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {op_id, entity, id, reason}
    pulled: int = 0
    photos_uploaded: int = 0
    photo_errors: list[dict[str, Any]] = field(default_factory=list)  # {sha256, code}
    conflicts_new: int = 0
    cancelled: bool = False
    auth_required: bool = False
    error: str | None = None  # None | unreachable | server_error | login_needed | <4xx code>
    requests: int = 0  # round trips made (attempts included)

    @property
    def ok(self) -> bool:
        return not (self.cancelled or self.auth_required or self.error)

    @property
    def status(self) -> str:
        """One word for the app bar: ok | cancelled | offline | login_needed | error."""
        if self.auth_required:
            return "login_needed"
        if self.error == "unreachable":
            return "offline"
        if self.error:
            return "error"
        return "cancelled" if self.cancelled else "ok"


ProgressCallback = Callable[[Progress], None]


@dataclass
class _Run:
    report: SyncReport
    cancel: asyncio.Event | None
    on_progress: ProgressCallback | None

    def emit(self, progress: Progress) -> None:
        if self.on_progress is not None:
            self.on_progress(progress)


class SyncEngine:
    def __init__(self, store: Any, client: ApiClient, *, batch_size: int = 200, pull_limit: int = 500,
                 retry: RetryPolicy | None = None, seed: int | None = None) -> None:
        self.store = store
        self.client = client
        self.batch_size = max(1, min(batch_size, 500))
        self.pull_limit = max(1, min(pull_limit, 1000))
        self.retry = retry or RetryPolicy()
        self._rng = random.Random(seed)

    async def run(self, on_progress: ProgressCallback | None = None,
                  cancel: asyncio.Event | None = None) -> SyncReport:
        run = _Run(SyncReport(), cancel, on_progress)
        report = run.report
        try:
            await self._push(run)
            await self._pull(run)
            await self._settle_exits()
            await self._photos(run)
            await asyncio.to_thread(self.store.set_meta, LAST_SYNC_KEY, _now_iso())
            run.emit(Progress("done", 1, 1))
        except Cancelled:
            report.cancelled = True
        except AuthRequired:
            report.auth_required, report.error = True, "login_needed"
        except Unreachable:
            report.error = "unreachable"
        except (ServerError, RateLimited):
            report.error = "server_error"
        except RequestRefused as exc:
            report.error = exc.code
        return report

    async def _call(self, run: _Run, func: Callable[..., Any], *args: Any) -> Any:
        run.report.requests += 1

        def count_retry(_exc: Exception) -> None:
            run.report.requests += 1

        return await call_with_retry(self.retry, self._rng, run.cancel, func, *args, on_retry=count_retry)

    # -- push -----------------------------------------------------------------------------
    async def _push(self, run: _Run) -> None:
        total = await asyncio.to_thread(self.store.pending_count)
        if total == 0:
            return  # nothing to send: no request at all
        batch, done, previous = self.batch_size, 0, None
        while True:
            check_cancel(run.cancel)
            ops = await asyncio.to_thread(self.store.pending_ops, batch)
            if not ops:
                break
            ids = [op["op_id"] for op in ops]
            if ids == previous:  # the store did not take our last answer: do not spin
                raise ServerError(0, "outbox did not advance after an acknowledged batch")
            try:
                answer = await self._call(run, self.client.push, self._device(ops), _clean(ops),
                                          max(0, total - done))
            except PayloadTooLarge as exc:  # other 4xx are about the whole request: stop, keep all
                if batch > 1:
                    batch = max(1, batch // 2)
                    continue
                answer = {"results": [_refused(ops[0], exc)]}  # one op the server can never take
            previous = ids
            results = answer.get("results") or []
            await asyncio.to_thread(self.store.ack, results)
            done += self._tally(run.report, ops, results)
            await self._observe(answer)
            run.emit(Progress("push", done, max(total, done)))  # saves made meanwhile go too

    def _device(self, ops: list[dict[str, Any]]) -> str:
        return getattr(self.store, "device_id", None) or ops[0]["device"]

    @staticmethod
    def _tally(report: SyncReport, ops: list[dict[str, Any]], results: list[dict[str, Any]]) -> int:
        by_id = {op["op_id"]: op for op in ops}
        for result in results:
            status = result.get("status")
            if status == "applied":
                report.pushed += 1
            elif status == "duplicate":
                report.duplicates += 1
            elif status == "rejected":
                op = by_id.get(result.get("op_id"), {})
                report.rejected.append({"op_id": result.get("op_id"), "entity": op.get("entity"),
                                        "id": op.get("id"), "reason": result.get("reason") or {}})
        return len(results)

    async def _observe(self, answer: dict[str, Any]) -> None:
        stamp = answer.get("server_hlc")
        if isinstance(stamp, str) and stamp:
            await asyncio.to_thread(self.store.observe_hlc, stamp)

    # -- pull -----------------------------------------------------------------------------
    async def _pull(self, run: _Run) -> None:
        """Page by page from the saved cursor. The next page is fetched while this one is
        merged (the server and the store work at the same time); the cursor only moves
        after a page is merged, so a cancel or cut loses at most a prefetch."""
        cursor = int(await asyncio.to_thread(self.store.get_meta, CURSOR_KEY, 0) or 0)
        fetch: asyncio.Future[Any] | None = self._fetch(run, cursor)
        done = 0
        try:
            while fetch is not None:
                page, fetch = await fetch, None
                changes = page.get("changes") or []
                next_cursor = int(page.get("next", cursor))
                more = bool(page.get("more")) and bool(changes)
                if more and not _is_set(run.cancel):
                    fetch = self._fetch(run, next_cursor)
                if changes or next_cursor != cursor:  # an idle pull writes nothing locally
                    made = await asyncio.to_thread(self._apply_page, changes, next_cursor)
                    run.report.conflicts_new += made
                    await self._observe(page)
                cursor = next_cursor
                done += len(changes)
                run.report.pulled = done
                run.emit(Progress("pull", done, 0 if more else done))
                if more:
                    check_cancel(run.cancel)
        finally:
            if fetch is not None:  # cancelled or failed: drop the prefetch (its thread ends by itself)
                fetch.cancel()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await fetch

    async def _settle_exits(self) -> None:
        """Scope exits held back by unsent work (store/exits.py): the push above has
        had that work answered, so apply those that nothing holds back any more."""
        settle = getattr(self.store, "settle_exits", None)
        if settle is not None:
            await asyncio.to_thread(settle)

    def _fetch(self, run: _Run, cursor: int) -> asyncio.Future[Any]:
        return asyncio.ensure_future(self._call(run, self.client.pull, cursor, self.pull_limit))

    def _apply_page(self, changes: list[dict[str, Any]], cursor: int) -> int:
        """Merge one page and save the cursor after it, so a cut re-pulls this page (which
        merges to the same state). With the store's `apply_remote_many`, page and cursor
        are one durable commit. Returns how many new conflict records the page made."""
        before = {c["id"] for c in self.store.conflicts()}
        apply_many = getattr(self.store, "apply_remote_many", None)
        if apply_many is not None:
            apply_many(changes, meta={CURSOR_KEY: cursor})
        else:
            for change in changes:
                self.store.apply_remote(change)
            self.store.set_meta(CURSOR_KEY, cursor)
        return sum(1 for c in self.store.conflicts() if c["id"] not in before)

    # -- photos ---------------------------------------------------------------------------
    async def _photos(self, run: _Run) -> None:
        held = await asyncio.to_thread(self.store.get_meta, REFUSED_PHOTOS_KEY, {})
        refused: dict[str, str] = dict(held or {})
        shas = [s for s in await asyncio.to_thread(self.store.pending_photos) if s not in refused]
        if not shas:
            return
        sizes = {sha: _size(self.store, sha) for sha in shas}
        total_bytes = sum(s for s in sizes.values() if s > 0)
        done_bytes = 0
        for index, sha in enumerate(shas, 1):
            check_cancel(run.cancel)
            code = await self._upload_one(run, sha, sizes[sha])
            if code is None:
                run.report.photos_uploaded += 1
            else:
                refused[sha] = code
                run.report.photo_errors.append({"sha256": sha, "code": code})
                await asyncio.to_thread(self.store.set_meta, REFUSED_PHOTOS_KEY, refused)
            done_bytes += max(sizes[sha], 0)
            run.emit(Progress("photos", index, len(shas), done_bytes, total_bytes))

    async def _upload_one(self, run: _Run, sha: str, size: int) -> str | None:
        """None when the server holds the photo now; else the refusal code (kept, not retried)."""
        if size < 0:
            return "missing_file"
        try:
            await self._call(run, self.client.put_photo, sha, self.store.photo_file(sha))
        except RequestRefused as exc:
            return exc.code
        except OSError:  # gone or unreadable since it was saved
            return "missing_file"
        await asyncio.to_thread(self.store.mark_photo_uploaded, sha)
        return None


def _is_set(event: asyncio.Event | None) -> bool:
    return event is not None and event.is_set()


def _clean(ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: op[k] for k in OP_KEYS} for op in ops]


def _refused(op: dict[str, Any], exc: PayloadTooLarge) -> dict[str, Any]:
    """A one-op batch still too large: that op's rejection (kept, shown, not re-sent)."""
    reason = {"field": "op", "code": "op_too_large", "detail": f"{exc.status} {exc.code}"}
    return {"op_id": op["op_id"], "status": "rejected", "reason": reason}


def _size(store: Any, sha: str) -> int:
    try:
        return store.photo_file(sha).stat().st_size
    except (KeyError, OSError):
        return -1


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
