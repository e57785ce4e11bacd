"""PUT/GET /photos/{sha256} and /photos/{sha256}/thumb.

Content-addressed: the server re-checks the hash and decodes the image
(server.photo_check) before keeping it; files are written atomically under
DATA/photos/ab/<sha>.jpg (+ <sha>.thumb.jpg). A photo is readable by its
uploader and by anyone whose scope holds a record referencing the hash.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Engine, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fieldapp.domain.enums import Role

from . import scope
from .auth import Principal
from .db import schema as s
from .db import write_session
from .deps import current_user, get_db
from .errors import api_error, read_limited
from .timeutil import now_iso

router = APIRouter(prefix="/photos", tags=["photos"])
MAX_PHOTO_BYTES = 8 * 1024 * 1024
SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def photo_path(root: Path, sha: str, thumb: bool = False) -> Path:
    return root / sha[:2] / (f"{sha}.thumb.jpg" if thumb else f"{sha}.jpg")


def _check_sha(sha: str) -> None:
    if not SHA_RE.match(sha):
        raise api_error(422, "not_sha256", field="sha256")


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@router.put("/{sha256}")
async def put_photo(sha256: str, request: Request, principal: Principal = Depends(current_user)) -> Response:
    _check_sha(sha256)
    body = await read_limited(request, MAX_PHOTO_BYTES)
    state = request.app.state
    created = await run_in_threadpool(_store, state.engine, state.settings.photo_dir, principal, sha256, body)
    return Response(status_code=201 if created else 200)


def _store(engine: Engine, root: Path, principal: Principal, sha: str, body: bytes) -> bool:
    from .photo_check import PhotoRejected, check_photo, make_thumbnail

    with Session(engine) as session:
        held = session.execute(select(s.photos.c.sha256).where(s.photos.c.sha256 == sha)).first()
    if held and photo_path(root, sha).exists():
        return False
    try:
        check_photo(body, sha)
        thumb = make_thumbnail(body)
    except PhotoRejected as rejected:
        raise api_error(rejected.http_status, rejected.code) from None
    write_atomically(photo_path(root, sha), body)
    write_atomically(photo_path(root, sha, thumb=True), thumb)
    if held:
        return False
    with write_session(engine) as session:
        try:
            session.execute(s.photos.insert().values(
                sha256=sha, size=len(body), uploaded_by=principal.user_id, created_at=now_iso()))
            session.commit()
        except IntegrityError:
            return False  # uploaded at the same moment by another request
    return True


@router.get("/{sha256}")
def get_photo(sha256: str, request: Request, principal: Principal = Depends(current_user),
              session: Session = Depends(get_db)) -> Response:
    return _serve(sha256, request, principal, session, thumb=False)


@router.get("/{sha256}/thumb")
def get_thumb(sha256: str, request: Request, principal: Principal = Depends(current_user),
              session: Session = Depends(get_db)) -> Response:
    return _serve(sha256, request, principal, session, thumb=True)


def _serve(sha: str, request: Request, principal: Principal, session: Session, thumb: bool) -> Response:
    _check_sha(sha)
    row = session.execute(select(s.photos.c.uploaded_by).where(s.photos.c.sha256 == sha)).first()
    path = photo_path(request.app.state.settings.photo_dir, sha, thumb)
    if row is None or not path.exists():
        raise api_error(404, "not_found", field="sha256")
    if row.uploaded_by != principal.user_id and not _referenced_in_scope(session, principal, sha):
        raise api_error(403, "forbidden", field="sha256")
    return Response(content=path.read_bytes(), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})


def _referenced_in_scope(session: Session, p: Principal, sha: str) -> bool:
    r = s.records.c
    # only diary entries (photos) and errands (receipt_photo) hold photo hashes
    mentions = and_(r.entity.in_(("diary_entry", "errand")), r.data.like(f'%"{sha}"%'))
    if p.role == Role.VOLUNTEER:
        visible = and_(r.entity == "errand", r.person_id == p.user_id)
    else:
        visible = scope.pull_filter(p)
    found = session.execute(select(r.id).where(mentions, visible).limit(1)).first()
    return found is not None
