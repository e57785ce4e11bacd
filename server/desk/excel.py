"""Excel for the desk: the import template, household import (all or
nothing), diary-entry and figures export with Chinese headers."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.domain.errors import ValidationError
from fieldapp.domain.labels import LABELS as LABELS

from . import queries as q
from .common import fail
from .figures import Period
from .report import build_report
from .review import household_label

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTRY_HEADERS = ["走访时间", "网格", "网格员", "住户", "重点人群", "走访类型", "服务类别", "民情记录",
                 "照片数"]
FIGURE_HEADERS = ["对象", "走访数", "应访数(按月定额折算)", "完成率", "重点户数", "按期走访户数", "覆盖率",
                  "诉求数", "已解决", "按期解决", "按期率", "平均办理天数", "已办结", "办结率",
                  "回访数", "满意", "基本满意", "不满意", "满意率(含基本满意)", "满意率(仅满意)"]


def label(prefix: str, code: str | None) -> str:
    return LABELS.get(f"{prefix}.{code}", {}).get("zh-CN", code or "")


def template() -> bytes:
    from server.importer import template_workbook

    return template_workbook()


def import_households(session: Session, principal: Any, community_id: str, body: bytes) -> dict[str, Any]:
    """Nothing is imported unless every row is valid; errors carry row numbers."""
    from server.importer import parse_households

    if not body:
        fail(422, "empty_file", "file")
    if len(body) > MAX_UPLOAD_BYTES:
        fail(413, "too_large", "file", f"max {MAX_UPLOAD_BYTES} bytes")
    grids = {g.get("name", ""): g["id"] for g in q.grids(session, community_id)}
    suffix = ".xlsx" if body.startswith(XLSX_MAGIC) else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(body)
        result = parse_households(path, grids)
    if result.errors:
        errors = [{"row": e.row, "field": e.field, "reason": e.reason} for e in result.errors]
        fail(422, "import_rejected", "file", _error_text(errors))
    from server.records import seed_many

    items = [("household", r["id"], {k: v for k, v in r.items() if k != "id"}) for r in result.records]
    try:
        seed_many(session, items, principal.user_id)  # one transaction: all rows or none
    except ValidationError as err:
        session.rollback()
        fail(422, err.code, err.field, err.detail or None)
    session.commit()
    return {"imported": len(result.records)}


def _error_text(errors: list[dict[str, Any]]) -> str:
    lines = [f"第{e['row']}行 {e['field']}: {e['reason']}" for e in errors[:200]]
    if len(errors) > 200:
        lines.append(f"……共{len(errors)}处错误")
    return "\n".join(lines)


def _book_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: Any, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def export_entries(session: Session, community_id: str, period: Period, names: dict[str, str]) -> bytes:
    q.ensure_indexes(session)
    grid_names = {g["id"]: g.get("name", "") for g in q.grids(session, community_id)}
    households = {h["id"]: h for h in q.records_of(session, "household", community_id)}
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "民情日记"
    _header(sheet, ENTRY_HEADERS)
    rows = session.execute(
        text("SELECT id, data FROM records WHERE entity = 'diary_entry' AND community_id = :c "
             "AND at >= :s AND at < :t ORDER BY at, id"),
        {"c": community_id, "s": period.start_iso(), "t": period.end_iso()})
    for row in rows:
        entry = q.record_of(row)
        household = households.get(entry.get("household_id", ""))
        sheet.append([
            entry.get("visited_at", ""), grid_names.get(entry.get("grid_id", ""), ""),
            names.get(entry.get("worker_id", ""), ""), household_label(household),
            "、".join(label("tag", t) for t in (household or {}).get("tags") or []),
            label("visit", entry.get("kind")),
            "、".join(label("category", c) for c in entry.get("categories") or []),
            entry.get("notes", ""), len(entry.get("photos") or []),
        ])
    for column, width in zip("ABCDEFGHI", [21, 10, 10, 28, 14, 10, 24, 60, 8], strict=True):
        sheet.column_dimensions[column].width = width
    return _book_bytes(book)


def _figure_line(row: dict[str, Any]) -> list[Any]:
    cov, needs = row["coverage"], row["needs"]
    return [row["label"], row["visits"], row["quota"], row["quota_rate"], cov["special_households"],
            cov["in_cadence"], cov["rate"], needs["raised"], needs["resolved"], needs["resolved_on_time"],
            needs["on_time_rate"], needs["avg_days_to_resolve"], needs["closed"], needs["closure_rate"],
            needs["follow_ups"], needs["satisfied"], needs["basically_satisfied"], needs["not_satisfied"],
            needs["satisfaction_rate"], needs["satisfaction_rate_strict"]]


def export_figures(session: Session, community_id: str, period: Period) -> bytes:
    report = build_report(session, community_id, period)
    book = Workbook()
    first = True
    sheets = (("社区", [report["community"]]), ("网格", report["grids"]), ("网格员", report["workers"]))
    for title, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = title
        sheet.append([f"统计期间 {report['from']} 至 {report['to']}"])
        sheet.append(FIGURE_HEADERS)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(_figure_line(row))
        sheet.column_dimensions["A"].width = 16
    return _book_bytes(book)
