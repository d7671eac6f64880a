#!/usr/bin/env bash
# Restore the backend's SQLite database from a local backup file.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

RESTORE_POD="todo-sqlite-restore"

usage() {
  cat <<EOF
Usage: $(basename "$0") --file BACKUP [--env ENV] [--yes] [--timeout DURATION]

Replace $TODO_DB_PATH of environment ENV with BACKUP (a file from scripts/backup-sqlite.sh):
1. scale Deployment $TODO_BACKEND_DEPLOYMENT to 0 and wait until its pods are gone;
2. start the short-lived pod $RESTORE_POD (backend image, the SQLite claim's
   sub-directory "$TODO_DATA_SUBPATH" at $(dirname "$TODO_DB_PATH") as in the backend,
   Pod Security "restricted": non-root uid $TODO_APP_UID, no privilege escalation, all
   capabilities dropped, RuntimeDefault seccomp, read-only root filesystem);
3. stream BACKUP into it, check its SHA-256 and PRAGMA integrity_check, move the current
   database aside to $TODO_DB_PATH.pre-restore-<timestamp>, put BACKUP in place;
4. delete the pod, scale the backend back to its previous replica count, wait for it.
Then print the integrity check and row counts of the restored database. If anything
fails after step 1, the pod is deleted and the backend scaled back anyway.

Options:
  --file BACKUP        the SQLite file to restore (required)
  --env ENV            a laptop environment of the app (app/environments.ts) that keeps its data in SQLite
                       (default: local)
  --yes                do not ask for confirmation
  --timeout DURATION   wait at most this long for each step (default: 180s)
  --context CONTEXT    kubectl context (default: kind-todo)
  -h, --help           show this help
EOF
}

FILE=""
YES=0
TIMEOUT=${TODO_RESTORE_TIMEOUT:-180s}
POLL_INTERVAL=${TODO_POLL_INTERVAL:-2}

handle_option() {
  case "$1" in
    --file) takes_value "$@"; FILE=$2 ;;
    --yes | -y) YES=1 ;;
    --timeout) takes_value "$@"; TIMEOUT=$2 ;;
    --context) context_option "$@" ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

require_sqlite "restore it with psql/pg_restore"
validate_duration --timeout "$TIMEOUT"
[ -n "$FILE" ] || usage_error "--file BACKUP is required"
[ -f "$FILE" ] || die "no such file: $FILE"
[ "$(head -c 15 "$FILE")" = "SQLite format 3" ] || die "$FILE is not an SQLite database"
require_tool kubectl

LOCAL_SHA=$(file_sha256 "$FILE")
TS=$(date -u +%Y%m%dT%H%M%SZ)
DATA_DIR=$(dirname "$TODO_DB_PATH")
UPLOAD="$DATA_DIR/.restore-upload-$TS.sqlite3"

# python3 - DST: write stdin to DST.
PY_RECEIVE='import shutil, sys
with open(sys.argv[1], "wb") as f:
    shutil.copyfileobj(sys.stdin.buffer, f)'

# python3 - UPLOAD DB SHA256 TS: verify the upload, keep the current database aside, swap.
PY_INSTALL="$TODO_PY_SQLITE
$(
  cat <<'PY'
upload, db, expected, ts = sys.argv[1:5]
if sha256(upload) != expected:
    os.remove(upload)
    sys.stderr.write("checksum mismatch after upload\n")
    sys.exit(4)
try:
    integrity, _ = check(upload)
except sqlite3.DatabaseError as e:
    integrity = str(e)
if integrity != "ok":
    os.remove(upload)
    sys.stderr.write("the backup fails PRAGMA integrity_check: %s\n" % integrity)
    sys.exit(5)
previous = ""
if os.path.exists(db):
    previous = "%s.pre-restore-%s" % (db, ts)
    os.replace(db, previous)
for suffix in ("-wal", "-shm", "-journal"):
    if os.path.exists(db + suffix):
        if previous:
            os.replace(db + suffix, previous + suffix)
        else:
            os.remove(db + suffix)
os.replace(upload, db)
integrity, rows = check(db)
print("integrity=%s" % integrity)
print("sha256=%s" % sha256(db))
print("rows=%s" % rows)
print("previous=%s" % previous)
PY
)"

REPLICAS=$(kube -n "$ENV_NAMESPACE" get deployment "$TODO_BACKEND_DEPLOYMENT" -o jsonpath='{.spec.replicas}') ||
  die "deployment $TODO_BACKEND_DEPLOYMENT not found in $ENV_NAMESPACE (context $TODO_KUBE_CONTEXT); deploy first"
REPLICAS=${REPLICAS:-1}
IMAGE=$(kube -n "$ENV_NAMESPACE" get deployment "$TODO_BACKEND_DEPLOYMENT" \
  -o jsonpath="{.spec.template.spec.containers[?(@.name==\"$TODO_BACKEND_CONTAINER\")].image}")
[ -n "$IMAGE" ] || die "deployment $TODO_BACKEND_DEPLOYMENT has no container named $TODO_BACKEND_CONTAINER"
kube -n "$ENV_NAMESPACE" get persistentvolumeclaim "$ENV_CLAIM" -o name >/dev/null ||
  die "PersistentVolumeClaim $ENV_CLAIM not found in $ENV_NAMESPACE"

printf 'This replaces %s in %s (context %s) with %s.\n' "$TODO_DB_PATH" "$ENV_NAMESPACE" "$TODO_KUBE_CONTEXT" "$FILE"
printf 'The backend is stopped meanwhile; the current database is kept as %s.pre-restore-%s.\n' "$TODO_DB_PATH" "$TS"
if [ "$YES" != 1 ] && ! confirm "Restore?"; then
  err "aborted; nothing was changed"
  exit 1
fi

SCALED_DOWN=0
POD_CREATED=0
on_exit() {
  local rc=$?
  if [ "$POD_CREATED" = 1 ]; then
    kube -n "$ENV_NAMESPACE" delete pod "$RESTORE_POD" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  fi
  if [ "$SCALED_DOWN" = 1 ]; then
    warn "restore did not complete; scaling $TODO_BACKEND_DEPLOYMENT back to $REPLICAS"
    kube -n "$ENV_NAMESPACE" scale "deployment/$TODO_BACKEND_DEPLOYMENT" --replicas="$REPLICAS" >&2 || true
  fi
  exit "$rc"
}
trap on_exit EXIT

log "scaling $TODO_BACKEND_DEPLOYMENT from $REPLICAS to 0 replicas"
SCALED_DOWN=1
kube -n "$ENV_NAMESPACE" scale "deployment/$TODO_BACKEND_DEPLOYMENT" --replicas=0
deadline=$(duration_seconds "$TIMEOUT")
waited=0
while :; do
  pods=$(kube -n "$ENV_NAMESPACE" get pods -l "$TODO_BACKEND_SELECTOR" -o name) || die "cannot list the backend pods"
  [ -n "$pods" ] || break
  if [ "$waited" -ge "$deadline" ]; then
    print_diagnostics "$ENV_NAMESPACE" "$TODO_BACKEND_SELECTOR"
    die "backend pods still running after $TIMEOUT"
  fi
  sleep "$POLL_INTERVAL"
  waited=$((waited + POLL_INTERVAL))
  if [ "$POLL_INTERVAL" = 0 ]; then waited=$((waited + 1)); fi
done

# The backend mounts the claim's "data" sub-directory at /data; mount the same one.
SUBPATH_LINE=""
if [ -n "$TODO_DATA_SUBPATH" ]; then
  SUBPATH_LINE=$'\n'"          subPath: $TODO_DATA_SUBPATH"
fi
log "starting restore pod $RESTORE_POD ($IMAGE)"
POD_CREATED=1
kube apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $RESTORE_POD
  namespace: $ENV_NAMESPACE
  labels:
    app.kubernetes.io/name: $RESTORE_POD
    app.kubernetes.io/part-of: todo
    app.kubernetes.io/instance: $ENV_NAMESPACE
    app.kubernetes.io/component: database
  annotations:
    sidecar.istio.io/inject: "false"
spec:
  restartPolicy: Never
  activeDeadlineSeconds: 3600
  terminationGracePeriodSeconds: 5
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: $TODO_APP_UID
    runAsGroup: $TODO_APP_UID
    fsGroup: $TODO_APP_UID
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: restore
      image: $IMAGE
      imagePullPolicy: IfNotPresent
      command: ["python3", "-c", "import time; time.sleep(3600)"]
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        runAsUser: $TODO_APP_UID
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      resources:
        requests:
          cpu: 50m
          memory: 64Mi
        limits:
          cpu: 500m
          memory: 256Mi
      volumeMounts:
        - name: data
          mountPath: $DATA_DIR${SUBPATH_LINE}
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: $ENV_CLAIM
EOF
if ! kube -n "$ENV_NAMESPACE" wait --for=condition=Ready "pod/$RESTORE_POD" --timeout="$TIMEOUT"; then
  print_diagnostics "$ENV_NAMESPACE" "app.kubernetes.io/name=$RESTORE_POD"
  die "restore pod $RESTORE_POD did not become ready within $TIMEOUT"
fi

log "uploading $FILE ($(file_size "$FILE") bytes, sha256 $LOCAL_SHA)"
kube -n "$ENV_NAMESPACE" exec -i "$RESTORE_POD" -- python3 -c "$PY_RECEIVE" "$UPLOAD" <"$FILE" ||
  die "upload into $RESTORE_POD failed"

log "verifying and swapping in the backup"
REPORT=$(kube -n "$ENV_NAMESPACE" exec "$RESTORE_POD" -- python3 -c "$PY_INSTALL" "$UPLOAD" "$TODO_DB_PATH" "$LOCAL_SHA" "$TS") ||
  die "the restore inside $RESTORE_POD failed; the current database was left in place"
report_value() { printf '%s\n' "$REPORT" | sed -n "s/^$1=//p" | sed -n 1p; }
INTEGRITY=$(report_value integrity)
RESTORED_SHA=$(report_value sha256)
ROWS_TEXT=$(report_value rows | sed 's/:/=/g; s/,/, /g')
PREVIOUS=$(report_value previous)

kube -n "$ENV_NAMESPACE" delete pod "$RESTORE_POD" --ignore-not-found --wait=true --timeout="$TIMEOUT"
POD_CREATED=0

log "scaling $TODO_BACKEND_DEPLOYMENT back to $REPLICAS"
kube -n "$ENV_NAMESPACE" scale "deployment/$TODO_BACKEND_DEPLOYMENT" --replicas="$REPLICAS"
SCALED_DOWN=0
if ! kube -n "$ENV_NAMESPACE" rollout status "deployment/$TODO_BACKEND_DEPLOYMENT" --timeout="$TIMEOUT"; then
  print_diagnostics "$ENV_NAMESPACE" "$TODO_BACKEND_SELECTOR"
  die "the backend did not come back within $TIMEOUT after the restore"
fi

[ "$INTEGRITY" = ok ] || die "integrity check of the restored database: ${INTEGRITY:-no result}"
[ "$RESTORED_SHA" = "$LOCAL_SHA" ] || die "the restored database's checksum differs from $FILE"
log "restore OK: $TODO_DB_PATH in $ENV_NAMESPACE now matches $FILE (sha256 $LOCAL_SHA)"
log "verified: integrity_check=ok; rows per table: ${ROWS_TEXT:-(no tables)}"
if [ -n "$PREVIOUS" ]; then
  log "the previous database was kept in the volume as $PREVIOUS"
fi
