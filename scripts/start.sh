#!/usr/bin/env bash
# Install, create the demo community on first run, start the server on SQLite
# and the app beside it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
DATA="${PEOPLE_DIARY_DATA:-$PWD/data/server}"
SERVER_PORT="${SERVER_PORT:-8080}"
APP_PORT="${APP_PORT:-8550}"
if [ ! -e "$DATA/people-diary.sqlite3" ]; then
  .venv/bin/python -m server demo --data "$DATA"
fi
.venv/bin/python -m server serve --data "$DATA" --host 127.0.0.1 --port "$SERVER_PORT" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT INT TERM
.venv/bin/python -m fieldapp --server "http://127.0.0.1:$SERVER_PORT" --port "$APP_PORT" --data "${PEOPLE_DIARY_APP_DATA:-$PWD/data/app}"
