#!/usr/bin/env bash
# Online, consistent backup of the backend's SQLite database to a local timestamped file.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [--output-dir DIR] [--context CONTEXT]

Back up $TODO_DB_PATH from the running backend pod while the app keeps serving:
1. in the pod, Python's sqlite3 backup API copies the live database into a consistent
   snapshot next to it and checks it (PRAGMA integrity_check, row count per table);
2. the snapshot is streamed to DIR/todo-ENV-<UTC timestamp>.sqlite3 and removed from the pod;
3. the local file's SHA-256 is compared with the snapshot's.
The result (integrity, row counts, checksum) is printed. No sqlite3 binary is needed.

Options:
  --env ENV           a laptop environment of the app (app/environments.ts) that keeps its data in SQLite
                      (default: local; with an external database use pg_dump)
  --output-dir DIR    where to write the backup (default: backups/ at the project root;
                      env TODO_BACKUP_DIR)
  --context CONTEXT   kubectl context (default: kind-todo)
  -h, --help          show this help
EOF
}

OUTPUT_DIR=${TODO_BACKUP_DIR:-$TODO_ROOT/backups}

handle_option() {
  case "$1" in
    --output-dir) takes_value "$@"; OUTPUT_DIR=$2 ;;
    --context) context_option "$@" ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

require_sqlite "back it up with pg_dump"
require_tool kubectl

# Runs in the backend container: python3 - SRC DST. Prints key=value lines only.
PY_BACKUP="$TODO_PY_SQLITE
$(
  cat <<'PY'
src, dst = sys.argv[1], sys.argv[2]
if not os.path.exists(src):
    sys.stderr.write("database file not found: %s\n" % src)
    sys.exit(3)
source = sqlite3.connect(src)
target = sqlite3.connect(dst)
source.backup(target)  # online backup API: a consistent snapshot while the app keeps writing
source.close()
target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal needed
target.close()
integrity, rows = check(dst)
print("integrity=%s" % integrity)
print("sha256=%s" % sha256(dst))
print("bytes=%d" % os.path.getsize(dst))
print("rows=%s" % rows)
PY
)"

POD=$(kube -n "$ENV_NAMESPACE" get pods -l "$TODO_BACKEND_SELECTOR" --field-selector=status.phase=Running \
  -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)
[ -n "$POD" ] || die "no running backend pod ($TODO_BACKEND_SELECTOR) in $ENV_NAMESPACE (context $TODO_KUBE_CONTEXT)"

TS=$(date -u +%Y%m%dT%H%M%SZ)
REMOTE="$(dirname "$TODO_DB_PATH")/.backup-$TS.sqlite3"
mkdir -p "$OUTPUT_DIR"
OUTPUT_DIR=$(cd "$OUTPUT_DIR" && pwd)
OUT="$OUTPUT_DIR/todo-$ENV_NAME-$TS.sqlite3"
PARTIAL="$OUT.partial"
REMOTE_CREATED=0

on_exit() {
  local rc=$?
  rm -f "$PARTIAL"
  if [ "$REMOTE_CREATED" = 1 ]; then
    kube -n "$ENV_NAMESPACE" exec "$POD" -c "$TODO_BACKEND_CONTAINER" -- rm -f "$REMOTE" >/dev/null 2>&1 ||
      warn "could not remove $REMOTE from pod $POD"
  fi
  exit "$rc"
}
trap on_exit EXIT

log "backing up $TODO_DB_PATH from pod $POD in $ENV_NAMESPACE (online, sqlite3 backup API)"
REMOTE_CREATED=1
REPORT=$(kube -n "$ENV_NAMESPACE" exec "$POD" -c "$TODO_BACKEND_CONTAINER" -- \
  python3 -c "$PY_BACKUP" "$TODO_DB_PATH" "$REMOTE") || die "the backup inside pod $POD failed"

report_value() { printf '%s\n' "$REPORT" | sed -n "s/^$1=//p" | sed -n 1p; }
INTEGRITY=$(report_value integrity)
REMOTE_SHA=$(report_value sha256)
ROWS=$(report_value rows)
[ "$INTEGRITY" = ok ] || die "integrity check of the snapshot failed: ${INTEGRITY:-no result}"
[ -n "$REMOTE_SHA" ] || die "the backup in pod $POD reported no checksum"

log "copying the snapshot to $OUT"
kube -n "$ENV_NAMESPACE" exec "$POD" -c "$TODO_BACKEND_CONTAINER" -- cat "$REMOTE" >"$PARTIAL" ||
  die "copying the snapshot out of pod $POD failed"
LOCAL_SHA=$(file_sha256 "$PARTIAL")
if [ "$LOCAL_SHA" != "$REMOTE_SHA" ]; then
  die "checksum mismatch after copy (pod $REMOTE_SHA, local $LOCAL_SHA); backup discarded"
fi
mv "$PARTIAL" "$OUT"
warn_if_not_ignored "$OUT" "backup file"

log "backup OK: $OUT ($(file_size "$OUT") bytes, sha256 $LOCAL_SHA)"
ROWS_TEXT=$(printf '%s' "$ROWS" | sed 's/:/=/g; s/,/, /g')
log "verified: integrity_check=ok; rows per table: ${ROWS_TEXT:-(no tables)}"
log "restore it with: scripts/restore-sqlite.sh --env $ENV_NAME --file $OUT"
