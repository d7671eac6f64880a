#!/usr/bin/env bash
# A real Kubernetes node beside the test control plane, in network and mount namespaces of its own:
# kubelet, kube-proxy, containerd with runc, CNI bridge, CoreDNS, NetworkPolicies by kube-router's
# firewall, Ingress and Gateway API by Traefik. Built from pinned Go modules and Debian packages.
set -euo pipefail
# shellcheck source=../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
# shellcheck source=../lib/components.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/components.sh"
# shellcheck source=../lib/go-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/go-build.sh"
# shellcheck source=../lib/pki.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/pki.sh"

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly NODE_DIR
readonly NODE_TEST_DIR="$NODE_DIR/.."
readonly NODE_CONTROL_PLANE_DIR="$NODE_TEST_DIR/control-plane"
readonly NODE_START_TIMEOUT=${TODO_NODE_TIMEOUT:-120}
# shellcheck disable=SC2034  # read by test/lib/components.sh
readonly COMPONENTS_WHAT="node"

# shellcheck source=lib/constants.sh
source "$NODE_DIR/lib/constants.sh"
# shellcheck source=lib/build.sh
source "$NODE_DIR/lib/build.sh"
# shellcheck source=lib/namespace.sh
source "$NODE_DIR/lib/namespace.sh"
# shellcheck source=lib/config.sh
source "$NODE_DIR/lib/config.sh"

# shellcheck disable=SC2153  # NODE_* come from lib/constants.sh
usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [DIR] [-- CMD...]

Commands:
  versions         print the pinned versions of everything the node runs
  build            build the node's binaries and add-on images once into the cache; print its path
  start DIR        start a control plane (test/control-plane, no kwok nodes) and one real node, with
                   their state and logs in DIR; return when the node is Ready, CoreDNS answers and
                   both routers (Ingress class "nginx", GatewayClass "traefik") are Ready
  exec DIR -- CMD  run CMD inside the node's network and mount namespaces with its KUBECONFIG, its
                   kubectl first on PATH and the README's scripts aimed at it: scripts/build-images.sh
                   builds with buildah (Debian stand-ins for the upstream base images: no registry)
                   and loads into the node's containerd; scripts/deploy.sh and smoke-test.sh work as
                   on kind (http://127.0.0.1 reaches the Ingress controller's hostPorts 80 and 443)
  memory DIR       print the memory the node uses now, in MiB: its processes' resident memory (control
                   plane, kubelet, containerd, shims, ...) and its pods' cgroup usage
  stop DIR         stop everything started in DIR (containers, node, control plane, namespaces,
                   cgroups); keeps the logs in DIR/logs and DIR/control-plane/logs
  -h, --help       show this help

The node ($NODE_NAME, $NODE_IP) lives in a network namespace of its own whose only other address is
$NODE_OUTSIDE_IP ("$NODE_OUTSIDE_NAME" in the cluster DNS): an address outside the cluster for tests of
egress. Nothing on the machine changes: no sysctl, route or iptables rule outside the namespace; the
kernel settings the kubelet checks are shown to it by its mount namespace.

Needs: root, Go (build only), buildah, runc, iptables, ipset, conntrack, openssl, node
(Debian: apt-get install buildah runc iptables ipset conntrack openssl).

Environment:
  TODO_CONTROL_PLANE_CACHE  build cache (default: \${XDG_CACHE_HOME:-~/.cache}/cdk8s-fastapi-nextjs)
  TODO_NODE_TIMEOUT         start-up wait per component in seconds (default: 120)
EOF
}

cmd_versions() {
  printf 'kubernetes %s (kubelet, kube-proxy; the control plane: test/control-plane)\n' "$(node_k8s_version)"
  printf 'containerd %s\n' "$(node_pinned containerd github.com/containerd/containerd/v2)"
  printf 'runc %s (Debian)\n' "$(runc --version 2>/dev/null | sed -n 's/^runc version //p' || echo 'not installed')"
  printf 'cni-plugins %s\n' "$(node_pinned cni-plugins github.com/containernetworking/plugins)"
  printf 'coredns %s\n' "$(node_pinned coredns github.com/coredns/coredns)"
  printf 'kube-router %s (firewall only)\n' "$(node_pinned kube-router github.com/cloudnativelabs/kube-router/v2)"
  printf 'traefik %s\n' "$(node_pinned traefik github.com/traefik/traefik/v3)"
  printf 'gateway-api %s (CRDs, the version Traefik is built with)\n' "$(node_pinned traefik sigs.k8s.io/gateway-api)"
}

# ---------------------------------------------------------------------------
# start
# ---------------------------------------------------------------------------
kubectl_node() {
  local dir=$1
  shift
  node_in "$dir" "$dir/control-plane/bin/kubectl" --kubeconfig "$dir/control-plane/kubeconfig" "$@"
}

# node_wait DIR NAME WHAT CHECK...: wait (bounded) for CHECK while component NAME runs.
node_wait() {
  local dir=$1 name=$2 what=$3
  shift 3
  components_wait "$dir" "$name" "$what" "$NODE_START_TIMEOUT" node_stop "$dir" -- "$@"
}

node_ready() {
  [[ "$(kubectl_node "$1" get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

# node_ctr DIR BIN ARGS...: ctr against the node's containerd (its warnings go to the containerd log).
node_ctr() {
  local dir=$1 bin=$2
  shift 2
  node_in "$dir" "$bin/ctr" --address "$dir/containerd/containerd.sock" "$@" 2>>"$dir/logs/containerd.log"
}

start_containerd() {
  local dir=$1 bin=$2 name
  mkdir -p "$dir/containerd" "$dir/cni/bin" "$dir/cni/net.d"
  for name in $NODE_CNI_PLUGINS; do ln -sf "$bin/$name" "$dir/cni/bin/$name"; done
  node_cni_config >"$dir/cni/net.d/10-todo-node.conflist"
  node_containerd_config "$dir" >"$dir/containerd/config.toml"
  # containerd finds its runc shim on PATH.
  node_launch "$dir" containerd env PATH="$bin:$PATH" "$bin/containerd" --config "$dir/containerd/config.toml"
  node_wait "$dir" containerd "serving its socket" node_ctr "$dir" "$bin" version
}

import_images() {
  local dir=$1 bin=$2 name
  for name in $NODE_ADDON_IMAGES; do
    node_ctr "$dir" "$bin" -n k8s.io images import "$bin/$name.image.tar" >/dev/null ||
      components_failed "$dir" containerd "could not import $name.image.tar" node_stop "$dir"
  done
}

start_control_plane() {
  local dir=$1
  node_in "$dir" env TODO_CONTROL_PLANE_NODES=0 TODO_CONTROL_PLANE_ADDRESS="$NODE_IP" \
    TODO_CONTROL_PLANE_TIMEOUT="$NODE_START_TIMEOUT" \
    bash "$NODE_CONTROL_PLANE_DIR/control-plane.sh" start "$dir/control-plane" >"$dir/logs/control-plane.log" 2>&1 ||
    components_failed "$dir" control-plane "did not start (test/control-plane/control-plane.sh)" node_stop "$dir"
}

start_kubelet() {
  local dir=$1 bin=$2
  mkdir -p "$dir/kubelet"
  printf 'nameserver %s\n' "$NODE_DNS_IP" >"$dir/kubelet/resolv.conf"
  node_kubelet_config "$dir" >"$dir/kubelet/config.yaml"
  node_launch "$dir" kubelet "$bin/kubelet" --config "$dir/kubelet/config.yaml" \
    --kubeconfig "$dir/pki/kubelet.kubeconfig" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --root-dir "$dir/kubelet/root" --cert-dir "$dir/kubelet/pki"
  node_wait "$dir" kubelet "registering the node" kubectl_node "$dir" get node "$NODE_NAME"
  # No controller allocates node CIDRs here: give the node the range the CNI bridge hands out.
  kubectl_node "$dir" patch node "$NODE_NAME" --type merge -p "{\"spec\":{\"podCIDR\":\"$NODE_POD_CIDR\",\"podCIDRs\":[\"$NODE_POD_CIDR\"]}}" >/dev/null
  node_wait "$dir" kubelet "a Ready node" node_ready "$dir"
}

start_network() {
  local dir=$1 bin=$2
  mkdir -p "$dir/kube-proxy"
  node_kube_proxy_config "$dir" >"$dir/kube-proxy/config.yaml"
  node_launch "$dir" kube-proxy "$bin/kube-proxy" --config "$dir/kube-proxy/config.yaml"
  node_launch "$dir" kube-router "$bin/kube-router" --kubeconfig "$dir/control-plane/kubeconfig" \
    --hostname-override "$NODE_NAME" --run-firewall=true --run-router=false --run-service-proxy=false \
    --enable-cni=false --metrics-port=0 --health-port=20244
}

apply_addons() {
  local dir=$1 bin=$2 file
  kubectl_node "$dir" apply --server-side --force-conflicts -f "$bin/gateway-api-crds.yaml" >/dev/null
  node_wait "$dir" kubelet "Gateway API CRDs established" \
    kubectl_node "$dir" wait --for condition=Established crd --all --timeout 5s
  for file in coredns traefik; do
    node_addon_manifest "$NODE_DIR/addons/$file.yaml" | kubectl_node "$dir" apply -f - >/dev/null
  done
  node_wait "$dir" kubelet "CoreDNS Ready" kubectl_node "$dir" -n kube-system rollout status deployment/coredns --timeout 5s
  node_wait "$dir" kubelet "the Ingress controller Ready" kubectl_node "$dir" -n ingress-nginx rollout status deployment/traefik --timeout 5s
  node_wait "$dir" kubelet "the Gateway controller Ready" kubectl_node "$dir" -n gateway-system rollout status deployment/traefik --timeout 5s
}

# write_exec_environment DIR: what `exec` sets, one KEY=VALUE per line.
write_exec_environment() {
  local dir=$1
  mkdir -p "$dir/bin" "$dir/state"
  ln -sf "$dir/control-plane/bin/kubectl" "$dir/bin/kubectl"
  ln -sf "$(node_build_dir)/ctr" "$dir/bin/ctr"
  cat >"$dir/containers-storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$GO_BUILD_CACHE_ROOT/containers/storage"
runroot = "$GO_BUILD_CACHE_ROOT/containers/run"
EOF
  cat >"$dir/exec.env" <<EOF
KUBECONFIG=$dir/control-plane/kubeconfig
TODO_KUBE_CONTEXT=test
PATH=$dir/bin:$PATH
TODO_STATE_DIR=$dir/state
CONTAINERD_ADDRESS=$dir/containerd/containerd.sock
CONTAINERD_NAMESPACE=k8s.io
CONTAINERS_STORAGE_CONF=$dir/containers-storage.conf
TODO_IMAGE_BUILDER=buildah
TODO_IMAGE_LOADER=containerd
TODO_BASE_IMAGES=stand-in
TODO_BUILD_NETWORK=ns:$NODE_HOST_NETNS
EOF
}

cmd_start() {
  local dir=$1 bin started absolute
  # containerd's socket lives in DIR, and a Unix socket path holds at most 107 bytes.
  absolute=$(realpath -m "$dir")
  [[ ${#absolute} -le 80 ]] || die "the node's directory is too long a path for containerd's socket (${#absolute} > 80 characters): $absolute"
  [[ "$(id -u)" == 0 ]] || die "the node needs root (network and mount namespaces, mounts, cgroups, iptables inside its namespace)"
  require_tool unshare nsenter ip mount mountpoint iptables ipset conntrack runc openssl node
  [[ ! -s "$dir/pids" ]] || die "$dir already holds a running node (stop it first: $0 stop $dir)"
  started=$(date +%s)
  bin=$(node_build)
  mkdir -p "$dir/logs"
  dir=$(cd "$dir" && pwd)
  : >"$dir/pids"
  node_cgroup_create "$(node_cgroup_root "$dir")"
  node_anchor_start "$dir"
  start_containerd "$dir" "$bin"
  import_images "$dir" "$bin"
  start_control_plane "$dir"
  node_pki "$dir"
  start_kubelet "$dir" "$bin"
  start_network "$dir" "$bin"
  apply_addons "$dir" "$bin"
  write_exec_environment "$dir"
  log "node $NODE_NAME ready in $(($(date +%s) - started)) s: $0 exec $dir -- kubectl get pods -A"
}

# ---------------------------------------------------------------------------
# exec / stop
# ---------------------------------------------------------------------------
cmd_exec() {
  local dir=$1
  shift
  [[ -f "$dir/exec.env" ]] || die "no node runs in $dir (start it: $0 start $dir)"
  [[ $# -gt 0 ]] || usage_error "exec needs a command after --"
  local environment=()
  mapfile -t environment <"$dir/exec.env"
  node_in "$dir" env "${environment[@]}" "$@"
}

# cmd_memory DIR: "processes <MiB> pods <MiB> total <MiB>".
cmd_memory() {
  local dir=$1 pid kib=0 rss pods=0 usage
  dir=$(cd "$dir" && pwd)
  [[ -s "$dir/pids" ]] || die "no node runs in $dir"
  for pid in $(components_pid "$dir" anchor) $(node_namespace_pids "$dir"); do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    kib=$((kib + ${rss:-0}))
  done
  usage="/sys/fs/cgroup/memory$(node_cgroup_root "$dir")/memory.usage_in_bytes"
  if [[ -r "$usage" ]]; then pods=$(($(cat "$usage") / 1048576)); fi
  printf 'processes %d pods %d total %d\n' $((kib / 1024)) "$pods" $((kib / 1024 + pods))
}

# node_stop DIR: stop everything, in an order that leaves nothing behind even after a failed start.
node_stop() {
  local dir=$1 name pid
  [[ -f "$dir/pids" ]] || return 0
  for name in kube-router kube-proxy kubelet; do components_stop_one "$dir" "$name"; done
  node_cgroup_kill "$(node_cgroup_root "$dir")"
  components_stop_one "$dir" containerd
  if [[ -f "$dir/control-plane/pids" ]]; then
    bash "$NODE_CONTROL_PLANE_DIR/control-plane.sh" stop "$dir/control-plane" >/dev/null 2>&1 || true
  fi
  # Whatever else still runs in the node's network namespace (containerd's shims among them).
  for pid in $(node_namespace_pids "$dir"); do kill -KILL "$pid" 2>/dev/null || true; done
  components_stop "$dir"
  node_cgroup_remove "$(node_cgroup_root "$dir")"
  rm -f "$dir/exec.env"
}

cmd_stop() {
  local dir=$1
  [[ -d "$dir" ]] || die "no such directory: $dir"
  dir=$(cd "$dir" && pwd)
  node_stop "$dir"
  log "node in $dir stopped (logs in $dir/logs and $dir/control-plane/logs)"
}

case "${1:-}" in
  -h | --help | "") usage ;;
  versions) cmd_versions ;;
  build) node_build ;;
  start | stop | memory)
    [[ $# -eq 2 ]] || usage_error "$1 needs a directory"
    "cmd_$1" "$2"
    ;;
  exec)
    [[ $# -ge 3 && "${3:-}" == -- ]] || usage_error "usage: exec DIR -- CMD..."
    dir=$2
    shift 3
    cmd_exec "$dir" "$@"
    ;;
  _anchor) node_anchor "$2" ;;
  _anchor_network) node_anchor_network_stage "$2" ;;
  *) usage_error "unknown command: $1" ;;
esac
