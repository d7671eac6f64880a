#!/usr/bin/env bash
# A real Kubernetes control plane for the cluster tests: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler built from source, kwok simulating the nodes,
# and a small volume provisioner, all on 127.0.0.1.
set -euo pipefail
# shellcheck source=../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
# shellcheck source=../lib/components.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/components.sh"
# shellcheck source=../lib/go-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/go-build.sh"
# shellcheck source=../lib/pki.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/pki.sh"

CP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CP_NODES=${TODO_CONTROL_PLANE_NODES:-2}
CP_START_TIMEOUT=${TODO_CONTROL_PLANE_TIMEOUT:-120}
# The API server's address; test/node gives the node's address inside its network namespace, so pods reach it.
CP_ADDRESS=${TODO_CONTROL_PLANE_ADDRESS:-127.0.0.1}
# The first address of --service-cluster-ip-range: the in-cluster "kubernetes" Service, in the serving certificate.
CP_SERVICE_CIDR=10.96.0.0/16
CP_KUBERNETES_SERVICE_IP=10.96.0.1
# shellcheck disable=SC2034  # read by test/lib/components.sh
COMPONENTS_WHAT="control plane"
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

What runs (all bound to 127.0.0.1 unless TODO_CONTROL_PLANE_ADDRESS says otherwise, ports chosen free at start):
  etcd, kube-apiserver (default admission plugins, PodSecurity and ResourceQuota among them;
  RBAC; certificates and a service-account key generated into DIR/pki), kube-controller-manager,
  kube-scheduler, kwok (nodes and pods: pods become Running and Ready, no container runs) and
  a provisioner for $CP_PROVISIONERS (hostPath directories
  under DIR/volumes). The Istio networking and Gateway API v1.3 standard CRDs are installed.

Environment:
  TODO_CONTROL_PLANE_CACHE    build cache (default: \${XDG_CACHE_HOME:-~/.cache}/cdk8s-fastapi-nextjs)
  KUBEBUILDER_ASSETS          a directory of binaries to use instead of building them (the envtest
                              convention: etcd, kube-apiserver, kubectl); the rest are built
  TODO_CONTROL_PLANE_NODES    number of kwok nodes (default: 2; 0 starts no kwok, for a real node: test/node)
  TODO_CONTROL_PLANE_ADDRESS  the API server's bind and advertise address (default: 127.0.0.1; test/node
                              passes its node address, inside the node's own network namespace)
  TODO_CONTROL_PLANE_TIMEOUT  start-up wait per component in seconds (default: 120)
Needs: go (build only), openssl, node.
EOF
}

# module_version MODULE: the version go.mod requires (what `go list -m` reports for a module that is not
# replaced), read without the go tool, so `versions` and a built cache work on a machine without Go.
module_version() {
  local version
  version=$(go_build_module_version "$CP_DIR/go.mod" "$1")
  [ -n "$version" ] || die "$CP_DIR/go.mod does not require $1"
  printf '%s\n' "$version"
}

k8s_version() { module_version k8s.io/kubernetes; }

# build_dir: the cache directory, named by everything the binaries are built from.
build_dir() {
  printf '%s/k8s-%s-%s\n' "$GO_BUILD_CACHE_ROOT" "$(k8s_version)" \
    "$(go_build_key "$CP_DIR/go.mod" "$CP_DIR/go.sum" "$CP_DIR/provisioner/main.go")"
}

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
  mkdir -p "$GO_BUILD_CACHE_ROOT"
  tmp=$(mktemp -d "$GO_BUILD_CACHE_ROOT/.build.XXXXXX")
  # shellcheck disable=SC2064  # expand now: the trap must remove this very directory
  trap "rm -rf '$tmp'" EXIT
  (cd "$CP_DIR" && go mod download)
  for name in $missing; do
    go_build "$CP_DIR" "$tmp/$name" "$(package_of "$name")" -ldflags "$(go_build_k8s_ldflags "$version")"
  done
  write_kwok_stages "$tmp/kwok-stages.yaml"
  go_build_publish "$tmp" "$dir"
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
  printf 'subjectAltName=IP:127.0.0.1,IP:%s,IP:%s,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' \
    "$CP_ADDRESS" "$CP_KUBERNETES_SERVICE_IP" >"$pki/apiserver.ext"
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null
  for name in admin kube-controller-manager kube-scheduler kubelet-client; do
    case "$name" in
      admin) subject="/O=system:masters/CN=test-admin" ;;
      # The API server's identity towards kubelets (logs, exec, port-forward).
      kubelet-client) subject="/O=system:masters/CN=kube-apiserver-kubelet-client" ;;
      *) subject="/CN=system:$name" ;;
    esac
    pki_client_certificate "$pki" "$name" "$subject" "$pki"
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

# wait_for DIR NAME WHAT CHECK...: run CHECK until it succeeds, while NAME's process lives.
wait_for() {
  local dir=$1 name=$2 what=$3
  shift 3
  components_wait "$dir" "$name" "$what" "$CP_START_TIMEOUT" cmd_stop "$dir" -- "$@"
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
  server="https://$CP_ADDRESS:$api_port"
  write_kubeconfig "$dir/kubeconfig" "$server" "$dir/pki" admin
  write_kubeconfig "$dir/pki/kube-controller-manager.kubeconfig" "$server" "$dir/pki" kube-controller-manager
  write_kubeconfig "$dir/pki/kube-scheduler.kubeconfig" "$server" "$dir/pki" kube-scheduler

  components_launch "$dir" etcd "$dir/bin/etcd" --name test --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "test=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn

  components_launch "$dir" kube-apiserver "$dir/bin/kube-apiserver" \
    --bind-address "$CP_ADDRESS" --advertise-address "$CP_ADDRESS" --secure-port "$api_port" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --cert-dir "$dir/pki" --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-cluster-ip-range "$CP_SERVICE_CIDR" --allow-privileged=true \
    --kubelet-client-certificate "$dir/pki/kubelet-client.crt" --kubelet-client-key "$dir/pki/kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota,PodSecurity,NodeRestriction \
    --profiling=false
  wait_for "$dir" kube-apiserver "readiness (/readyz)" kubectl_in "$dir" get --raw /readyz

  components_launch "$dir" kube-controller-manager "$dir/bin/kube-controller-manager" \
    --kubeconfig "$dir/pki/kube-controller-manager.kubeconfig" --secure-port 0 --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file "$dir/pki/sa.key" \
    --root-ca-file "$dir/pki/ca.crt" --cluster-signing-cert-file "$dir/pki/ca.crt" \
    --cluster-signing-key-file "$dir/pki/ca.key" --profiling=false
  components_launch "$dir" kube-scheduler "$dir/bin/kube-scheduler" \
    --kubeconfig "$dir/pki/kube-scheduler.kubeconfig" --secure-port 0 --leader-elect=false --profiling=false
  if [ "$CP_NODES" -gt 0 ]; then
    components_launch "$dir" kwok "$dir/bin/kwok" --kubeconfig "$dir/kubeconfig" --config "$bin/kwok-stages.yaml" \
      --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
      --node-ip 127.0.0.1 --cidr 10.244.0.0/16
  fi
  components_launch "$dir" provisioner "$dir/bin/provisioner" --kubeconfig "$dir/kubeconfig" \
    --root "$dir/volumes" --provisioners "$CP_PROVISIONERS"

  kubectl_in "$dir" apply --server-side -f "$CP_DIR/crds" >/dev/null
  if [ "$CP_NODES" -gt 0 ]; then apply_nodes "$dir"; fi
  default_storage_class | kubectl_in "$dir" apply -f - >/dev/null
  wait_for "$dir" kube-apiserver "establishing the CRDs" \
    kubectl_in "$dir" wait --for condition=Established crd --all --timeout 5s
  wait_for "$dir" kube-controller-manager "creating the default ServiceAccount" \
    kubectl_in "$dir" -n default get serviceaccount default
  if [ "$CP_NODES" -gt 0 ]; then
    wait_for "$dir" kwok "making $CP_NODES nodes Ready" nodes_ready "$dir"
  fi
  for name in kube-scheduler provisioner; do
    wait_for "$dir" "$name" "staying up" true
  done
  log "control plane ready: $server (Kubernetes $("$dir/bin/kubectl" version --client -o json | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).clientVersion.gitVersion))")); KUBECONFIG=$dir/kubeconfig"
}

cmd_stop() {
  local dir=$1
  [ -f "$dir/pids" ] || return 0
  # Reverse start order: the API server's clients first, etcd last.
  components_stop "$dir"
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
