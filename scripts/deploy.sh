#!/usr/bin/env bash
# Synthesize one environment with cdk8s, apply it (pruning what it no longer holds) and wait for every rollout.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [--tag TAG] [--timeout DURATION] [options]

1. synthesize: TODO_ENV=ENV IMAGE_TAG=TAG npx cdk8s synth --no-check-upgrade  ->  dist/ENV.k8s.yaml
2. apply it:   kubectl apply -f dist/ENV.k8s.yaml --prune -l <ENV's labels> --prune-allowlist ...
   Objects of ENV that the new output no longer holds (a PodDisruptionBudget turned off, say)
   are deleted: the prune is scoped to ENV's labels (app.kubernetes.io/part-of and
   app.kubernetes.io/instance) and to the app's kinds; claims, volumes, the namespace and
   the Secret are never pruned.
3. wait for the rollout of every Deployment/StatefulSet of the app in ENV's namespace; if one does not finish within DURATION, print the pods' status, recent
   events and last log lines, and exit non-zero.

With --diff, steps 2 and 3 are replaced by a preview: kubectl diff (server-side, including
what the prune would delete) against the cluster. Exit code: 0 no differences, 1 differences
shown, 2 or more an error.

TAG comes from --tag, else \$IMAGE_TAG, else the tag scripts/build-images.sh recorded for
the cluster, else the synth's default (v<version>-local). IMAGE_REGISTRY is passed through.

Options:
  --env ENV            a laptop environment of the app (app/environments.ts) (default: local)
  --tag TAG            image tag for both images
  --timeout DURATION   per-rollout timeout (default: 300s; env TODO_ROLLOUT_TIMEOUT)
  --skip-synth         apply the existing dist/ENV.k8s.yaml as is
  --diff               show what applying would change, change nothing (exit codes above)
  --restart            also restart the Deployments (needed when an image was rebuilt under
                       the same tag)
  --no-secret-check    do not check for the app Secret (required first where the pods need
                       it, e.g. minikube's DATABASE_URL; optional elsewhere)
  --context CONTEXT    kubectl context (default: kind-todo, or todo for minikube)
  -h, --help           show this help

Environment: TODO_SYNTH_CMD replaces 'npx cdk8s synth --no-check-upgrade' (run with bash -c in the project
root, with TODO_ENV and IMAGE_TAG exported). Before anything reaches the cluster, its API server must answer
within TODO_CLUSTER_TIMEOUT seconds (default: 5), or the deploy stops and says so.
EOF
}

TAG=""
TIMEOUT=${TODO_ROLLOUT_TIMEOUT:-300s}
SYNTH=1
RESTART=0
SECRET_CHECK=1
DIFF=0

handle_option() {
  case "$1" in
    --tag) takes_value "$@"; TAG=$2 ;;
    --timeout) takes_value "$@"; TIMEOUT=$2 ;;
    --skip-synth) SYNTH=0 ;;
    --diff) DIFF=1 ;;
    --restart) RESTART=1 ;;
    --no-secret-check) SECRET_CHECK=0 ;;
    --context) context_option "$@" ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

validate_duration --timeout "$TIMEOUT"
MANIFEST="$TODO_ROOT/dist/$ENV_NAME.k8s.yaml"

require_tool kubectl
if [ "$SYNTH" = 1 ] && [ -z "${TODO_SYNTH_CMD:-}" ]; then
  require_tool npx
fi

if [ -z "$TAG" ]; then
  TAG=${IMAGE_TAG:-}
fi
if [ -z "$TAG" ]; then
  TAG_FILE=$(image_tag_file)
  if [ -f "$TAG_FILE" ]; then
    TAG=$(head -n 1 "$TAG_FILE")
    log "using image tag $TAG recorded by build-images.sh (${TAG_FILE#"$TODO_ROOT"/})"
  fi
fi

if [ "$SYNTH" = 1 ]; then
  log "synthesizing $ENV_NAME${TAG:+ with IMAGE_TAG=$TAG}"
  if [ -n "$TAG" ]; then
    export IMAGE_TAG="$TAG"
  else
    unset IMAGE_TAG
  fi
  export TODO_ENV="$ENV_NAME"
  if [ -n "${TODO_SYNTH_CMD:-}" ]; then
    (cd "$TODO_ROOT" && bash -c "$TODO_SYNTH_CMD") || die "synth failed (TODO_SYNTH_CMD)"
  else
    (cd "$TODO_ROOT" && npx cdk8s synth --no-check-upgrade) || die "synth failed: npx cdk8s synth (TODO_ENV=$ENV_NAME)"
  fi
fi
[ -s "$MANIFEST" ] || die "no manifest at $MANIFEST (did the synth write dist/$ENV_NAME.k8s.yaml?)"
require_cluster

if [ "$SECRET_CHECK" = 1 ] && [ "$DIFF" = 0 ] && ! kube -n "$ENV_NAMESPACE" get secret "$ENV_SECRET" -o name >/dev/null 2>&1; then
  if [ "$ENV_SECRET_OPTIONAL" != true ]; then
    # The pods cannot start without it (minikube reads DATABASE_URL from it).
    die "secret $ENV_SECRET is missing in namespace $ENV_NAMESPACE (context $TODO_KUBE_CONTEXT); create it first: scripts/create-secret.sh --env $ENV_NAME"
  fi
  warn "secret $ENV_SECRET is missing in $ENV_NAMESPACE: the app starts in mock mode without it (scripts/create-secret.sh --env $ENV_NAME adds it)"
fi

# shellcheck disable=SC2046  # one kind per word
PRUNE_ARGS="--prune -l $ENV_SELECTOR $(printf -- ' --prune-allowlist=%s' $(env_kinds) storage.k8s.io/v1/StorageClass)"

if [ "$DIFF" = 1 ]; then
  log "differences between ${MANIFEST#"$TODO_ROOT"/} and the cluster (context $TODO_KUBE_CONTEXT)"
  status=0
  # shellcheck disable=SC2086  # PRUNE_ARGS is a list of words without spaces inside
  kube diff -f "$MANIFEST" $PRUNE_ARGS || status=$?
  case "$status" in
    0) log "no differences" ;;
    1) log "differences above; apply them with: scripts/deploy.sh --env $ENV_NAME --skip-synth" ;;
    *) err "kubectl diff failed (exit $status)" ;;
  esac
  exit "$status"
fi

# A freshly installed ingress-nginx admission webhook can refuse the first Ingress for a few
# seconds, so apply is retried a couple of times.
attempts=${TODO_APPLY_ATTEMPTS:-3}
delay=${TODO_RETRY_DELAY:-5}
n=1
log "applying ${MANIFEST#"$TODO_ROOT"/} (context $TODO_KUBE_CONTEXT)"
# shellcheck disable=SC2086  # PRUNE_ARGS is a list of words without spaces inside
until kube apply -f "$MANIFEST" $PRUNE_ARGS; do
  if [ "$n" -ge "$attempts" ]; then
    die "kubectl apply failed $attempts times"
  fi
  warn "kubectl apply failed (attempt $n of $attempts); retrying in ${delay}s"
  sleep "$delay"
  n=$((n + 1))
done

WORKLOADS=$(kube -n "$ENV_NAMESPACE" get deployments,statefulsets -l "$ENV_PART_OF_SELECTOR" -o name)
[ -n "$WORKLOADS" ] || die "no Deployments or StatefulSets labelled $ENV_PART_OF_SELECTOR in $ENV_NAMESPACE after apply"

if [ "$RESTART" = 1 ]; then
  log "restarting the Deployments"
  kube -n "$ENV_NAMESPACE" rollout restart deployment -l "$ENV_PART_OF_SELECTOR"
fi

for workload in $WORKLOADS; do
  log "waiting for $workload (timeout $TIMEOUT)"
  if ! kube -n "$ENV_NAMESPACE" rollout status "$workload" --timeout="$TIMEOUT"; then
    err "rollout of $workload in $ENV_NAMESPACE did not complete within $TIMEOUT"
    print_diagnostics "$ENV_NAMESPACE"
    err "deploy of $ENV_NAME failed (diagnostics above)"
    exit 1
  fi
done

log "deployed $ENV_NAME to namespace $ENV_NAMESPACE${TAG:+ (image tag $TAG)}"
log "next: scripts/smoke-test.sh --env $ENV_NAME, then open http://$ENV_HOST/"
