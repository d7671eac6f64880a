#!/usr/bin/env bash
# Tests of the reference todo app without Docker: the backend's pytest suite (SQLite and PostgreSQL), its load
# test, both frontend builds, the whole stack on loopback behind an nginx stand-in of the Ingress,
# scripts/smoke-test.sh against it, the frontends' headers, and a headless Chromium test. Installs what it needs
# on a fresh Debian machine (or a fresh clone) when run as root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)

usage() {
  cat <<EOF
Usage: $(basename "$0") [--no-install] [--keep] [-h | --help]

Test the reference todo app (examples/todo-app) for real, without Docker:
  1. shellcheck of this script
  2. backend: pytest on SQLite and on PostgreSQL (Debian's postgresql, started on 127.0.0.1),
     including the server process run as uid 1000 with only its data, log and temp directories writable,
     and the image's install from the runtime lock
  3. backend: the load test (bench/load.py) on SQLite and on PostgreSQL: 2,000 writes at concurrency
     1, 16 and 64 while 50 chats hang on a model server that never answers; fails on a lost write, a 5xx
     or a failed probe (its latency figures are printed, not asserted)
  4. frontend: next build as a standalone server and as a static export (npm run build)
  5. the stack on loopback, each part as the user of its image: backend (uid 1000, port 8000),
     standalone frontend (uid 1001, port 3000), static export on Debian nginx (uid 101, port 8080, also
     on [::1] where the machine has IPv6), and one nginx Ingress stand-in per frontend mode
     (todo.localhost on ports 18080 and 18081) that routes /api, /health, /docs and /openapi.json to
     the backend and / to the frontend, like the Ingress
  6. scripts/smoke-test.sh against both stand-ins, with no stubs
  7. both frontends' security headers, caching and compression (e2e/headers.test.mjs)
  8. headless Chromium (Debian's, driven by playwright-core) adds a todo and sees it after a reload,
     with no Content-Security-Policy violation, and reads the API's errors and the 404 page
  9. the processes wrote only to the writable paths of the contract
Ends with the line "N passed, N failed" and exits non-zero when anything failed.

As root on Debian, installs what is missing: apt packages (python3-venv, postgresql, nginx, chromium,
curl, shellcheck), the backend's hashed lock into backend/.venv, npm ci in frontend/ and e2e/, and npm ci
in the repository root when it has no node_modules (scripts/smoke-test.sh reads the environments from the
cdk8s app, which it then compiles).
Every server binds to 127.0.0.1; all of them are stopped on exit.

Options:
  --no-install   do not install anything; fail when something is missing
  --keep         keep the run directory (.cache/test-run) with logs and build outputs
  -h, --help     show this help

Environment: TODO_APP_TEST_DIR (run directory), CHROMIUM (default /usr/bin/chromium), PYTHON (the
interpreter for the venv; default /usr/bin/python3), TODO_E2E_INGRESS_PORT (default 18080; the static
stand-in uses the next port), TODO_E2E_PG_PORT (default 15432).
EOF
}

INSTALL=1
KEEP=0
# Internal: `test.sh __step FUNCTION` runs one step in a fresh bash (errexit active, bounded by timeout(1)).
STEP_FN=""
if [ "${1-}" = __step ]; then
  STEP_FN=${2:?}
  shift 2
  INSTALL=${TODO_APP_TEST_INSTALL:-1}
fi
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --no-install) INSTALL=0; shift ;;
    --keep) KEEP=1; shift ;;
    *) printf 'error: unknown argument: %s\nRun %s --help for usage.\n' "$1" "$(basename "$0")" >&2; exit 2 ;;
  esac
done

# The contract's ports and users (docs/container-contract.md); the root npm test checks the Dockerfiles against them.
BACKEND_PORT=8000
FRONTEND_PORT=3000
STATIC_PORT=8080
BACKEND_UID=1000
FRONTEND_UID=1001
NGINX_UID=101
INGRESS_PORT=${TODO_E2E_INGRESS_PORT:-18080}
INGRESS_STATIC_PORT=$((INGRESS_PORT + 1))
PG_PORT=${TODO_E2E_PG_PORT:-15432}
HOST_NAME=todo.localhost
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
WORK=${TODO_APP_TEST_DIR:-$HERE/.cache/test-run}
LOGS=$WORK/logs

export NEXT_TELEMETRY_DISABLED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
export npm_config_update_notifier=false

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

log() { printf '==> %s\n' "$*"; }
err() { printf 'error: %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# Processes: every server started here is recorded and stopped on exit.
# ---------------------------------------------------------------------------
PIDS=()
NAMES=()
PG_DATA=""
PG_BIN=""
STEP_PID=""
POLICY_RC_CREATED=0

# stop_all PID...: SIGTERM to all at once, up to 10 s for them to exit, then SIGKILL to what is left.
stop_all() {
  local pid alive i
  [ "$#" -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for i in $(seq 1 100); do
    alive=()
    for pid in "$@"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    [ "${#alive[@]}" -gt 0 ] || return 0
    [ "$i" -eq 100 ] || sleep 0.1
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

cleanup() {
  # Interrupted during a step: timeout(1) passes SIGTERM on to the step and everything it started.
  if [ -n "$STEP_PID" ]; then stop_all "$STEP_PID"; fi
  # The stack's servers outlive the step that starts them; the main script stops them.
  if [ "$STEP_FN" != start_stack ] && [ "${#PIDS[@]}" -gt 0 ]; then
    stop_all "${PIDS[@]}"
  fi
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -t 20 -w stop >/dev/null 2>&1 || true
  fi
  if [ "$POLICY_RC_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ -z "$STEP_FN" ]; then restore_paths; fi
  if [ -z "$STEP_FN" ] && [ "$KEEP" = 0 ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The servers run as the images' users and PostgreSQL as postgres, so every directory above the checkout and the
# run directory must let other users through. A checkout in a private directory (mktemp -d makes it 0700) gets
# search permission (o+x, not read) on such directories for the run; their modes are restored on exit.
OPENED_DIRS=()
OPENED_MODES=()

# open_path DIR: give other users search permission on DIR and each directory above it that lacks it.
open_path() {
  local dir=$1 mode
  while [[ "$dir" != / ]]; do
    mode=$(stat -c %a "$dir")
    if (( (8#$mode & 1) == 0 )); then
      OPENED_DIRS+=("$dir")
      OPENED_MODES+=("$mode")
      chmod o+x "$dir"
      log "other users may pass through $dir during this run (mode $mode, restored at the end)"
    fi
    dir=$(dirname "$dir")
  done
}

restore_paths() {
  local i
  for i in "${!OPENED_DIRS[@]}"; do chmod "${OPENED_MODES[$i]}" "${OPENED_DIRS[$i]}" 2>/dev/null || true; done
}

# as_user USER|UID CMD...: run as that user when root (like the image's USER), else as yourself.
as_user() {
  local who=$1
  shift
  if [ "$IS_ROOT" = 0 ]; then
    "$@"
  elif [[ "$who" =~ ^[0-9]+$ ]]; then
    setpriv --reuid="$who" --regid="$who" --clear-groups "$@"
  else
    setpriv --reuid="$(id -u "$who")" --regid="$(id -g "$who")" --init-groups "$@"
  fi
}

# own UID PATH...: give directories to the user that writes them (the writable volumes of the contract).
own() {
  local uid=$1
  shift
  mkdir -p "$@"
  if [ "$IS_ROOT" = 1 ]; then chown "$uid:$uid" "$@"; fi
}

# start NAME UID CMD...: start a server in the background as UID, output in $LOGS/NAME.log.
start() {
  local name=$1 uid=$2
  shift 2
  local drop=()
  # setpriv execs the server, so $! is the server's own pid.
  if [ "$IS_ROOT" = 1 ]; then drop=(setpriv --reuid="$uid" --regid="$uid" --clear-groups); fi
  "${drop[@]}" "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
  printf '%s %s\n' "$!" "$name" >>"$WORK/servers.pids"
}

# load_server_pids: take over the servers a step started, to stop them on exit.
load_server_pids() {
  local pid name
  [ -f "$WORK/servers.pids" ] || return 0
  while read -r pid name; do
    PIDS+=("$pid")
    NAMES+=("$name")
  done <"$WORK/servers.pids"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# has_ipv6: the machine has an IPv6 loopback to listen on.
has_ipv6() { [[ -r /proc/net/if_inet6 ]] && grep -qE '^0{31}1 ' /proc/net/if_inet6; }

# wait_http URL SECONDS: until URL answers 200 (bounded); fails if a started server has exited.
wait_http() {
  local url=$1 seconds=$2 deadline i
  deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" 2>/dev/null)" = 200 ]; then return 0; fi
    for i in "${!PIDS[@]}"; do
      if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
        err "${NAMES[$i]} exited while waiting for $url"
        return 1
      fi
    done
    sleep 0.3
  done
  err "no 200 from $url within ${seconds}s"
  return 1
}

show_logs() {
  local file
  for file in "$LOGS"/*.log; do
    [ -s "$file" ] || continue
    printf -- '----- last lines of %s -----\n' "${file#"$WORK"/}" >&2
    tail -n 25 "$file" >&2
  done
}

# ---------------------------------------------------------------------------
# Steps: each is one test in the summary; a failed step does not stop the others that do not need it.
# ---------------------------------------------------------------------------
PASSED=0
FAILED=0
RESULTS=()

# step NAME TIMEOUT FUNCTION: run FUNCTION in a fresh bash (this script in __step mode, so errexit holds inside
# it), bounded by timeout(1), which also ends the step's children; then record the result. Servers a step
# starts are stopped when it ends.
step() {
  local name=$1 limit=$2 fn=$3 started=$SECONDS rc=0
  printf '\n=== %s\n' "$name"
  TODO_APP_TEST_INSTALL=$INSTALL timeout --kill-after=10 "$limit" "$BASH" "$HERE/test.sh" __step "$fn" &
  STEP_PID=$!
  wait "$STEP_PID" || rc=$?
  STEP_PID=""
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then err "$name: timed out after ${limit}s"; fi
  if [ "$rc" = 0 ]; then
    PASSED=$((PASSED + 1))
    RESULTS+=("PASS  $name ($((SECONDS - started))s)")
  else
    FAILED=$((FAILED + 1))
    RESULTS+=("FAIL  $name ($((SECONDS - started))s)")
    show_logs
  fi
  return "$rc"
}

# skip NAME REASON: a test that could not run because what it needs failed; counts as failed.
skip() {
  FAILED=$((FAILED + 1))
  RESULTS+=("FAIL  $1 (not run: $2)")
}

# ---------------------------------------------------------------------------
# Installation (root on Debian) or checks (--no-install / not root).
# ---------------------------------------------------------------------------
pg_bin_dir() {
  local dir
  dir=$(find /usr/lib/postgresql -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && printf '%s\n' "$dir"
}

python_bin() {
  if [ -n "${PYTHON:-}" ]; then printf '%s\n' "$PYTHON"
  elif [ -x /usr/bin/python3 ]; then printf '%s\n' /usr/bin/python3
  else command -v python3 || true
  fi
}

missing_packages() {
  local python
  python=$(python_bin)
  if [ -z "$python" ] || ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then echo python3-venv; fi
  pg_bin_dir >/dev/null || echo postgresql
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || echo nginx
  [ -x "$CHROMIUM" ] || echo chromium
  command -v curl >/dev/null 2>&1 || echo curl
  command -v shellcheck >/dev/null 2>&1 || echo shellcheck
  command -v setpriv >/dev/null 2>&1 || echo util-linux
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  # Packages must not start their own services (nginx on port 80, a postgres cluster): this script starts
  # what it needs on 127.0.0.1 only.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  apt-get update -qq
  # One retry: a package upgraded on the way (e.g. systemd) can clean /tmp under dpkg's feet.
  if ! apt-get install -y -qq --no-install-recommends "$@" >"$WORK/apt.log" 2>&1; then
    log "apt-get install failed once; repairing and retrying"
    apt-get install -y -qq -f >>"$WORK/apt.log" 2>&1 || true
    apt-get install -y -qq --no-install-recommends "$@" >>"$WORK/apt.log" 2>&1 || { tail -n 30 "$WORK/apt.log" >&2; return 1; }
  fi
  if [ "$POLICY_RC_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
}

# stamp_ok DIR LOCKFILE: DIR was installed from exactly this lock file.
stamp_ok() { [ -f "$1/.installed-from" ] && [ "$(cat "$1/.installed-from")" = "$(sha256sum "$2" | cut -d' ' -f1)" ]; }
stamp() { sha256sum "$2" | cut -d' ' -f1 >"$1/.installed-from"; }

install_python() {
  local python venv=$HERE/backend/.venv lock=$HERE/backend/requirements-dev.txt
  python=$(python_bin)
  if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    err "the backend's lock is for Python 3.11; $python is $("$python" -V 2>&1) (set PYTHON to a 3.11 interpreter)"
    return 1
  fi
  if [ -x "$venv/bin/python" ] && stamp_ok "$venv" "$lock"; then
    log "backend venv is up to date"
    return 0
  fi
  [ "$INSTALL" = 1 ] || { err "backend/.venv is missing or stale; run without --no-install"; return 1; }
  log "installing the backend's locked dependencies into backend/.venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --require-hashes --only-binary=:all: -r "$lock"
  stamp "$venv" "$lock"
}

install_npm() {
  local dir=$1
  if [ -d "$dir/node_modules" ] && stamp_ok "$dir/node_modules" "$dir/package-lock.json"; then
    log "${dir#"$HERE"/}/node_modules is up to date"
    return 0
  fi
  [ "$INSTALL" = 1 ] || { err "${dir#"$HERE"/}/node_modules is missing or stale; run without --no-install"; return 1; }
  log "npm ci in ${dir#"$HERE"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  stamp "$dir/node_modules" "$dir/package-lock.json"
}

# install_root: the cdk8s app that scripts/smoke-test.sh reads the environments from, installed and compiled.
# A node_modules that is already there is the developer's: used as it is.
install_root() {
  if [ ! -x "$REPO_ROOT/node_modules/.bin/tsc" ]; then
    [ "$INSTALL" = 1 ] || { err "the repository root has no node_modules; run without --no-install (or npm ci there)"; return 1; }
    log "npm ci in the repository root (the cdk8s app the smoke test reads its environments from)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  log "compiling the cdk8s app (tsc -b)"
  (cd "$REPO_ROOT" && node_modules/.bin/tsc -b)
}

prepare() {
  local missing port
  missing=$(missing_packages | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    if [ "$INSTALL" = 1 ] && [ "$IS_ROOT" = 1 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing Debian packages: $missing"
      # shellcheck disable=SC2086  # one word per package
      apt_install $missing fonts-dejavu-core
    else
      err "missing: $missing(Debian: apt-get install $missing)"
      return 1
    fi
  fi
  command -v node >/dev/null 2>&1 || { err "node (20 or newer) is required"; return 1; }
  if [ "$IS_ROOT" = 1 ] && ! as_user "$FRONTEND_UID" node --version >/dev/null 2>&1; then
    err "node at $(command -v node) cannot be run by uid $FRONTEND_UID (install Node.js system-wide)"
    return 1
  fi
  for port in "$BACKEND_PORT" "$FRONTEND_PORT" "$STATIC_PORT" "$INGRESS_PORT" "$INGRESS_STATIC_PORT" "$PG_PORT"; do
    if port_in_use "$port"; then
      err "port $port on 127.0.0.1 is in use; stop what listens there (the contract's ports are used as they are)"
      return 1
    fi
  done
  install_python
  install_npm "$HERE/frontend"
  install_npm "$HERE/e2e"
  install_root
}

# ---------------------------------------------------------------------------
# The tests.
# ---------------------------------------------------------------------------
test_shellcheck() {
  shellcheck "$HERE/test.sh"
}

start_postgres() {
  local pw_file=$WORK/pg-password
  PG_BIN=$(pg_bin_dir)
  PG_DATA=$WORK/postgres/data
  rm -rf "$WORK/postgres"
  own "$(id -u postgres 2>/dev/null || id -u)" "$WORK/postgres" "$WORK/postgres/socket"
  printf 'todo-test-password\n' >"$pw_file"
  chmod 644 "$pw_file"
  touch "$LOGS/postgres.log"
  if [ "$IS_ROOT" = 1 ]; then chown postgres "$LOGS/postgres.log"; fi
  as_user postgres "$PG_BIN/initdb" -D "$PG_DATA" -U todo --pwfile="$pw_file" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$WORK/postgres/initdb.log" 2>&1 || { cat "$WORK/postgres/initdb.log" >&2; return 1; }
  as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK/postgres/socket" start >/dev/null
  PGPASSWORD=todo-test-password as_user postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U todo todo
}

test_backend() {
  start_postgres
  cd "$HERE/backend"
  TEST_POSTGRES_URL="postgresql://todo:todo-test-password@127.0.0.1:$PG_PORT/todo" TEST_REQUIRE_POSTGRES=1 \
    .venv/bin/python -m pytest -q -p no:cacheprovider
}

# The load test of the real server (bench/load.py): it fails on a lost write, a 5xx or a failed probe, and
# prints its latencies (on a shared machine they are figures, not assertions).
test_backend_load_sqlite() {
  cd "$HERE/backend"
  .venv/bin/python -m bench.load
}

test_backend_load_postgres() {
  start_postgres
  cd "$HERE/backend"
  .venv/bin/python -m bench.load --database-url "postgresql://todo:todo-test-password@127.0.0.1:$PG_PORT/todo"
}

# The Dockerfile's build stage: the runtime lock alone, wheels only, no dependency resolution; then the app
# must import and pip must find every requirement met (a dependency missing from the lock fails here).
test_backend_image_install() {
  local python venv=$WORK/image-venv
  python=$(python_bin)
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --require-hashes --only-binary=:all: --no-deps -r "$HERE/backend/requirements.txt"
  "$venv/bin/pip" check
  (cd "$HERE/backend" && PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -c 'import todo_api.app, todo_api.__main__, todo_api.migrate; todo_api.app.create_app()')
  if "$venv/bin/python" -c 'import pytest' 2>/dev/null; then err "test tools in the runtime lock"; return 1; fi
}

# Both builds from one source tree; each output is copied out the way the Dockerfile's final stage takes it.
test_build_standalone() {
  cd "$HERE/frontend"
  # npm run build, as the Dockerfile: next build and what follows it (scripts/csp-meta.mjs).
  NEXT_OUTPUT=standalone npm run --silent build
  [ -f .next/standalone/server.js ] || { err "no .next/standalone/server.js"; return 1; }
  rm -rf "$WORK/standalone"
  cp -a .next/standalone "$WORK/standalone"
  cp -a .next/static "$WORK/standalone/.next/static"
  no_outside_hosts "$WORK/standalone/.next"
}

test_build_static() {
  cd "$HERE/frontend"
  NEXT_OUTPUT="export" npm run --silent build
  [ -f out/index.html ] || { err "no out/index.html"; return 1; }
  rm -rf "$WORK/static-site"
  cp -a out "$WORK/static-site"
  no_outside_hosts "$WORK/static-site"
}

# no_outside_hosts DIR: the built pages load no web fonts or scripts from another host.
no_outside_hosts() {
  if grep -rIlE 'fonts\.(googleapis|gstatic)\.com|<script[^>]+src="https?://|<link[^>]+href="https?://' "$1" >&2; then
    err "the build output above references another host"
    return 1
  fi
}

# render TEMPLATE OUT KEY=VALUE...: fill in @KEY@ placeholders; fails when one is left.
render() {
  local template=$1 out=$2 pair content
  shift 2
  content=$(cat "$template")
  for pair in "$@"; do content=${content//@${pair%%=*}@/${pair#*=}}; done
  if grep -qE '@[A-Z_]+@' <<<"$content"; then err "unfilled placeholder in $template"; return 1; fi
  printf '%s\n' "$content" >"$out"
}

start_nginx() {
  local name=$1 conf=$2 run=$3
  as_user "$NGINX_UID" nginx -t -q -e stderr -p "$run" -c "$conf" >"$LOGS/$name-config.log" 2>&1 || { cat "$LOGS/$name-config.log" >&2; return 1; }
  start "$name" "$NGINX_UID" nginx -e stderr -p "$run" -c "$conf"
}

STACK_STAMP=$WORK/stack-started
start_stack() {
  local run=$WORK/run
  # The writable directories of the contract, each owned by the user that writes it (its emptyDir or volume).
  own "$BACKEND_UID" "$run/backend/data" "$run/backend/logs" "$run/backend/tmp"
  own "$FRONTEND_UID" "$WORK/standalone/.next/cache" "$run/frontend/tmp"
  own "$NGINX_UID" "$run/static" "$run/ingress" "$run/ingress-static"
  # From here on, nothing outside them may change.
  touch "$STACK_STAMP"

  # Backend as uid 1000, in a clean environment like the container's: the image's ENV plus what the
  # ConfigMap and SqlitePersistence set.
  start backend "$BACKEND_UID" env -i -C "$HERE/backend" PATH=/usr/local/bin:/usr/bin:/bin \
    HOME="$run/backend/tmp" TMPDIR="$run/backend/tmp" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_URL="sqlite:///$run/backend/data/db.sqlite3" LOG_DIR="$run/backend/logs" MODE=mock LOG_LEVEL=info \
    HOST=127.0.0.1 PORT="$BACKEND_PORT" .venv/bin/python -m todo_api

  # Standalone frontend as uid 1001, with the image's writable /tmp and .next/cache.
  start frontend "$FRONTEND_UID" env -i -C "$WORK/standalone" PATH=/usr/local/bin:/usr/bin:/bin \
    HOME="$run/frontend/tmp" TMPDIR="$run/frontend/tmp" NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=127.0.0.1 PORT="$FRONTEND_PORT" NEXT_PUBLIC_API_URL=/api node server.js

  # Static export: the image's server block, bound to loopback (IPv4, and IPv6 where the machine has it) and
  # pointed at the export.
  local ipv6_listen="listen [::1]:$STATIC_PORT;"
  has_ipv6 || ipv6_listen=""
  sed -e "s#listen $STATIC_PORT;#listen 127.0.0.1:$STATIC_PORT;#" -e "s#listen \[::\]:$STATIC_PORT;#$ipv6_listen#" \
    -e "s#root /usr/share/nginx/html;#root $WORK/static-site;#" "$HERE/frontend/nginx/default.conf" >"$run/static/default.conf"
  if ! grep -q "listen 127.0.0.1:$STATIC_PORT;" "$run/static/default.conf" || ! grep -q "root $WORK/static-site;" "$run/static/default.conf" \
    || grep -qE "listen (\[::\]:)?$STATIC_PORT;" "$run/static/default.conf"; then
    err "frontend/nginx/default.conf no longer has 'listen $STATIC_PORT;', 'listen [::]:$STATIC_PORT;' and 'root /usr/share/nginx/html;'"
    return 1
  fi
  render "$HERE/e2e/static-frontend.conf" "$run/static/nginx.conf" "RUN_DIR=$run/static"
  start_nginx static "$run/static/nginx.conf" "$run/static"

  render "$HERE/e2e/ingress.conf" "$run/ingress/nginx.conf" "RUN_DIR=$run/ingress" "PORT=$INGRESS_PORT" \
    "BACKEND_PORT=$BACKEND_PORT" "FRONTEND_PORT=$FRONTEND_PORT"
  render "$HERE/e2e/ingress.conf" "$run/ingress-static/nginx.conf" "RUN_DIR=$run/ingress-static" "PORT=$INGRESS_STATIC_PORT" \
    "BACKEND_PORT=$BACKEND_PORT" "FRONTEND_PORT=$STATIC_PORT"
  start_nginx ingress "$run/ingress/nginx.conf" "$run/ingress"
  start_nginx ingress-static "$run/ingress-static/nginx.conf" "$run/ingress-static"

  wait_http "http://127.0.0.1:$BACKEND_PORT/ready" 60
  wait_http "http://127.0.0.1:$FRONTEND_PORT/" 60
  wait_http "http://127.0.0.1:$STATIC_PORT/" 30
  # The processes run as the contract's users.
  check_user backend "$BACKEND_UID"
  check_user frontend "$FRONTEND_UID"
  check_user static "$NGINX_UID"
}

# check_user NAME UID: the started process NAME runs as UID (when this script runs as root).
check_user() {
  local i uid
  [ "$IS_ROOT" = 1 ] || return 0
  for i in "${!NAMES[@]}"; do
    [ "${NAMES[$i]}" = "$1" ] || continue
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/${PIDS[$i]}/status")
    [ "$uid" = "$2" ] || { err "$1 runs as uid $uid, not $2"; return 1; }
    return 0
  done
  err "$1 was not started"
  return 1
}

test_smoke_standalone() {
  TODO_SMOKE_DELAY=1 bash "$REPO_ROOT/scripts/smoke-test.sh" --env local --url "http://127.0.0.1:$INGRESS_PORT" --host "$HOST_NAME" --retries 3
}

test_smoke_static() {
  TODO_SMOKE_DELAY=1 bash "$REPO_ROOT/scripts/smoke-test.sh" --env local --url "http://127.0.0.1:$INGRESS_STATIC_PORT" --host "$HOST_NAME" --retries 3
}

test_headers() {
  local static_ipv6=""
  if has_ipv6; then static_ipv6="http://[::1]:$STATIC_PORT"; fi
  cd "$HERE/e2e"
  TODO_E2E_STANDALONE="http://127.0.0.1:$FRONTEND_PORT" TODO_E2E_STATIC="http://127.0.0.1:$STATIC_PORT" \
    TODO_E2E_STATIC_IPV6=$static_ipv6 node --test --test-reporter=spec headers.test.mjs
}

test_browser() {
  cd "$HERE/e2e"
  CHROMIUM=$CHROMIUM TODO_E2E_ARTIFACTS=$WORK/screenshots \
    TODO_E2E_URLS="http://$HOST_NAME:$INGRESS_PORT,http://$HOST_NAME:$INGRESS_STATIC_PORT" \
    node --test --test-reporter=spec browser.test.mjs
}

# The code and the build output are read-only to the servers (as on the read-only root filesystem): nothing
# in them changed; the backend wrote its database and log file on its volumes.
test_writable_paths() {
  local changed
  changed=$(find "$HERE/backend/todo_api" "$WORK/standalone" "$WORK/static-site" -newer "$STACK_STAMP" \
    -not -path "$WORK/standalone/.next/cache*" -print)
  if [ -n "$changed" ]; then
    err "written outside the writable paths:"
    printf '%s\n' "$changed" >&2
    return 1
  fi
  [ -s "$WORK/run/backend/data/db.sqlite3" ] || { err "no database in the backend's data directory"; return 1; }
  [ -s "$WORK/run/backend/logs/backend.log" ] || { err "no log file in the backend's log directory"; return 1; }
}

# ---------------------------------------------------------------------------
main() {
  local started=$SECONDS line standalone=0 static=0
  # One run at a time: a second one would delete this run's directory and its record of the servers.
  mkdir -p "$(dirname "$WORK")"
  exec 9>"$(dirname "$WORK")/test-run.lock"
  if ! flock -n 9; then
    err "another test.sh run is using $WORK; wait for it to finish"
    KEEP=1
    exit 1
  fi
  rm -rf "$WORK"
  mkdir -p "$WORK" "$LOGS"
  chmod 755 "$WORK" "$LOGS"
  if [ "$IS_ROOT" = 1 ]; then
    open_path "$REPO_ROOT"
    open_path "$WORK"
  fi
  if ! step "install and check prerequisites" 1200 prepare; then
    skip "the tests" "prerequisites failed"
  else
    step "shellcheck test.sh" 60 test_shellcheck || true
    step "backend: pytest on SQLite and PostgreSQL" 900 test_backend || true
    step "backend: the image's install from the runtime lock (wheels only, no resolver)" 300 test_backend_image_install || true
    step "backend: load test on SQLite (2,000 writes at 1/16/64, 50 chats hanging)" 900 test_backend_load_sqlite || true
    step "backend: load test on PostgreSQL (2,000 writes at 1/16/64, 50 chats hanging)" 900 test_backend_load_postgres || true
    step "frontend: next build (standalone)" 600 test_build_standalone && standalone=1
    step "frontend: next build (static export)" 600 test_build_static && static=1
    if [ "$standalone" = 1 ] && [ "$static" = 1 ]; then
      # The servers outlive this step (they are recorded in $WORK/servers.pids and stopped on exit).
      local stack=0
      step "loopback stack up, each server as its image's user" 180 start_stack && stack=1
      load_server_pids
      if [ "$stack" = 1 ]; then
        step "scripts/smoke-test.sh through the Ingress stand-in (standalone frontend)" 120 test_smoke_standalone || true
        step "scripts/smoke-test.sh through the Ingress stand-in (static frontend)" 120 test_smoke_static || true
        step "frontend headers: security, caching, compression (both frontends)" 120 test_headers || true
        step "headless Chromium: add a todo, reload, see it, read the errors (both frontends)" 300 test_browser || true
        step "servers wrote only to their writable paths" 30 test_writable_paths || true
      else
        skip "smoke tests and browser test" "the stack did not start"
      fi
    else
      skip "loopback stack, smoke tests and browser test" "a frontend build failed"
    fi
  fi
  printf '\n'
  for line in "${RESULTS[@]}"; do printf '%s\n' "$line"; done
  printf 'total %ss\n' "$((SECONDS - started))"
  printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
  [ "$FAILED" = 0 ]
}

if [ -n "$STEP_FN" ]; then
  "$STEP_FN"
else
  main
fi
