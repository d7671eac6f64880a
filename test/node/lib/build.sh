# shellcheck shell=bash
# What a real node runs, built once into the cache: the node binaries from the pinned Go modules (the
# control plane's go.mod for kubelet and kube-proxy, one module per component under components/), a
# static pause binary from the Kubernetes module's own pause.c, and the add-ons' images (FROM scratch
# plus the binary) as docker-archive files for `ctr images import`. Source it from node.sh.

readonly NODE_COMPONENTS_DIR="$NODE_DIR/components"
readonly NODE_IMAGES_DIR="$NODE_DIR/images"

# Binaries: NAME MODULE_DIR PACKAGE. MODULE_DIR is relative to test/.
readonly NODE_BINARIES="
kubelet control-plane k8s.io/kubernetes/cmd/kubelet
kube-proxy control-plane k8s.io/kubernetes/cmd/kube-proxy
containerd node/components/containerd github.com/containerd/containerd/v2/cmd/containerd
containerd-shim-runc-v2 node/components/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
ctr node/components/containerd github.com/containerd/containerd/v2/cmd/ctr
bridge node/components/cni-plugins github.com/containernetworking/plugins/plugins/main/bridge
host-local node/components/cni-plugins github.com/containernetworking/plugins/plugins/ipam/host-local
loopback node/components/cni-plugins github.com/containernetworking/plugins/plugins/main/loopback
portmap node/components/cni-plugins github.com/containernetworking/plugins/plugins/meta/portmap
kube-router node/components/kube-router github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
coredns node/components/coredns github.com/coredns/coredns
traefik node/components/traefik github.com/traefik/traefik/v3/cmd/traefik
"
# Images of the add-ons, built from images/NAME/Containerfile around the binary of the same name.
readonly NODE_ADDON_IMAGES="pause coredns traefik"

# node_pinned COMPONENT MODULE: the version of MODULE pinned for COMPONENT (control-plane or a
# directory under components/).
node_pinned() {
  local go_mod
  if [[ "$1" == control-plane ]]; then go_mod="$NODE_CONTROL_PLANE_DIR/go.mod"; else go_mod="$NODE_COMPONENTS_DIR/$1/go.mod"; fi
  go_build_module_version "$go_mod" "$2"
}

node_k8s_version() { node_pinned control-plane k8s.io/kubernetes; }

# node_image_ref NAME: the reference of an add-on image (they exist only on this node: no registry).
node_image_ref() {
  case "$1" in
    pause) printf 'localhost/todo-node/pause:%s\n' "$(node_k8s_version)" ;;
    coredns) printf 'localhost/todo-node/coredns:%s\n' "$(node_pinned coredns github.com/coredns/coredns)" ;;
    traefik) printf 'localhost/todo-node/traefik:%s\n' "$(node_pinned traefik github.com/traefik/traefik/v3)" ;;
  esac
}

# node_build_dir: the cache directory, named by every pin and recipe the node is built from.
node_build_dir() {
  local files=("$NODE_CONTROL_PLANE_DIR/go.mod" "$NODE_CONTROL_PLANE_DIR/go.sum")
  files+=("$NODE_COMPONENTS_DIR"/*/go.mod "$NODE_COMPONENTS_DIR"/*/go.sum "$NODE_IMAGES_DIR"/*/Containerfile)
  printf '%s/node-%s-%s\n' "$GO_BUILD_CACHE_ROOT" "$(node_k8s_version)" "$(go_build_key "${files[@]}")"
}

# node_ldflags NAME: link flags that stamp NAME with its pinned version (what `NAME --version` prints).
node_ldflags() {
  local version
  case "$1" in
    kubelet | kube-proxy) go_build_k8s_ldflags "$(node_k8s_version)" ;;
    containerd | containerd-shim-runc-v2 | ctr)
      version=$(node_pinned containerd github.com/containerd/containerd/v2)
      printf -- '-s -w -X github.com/containerd/containerd/v2/version.Version=%s\n' "$version" ;;
    bridge | host-local | loopback | portmap)
      version=$(node_pinned cni-plugins github.com/containernetworking/plugins)
      printf -- '-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=%s\n' "$version" ;;
    kube-router)
      version=$(node_pinned kube-router github.com/cloudnativelabs/kube-router/v2)
      printf -- '-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=%s\n' "$version" ;;
    traefik)
      version=$(node_pinned traefik github.com/traefik/traefik/v3)
      printf -- '-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=%s\n' "$version" ;;
    *) printf -- '-s -w\n' ;;
  esac
}

node_build_tags() {
  # containerd's snapshotters for btrfs, devmapper and ZFS need C libraries; overlayfs is all a node uses.
  case "$1" in
    containerd | containerd-shim-runc-v2 | ctr) printf -- '-tags=no_btrfs,no_devmapper,no_zfs\n' ;;
    *) printf -- '-tags=\n' ;;
  esac
}

# node_build_pause OUT: the sandbox's pause process, compiled statically from the pinned Kubernetes
# module's build/pause/linux/pause.c (as registry.k8s.io/pause is).
node_build_pause() {
  local source version
  source="$(cd "$NODE_CONTROL_PLANE_DIR" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  version=$(node_k8s_version)
  [[ -f "$source" ]] || die "no pause.c in the Kubernetes module ($source)"
  require_tool gcc
  gcc -Os -Wall -Werror -static -DVERSION="$version" -o "$1" "$source" >&2
  strip "$1"
}

# node_gateway_api_crds: the standard-channel Gateway API CRDs of the version Traefik is built against
# (its Gateway provider lists GRPCRoute, ReferenceGrant and BackendTLSPolicy, which older bundles lack).
node_gateway_api_crds() {
  local module file
  module=$(cd "$NODE_COMPONENTS_DIR/traefik" && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)
  for file in "$module"/config/crd/standard/*.yaml; do
    printf -- '---\n'
    cat "$file"
  done
}

# node_build_image DIR NAME: images/NAME/Containerfile around DIR/NAME, saved as DIR/NAME.image.tar.
node_build_image() {
  local dir=$1 name=$2 context ref
  context=$(mktemp -d)
  cp "$NODE_IMAGES_DIR/$name/Containerfile" "$dir/$name" "$context/"
  ref=$(node_image_ref "$name")
  node_buildah build --quiet --pull=never --layers=false -f "$context/Containerfile" -t "$ref" "$context" >/dev/null
  node_buildah push --quiet "$ref" "docker-archive:$dir/$name.image.tar:$ref" >&2
  node_buildah rmi "$ref" >/dev/null 2>&1 || true
  rm -rf "$context"
}

# node_buildah ARGS...: buildah with the node's own storage under the cache (not the machine's
# /var/lib/containers), running build steps with the Debian runc.
node_buildah() {
  buildah --root "$GO_BUILD_CACHE_ROOT/containers/storage" --runroot "$GO_BUILD_CACHE_ROOT/containers/run" "$@"
}

# node_build: build what the cache lacks; print the cache directory.
node_build() {
  local dir tmp name module package missing="" started
  dir=$(node_build_dir)
  while read -r name module package; do
    [[ -n "$name" ]] || continue
    [[ -x "$dir/$name" ]] || missing="$missing $name"
  done <<<"$NODE_BINARIES"
  [[ -x "$dir/pause" ]] || missing="$missing pause"
  [[ -s "$dir/gateway-api-crds.yaml" ]] || missing="$missing gateway-api-crds"
  for name in $NODE_ADDON_IMAGES; do
    [[ -s "$dir/$name.image.tar" ]] || missing="$missing $name.image"
  done
  if [[ -z "$missing" ]]; then
    printf '%s\n' "$dir"
    return 0
  fi
  require_tool go buildah
  log "building the node (Kubernetes $(node_k8s_version)):$missing -> $dir" >&2
  started=$(date +%s)
  mkdir -p "$GO_BUILD_CACHE_ROOT"
  tmp=$(mktemp -d "$GO_BUILD_CACHE_ROOT/.build.XXXXXX")
  # shellcheck disable=SC2064  # expand now: the trap must remove this very directory
  trap "rm -rf '$tmp'" EXIT
  if [[ -d "$dir" ]]; then cp -a "$dir"/. "$tmp"/; fi
  while read -r name module package; do
    [[ -n "$name" && ! -x "$tmp/$name" ]] || continue
    log "building $name ($package)" >&2
    go_build "$NODE_TEST_DIR/$module" "$tmp/$name" "$package" "$(node_build_tags "$name")" -ldflags "$(node_ldflags "$name")"
  done <<<"$NODE_BINARIES"
  [[ -x "$tmp/pause" ]] || node_build_pause "$tmp/pause"
  [[ -s "$tmp/gateway-api-crds.yaml" ]] || node_gateway_api_crds >"$tmp/gateway-api-crds.yaml"
  for name in $NODE_ADDON_IMAGES; do
    [[ -s "$tmp/$name.image.tar" ]] || node_build_image "$tmp" "$name"
  done
  rm -rf "$dir"
  mv "$tmp" "$dir"
  log "built in $(($(date +%s) - started)) s" >&2
  printf '%s\n' "$dir"
}
