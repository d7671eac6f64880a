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
# Project contract (names fixed by the cdk8s app).
# ---------------------------------------------------------------------------
TODO_LOCAL_ENVS="local local-istio minikube"
# The namespaced kinds the charts write (group/version/Kind), which deploy.sh prunes and cleanup.sh
# deletes by label. Claims, volumes, the namespace and the Secret are deliberately not among them.
TODO_APP_KINDS="apps/v1/Deployment apps/v1/StatefulSet batch/v1/Job batch/v1/CronJob core/v1/Service"
TODO_APP_KINDS="$TODO_APP_KINDS core/v1/ConfigMap core/v1/ServiceAccount core/v1/ResourceQuota core/v1/LimitRange"
TODO_APP_KINDS="$TODO_APP_KINDS rbac.authorization.k8s.io/v1/Role rbac.authorization.k8s.io/v1/RoleBinding"
TODO_APP_KINDS="$TODO_APP_KINDS networking.k8s.io/v1/Ingress networking.k8s.io/v1/NetworkPolicy policy/v1/PodDisruptionBudget"
TODO_APP_KINDS="$TODO_APP_KINDS autoscaling/v2/HorizontalPodAutoscaler"
# Istio's kinds exist only where Istio is installed (local-istio).
TODO_ISTIO_KINDS="networking.istio.io/v1/Gateway networking.istio.io/v1/VirtualService networking.istio.io/v1/DestinationRule"
TODO_ISTIO_KINDS="$TODO_ISTIO_KINDS security.istio.io/v1/PeerAuthentication security.istio.io/v1/AuthorizationPolicy"
TODO_SECRET_NAME="todo-secrets"
TODO_PVC_NAME="todo-data"
TODO_BACKEND_DEPLOYMENT="todo-backend"
TODO_BACKEND_CONTAINER="backend"
TODO_PART_OF_SELECTOR="app.kubernetes.io/part-of=todo"
TODO_BACKEND_SELECTOR="app.kubernetes.io/name=todo-backend"
TODO_DB_PATH="${TODO_DB_PATH:-/data/db.sqlite3}"
# The backend mounts this sub-directory of the claim at /data (and "logs" at /logs).
TODO_DATA_SUBPATH="${TODO_DATA_SUBPATH-data}"
# Node path of local-istio's static hostPath PersistentVolume (and the kind extraMounts containerPath).
TODO_NODE_STORAGE_PATH="/tmp/aiq-storage"
# The backend image's default (non-root) user; the hostPath directory must be writable by it.
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

# ---------------------------------------------------------------------------
# Environments.
# ---------------------------------------------------------------------------
# validate_env ENV [ALLOWED...]: exit 2 unless ENV is one of ALLOWED (default: the laptop envs).
validate_env() {
  local env=$1
  shift
  local allowed="${*:-$TODO_LOCAL_ENVS}"
  case " $allowed " in
    *" $env "*) return 0 ;;
  esac
  if [ "$env" = production ]; then
    usage_error "environment 'production' is not handled by these laptop scripts (allowed here: $allowed)"
  fi
  usage_error "unknown environment '$env' (allowed here: $allowed)"
}

env_namespace() { printf 'todo-%s\n' "$1"; }

# env_selector ENV: the labels every object of ENV carries, and no object of another environment.
env_selector() { printf '%s,app.kubernetes.io/instance=%s\n' "$TODO_PART_OF_SELECTOR" "$(env_namespace "$1")"; }

# env_kinds ENV: the group/version/Kind list of ENV's namespaced app objects.
env_kinds() {
  if [ "$1" = local-istio ]; then
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

# env_provider ENV: which local cluster runs ENV.
env_provider() {
  case "$1" in
    minikube) echo minikube ;;
    *) echo kind ;;
  esac
}

# env_host ENV: the HTTP host name the environment's routing answers to.
env_host() {
  case "$1" in
    minikube) echo todo.local ;;
    *) echo todo.localhost ;;
  esac
}

# env_default_context ENV: kubeconfig context created by `kind create cluster` / `minikube start`.
env_default_context() {
  case "$(env_provider "$1")" in
    minikube) echo "$TODO_MINIKUBE_PROFILE" ;;
    *) echo "kind-$TODO_KIND_CLUSTER" ;;
  esac
}

# select_context ENV [EXPLICIT]: set TODO_KUBE_CONTEXT (explicit > $TODO_KUBE_CONTEXT > env default).
select_context() {
  if [ -n "${2-}" ]; then
    TODO_KUBE_CONTEXT=$2
  elif [ -z "$TODO_KUBE_CONTEXT" ]; then
    TODO_KUBE_CONTEXT=$(env_default_context "$1")
  fi
}

# image_tag_file ENV: where build-images.sh records the tag of the images it loaded into ENV's
# cluster, for deploy.sh. Keyed by cluster (local and local-istio share the kind cluster).
image_tag_file() {
  case "$(env_provider "$1")" in
    minikube) printf '%s/image-tag.minikube-%s\n' "$TODO_STATE_DIR" "$TODO_MINIKUBE_PROFILE" ;;
    *) printf '%s/image-tag.kind-%s\n' "$TODO_STATE_DIR" "$TODO_KIND_CLUSTER" ;;
  esac
}

package_version() {
  require_tool node
  (cd "$TODO_ROOT" && node -p "require('./package.json').version")
}

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
  local ns=$1 selector=${2:-$TODO_PART_OF_SELECTOR}
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
