#!/usr/bin/env bash
# A real Kubernetes control plane for the cluster tests: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler built from source, kwok simulating the nodes,
# and a small volume provisioner, all on 127.0.0.1.
set -euo pipefail
# shellcheck source=../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

CP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CP_CACHE_ROOT=${TODO_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-fastapi-nextjs}
CP_NODES=${TODO_CONTROL_PLANE_NODES:-2}
CP_START_TIMEOUT=${TODO_CONTROL_PLANE_TIMEOUT:-120}
# Built from test/control-plane/go.mod, except any of these found in $KUBEBUILDER_ASSETS.
CP_BINARIES="etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok provisioner"
# The provisioner names of kind's and minikube's default StorageClasses, served by ./provisioner.
CP_PROVISIONERS="rancher.io/local-path,k8s.io/minikube-hostpath"

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [DIR]

Commands:
  versions     print the pinned Kubernetes, etcd and kwok versions (read from go.mod; needs no Go)
  build        build the binaries once into the cache (reused when present) and print its path
  start DIR    start the control plane with its state, certificates and logs in DIR (created);
               writes DIR/kubeconfig and DIR/bin (the binaries' directory) and returns when the
               API server is ready, the CRDs are established and $CP_NODES kwok nodes are Ready
  stop DIR     stop every process started in DIR (TERM, then KILL after 10 s); keeps the logs
  -h, --help   show this help

What runs (all bound to 127.0.0.1, ports chosen free at start):
  etcd, kube-apiserver (default admission plugins, PodSecurity and ResourceQuota among them;
  RBAC; certificates and a service-account key generated into DIR/pki), kube-controller-manager,
  kube-scheduler, kwok (nodes and pods: pods become Running and Ready, no container runs) and
  a provisioner for $CP_PROVISIONERS (hostPath directories
  under DIR/volumes). The Istio networking and Gateway API v1.3 standard CRDs are installed.

Environment:
  TODO_CONTROL_PLANE_CACHE    build cache (default: \${XDG_CACHE_HOME:-~/.cache}/cdk8s-fastapi-nextjs)
  KUBEBUILDER_ASSETS          a directory of binaries to use instead of building them (the envtest
                              convention: etcd, kube-apiserver, kubectl); the rest are built
  TODO_CONTROL_PLANE_NODES    number of kwok nodes (default: 2)
  TODO_CONTROL_PLANE_TIMEOUT  start-up wait per component in seconds (default: 120)
Needs: go (build only), openssl, node.
EOF
}

# module_version MODULE: the version go.mod requires (what `go list -m` reports for a module that is not
# replaced), read without the go tool, so `versions` and a built cache work on a machine without Go.
module_version() {
  local pattern version
  pattern=${1//./\\.}
  version=$(sed -n "s#^[[:space:]]*\(require[[:space:]][[:space:]]*\)\{0,1\}${pattern}[[:space:]][[:space:]]*\(v[^[:space:]]*\).*#\2#p" \
    "$CP_DIR/go.mod" | head -n 1)
  [ -n "$version" ] || die "$CP_DIR/go.mod does not require $1"
  printf '%s\n' "$version"
}

k8s_version() { module_version k8s.io/kubernetes; }

# build_key: changes whenever anything the binaries are built from changes.
build_key() {
  cat "$CP_DIR/go.mod" "$CP_DIR/go.sum" "$CP_DIR/provisioner/main.go" | cksum | cut -d' ' -f1
}

build_dir() { printf '%s/k8s-%s-%s\n' "$CP_CACHE_ROOT" "$(k8s_version)" "$(build_key)"; }

# binary BUILD_DIR NAME: where NAME is taken from, KUBEBUILDER_ASSETS first.
binary() {
  if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/$2" ]; then
    printf '%s/%s\n' "$KUBEBUILDER_ASSETS" "$2"
  else
    printf '%s/%s\n' "$1" "$2"
  fi
}

package_of() {
  case "$1" in
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    kwok) echo sigs.k8s.io/kwok/cmd/kwok ;;
    provisioner) echo ./provisioner ;;
    *) echo "k8s.io/kubernetes/cmd/$1" ;;
  esac
}

version_ldflags() {
  local version=$1 minor
  minor=$(printf '%s' "$version" | cut -d. -f2)
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags="$flags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s\n' "$flags"
}

# kwok's own stage definitions (nodes become Ready, pods Running and Ready at once), taken from
# the kwok module the binary is built from.
write_kwok_stages() {
  local kwok_dir file
  kwok_dir=$(cd "$CP_DIR" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  for file in "$kwok_dir"/kustomize/stage/node/fast/node-initialize.yaml \
    "$kwok_dir"/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$kwok_dir"/kustomize/stage/pod/fast/pod-ready.yaml \
    "$kwok_dir"/kustomize/stage/pod/fast/pod-complete.yaml \
    "$kwok_dir"/kustomize/stage/pod/fast/pod-delete.yaml; do
    printf -- '---\n'
    cat "$file"
  done >"$1"
}

cmd_build() {
  local dir tmp missing="" name version started
  dir=$(build_dir)
  for name in $CP_BINARIES; do
    [ -x "$(binary "$dir" "$name")" ] || missing="$missing $name"
  done
  if [ -z "$missing" ] && [ -s "$dir/kwok-stages.yaml" ]; then
    printf '%s\n' "$dir"
    return 0
  fi
  require_tool go
  version=$(k8s_version)
  log "building the control plane (Kubernetes $version):${missing:- kwok stages} -> $dir" >&2
  started=$(date +%s)
  mkdir -p "$CP_CACHE_ROOT"
  tmp=$(mktemp -d "$CP_CACHE_ROOT/.build.XXXXXX")
  # shellcheck disable=SC2064  # expand now: the trap must remove this very directory
  trap "rm -rf '$tmp'" EXIT
  (cd "$CP_DIR" && go mod download)
  for name in $missing; do
    (cd "$CP_DIR" && CGO_ENABLED=0 go build -trimpath -ldflags "$(version_ldflags "$version")" \
      -o "$tmp/$name" "$(package_of "$name")") >&2
  done
  write_kwok_stages "$tmp/kwok-stages.yaml"
  if [ -d "$dir" ]; then
    mv "$tmp"/* "$dir"/
  else
    mv "$tmp" "$dir"
  fi
  log "built in $(($(date +%s) - started)) s" >&2
  printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------
# start / stop
# ---------------------------------------------------------------------------
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"
}

# generate_pki DIR: a CA, the API server's serving certificate, one client certificate per
# component, and the service-account signing key.
generate_pki() {
  local pki=$1 name subject
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test-control-plane-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
    -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$pki/apiserver.ext"
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$pki/client.ext"
  for name in admin kube-controller-manager kube-scheduler; do
    case "$name" in
      admin) subject="/O=system:masters/CN=test-admin" ;;
      *) subject="/CN=system:$name" ;;
    esac
    openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
      -days 2 -extfile "$pki/client.ext" -out "$pki/$name.crt" 2>/dev/null
  done
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

# write_kubeconfig FILE SERVER PKI USER
write_kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: $2
    certificate-authority: $3/ca.crt
users:
- name: $4
  user:
    client-certificate: $3/$4.crt
    client-key: $3/$4.key
contexts:
- name: test
  context: {cluster: test, user: $4}
current-context: test
EOF
}

# launch DIR NAME ARGS...: start a component in the background, logging to DIR/logs/NAME.log.
launch() {
  local dir=$1 name=$2
  shift 2
  "$@" </dev/null >"$dir/logs/$name.log" 2>&1 &
  printf '%s %s\n' "$name" "$!" >>"$dir/pids"
}

component_failed() {
  local dir=$1 name=$2 why=$3
  err "control plane: $name $why; last lines of $dir/logs/$name.log:"
  tail -n 25 "$dir/logs/$name.log" >&2 || true
  cmd_stop "$dir" >/dev/null 2>&1 || true
  exit 1
}

# wait_for DIR NAME WHAT CHECK...: run CHECK until it succeeds, while NAME's process lives.
wait_for() {
  local dir=$1 name=$2 what=$3 pid deadline
  shift 3
  pid=$(awk -v n="$name" '$1 == n { print $2 }' "$dir/pids")
  deadline=$(($(date +%s) + CP_START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || component_failed "$dir" "$name" "exited before $what"
    [ "$(date +%s)" -lt "$deadline" ] || component_failed "$dir" "$name" "did not get to $what within ${CP_START_TIMEOUT}s"
    sleep 0.5
  done
}

kubectl_in() {
  local dir=$1
  shift
  "$dir/bin/kubectl" --kubeconfig "$dir/kubeconfig" "$@"
}

apply_nodes() {
  local dir=$1 i
  for i in $(seq 1 "$CP_NODES"); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-$i
status:
  allocatable: {cpu: "8", memory: 16Gi, pods: "110", ephemeral-storage: 100Gi}
  capacity: {cpu: "8", memory: 16Gi, pods: "110", ephemeral-storage: 100Gi}
EOF
  done | kubectl_in "$dir" apply -f - >/dev/null
}

default_storage_class() {
  cat <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
EOF
}

nodes_ready() {
  local ready
  ready=$(kubectl_in "$1" get nodes -l type=kwok \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)
  [ "$ready" -ge "$CP_NODES" ]
}

cmd_start() {
  local dir=$1 bin etcd_port peer_port api_port server name
  [ ! -s "$dir/pids" ] || die "$dir already holds a running control plane (stop it first: $0 stop $dir)"
  require_tool openssl node
  bin=$(cmd_build)
  mkdir -p "$dir/logs" "$dir/volumes" "$dir/bin"
  dir=$(cd "$dir" && pwd)
  for name in $CP_BINARIES; do ln -sf "$(binary "$bin" "$name")" "$dir/bin/$name"; done
  : >"$dir/pids"
  generate_pki "$dir/pki"
  etcd_port=$(free_port)
  peer_port=$(free_port)
  api_port=$(free_port)
  server="https://127.0.0.1:$api_port"
  write_kubeconfig "$dir/kubeconfig" "$server" "$dir/pki" admin
  write_kubeconfig "$dir/pki/kube-controller-manager.kubeconfig" "$server" "$dir/pki" kube-controller-manager
  write_kubeconfig "$dir/pki/kube-scheduler.kubeconfig" "$server" "$dir/pki" kube-scheduler

  launch "$dir" etcd "$dir/bin/etcd" --name test --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "test=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn

  launch "$dir" kube-apiserver "$dir/bin/kube-apiserver" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --cert-dir "$dir/pki" --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=true \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota,PodSecurity,NodeRestriction \
    --profiling=false
  wait_for "$dir" kube-apiserver "readiness (/readyz)" kubectl_in "$dir" get --raw /readyz

  launch "$dir" kube-controller-manager "$dir/bin/kube-controller-manager" \
    --kubeconfig "$dir/pki/kube-controller-manager.kubeconfig" --secure-port 0 --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file "$dir/pki/sa.key" \
    --root-ca-file "$dir/pki/ca.crt" --cluster-signing-cert-file "$dir/pki/ca.crt" \
    --cluster-signing-key-file "$dir/pki/ca.key" --profiling=false
  launch "$dir" kube-scheduler "$dir/bin/kube-scheduler" \
    --kubeconfig "$dir/pki/kube-scheduler.kubeconfig" --secure-port 0 --leader-elect=false --profiling=false
  launch "$dir" kwok "$dir/bin/kwok" --kubeconfig "$dir/kubeconfig" --config "$bin/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --cidr 10.244.0.0/16
  launch "$dir" provisioner "$dir/bin/provisioner" --kubeconfig "$dir/kubeconfig" \
    --root "$dir/volumes" --provisioners "$CP_PROVISIONERS"

  kubectl_in "$dir" apply --server-side -f "$CP_DIR/crds" >/dev/null
  apply_nodes "$dir"
  default_storage_class | kubectl_in "$dir" apply -f - >/dev/null
  wait_for "$dir" kube-apiserver "establishing the CRDs" \
    kubectl_in "$dir" wait --for condition=Established crd --all --timeout 5s
  wait_for "$dir" kube-controller-manager "creating the default ServiceAccount" \
    kubectl_in "$dir" -n default get serviceaccount default
  wait_for "$dir" kwok "making $CP_NODES nodes Ready" nodes_ready "$dir"
  for name in kube-scheduler provisioner; do
    wait_for "$dir" "$name" "staying up" true
  done
  log "control plane ready: $server (Kubernetes $("$dir/bin/kubectl" version --client -o json | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).clientVersion.gitVersion))")); KUBECONFIG=$dir/kubeconfig"
}

cmd_stop() {
  local dir=$1 name pid waited
  [ -f "$dir/pids" ] || return 0
  # Reverse start order: the API server's clients first, etcd last.
  tac "$dir/pids" | while read -r name pid; do
    kill -TERM "$pid" 2>/dev/null || continue
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name (pid $pid) ignored TERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$dir/pids"
  log "control plane in $dir stopped (logs in $dir/logs)"
}

case "${1:-}" in
  -h | --help | "") usage ;;
  versions)
    # One assignment each: a failed look-up stops the script (set -e) instead of printing an empty version.
    kubernetes=$(k8s_version)
    etcd=$(module_version go.etcd.io/etcd/server/v3)
    kwok=$(module_version sigs.k8s.io/kwok)
    printf 'kubernetes %s\netcd %s\nkwok %s\n' "$kubernetes" "$etcd" "$kwok"
    ;;
  build) cmd_build ;;
  start | stop)
    [ $# -eq 2 ] || usage_error "$1 needs a directory"
    "cmd_$1" "$2"
    ;;
  *) usage_error "unknown command: $1" ;;
esac
