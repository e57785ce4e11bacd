"""The coordinator desk's service door: views call this, it calls the server
(/api/v1/desk/...) through the session's fieldapp.sync.ApiClient. Online
only: coordinators work at a desktop. Pure Python, no Flet.

    desk = desk_for(services)
    page = desk.review(grid_id=..., start="2026-03-01", end="2026-03-31", q="灯")
    desk.comment(entry_id, "记录很详细")
    desk.need_action(need_id, "volunteer", to_user_id=volunteer_id, errand_type="shopping")
    desk.figures("2026-03-01", "2026-03-31")

A refused request raises fieldapp.domain.errors.ValidationError(field, code,
detail) (the server's 4xx reason), so views show it like any other bad
input; no connection raises DeskOffline.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from fieldapp.domain.errors import ValidationError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DeskOffline(Exception):  # noqa: N818 - reads as a state, like the sync errors
    """The server cannot be reached (or answered 5xx): try again later."""


class DeskService:
    def __init__(self, client: Any, server_url: str = "") -> None:
        self._client = client
        self.server_url = server_url.rstrip("/")

    # -- plumbing -----------------------------------------------------------------
    def _call(self, method: str, path: str, **kw: Any) -> Any:
        from fieldapp.sync.errors import AuthRequired, RequestRefused, SyncError

        try:
            return self._client.request_json(method, "/desk" + path, **kw)
        except RequestRefused as err:
            raise ValidationError(err.field or "request", err.code, err.detail) from None
        except AuthRequired:
            raise ValidationError("token", "not_authenticated") from None
        except SyncError as err:
            raise DeskOffline(str(err)) from None

    @staticmethod
    def _params(**values: Any) -> dict[str, Any]:
        out = {}
        for key, value in values.items():
            if value is None or value == "":
                continue
            out[key] = value.isoformat() if isinstance(value, date) else value
        return out

    # -- review -------------------------------------------------------------------
    def review(self, *, grid_id: str | None = None, worker_id: str | None = None, start: Any = None,
               end: Any = None, category: str | None = None, tag: str | None = None,
               has_needs: bool | None = None, q: str | None = None, cursor: str | None = None,
               limit: int = 50) -> dict[str, Any]:
        """{items, next_cursor}: newest first."""
        params = self._params(grid_id=grid_id, worker_id=worker_id, category=category, tag=tag, q=q,
                              cursor=cursor, limit=limit, **{"from": start, "to": end})
        if has_needs is not None:
            params["has_needs"] = "true" if has_needs else "false"
        return self._call("GET", "/review", params=params)

    def entry(self, entry_id: str) -> dict[str, Any]:
        return self._call("GET", f"/entries/{entry_id}")

    def comment(self, entry_id: str, text: str) -> dict[str, Any]:
        if not text or not text.strip():
            raise ValidationError("text", "required")
        return self._call("POST", f"/entries/{entry_id}/comments", json={"text": text})

    def photo_url(self, sha256: str, thumb: bool = False) -> str:
        return f"{self.server_url}/api/v1/photos/{sha256}" + ("/thumb" if thumb else "")

    def photo_bytes(self, sha256: str, thumb: bool = False) -> bytes:
        from fieldapp.sync.errors import SyncError

        try:
            return self._client.get_photo(sha256, thumb=thumb)
        except SyncError as err:
            raise DeskOffline(str(err)) from None

    # -- people, register, settings -------------------------------------------------
    def people(self) -> dict[str, Any]:
        return self._call("GET", "/people")

    def register(self, tag: str | None = None, grid_id: str | None = None,
                 overdue: bool = False) -> dict[str, Any]:
        params = self._params(tag=tag, grid_id=grid_id)
        if overdue:
            params["overdue"] = "true"
        return self._call("GET", "/households", params=params)

    def household(self, household_id: str) -> dict[str, Any]:
        return self._call("GET", f"/households/{household_id}")

    def set_tags(self, household_id: str, tags: list[str]) -> dict[str, Any]:
        return self._call("PUT", f"/households/{household_id}/tags", json={"tags": tags})

    def settings(self) -> dict[str, Any]:
        return self._call("GET", "/settings")

    def save_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        return self._call("PUT", "/settings", json=changes)

    # -- pending help ---------------------------------------------------------------
    def board(self, status: str | None = None, handling: str | None = None, grid_id: str | None = None,
              assignee_id: str | None = None, overdue: bool = False) -> dict[str, Any]:
        params = self._params(status=status, handling=handling, grid_id=grid_id, assignee_id=assignee_id)
        if overdue:
            params["overdue"] = "true"
        return self._call("GET", "/needs", params=params)

    def need(self, need_id: str) -> dict[str, Any]:
        return self._call("GET", f"/needs/{need_id}")

    def need_action(self, need_id: str, action: str, to_user_id: str | None = None, note: str = "",
                    errand_type: str | None = None) -> dict[str, Any]:
        """action: hand_off | escalate | volunteer | close | accept | note."""
        body = {"action": action, "note": note}
        if to_user_id:
            body["to_user_id"] = to_user_id
        if errand_type:
            body["errand_type"] = errand_type
        return self._call("POST", f"/needs/{need_id}/actions", json=body)

    # -- figures, devices, audit ----------------------------------------------------
    def figures(self, start: Any, end: Any) -> dict[str, Any]:
        return self._call("GET", "/figures", params=self._params(**{"from": start, "to": end}))

    def devices(self) -> dict[str, Any]:
        return self._call("GET", "/devices")

    def person(self, user_id: str) -> dict[str, Any] | None:
        """One worker's or volunteer's row of the devices page, and the community's grids."""
        data = self.devices()
        found = [item for item in data["items"] if item["user_id"] == user_id]
        return {**found[0], "grids": data.get("grids", {})} if found else None

    def account_action(self, user_id: str, action: str, **fields: Any) -> dict[str, Any]:
        """action: revoke (device=None: every device) | deactivate | activate |
        password (password=) | grids (grid_ids=). Returns the server's answer."""
        return self._call("POST", f"/accounts/{user_id}", json={"action": action, **fields})

    def audit(self, limit: int = 100) -> dict[str, Any]:
        return self._call("GET", "/audit", params={"limit": limit})

    # -- Excel ----------------------------------------------------------------------
    def download_url(self, kind: str, start: Any = None, end: Any = None) -> str:
        """A one-time URL (valid 5 minutes) the browser can open to download
        kind = entries | figures | template as .xlsx."""
        body = self._params(kind=kind, **{"from": start, "to": end})
        link = self._call("POST", "/excel/links", json=body)
        return self.server_url + link["url"]

    def import_households(self, content: bytes) -> dict[str, Any]:
        """{imported: n}; a file with any bad row imports nothing and raises
        ValidationError(file, import_rejected, "第3行 户主姓名: 必填\\n…")."""
        if not content:
            raise ValidationError("file", "empty_file")
        return self._call("POST", "/excel/households", content=content,
                          headers={"Content-Type": XLSX_TYPE})


def desk_for(services: Any) -> DeskService:
    """The desk service of a logged-in session (one per Services, cached on it)."""
    desk = getattr(services, "_desk_service", None)
    if desk is None:
        client = services.sync.api_client()
        url = services.store.get_meta("server_url") or getattr(services._ctx, "server_url", "")  # noqa: SLF001
        desk = DeskService(client, url)
        services._desk_service = desk  # noqa: SLF001 - a per-session cache on the facade
    return desk
