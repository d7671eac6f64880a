#!/usr/bin/env bash
# Build the backend and frontend images, tag them with the package version, load them into the cluster.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--backend DIR] [--frontend DIR] [--env ENV] [--tag TAG | --local-tag] [--no-load]

Build todo-backend:TAG from DIR/Dockerfile of the FastAPI backend and todo-frontend:TAG from
DIR/Dockerfile of the Next.js frontend (by default the reference app in examples/todo-app, which
meets docs/container-contract.md), load both into the cluster of ENV
(kind load docker-image / minikube image load), and record TAG so that
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

handle_option() {
  case "$1" in
    --backend) takes_value "$@"; BACKEND_DIR=$2 ;;
    --frontend) takes_value "$@"; FRONTEND_DIR=$2 ;;
    --tag) takes_value "$@"; TAG=$2 ;;
    --local-tag) LOCAL_TAG=1 ;;
    --no-load) LOAD=0 ;;
    --name) takes_value "$@"; NAME=$2 ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

if [ -n "$NAME" ]; then
  TODO_KIND_CLUSTER=$NAME
  TODO_MINIKUBE_PROFILE=$NAME
fi
PROVIDER=$ENV_PROVIDER

for dir in "$BACKEND_DIR" "$FRONTEND_DIR"; do
  [ -d "$dir" ] || die "no such directory: $dir"
  [ -f "$dir/Dockerfile" ] || die "no Dockerfile in $dir (pass the directory that holds the Dockerfile)"
done

require_tool docker
if [ "$LOAD" = 1 ]; then
  require_tool "$PROVIDER"
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

log "building $BACKEND_IMAGE from $BACKEND_DIR"
docker build -t "$BACKEND_IMAGE" "$BACKEND_DIR"
log "building $FRONTEND_IMAGE from $FRONTEND_DIR"
docker build -t "$FRONTEND_IMAGE" "$FRONTEND_DIR"

if [ "$LOAD" = 1 ]; then
  case "$PROVIDER" in
    kind)
      log "loading the images into kind cluster '$TODO_KIND_CLUSTER'"
      kind load docker-image --name "$TODO_KIND_CLUSTER" "$BACKEND_IMAGE" "$FRONTEND_IMAGE"
      ;;
    minikube)
      log "loading the images into minikube profile '$TODO_MINIKUBE_PROFILE'"
      minikube -p "$TODO_MINIKUBE_PROFILE" image load "$BACKEND_IMAGE"
      minikube -p "$TODO_MINIKUBE_PROFILE" image load "$FRONTEND_IMAGE"
      ;;
  esac
fi

TAG_FILE=$(image_tag_file)
mkdir -p "$(dirname "$TAG_FILE")"
printf '%s\n' "$TAG" >"$TAG_FILE"
log "images ready: $BACKEND_IMAGE, $FRONTEND_IMAGE"
log "recorded IMAGE_TAG=$TAG in ${TAG_FILE#"$TODO_ROOT"/}; scripts/deploy.sh --env $ENV_NAME will use it"
