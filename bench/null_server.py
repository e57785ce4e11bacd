"""The cheapest server the benchmark's clients can talk to: same stack (uvicorn +
FastAPI), same routes and answer shapes, no database, no checks. Push decodes the
batch and answers every op "applied"; pull answers an empty page.

It measures the floor under bench_server.py's burst on this machine: the cost of
the 500 httpx clients and of HTTP + JSON on the server side, with nothing of our
own work. `python bench/bench_server.py --null-server` drives it.

    python bench/null_server.py --port P
"""
from __future__ import annotations

import argparse
import uuid

import uvicorn
from fastapi import FastAPI, Request

API = "/api/v1"
app = FastAPI()


@app.get(API + "/healthz")
async def healthz() -> dict:
    return {"status": "ok", "db": "none"}


@app.post(API + "/auth/login")
async def login(request: Request) -> dict:
    body = await request.json()
    user = {"id": str(uuid.uuid5(uuid.NAMESPACE_OID, body.get("username", ""))), "role": "worker"}
    return {"token": uuid.uuid4().hex, "expires_at": "2099-01-01T00:00:00Z", "user": user}


@app.post(API + "/sync/push")
async def push(request: Request) -> dict:
    body = await request.json()
    return {"results": [{"op_id": op.get("op_id"), "status": "applied"} for op in body.get("ops", [])],
            "server_hlc": "0000000000000:00000:null"}


@app.get(API + "/sync/pull")
async def pull(since: int = 0, limit: int = 500) -> dict:
    return {"changes": [], "next": since, "more": False, "server_hlc": "0000000000000:00000:null"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, log_level="warning")
