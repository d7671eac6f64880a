#!/usr/bin/env bash
# Create (or reuse) the local cluster for an environment and install its routing layer.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [options]

Create (or reuse) the local Kubernetes 1.36 cluster for ENV, install the routing layer
that ENV needs at a pinned version, and wait until it is ready.

What ENV needs comes from its settings in app/environments.ts (provider, routing, storage):
  kind, Ingress routing (local): kind cluster "todo" (scripts/kind/kind-config.yaml: node
      labelled ingress-ready=true, host ports 80/443) + ingress-nginx ${TODO_INGRESS_NGINX_VERSION}
      (kind provider manifest).
  kind, Istio routing and hostPath storage (local-istio): kind cluster "todo"
      (scripts/kind/kind-config-hostpath.yaml: host ports 80/443 -> gateway NodePorts,
      extraMounts for the hostPath volume) + Istio ${TODO_ISTIO_VERSION} with the CNI node agent
      (Helm charts base, cni, istiod with pilot.cni.enabled=true, gateway), so Pod Security
      "restricted" holds.
  minikube (minikube): minikube profile "todo" (Kubernetes ${TODO_K8S_VERSION}) with the ingress
      and metrics-server addons.

Options:
  --env ENV            a laptop environment of the app (app/environments.ts) (default: local)
  --name NAME          kind cluster name / minikube profile (default: todo;
                       env TODO_KIND_CLUSTER / TODO_MINIKUBE_PROFILE)
  --storage-dir DIR    hostPath storage: the host directory holding the SQLite volume
                       (default: the volume's node path; env TODO_STORAGE_DIR). Created
                       and made writable by uid ${TODO_APP_UID} (the backend's user).
  --cpus N             minikube: CPUs (default: 4)
  --memory MB          minikube: memory in MB (default: 6144)
  --driver DRIVER      minikube: driver (default: docker)
  --timeout DURATION   wait for each component at most this long (default: 300s;
                       env TODO_WAIT_TIMEOUT)
  -h, --help           show this help

Needs: docker, kind, kubectl (+ helm for Istio) or minikube, kubectl; node (to read the app's environments).
EOF
}

NAME=""
STORAGE_DIR=${TODO_STORAGE_DIR:-}
CPUS=4
MEMORY=6144
DRIVER=docker
TIMEOUT=${TODO_WAIT_TIMEOUT:-300s}

handle_option() {
  case "$1" in
    --name) takes_value "$@"; NAME=$2 ;;
    --storage-dir) takes_value "$@"; STORAGE_DIR=$2 ;;
    --cpus) takes_value "$@"; CPUS=$2 ;;
    --memory) takes_value "$@"; MEMORY=$2 ;;
    --driver) takes_value "$@"; DRIVER=$2 ;;
    --timeout) takes_value "$@"; TIMEOUT=$2 ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

validate_duration --timeout "$TIMEOUT"
STORAGE_DIR=${STORAGE_DIR:-$ENV_HOST_PATH}
if [ -n "$NAME" ]; then
  TODO_KIND_CLUSTER=$NAME
  TODO_MINIKUBE_PROFILE=$NAME
fi
TODO_KUBE_CONTEXT=$(env_default_context)

TMP_DIR=""
cleanup_tmp() {
  if [ -n "$TMP_DIR" ]; then rm -rf "$TMP_DIR"; fi
}
trap cleanup_tmp EXIT

# prepare_storage_dir DIR: create the hostPath directory and make it writable by the backend's uid.
prepare_storage_dir() {
  local dir=$1
  case "$dir" in
    *'|'* | *$'\n'*) die "--storage-dir must not contain '|' or newlines: $dir" ;;
  esac
  mkdir -p "$dir" || die "cannot create the storage directory $dir"
  STORAGE_DIR=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then
    chown "$TODO_APP_UID:$TODO_APP_UID" "$STORAGE_DIR" || die "cannot chown $STORAGE_DIR to $TODO_APP_UID"
  elif [ "$(id -u)" = "$TODO_APP_UID" ]; then
    chmod u+rwx "$STORAGE_DIR" || die "cannot make $STORAGE_DIR writable"
  else
    # The backend runs as uid 1000 inside the node; a bind mount keeps host ownership, so the
    # directory must be writable by that uid. Without root we can only open it up.
    chmod 0777 "$STORAGE_DIR" ||
      die "cannot make $STORAGE_DIR writable by uid $TODO_APP_UID; run: sudo chown $TODO_APP_UID:$TODO_APP_UID '$STORAGE_DIR'"
    warn "made $STORAGE_DIR world-writable so the backend (uid $TODO_APP_UID) can write its SQLite files there"
  fi
  log "hostPath storage: host $STORAGE_DIR -> node $ENV_HOST_PATH"
}

# has_line TEXT LINE: does TEXT contain LINE as a whole line? (no grep -q under pipefail)
has_line() {
  case $'\n'"$1"$'\n' in
    *$'\n'"$2"$'\n'*) return 0 ;;
    *) return 1 ;;
  esac
}

kind_cluster_exists() {
  has_line "$(kind get clusters 2>/dev/null || true)" "$TODO_KIND_CLUSTER"
}

install_ingress_nginx_kind() {
  log "installing ingress-nginx $TODO_INGRESS_NGINX_VERSION (kind provider manifest)"
  kube apply -f "$TODO_INGRESS_NGINX_KIND_MANIFEST"
  log "waiting for the ingress-nginx controller (timeout $TIMEOUT)"
  kube -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout="$TIMEOUT"
}

helm_install_istio() {
  local release=$1 chart=$2
  shift 2
  log "helm: $release ($chart $TODO_ISTIO_VERSION)"
  helm --kube-context "$TODO_KUBE_CONTEXT" upgrade --install "$release" "$chart" \
    --namespace istio-system --version "$TODO_ISTIO_VERSION" --wait --timeout "$TIMEOUT" ${1+"$@"}
}

install_istio() {
  log "installing Istio $TODO_ISTIO_VERSION with the CNI node agent"
  # The CNI DaemonSet needs hostPath volumes, so istio-system itself runs "privileged";
  # the app namespaces keep "restricted" because no istio-init (NET_ADMIN) container is injected.
  kube create namespace istio-system --dry-run=client -o yaml | kube apply -f -
  kube label --overwrite namespace istio-system pod-security.kubernetes.io/enforce=privileged
  helm repo add istio "$TODO_ISTIO_HELM_REPO" --force-update
  helm_install_istio istio-base istio/base --set defaultRevision=default
  helm_install_istio istio-cni istio/cni
  helm_install_istio istiod istio/istiod --set pilot.cni.enabled=true
  helm_install_istio istio-ingressgateway istio/gateway --values "$TODO_SCRIPTS_DIR/istio/gateway-values.yaml"
  log "waiting for Istio (timeout $TIMEOUT)"
  kube -n istio-system rollout status daemonset/istio-cni-node --timeout="$TIMEOUT"
  kube -n istio-system rollout status deployment/istiod --timeout="$TIMEOUT"
  kube -n istio-system rollout status deployment/istio-ingressgateway --timeout="$TIMEOUT"
}

kind_up() {
  local config="$TODO_SCRIPTS_DIR/kind/kind-config.yaml" mounts
  require_tool docker kind kubectl
  if [ "$ENV_ISTIO" = true ]; then
    require_tool helm
  fi
  docker info >/dev/null 2>&1 || die "cannot reach the Docker engine ('docker info' failed); start Docker and retry"

  if [ -n "$ENV_HOST_PATH" ]; then
    prepare_storage_dir "$STORAGE_DIR"
    # The mount of scripts/kind/kind-config-hostpath.yaml, from the host directory to the volume's node path.
    TMP_DIR=$(mktemp -d)
    sed -e "s|^\( *- hostPath:\) .*|\1 $STORAGE_DIR|" -e "s|^\( *containerPath:\) .*|\1 $ENV_HOST_PATH|" \
      "$TODO_SCRIPTS_DIR/kind/kind-config-hostpath.yaml" >"$TMP_DIR/kind-config.yaml"
    config="$TMP_DIR/kind-config.yaml"
  fi

  if kind_cluster_exists; then
    log "kind cluster '$TODO_KIND_CLUSTER' already exists; reusing it"
    if [ -n "$ENV_HOST_PATH" ]; then
      mounts=$(docker inspect --format '{{range .Mounts}}{{println .Destination}}{{end}}' \
        "$TODO_KIND_CLUSTER-control-plane" 2>/dev/null || true)
      if ! has_line "$mounts" "$ENV_HOST_PATH"; then
        die "kind cluster '$TODO_KIND_CLUSTER' has no $ENV_HOST_PATH mount (it was not created for $ENV_NAME); delete it with 'kind delete cluster --name $TODO_KIND_CLUSTER' (after a backup) and run this again"
      fi
    fi
  else
    log "creating kind cluster '$TODO_KIND_CLUSTER' ($TODO_KIND_NODE_IMAGE)"
    kind create cluster --name "$TODO_KIND_CLUSTER" --config "$config" --wait "$TIMEOUT"
  fi

  if [ "$ENV_ISTIO" = true ]; then
    install_istio
  else
    install_ingress_nginx_kind
  fi
}

minikube_up() {
  require_tool minikube kubectl
  if [ "$DRIVER" = docker ]; then
    require_tool docker
  fi
  if minikube -p "$TODO_MINIKUBE_PROFILE" status >/dev/null 2>&1; then
    log "minikube profile '$TODO_MINIKUBE_PROFILE' is running; reusing it"
    minikube -p "$TODO_MINIKUBE_PROFILE" addons enable ingress
    minikube -p "$TODO_MINIKUBE_PROFILE" addons enable metrics-server
  else
    log "starting minikube profile '$TODO_MINIKUBE_PROFILE' (Kubernetes $TODO_K8S_VERSION, $CPUS CPUs, $MEMORY MB)"
    minikube start -p "$TODO_MINIKUBE_PROFILE" --driver="$DRIVER" --cpus="$CPUS" --memory="$MEMORY" \
      --kubernetes-version="$TODO_K8S_VERSION" --addons=ingress --addons=metrics-server
  fi
  log "waiting for the ingress and metrics-server addons (timeout $TIMEOUT)"
  kube -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout="$TIMEOUT"
  kube -n kube-system rollout status deployment/metrics-server --timeout="$TIMEOUT"
}

case "$ENV_PROVIDER" in
  kind)
    kind_up
    log "cluster ready: kubectl context '$TODO_KUBE_CONTEXT'; the app will answer on http://$ENV_HOST/ (127.0.0.1)"
    ;;
  minikube)
    minikube_up
    ip=$(minikube -p "$TODO_MINIKUBE_PROFILE" ip)
    log "cluster ready: kubectl context '$TODO_KUBE_CONTEXT'; minikube IP $ip"
    log "map the host name once: echo '$ip $ENV_HOST' | sudo tee -a /etc/hosts"
    ;;
esac
log "next: scripts/build-images.sh --env $ENV_NAME --backend PATH --frontend PATH"
