"""The coordinator's desk: wide-layout screens under /desk (see
fieldapp/views/context.py for the routing convention)."""
from __future__ import annotations

from collections.abc import Callable

from fieldapp.views.context import AppContext


def routes() -> dict[str, Callable[[AppContext], object]]:
    from . import audit, board, devices, excel, figures, person, register, review

    return {
        "/desk": review.build,
        "/desk/review": review.build,
        "/desk/entries/:id": review.build_entry,
        "/desk/households": register.build,
        "/desk/needs": board.build,
        "/desk/needs/:id": board.build_detail,
        "/desk/figures": figures.build,
        "/desk/devices": devices.build,
        "/desk/devices/:id": person.build,
        "/desk/excel": excel.build,
        "/desk/audit": audit.build,
    }
