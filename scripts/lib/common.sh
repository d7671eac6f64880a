# shellcheck shell=bash disable=SC2034  # a library: its constants are used by the scripts that source it
# Shared helpers for the local-cluster workflow scripts in scripts/.
# Source it (`source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"`), do not run it.
# Written for bash 3.2+ (the bash macOS ships): no associative arrays, no mapfile,
# no ${var,,}, and no "${array[@]}" on arrays that may be empty.

# ---------------------------------------------------------------------------
# Pinned versions: bump them here (and in scripts/kind/*.yaml for the node image).
# ---------------------------------------------------------------------------
# The Kubernetes minor the cluster tests run against (test/control-plane/go.mod: 1.36.4).
# Node image published with kind v0.32.0 (its default image, pinned by digest).
TODO_KIND_NODE_IMAGE="kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5"
TODO_K8S_VERSION="v1.36.4"
# ingress-nginx is retired (March 2026); v1.15.1 is its last release, tested up to Kubernetes 1.35. The
# Gateway API routing mode (production) is the path that stays supported.
TODO_INGRESS_NGINX_VERSION="${TODO_INGRESS_NGINX_VERSION:-controller-v1.15.1}"
TODO_INGRESS_NGINX_KIND_MANIFEST="https://raw.githubusercontent.com/kubernetes/ingress-nginx/${TODO_INGRESS_NGINX_VERSION}/deploy/static/provider/kind/deploy.yaml"
# Istio 1.30 supports Kubernetes 1.32-1.36; 1.24, whose CRDs the cdk8s imports and the offline
# validation were generated from, stops at 1.31. The app uses only networking.istio.io/v1 Gateway and
# VirtualService fields that exist in both.
TODO_ISTIO_VERSION="${TODO_ISTIO_VERSION:-1.30.4}"
TODO_ISTIO_HELM_REPO="https://istio-release.storage.googleapis.com/charts"

# ---------------------------------------------------------------------------
# Project contract. What differs between environments (namespace, host, labels, Secret, claim,
# hostPath, routing, which cluster tool runs it) is not written here: use_environment reads it from
# the cdk8s app (ENVIRONMENTS in app/environments.ts). What follows is the same in every environment.
# ---------------------------------------------------------------------------
# The namespaced kinds the charts write (group/version/Kind), which deploy.sh prunes and cleanup.sh
# deletes by label. Claims, volumes, the namespace and the Secret are deliberately not among them.
TODO_APP_KINDS="apps/v1/Deployment apps/v1/StatefulSet batch/v1/Job batch/v1/CronJob core/v1/Service"
TODO_APP_KINDS="$TODO_APP_KINDS core/v1/ConfigMap core/v1/ServiceAccount core/v1/ResourceQuota core/v1/LimitRange"
TODO_APP_KINDS="$TODO_APP_KINDS rbac.authorization.k8s.io/v1/Role rbac.authorization.k8s.io/v1/RoleBinding"
TODO_APP_KINDS="$TODO_APP_KINDS networking.k8s.io/v1/Ingress networking.k8s.io/v1/NetworkPolicy policy/v1/PodDisruptionBudget"
TODO_APP_KINDS="$TODO_APP_KINDS autoscaling/v2/HorizontalPodAutoscaler"
# Istio's kinds exist only where Istio is installed (environments whose routing needs Istio).
TODO_ISTIO_KINDS="networking.istio.io/v1/Gateway networking.istio.io/v1/VirtualService networking.istio.io/v1/DestinationRule"
TODO_ISTIO_KINDS="$TODO_ISTIO_KINDS security.istio.io/v1/PeerAuthentication security.istio.io/v1/AuthorizationPolicy"
TODO_BACKEND_DEPLOYMENT="todo-backend"
TODO_BACKEND_CONTAINER="backend"
TODO_BACKEND_SELECTOR="app.kubernetes.io/name=todo-backend"
TODO_DB_PATH="${TODO_DB_PATH:-/data/db.sqlite3}"
# The backend mounts this sub-directory of the claim at /data (and "logs" at /logs).
TODO_DATA_SUBPATH="${TODO_DATA_SUBPATH-data}"
# The backend image's default (non-root) user; a hostPath directory must be writable by it.
TODO_APP_UID=1000

# ---------------------------------------------------------------------------
# Locations. TODO_ROOT is the cdk8s project (package.json, dist/); tests point it elsewhere.
# ---------------------------------------------------------------------------
TODO_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TODO_ROOT=${TODO_ROOT:-$(cd "$TODO_SCRIPTS_DIR/.." && pwd)}
TODO_STATE_DIR=${TODO_STATE_DIR:-$TODO_ROOT/.cache}
TODO_KIND_CLUSTER=${TODO_KIND_CLUSTER:-todo}
TODO_MINIKUBE_PROFILE=${TODO_MINIKUBE_PROFILE:-todo}
TODO_KUBE_CONTEXT=${TODO_KUBE_CONTEXT:-}

# ---------------------------------------------------------------------------
# Logging. Progress goes to stdout, warnings/errors/diagnostics to stderr.
# ---------------------------------------------------------------------------
log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
err() { printf 'error: %s\n' "$*" >&2; }
die() {
  err "$*"
  exit 1
}
section() { printf '\n----- %s -----\n' "$*" >&2; }

# usage_error MESSAGE: bad command line; exit 2.
usage_error() {
  err "$*"
  printf "Run '%s --help' for usage.\n" "$(basename "$0")" >&2
  exit 2
}

# need_value OPTION VALUE: an option that takes a value must get one.
need_value() {
  case "${2-}" in
    "" | -*) usage_error "option $1 needs a value" ;;
  esac
}

# parse_args ARGS...: the command line of a script. Handles what every script shares (-h/--help,
# which calls the script's usage; --env ENV, which sets ENV_NAME; --opt=value, read as --opt value;
# the error for an unknown argument) and hands every other argument to the script's own
#   handle_option ARG [NEXT...]
# which returns non-zero for an argument it does not know and calls `takes_value "$@"` before it
# reads the value of an option that has one. Then loads the environment (use_environment) and
# selects the kubectl context (CONTEXT, set by a script's --context, else the default).
ENV_NAME=${TODO_ENV:-local}
CONTEXT=""
parse_args() {
  local arg
  while [ $# -gt 0 ]; do
    OPTION_WORDS=1
    case "$1" in
      -h | --help)
        usage
        exit 0
        ;;
      --*=*)
        arg=$1
        shift
        set -- "${arg%%=*}" "${arg#*=}" ${1+"$@"}
        continue
        ;;
      --env) takes_value "$@"; ENV_NAME=$2 ;;
      *) handle_option "$@" || usage_error "unknown argument: $1" ;;
    esac
    shift "$OPTION_WORDS"
  done
  use_environment "$ENV_NAME"
  select_context "$CONTEXT"
}

# takes_value OPTION VALUE...: OPTION needs a value; parse_args then consumes both words.
takes_value() {
  need_value "$1" "${2-}"
  OPTION_WORDS=2
}

# context_option --context CONTEXT...: the kubectl context, for the scripts that take --context.
context_option() {
  takes_value "$@"
  CONTEXT=$2
}

# ---------------------------------------------------------------------------
# Tools.
# ---------------------------------------------------------------------------
tool_install_hint() {
  case "$1" in
    docker) echo "Install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/" ;;
    kind) echo "Install kind v0.32.0 or newer: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (e.g. 'brew install kind' or 'go install sigs.k8s.io/kind@v0.32.0')" ;;
    kubectl) echo "Install kubectl 1.35 to 1.37 (within one minor of the cluster's 1.36): https://kubernetes.io/docs/tasks/tools/" ;;
    minikube) echo "Install minikube: https://minikube.sigs.k8s.io/docs/start/" ;;
    helm) echo "Install Helm 3: https://helm.sh/docs/intro/install/" ;;
    curl) echo "Install curl with your package manager (e.g. 'sudo apt-get install curl' or 'brew install curl')" ;;
    node | npx) echo "Install Node.js 20 (it ships npx): https://nodejs.org/" ;;
    git) echo "Install git: https://git-scm.com/downloads" ;;
    *) echo "Install '$1' and make sure it is on your PATH" ;;
  esac
}

# require_tool NAME...: fail with a clear message (exit 127) if a tool is not on PATH.
require_tool() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      err "required tool '$tool' was not found on PATH"
      printf '       %s\n' "$(tool_install_hint "$tool")" >&2
      exit 127
    fi
  done
}

# kube ARGS...: kubectl against the selected context (TODO_KUBE_CONTEXT), never an implicit one.
kube() {
  if [ -n "$TODO_KUBE_CONTEXT" ]; then
    kubectl --context "$TODO_KUBE_CONTEXT" "$@"
  else
    kubectl "$@"
  fi
}

# require_cluster: fail at once, with kubectl's reason, when the API server of the context does not answer
# within TODO_CLUSTER_TIMEOUT seconds (default 5): a stopped kind or minikube cluster, or a context that
# points nowhere. Otherwise the next steps would each wait on kubectl and then report something else
# (a missing Secret, a failed apply). /version is readable without any permission.
require_cluster() {
  local out
  out=$(kube get --raw=/version --request-timeout="${TODO_CLUSTER_TIMEOUT:-5}s" 2>&1 >/dev/null) && return 0
  die "the cluster of context ${TODO_KUBE_CONTEXT:-(current)} does not answer ($(printf '%s\n' "$out" | tail -n 1)); start it with scripts/cluster-up.sh --env $ENV_NAME"
}

# ---------------------------------------------------------------------------
# Environments, read from the cdk8s app: `node build/main.js --print-env` prints the app's
# ENVIRONMENTS (app/environments.ts) as "<environment> <key> <value>" lines.
# ---------------------------------------------------------------------------
# environment_settings: those lines for every environment (compiling the app first when main.ts or
# a file under app/ is newer than its build). Progress goes to stderr: the caller captures stdout.
# app_sources_newer_than FILE: true when main.ts or a .ts file under app/ changed after FILE.
app_sources_newer_than() {
  local sources=("$TODO_ROOT/main.ts")
  [ -d "$TODO_ROOT/app" ] && sources+=("$TODO_ROOT/app")
  [ -n "$(find "${sources[@]}" -name '*.ts' -newer "$1" -print -quit)" ]
}

environment_settings() {
  local main="$TODO_ROOT/build/main.js"
  require_tool node
  if [ ! -f "$main" ] || app_sources_newer_than "$main"; then
    [ -x "$TODO_ROOT/node_modules/.bin/tsc" ] ||
      die "the environments come from the cdk8s app in $TODO_ROOT, which is not built; run 'npm ci' there first"
    log "compiling the cdk8s app (tsc -b) to read its environments" >&2
    (cd "$TODO_ROOT" && node_modules/.bin/tsc -b) >&2 || die "tsc -b failed in $TODO_ROOT (errors above)"
  fi
  node "$main" --print-env || die "could not read the environments: node $main --print-env failed"
}

# use_environment ENV: load ENV's settings into the ENV_* variables below; exit 2 unless ENV is a
# laptop environment (one with a localCluster in app/environments.ts).
#   ENV_PROVIDER          kind or minikube
#   ENV_NAMESPACE         the namespace every object goes into
#   ENV_HOST              the host name a browser (and the smoke test) uses
#   ENV_PART_OF_SELECTOR  the label selector of every object of the app
#   ENV_SELECTOR          the same, narrowed to ENV's objects (app.kubernetes.io/instance)
#   ENV_SECRET            the app Secret; ENV_SECRET_OPTIONAL: true when the pods start without it
#   ENV_DATABASE          sqlite or external
#   ENV_CLAIM             SQLite's PersistentVolumeClaim (empty with an external database)
#   ENV_HOST_PATH         the node path of SQLite's hostPath volume (empty when it is provisioned)
#   ENV_ISTIO             true when ENV's routing needs Istio
use_environment() {
  local env=$1 settings name key value laptop="" known=0 part_of="" instance=""
  settings=$(environment_settings)
  ENV_PROVIDER="" ENV_NAMESPACE="" ENV_HOST="" ENV_SECRET="" ENV_SECRET_OPTIONAL=""
  ENV_DATABASE="" ENV_CLAIM="" ENV_HOST_PATH="" ENV_ISTIO=""
  while IFS=' ' read -r name key value; do
    if [ "$key" = provider ] && [ -n "$value" ]; then laptop="${laptop:+$laptop }$name"; fi
    [ "$name" = "$env" ] || continue
    known=1
    case "$key" in
      provider) ENV_PROVIDER=$value ;;
      namespace) ENV_NAMESPACE=$value ;;
      host) ENV_HOST=$value ;;
      part_of) part_of=$value ;;
      instance) instance=$value ;;
      secret) ENV_SECRET=$value ;;
      secret_optional) ENV_SECRET_OPTIONAL=$value ;;
      database) ENV_DATABASE=$value ;;
      claim) ENV_CLAIM=$value ;;
      host_path) ENV_HOST_PATH=$value ;;
      istio) ENV_ISTIO=$value ;;
    esac
  done <<SETTINGS
$settings
SETTINGS
  if [ "$known" = 0 ]; then
    usage_error "unknown environment '$env' (allowed here: $laptop)"
  fi
  if [ -z "$ENV_PROVIDER" ]; then
    usage_error "environment '$env' is not handled by these laptop scripts (allowed here: $laptop)"
  fi
  ENV_PART_OF_SELECTOR="app.kubernetes.io/part-of=$part_of"
  ENV_SELECTOR="$ENV_PART_OF_SELECTOR,app.kubernetes.io/instance=$instance"
}

# require_sqlite HINT: exit 2 unless the environment keeps its data in SQLite.
require_sqlite() {
  if [ "$ENV_DATABASE" != sqlite ]; then
    usage_error "the $ENV_NAME environment keeps its data in an external database (DATABASE_URL); $1"
  fi
}

# env_kinds: the group/version/Kind list of the environment's namespaced app objects.
env_kinds() {
  if [ "$ENV_ISTIO" = true ]; then
    printf '%s %s\n' "$TODO_APP_KINDS" "$TODO_ISTIO_KINDS"
  else
    printf '%s\n' "$TODO_APP_KINDS"
  fi
}

# kinds_as_resources GVK...: kubectl resource arguments (Kind.version.group, comma-separated).
kinds_as_resources() {
  local gvk group version kind out=""
  for gvk in "$@"; do
    group=${gvk%%/*} kind=${gvk##*/}
    version=${gvk#*/}
    version=${version%/*}
    if [ "$group" = core ]; then
      out="$out,$kind"
    else
      out="$out,$kind.$version.$group"
    fi
  done
  printf '%s\n' "${out#,}"
}

# env_default_context: kubeconfig context created by `kind create cluster` / `minikube start`.
env_default_context() {
  case "$ENV_PROVIDER" in
    minikube) echo "$TODO_MINIKUBE_PROFILE" ;;
    *) echo "kind-$TODO_KIND_CLUSTER" ;;
  esac
}

# select_context [EXPLICIT]: set TODO_KUBE_CONTEXT (explicit > $TODO_KUBE_CONTEXT > env default).
select_context() {
  if [ -n "${1-}" ]; then
    TODO_KUBE_CONTEXT=$1
  elif [ -z "$TODO_KUBE_CONTEXT" ]; then
    TODO_KUBE_CONTEXT=$(env_default_context)
  fi
}

# image_tag_file: where build-images.sh records the tag of the images it loaded into the
# environment's cluster, for deploy.sh. Keyed by cluster (kind environments share the kind cluster).
image_tag_file() {
  case "$ENV_PROVIDER" in
    minikube) printf '%s/image-tag.minikube-%s\n' "$TODO_STATE_DIR" "$TODO_MINIKUBE_PROFILE" ;;
    *) printf '%s/image-tag.kind-%s\n' "$TODO_STATE_DIR" "$TODO_KIND_CLUSTER" ;;
  esac
}

package_version() {
  require_tool node
  (cd "$TODO_ROOT" && node -p "require('./package.json').version")
}

# ---------------------------------------------------------------------------
# Python run inside the backend container by backup-sqlite.sh and restore-sqlite.sh (every Python
# image has sqlite3; no sqlite3 binary needed): the start of their programs.
# ---------------------------------------------------------------------------
TODO_PY_SQLITE=$(
  cat <<'PY'
import hashlib, os, sqlite3, sys

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

def check(path):
    # PRAGMA integrity_check, and "table:rows,..." for every table.
    conn = sqlite3.connect(path)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    rows = ",".join("%s:%d" % (t, conn.execute('SELECT COUNT(*) FROM "%s"' % t.replace('"', '""')).fetchone()[0])
                    for t in tables)
    conn.close()
    return integrity, rows
PY
)

# ---------------------------------------------------------------------------
# Small utilities.
# ---------------------------------------------------------------------------
# validate_duration OPTION VALUE: kubectl/helm style duration such as 90s, 5m, 1h.
validate_duration() {
  if ! [[ "$2" =~ ^[0-9]+[smh]$ ]]; then
    usage_error "option $1 expects a duration such as 300s or 5m, got '$2'"
  fi
}

# duration_seconds 5m -> 300
duration_seconds() {
  local value=${1%[smh]}
  case "$1" in
    *h) echo $((value * 3600)) ;;
    *m) echo $((value * 60)) ;;
    *) echo "$value" ;;
  esac
}

# confirm PROMPT: read an answer from stdin; success only for y/yes.
confirm() {
  local answer=""
  printf '%s [y/N] ' "$1"
  if ! IFS= read -r answer; then
    answer=""
  fi
  printf '\n'
  case "$answer" in
    y | Y | yes | Yes | YES) return 0 ;;
    *) return 1 ;;
  esac
}

# file_sha256 FILE
file_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum is available to checksum $1"
  fi
}

# file_size FILE (bytes)
file_size() { wc -c <"$1" | tr -d ' '; }

# warn_if_not_ignored PATH WHAT: warn when PATH sits in a git work tree without being git-ignored.
warn_if_not_ignored() {
  command -v git >/dev/null 2>&1 || return 0
  local dir
  dir=$(dirname "$1")
  [ -d "$dir" ] || return 0
  git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  if ! git -C "$dir" check-ignore -q "$1" 2>/dev/null; then
    warn "$2 $1 is inside a git work tree but not git-ignored; do not commit it"
  fi
}

# print_diagnostics NAMESPACE [SELECTOR]: pods' status, recent events and last log lines (to stderr).
print_diagnostics() {
  local ns=$1 selector=${2:-$ENV_PART_OF_SELECTOR}
  local events=${TODO_DIAG_EVENTS:-30} lines=${TODO_DIAG_LOG_LINES:-40}
  local pods pod
  section "pods in $ns ($selector)"
  kube -n "$ns" get pods -l "$selector" -o wide >&2 || true
  section "recent events in $ns (last $events)"
  { kube -n "$ns" get events --sort-by=.lastTimestamp 2>&1 || true; } | tail -n "$events" >&2
  pods=$(kube -n "$ns" get pods -l "$selector" -o name 2>/dev/null || true)
  if [ -z "$pods" ]; then
    printf '(no pods match %s: look at the events above, e.g. FailedCreate from Pod Security admission)\n' "$selector" >&2
  fi
  for pod in $pods; do
    section "last $lines log lines of $pod"
    kube -n "$ns" logs "$pod" --all-containers --prefix --tail="$lines" >&2 || true
    kube -n "$ns" logs "$pod" --all-containers --prefix --previous --tail="$lines" >&2 2>/dev/null || true
  done
}
