#!/usr/bin/env bash
# Check the deployed app through the cluster's routing (Ingress or Istio gateway).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [--url BASE_URL] [--host HOST] [--api-path PATH]

Send requests through the cluster's routing and report each result:
  backend health    GET /health        -> 200
  backend docs      GET /docs          -> 200 HTML (Swagger UI)
  OpenAPI schema    GET /openapi.json  -> 200 JSON with an "openapi" field
  backend API       GET API_PATH       -> JSON answer from the backend (2xx, 401, 403, 405
                                          or 422: the request reached the API)
  frontend page     GET /              -> 200 HTML
Exit status is non-zero when any check fails. When nothing answers at BASE_URL at all (connection
refused, unknown host, no connection within CONNECT_TIMEOUT), it says so after two attempts instead
of retrying every check.

Defaults: HOST is the environment's host (app/environments.ts); BASE_URL is http://127.0.0.1 on kind
(it maps the host's ports 80/443), http://\$(minikube -p todo ip) on minikube.

Options:
  --env ENV          a laptop environment of the app (app/environments.ts) (default: local)
  --url BASE_URL     where the ingress/gateway listens (env TODO_BASE_URL)
  --host HOST        Host header to send (env TODO_HOST)
  --api-path PATH    API path to probe (env TODO_API_PATH; default: the first /api/... path
                     without parameters in /openapi.json, else /api/todos)
  --retries N        attempts per check (default: 5; env TODO_SMOKE_RETRIES)
  --connect-timeout S  seconds to wait for a connection (default: 2; env TODO_SMOKE_CONNECT_TIMEOUT)
  -h, --help         show this help
EOF
}

BASE_URL=${TODO_BASE_URL:-}
HOST=${TODO_HOST:-}
API_PATH=${TODO_API_PATH:-}
RETRIES=${TODO_SMOKE_RETRIES:-5}
DELAY=${TODO_SMOKE_DELAY:-3}
CONNECT_TIMEOUT=${TODO_SMOKE_CONNECT_TIMEOUT:-2}
# Attempts before "nothing answers" ends the smoke test: a controller restarting may refuse one connection.
readonly UNREACHABLE_ATTEMPTS=2

handle_option() {
  case "$1" in
    --url) takes_value "$@"; BASE_URL=$2 ;;
    --host) takes_value "$@"; HOST=$2 ;;
    --api-path) takes_value "$@"; API_PATH=$2 ;;
    --retries) takes_value "$@"; RETRIES=$2 ;;
    --connect-timeout) takes_value "$@"; CONNECT_TIMEOUT=$2 ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

case "$RETRIES" in
  "" | *[!0-9]* | 0) usage_error "--retries expects a positive number" ;;
esac
case "$CONNECT_TIMEOUT" in
  "" | *[!0-9]* | 0) usage_error "--connect-timeout expects a positive number of seconds" ;;
esac
case "$API_PATH" in
  "" | /*) ;;
  *) usage_error "--api-path must start with /" ;;
esac
require_tool curl

if [ -z "$HOST" ]; then
  HOST=$ENV_HOST
fi
if [ -z "$BASE_URL" ]; then
  case "$ENV_PROVIDER" in
    minikube)
      require_tool minikube
      BASE_URL="http://$(minikube -p "$TODO_MINIKUBE_PROFILE" ip)"
      ;;
    *) BASE_URL="http://127.0.0.1" ;;
  esac
fi
BASE_URL=${BASE_URL%/}

BODY=$(mktemp)
CURL_ERR=$(mktemp)
trap 'rm -f "$BODY" "$CURL_ERR"' EXIT

PASSED=0
FAILED=0
STATUS=""
CTYPE=""
CURL_EXIT=0

# fetch PATH: sets STATUS, CTYPE and CURL_EXIT, body in $BODY, curl's error in $CURL_ERR.
fetch() {
  local out
  : >"$BODY"
  CURL_EXIT=0
  out=$(curl -sS -o "$BODY" -w '%{http_code} %{content_type}' --connect-timeout "$CONNECT_TIMEOUT" --max-time 10 \
    -H "Host: $HOST" "$BASE_URL$1" 2>"$CURL_ERR") || CURL_EXIT=$?
  STATUS=${out%% *}
  CTYPE=${out#* }
  if [ -z "$STATUS" ] || [ "$STATUS" = "$out" ]; then
    STATUS=${STATUS:-000}
    CTYPE=""
  fi
}

# unreachable: did the last request get no connection at all? curl exits 6 for an unknown host, 7 for a
# refused or unroutable connection, 28 for a timeout, which is the connect timeout when nothing was received.
unreachable() {
  case "$CURL_EXIT" in
    6 | 7) return 0 ;;
    28) grep -q 'Connection timed out\|Failed to connect' "$CURL_ERR" ;;
    *) return 1 ;;
  esac
}

# check_ok KIND: does the current response satisfy the check KIND?
check_ok() {
  case "$1" in
    health) [ "$STATUS" = 200 ] ;;
    docs) [ "$STATUS" = 200 ] && [[ "$CTYPE" == text/html* ]] ;;
    openapi) [ "$STATUS" = 200 ] && grep -q '"openapi"' "$BODY" ;;
    api)
      case "$STATUS" in
        2?? | 401 | 403 | 405 | 422) [[ "$CTYPE" == application/json* ]] ;;
        *) return 1 ;;
      esac
      ;;
    page) [ "$STATUS" = 200 ] && [[ "$CTYPE" == text/html* ]] ;;
  esac
}

# check LABEL KIND PATH
check() {
  local label=$1 kind=$2 path=$3 attempt=1
  while :; do
    fetch "$path"
    if check_ok "$kind"; then
      printf 'PASS  %-16s GET %-16s -> %s %s\n' "$label" "$path" "$STATUS" "$CTYPE"
      PASSED=$((PASSED + 1))
      return 0
    fi
    if unreachable && [ "$attempt" -ge "$UNREACHABLE_ATTEMPTS" ]; then
      printf 'FAIL  %-16s GET %-16s -> no connection\n' "$label" "$path"
      die "nothing answers at $BASE_URL (curl: $(sed -n '1s/^curl: ([0-9]*) //p' "$CURL_ERR")); is the $ENV_PROVIDER cluster up? (scripts/cluster-up.sh --env $ENV_NAME, then scripts/deploy.sh --env $ENV_NAME)"
    fi
    if [ "$attempt" -ge "$RETRIES" ]; then
      break
    fi
    attempt=$((attempt + 1))
    # No connection: the next try is soon, and the second one ends the test (above).
    if unreachable; then sleep "$((DELAY < 1 ? DELAY : 1))"; else sleep "$DELAY"; fi
  done
  printf 'FAIL  %-16s GET %-16s -> %s %s\n' "$label" "$path" "$STATUS" "${CTYPE:-(no answer)}"
  if [ "$kind" = api ] && [ "$STATUS" = 404 ]; then
    printf '      (the backend has no %s; pick an existing API path with --api-path)\n' "$path"
  fi
  FAILED=$((FAILED + 1))
  return 0
}

log "smoke test of $ENV_NAME via $BASE_URL (Host: $HOST)"
check "backend health" health /health
check "backend docs" docs /docs
check "OpenAPI schema" openapi /openapi.json
if [ -z "$API_PATH" ]; then
  # Pick an API path the backend documents (a "paths" key without {parameters}).
  API_PATH=$(grep -o '"/api/[^"{}]*"[[:space:]]*:' "$BODY" 2>/dev/null | sed -n '1s/^"\([^"]*\)".*/\1/p' || true)
  API_PATH=${API_PATH:-/api/todos}
fi
check "backend API" api "$API_PATH"
check "frontend page" page /

printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
if [ "$FAILED" -gt 0 ]; then
  err "smoke test failed; check 'kubectl -n $ENV_NAMESPACE get pods,ingress' and scripts/deploy.sh output"
  exit 1
fi
log "the app answers on http://$HOST/"
