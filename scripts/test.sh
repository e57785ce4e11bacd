#!/usr/bin/env bash
# Install what the tests need (Python deps, Debian's Chromium and PostgreSQL),
# start a throw-away PostgreSQL cluster, run every test on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh dev
bash scripts/system-deps.sh
PG_DIR="$(mktemp -d /tmp/people-diary-pg.XXXXXX)"
source scripts/pg-temp.sh "$PG_DIR"
trap 'pg_temp_stop "$PG_DIR"' EXIT
.venv/bin/ruff check fieldapp server tests bench
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
