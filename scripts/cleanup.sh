#!/usr/bin/env bash
# Delete an environment from the cluster; keep the SQLite volume unless --purge-data is given.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [--yes] [--purge-data] [--context CONTEXT]

Delete the environment ENV after a confirmation prompt.

Default (keeps data): delete, by explicit kinds and ENV's labels, the app's workloads,
Services, routing (Ingress, or Istio Gateway/VirtualService) and configuration in ENV's
namespace. PersistentVolumeClaims, PersistentVolumes, the namespace and the app Secret are
left alone, so the SQLite volume survives and scripts/deploy.sh brings the app back with
its data.

--purge-data: delete ENV's namespace (with its PersistentVolumeClaim and Secret) and the
retained volume: a provisioned volume's reclaim policy is switched to Delete first so that
the provisioner removes it; a static hostPath PersistentVolume is deleted and the host
storage directory emptied; the environment's StorageClass goes too.

Options:
  --env ENV            a laptop environment of the app (app/environments.ts) (default: local)
  --yes                do not ask for confirmation
  --purge-data         also delete the data (see above)
  --storage-dir DIR    hostPath storage: the host directory to empty with --purge-data
                       (default: the volume's node path, as cluster-up.sh mounts it;
                       env TODO_STORAGE_DIR)
  --timeout DURATION   how long to wait for deletions (default: 120s)
  --context CONTEXT    kubectl context (default: kind-todo, or todo for minikube)
  -h, --help           show this help

The cluster itself stays; docs/local-clusters.md says how to delete it.
EOF
}

YES=0
PURGE=0
STORAGE_DIR=${TODO_STORAGE_DIR:-}
TIMEOUT=${TODO_DELETE_TIMEOUT:-120s}

handle_option() {
  case "$1" in
    --yes | -y) YES=1 ;;
    --purge-data) PURGE=1 ;;
    --storage-dir) takes_value "$@"; STORAGE_DIR=$2 ;;
    --timeout) takes_value "$@"; TIMEOUT=$2 ;;
    --context) context_option "$@" ;;
    *) return 1 ;;
  esac
}
parse_args "$@"

validate_duration --timeout "$TIMEOUT"
STORAGE_DIR=${STORAGE_DIR:-$ENV_HOST_PATH}
require_tool kubectl

if [ "$PURGE" = 1 ] && [ -n "$ENV_HOST_PATH" ]; then
  case "$STORAGE_DIR" in
    /) usage_error "refusing to empty / (--storage-dir)" ;;
    /*) ;;
    *) usage_error "--storage-dir must be an absolute path to be emptied: $STORAGE_DIR" ;;
  esac
fi

# Everything the app creates except storage. Deliberately an explicit list: no "all", no
# namespace, and neither persistentvolumeclaims nor persistentvolumes.
# shellcheck disable=SC2046  # one kind per word
KINDS=$(kinds_as_resources $(env_kinds))

if [ "$PURGE" = 1 ] && [ "$ENV_DATABASE" != sqlite ]; then
  printf 'This deletes namespace %s (context %s) with every app object and the Secret %s.\n' \
    "$ENV_NAMESPACE" "$TODO_KUBE_CONTEXT" "$ENV_SECRET"
  printf 'The data in your external database (DATABASE_URL) is not touched.\n'
elif [ "$PURGE" = 1 ]; then
  printf 'This deletes namespace %s (context %s) with ALL its data: the PersistentVolumeClaim %s and its volume (the SQLite database), the Secret %s and every app object.\n' \
    "$ENV_NAMESPACE" "$TODO_KUBE_CONTEXT" "$ENV_CLAIM" "$ENV_SECRET"
  if [ -n "$ENV_HOST_PATH" ]; then
    printf 'It also empties %s on this machine.\n' "$STORAGE_DIR"
  fi
  printf 'Take a backup first if unsure: scripts/backup-sqlite.sh --env %s\n' "$ENV_NAME"
else
  printf 'This deletes the app (workloads, services, routing, config) in namespace %s (context %s).\n' \
    "$ENV_NAMESPACE" "$TODO_KUBE_CONTEXT"
  if [ "$ENV_DATABASE" != sqlite ]; then
    printf 'It keeps the namespace and the Secret %s.\n' "$ENV_SECRET"
  else
    printf 'It keeps the namespace, the Secret %s and the PersistentVolumeClaim %s (your data).\n' \
      "$ENV_SECRET" "$ENV_CLAIM"
  fi
fi
if [ "$YES" != 1 ] && ! confirm "Delete environment $ENV_NAME?"; then
  err "aborted; nothing was deleted"
  exit 1
fi

if [ "$PURGE" = 0 ]; then
  log "deleting the app's objects in $ENV_NAMESPACE (keeping PVCs, PVs, the namespace and the Secret)"
  kube -n "$ENV_NAMESPACE" delete "$KINDS" -l "$ENV_SELECTOR" \
    --ignore-not-found --wait=true --timeout="$TIMEOUT"
  log "environment $ENV_NAME deleted; kept:"
  kube -n "$ENV_NAMESPACE" get persistentvolumeclaims -o name 2>/dev/null || true
  log "redeploy with scripts/deploy.sh --env $ENV_NAME; delete the data too with --purge-data"
  exit 0
fi

PVS=""
if [ "$ENV_DATABASE" = sqlite ]; then
  # The SQLite volume has the reclaim policy Retain (it outlives its claim): find it by claimRef.
  PVS=$(kube get persistentvolumes \
    -o jsonpath="{range .items[?(@.spec.claimRef.namespace==\"$ENV_NAMESPACE\")]}{.metadata.name}{\"\\n\"}{end}")
fi
if [ "$ENV_DATABASE" = sqlite ] && [ -z "$ENV_HOST_PATH" ]; then
  # Dynamically provisioned (local-path): with the policy switched to Delete, the provisioner
  # removes the volume and its files once the namespace (and so the claim) is gone.
  for pv in $PVS; do
    kube patch persistentvolume "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}'
  done
fi
log "deleting namespace $ENV_NAMESPACE and its data"
kube delete namespace "$ENV_NAMESPACE" --ignore-not-found --wait=true --timeout="$TIMEOUT"
if [ "$ENV_DATABASE" = sqlite ]; then
  log "deleting the storage objects of $ENV_NAMESPACE outside the namespace"
  kube delete storageclasses -l "$ENV_SELECTOR" --ignore-not-found
fi
if [ -n "$ENV_HOST_PATH" ]; then
  # A static hostPath volume: nothing deletes its files, so remove the PV and empty the directory.
  for pv in $PVS; do
    kube delete persistentvolume "$pv" --ignore-not-found --wait=true --timeout="$TIMEOUT"
  done
  kube delete persistentvolumes -l "$ENV_SELECTOR" --ignore-not-found --wait=true --timeout="$TIMEOUT"
  if [ -d "$STORAGE_DIR" ]; then
    log "emptying $STORAGE_DIR"
    if ! find "$STORAGE_DIR" -mindepth 1 -delete; then
      warn "some files in $STORAGE_DIR could not be removed (owned by uid $TODO_APP_UID?); run: sudo find '$STORAGE_DIR' -mindepth 1 -delete"
    fi
  fi
fi
log "environment $ENV_NAME and its data deleted"
