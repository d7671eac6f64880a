#!/usr/bin/env bash
# Build the backend and frontend images, tag them with the package version, load them into the cluster.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/images.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--backend DIR] [--frontend DIR] [--env ENV] [--tag TAG | --local-tag] [--no-load]
                       [--builder docker|buildah] [--load-into kind|minikube|containerd]
                       [--frontend-target standalone|static] [--stand-in-bases]

Build todo-backend:TAG from DIR/Dockerfile of the FastAPI backend and todo-frontend:TAG from
DIR/Dockerfile of the Next.js frontend (by default the reference app in examples/todo-app, which
meets docs/container-contract.md), load both into the cluster of ENV
(kind load / minikube image load), and record TAG so that
scripts/deploy.sh --env ENV synthesizes the manifests with it (no code change needed).

TAG is v<version from package.json>-<short git commit of the backend's repository>,
e.g. v0.1.0-abc1234, or v0.1.0-local when --local-tag is given or DIR is not in a git
repository. With IMAGE_REGISTRY set, the images are named IMAGE_REGISTRY/todo-backend:TAG
(the same prefix the synth applies).

Options:
  --backend DIR      build context of the backend (holds its Dockerfile;
                     default: examples/todo-app/backend)
  --frontend DIR     build context of the frontend (holds its Dockerfile;
                     default: examples/todo-app/frontend)
  --env ENV          a laptop environment of the app (app/environments.ts) (default: local):
                     which cluster to load into
  --tag TAG          use this tag as is
  --local-tag        use v<version>-local instead of the commit
  --no-load          only build (and record the tag), do not load into a cluster
  --builder B        docker or buildah (env TODO_IMAGE_BUILDER; default: docker when it is
                     installed, else buildah, which needs no Docker engine)
  --load-into T      kind, minikube or containerd (env TODO_IMAGE_LOADER; default: the cluster
                     tool of ENV); containerd imports with ctr into namespace k8s.io of
                     \$CONTAINERD_ADDRESS (test/node/node.sh exec sets it)
  --frontend-target T
                     standalone (default: node server.js) or static (the export on nginx), the
                     frontend Dockerfile's targets for NextFrontend's two modes
  --stand-in-bases   build the images FROM Debian stand-ins of their upstream base images (env
                     TODO_BASE_IMAGES=stand-in): for machines that reach no image registry. Needs
                     buildah, debootstrap and root; see docs/images.md
  --name NAME        kind cluster name / minikube profile (default: todo)
  -h, --help         show this help

Writes the tag to .cache/image-tag.kind-NAME or .cache/image-tag.minikube-NAME (one per
cluster; env TODO_STATE_DIR changes .cache).
EOF
}

# The reference app beside these scripts, so a clone needs no other repository.
EXAMPLE_DIR="$(cd "$TODO_SCRIPTS_DIR/.." && pwd)/examples/todo-app"
BACKEND_DIR="$EXAMPLE_DIR/backend"
FRONTEND_DIR="$EXAMPLE_DIR/frontend"
TAG=""
LOCAL_TAG=0
LOAD=1
NAME=""
BUILDER=${TODO_IMAGE_BUILDER:-$(images_default_builder)}
LOAD_INTO=${TODO_IMAGE_LOADER:-}
FRONTEND_TARGET=standalone
STAND_IN_BASES=0
if [[ "${TODO_BASE_IMAGES:-}" == stand-in ]]; then STAND_IN_BASES=1; fi

handle_option() {
  case "$1" in
    --backend) takes_value "$@"; BACKEND_DIR=$2 ;;
    --frontend) takes_value "$@"; FRONTEND_DIR=$2 ;;
    --tag) takes_value "$@"; TAG=$2 ;;
    --local-tag) LOCAL_TAG=1 ;;
    --no-load) LOAD=0 ;;
    --name) takes_value "$@"; NAME=$2 ;;
    --builder) takes_value "$@"; BUILDER=$2 ;;
    --load-into) takes_value "$@"; LOAD_INTO=$2 ;;
    --frontend-target) takes_value "$@"; FRONTEND_TARGET=$2 ;;
    --stand-in-bases) STAND_IN_BASES=1 ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

if [ -n "$NAME" ]; then
  TODO_KIND_CLUSTER=$NAME
  TODO_MINIKUBE_PROFILE=$NAME
fi
LOAD_INTO=${LOAD_INTO:-$ENV_PROVIDER}
case "$BUILDER" in
  docker | buildah) ;;
  *) usage_error "--builder must be docker or buildah, got '$BUILDER'" ;;
esac
case "$LOAD_INTO" in
  kind | minikube | containerd) ;;
  *) usage_error "--load-into must be kind, minikube or containerd, got '$LOAD_INTO'" ;;
esac
case "$FRONTEND_TARGET" in
  standalone | static) ;;
  *) usage_error "--frontend-target must be standalone or static, got '$FRONTEND_TARGET'" ;;
esac
if [[ "$STAND_IN_BASES" == 1 && "$BUILDER" != buildah ]]; then
  usage_error "--stand-in-bases builds with buildah (it keeps the stand-ins in its own storage); add --builder buildah"
fi

for dir in "$BACKEND_DIR" "$FRONTEND_DIR"; do
  [ -d "$dir" ] || die "no such directory: $dir"
  [ -f "$dir/Dockerfile" ] || die "no Dockerfile in $dir (pass the directory that holds the Dockerfile)"
done

require_tool "$BUILDER"
if [ "$LOAD" = 1 ]; then
  case "$LOAD_INTO" in
    containerd) require_tool ctr ;;
    *) require_tool "$LOAD_INTO" ;;
  esac
fi

if [ -z "$TAG" ]; then
  VERSION=$(package_version)
  [ -n "$VERSION" ] || die "could not read the version from $TODO_ROOT/package.json"
  SUFFIX=local
  if [ "$LOCAL_TAG" = 0 ]; then
    if command -v git >/dev/null 2>&1 && COMMIT=$(git -C "$BACKEND_DIR" rev-parse --short=7 HEAD 2>/dev/null); then
      SUFFIX=$COMMIT
      if [ -n "$(git -C "$BACKEND_DIR" status --porcelain 2>/dev/null)" ]; then
        warn "the backend's repository has uncommitted changes; tag $COMMIT does not describe them exactly"
      fi
    else
      warn "$BACKEND_DIR is not in a git repository; using the '-local' tag"
    fi
  fi
  TAG="v$VERSION-$SUFFIX"
fi
case "$TAG" in
  *[!A-Za-z0-9_.-]* | [.-]*) die "invalid image tag '$TAG'" ;;
esac

# Same naming as the synth: IMAGE_REGISTRY without trailing slashes, then /todo-backend:TAG.
PREFIX=""
REGISTRY=${IMAGE_REGISTRY:-}
while [ "${REGISTRY%/}" != "$REGISTRY" ]; do REGISTRY=${REGISTRY%/}; done
if [ -n "$REGISTRY" ]; then
  PREFIX="$REGISTRY/"
fi
BACKEND_IMAGE="${PREFIX}todo-backend:$TAG"
FRONTEND_IMAGE="${PREFIX}todo-frontend:$TAG"

# build_args DIR: the builder's arguments for DIR/Dockerfile: the stand-in bases with --stand-in-bases
# (and never a pull), one per line.
build_args() {
  if [[ "$STAND_IN_BASES" == 1 ]]; then
    printf -- '--pull=never\n'
    images_stand_in_args "$1/Dockerfile"
  fi
}

# build IMAGE DIR [ARGS...]
build() {
  local image=$1 dir=$2 arg args=() bases="" lines
  shift 2
  lines=$(build_args "$dir") || exit 1
  while IFS= read -r arg; do
    if [[ -n "$arg" ]]; then args+=("$arg"); fi
  done <<<"$lines"
  if [[ "$STAND_IN_BASES" == 1 ]]; then bases=" on stand-in bases"; fi
  log "building $image from $dir$bases"
  images_build "$BUILDER" "$image" "$dir" ${args[@]+"${args[@]}"} "$@" || die "the build of $image failed (output above)"
}

build "$BACKEND_IMAGE" "$BACKEND_DIR"
if [[ "$FRONTEND_TARGET" == static ]]; then
  build "$FRONTEND_IMAGE" "$FRONTEND_DIR" --target static
else
  build "$FRONTEND_IMAGE" "$FRONTEND_DIR"
fi

if [ "$LOAD" = 1 ]; then
  case "$LOAD_INTO" in
    kind) log "loading the images into kind cluster '$TODO_KIND_CLUSTER'" ;;
    minikube) log "loading the images into minikube profile '$TODO_MINIKUBE_PROFILE'" ;;
    containerd) log "loading the images into containerd (${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}, namespace k8s.io)" ;;
  esac
  images_load "$BUILDER" "$LOAD_INTO" "$BACKEND_IMAGE" "$FRONTEND_IMAGE" || die "loading the images into $LOAD_INTO failed (output above)"
fi

TAG_FILE=$(image_tag_file)
mkdir -p "$(dirname "$TAG_FILE")"
printf '%s\n' "$TAG" >"$TAG_FILE"
log "images ready: $BACKEND_IMAGE, $FRONTEND_IMAGE"
log "recorded IMAGE_TAG=$TAG in ${TAG_FILE#"$TODO_ROOT"/}; scripts/deploy.sh --env $ENV_NAME will use it"
