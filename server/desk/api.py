"""Routes under /api/v1/desk (filled in by the coordinator-desk work)."""
from fastapi import APIRouter

router = APIRouter(prefix="/desk", tags=["desk"])
