#!/usr/bin/env bash
# Create or update the app Secret (todo-secrets) from a git-ignored .env file, never printing values.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [--env-file FILE] [--restart] [--context CONTEXT]

Create or update the app Secret in the namespace of ENV from FILE (KEY=VALUE
lines, e.g. DATABASE_URL, OPENAI_API_KEY, BETTER_AUTH_SECRET), with
  kubectl create secret generic ... --from-env-file=FILE --dry-run=client -o yaml | kubectl apply -f -
The namespace is created if it does not exist yet (deploy.sh then adds its labels). Only key
names are printed, never values.
FILE must be git-ignored when it lies inside a git work tree.

Options:
  --env ENV            a laptop environment of the app (app/environments.ts) (default: local)
  --env-file FILE      default: .env at the project root
  --restart            restart the app's Deployments afterwards so they read the new values
  --context CONTEXT    kubectl context (default: kind-todo, or todo for minikube)
  -h, --help           show this help

Note: like 'kubectl --from-env-file', quotes around a value are kept literally; write
KEY=value without quotes.
EOF
}

ENV_FILE="$TODO_ROOT/.env"
RESTART=0

handle_option() {
  case "$1" in
    --env-file) takes_value "$@"; ENV_FILE=$2 ;;
    --restart) RESTART=1 ;;
    --context) context_option "$@" ;;
    *) return 1 ;;
  esac
}
parse_args "$@"


[ -f "$ENV_FILE" ] || die "no env file at $ENV_FILE; create it with KEY=VALUE lines (see docs/local-clusters.md)"
ENV_FILE="$(cd "$(dirname "$ENV_FILE")" && pwd)/$(basename "$ENV_FILE")"

require_tool kubectl

# Refuse a file that git would pick up: it holds credentials.
if command -v git >/dev/null 2>&1 &&
  git -C "$(dirname "$ENV_FILE")" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if ! git -C "$(dirname "$ENV_FILE")" check-ignore -q "$ENV_FILE"; then
    die "$ENV_FILE is not git-ignored; add it to .gitignore before putting credentials in it"
  fi
fi

# Validate the file without ever printing a line's content (it may hold a secret).
KEYS=""
LINE_NO=0
while IFS= read -r line || [ -n "$line" ]; do
  LINE_NO=$((LINE_NO + 1))
  line=${line%$'\r'}
  case "$line" in
    "" | "#"*) continue ;;
  esac
  if [[ "$line" =~ ^export[[:space:]] ]]; then
    die "line $LINE_NO of $ENV_FILE starts with 'export'; write plain KEY=VALUE lines"
  fi
  if ! [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
    die "line $LINE_NO of $ENV_FILE is not a KEY=VALUE line (content not shown)"
  fi
  key=${line%%=*}
  value=${line#*=}
  case "$value" in
    \"*\" | \'*\') warn "the value of $key is quoted; kubectl keeps the quotes as part of the value" ;;
  esac
  case " $KEYS " in
    *" $key "*) warn "$key is set more than once in $ENV_FILE; the last value wins" ;;
    *) KEYS="${KEYS:+$KEYS }$key" ;;
  esac
done <"$ENV_FILE"
[ -n "$KEYS" ] || die "$ENV_FILE has no KEY=VALUE lines"

# Create the namespace only when missing: applying a bare Namespace over the one deploy.sh applied
# would drop its labels (Pod Security, sidecar injection) from the last-applied configuration.
if ! kube get namespace "$ENV_NAMESPACE" -o name >/dev/null 2>&1; then
  log "creating namespace $ENV_NAMESPACE (context $TODO_KUBE_CONTEXT)"
  # --save-config: deploy.sh's later kubectl apply of the labelled Namespace then merges without a warning.
  kube create namespace "$ENV_NAMESPACE" --save-config >/dev/null
fi

log "applying secret $ENV_SECRET in $ENV_NAMESPACE"
# The rendered Secret only travels through the pipe; apply's own output is dropped as well.
kube -n "$ENV_NAMESPACE" create secret generic "$ENV_SECRET" --from-env-file="$ENV_FILE" \
  --dry-run=client -o yaml | kube apply -f - >/dev/null

log "secret $ENV_SECRET in $ENV_NAMESPACE holds the keys: ${KEYS// /, } (values not shown)"

if [ "$RESTART" = 1 ]; then
  log "restarting the app's Deployments so they pick up the new values"
  kube -n "$ENV_NAMESPACE" rollout restart deployment -l "$ENV_PART_OF_SELECTOR"
else
  log "running pods keep the old values until restarted (use --restart, or redeploy)"
fi
