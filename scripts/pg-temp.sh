# Sourced: start a private PostgreSQL cluster on a free loopback port and
# export PEOPLE_DIARY_PG_URL; pg_temp_stop DIR stops it.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
pg_dir="$1"
pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
pg_user="$(id -un)"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres "$pg_dir"; pg_user=postgres; fi
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U "$pg_user" -A trust >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off" start >/dev/null
run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U "$pg_user" people_diary_test
export PEOPLE_DIARY_PG_URL="postgresql+psycopg://$pg_user@127.0.0.1:$pg_port/people_diary_test"
pg_temp_stop() { run_pg "$pg_bin/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$1"; }
