#!/usr/bin/env bash
# Delete an environment from the cluster; keep the SQLite volume unless --purge-data is given.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--env ENV] [--yes] [--purge-data] [--context CONTEXT]

Delete the environment ENV after a confirmation prompt.

Default (keeps data): delete, by explicit kinds and the label $TODO_PART_OF_SELECTOR,
the app's workloads, Services, routing (Ingress, or Istio Gateway/VirtualService) and
configuration in namespace todo-ENV. PersistentVolumeClaims, PersistentVolumes, the
namespace and the Secret $TODO_SECRET_NAME are left alone, so the SQLite volume
($TODO_PVC_NAME) survives and scripts/deploy.sh brings the app back with its data.

--purge-data: delete the namespace todo-ENV (with its PersistentVolumeClaim and Secret) and
the retained volume: for local its reclaim policy is switched to Delete first so that the
provisioner removes it, for local-istio the static hostPath PersistentVolume is deleted and
the host storage directory emptied; the environment's StorageClass goes too.

Options:
  --env ENV            local (default), local-istio or minikube
  --yes                do not ask for confirmation
  --purge-data         also delete the data (see above)
  --storage-dir DIR    local-istio: host storage directory to empty with --purge-data
                       (default: ${TODO_NODE_STORAGE_PATH}; env TODO_STORAGE_DIR)
  --timeout DURATION   how long to wait for deletions (default: 120s)
  --context CONTEXT    kubectl context (default: kind-todo, or todo for minikube)
  -h, --help           show this help

The cluster itself stays; see scripts/README.md to delete it.
EOF
}

ENV_NAME=${TODO_ENV:-local}
YES=0
PURGE=0
STORAGE_DIR=${TODO_STORAGE_DIR:-$TODO_NODE_STORAGE_PATH}
TIMEOUT=${TODO_DELETE_TIMEOUT:-120s}
CONTEXT=""

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --*=*)
      opt=${1%%=*} value=${1#*=}
      shift
      set -- "$opt" "$value" ${1+"$@"}
      continue
      ;;
    --env) need_value "$1" "${2-}"; ENV_NAME=$2; shift 2 ;;
    --yes | -y) YES=1; shift ;;
    --purge-data) PURGE=1; shift ;;
    --storage-dir) need_value "$1" "${2-}"; STORAGE_DIR=$2; shift 2 ;;
    --timeout) need_value "$1" "${2-}"; TIMEOUT=$2; shift 2 ;;
    --context) need_value "$1" "${2-}"; CONTEXT=$2; shift 2 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

validate_env "$ENV_NAME"
validate_duration --timeout "$TIMEOUT"
select_context "$ENV_NAME" "$CONTEXT"
NAMESPACE=$(env_namespace "$ENV_NAME")
INSTANCE_SELECTOR=$(env_selector "$ENV_NAME")
require_tool kubectl

if [ "$PURGE" = 1 ] && [ "$ENV_NAME" = local-istio ]; then
  case "$STORAGE_DIR" in
    /) usage_error "refusing to empty / (--storage-dir)" ;;
    /*) ;;
    *) usage_error "--storage-dir must be an absolute path to be emptied: $STORAGE_DIR" ;;
  esac
fi

# Everything the app creates except storage. Deliberately an explicit list: no "all", no
# namespace, and neither persistentvolumeclaims nor persistentvolumes.
# shellcheck disable=SC2046  # one kind per word
KINDS=$(kinds_as_resources $(env_kinds "$ENV_NAME"))

if [ "$PURGE" = 1 ] && [ "$ENV_NAME" = minikube ]; then
  printf 'This deletes namespace %s (context %s) with every app object and the Secret %s.\n' \
    "$NAMESPACE" "$TODO_KUBE_CONTEXT" "$TODO_SECRET_NAME"
  printf 'The data in your external PostgreSQL (DATABASE_URL) is not touched.\n'
elif [ "$PURGE" = 1 ]; then
  printf 'This deletes namespace %s (context %s) with ALL its data: the PersistentVolumeClaim %s and its volume (the SQLite database), the Secret %s and every app object.\n' \
    "$NAMESPACE" "$TODO_KUBE_CONTEXT" "$TODO_PVC_NAME" "$TODO_SECRET_NAME"
  if [ "$ENV_NAME" = local-istio ]; then
    printf 'It also empties %s on this machine.\n' "$STORAGE_DIR"
  fi
  printf 'Take a backup first if unsure: scripts/backup-sqlite.sh --env %s\n' "$ENV_NAME"
else
  printf 'This deletes the app (workloads, services, routing, config) in namespace %s (context %s).\n' \
    "$NAMESPACE" "$TODO_KUBE_CONTEXT"
  if [ "$ENV_NAME" = minikube ]; then
    printf 'It keeps the namespace and the Secret %s.\n' "$TODO_SECRET_NAME"
  else
    printf 'It keeps the namespace, the Secret %s and the PersistentVolumeClaim %s (your data).\n' \
      "$TODO_SECRET_NAME" "$TODO_PVC_NAME"
  fi
fi
if [ "$YES" != 1 ] && ! confirm "Delete environment $ENV_NAME?"; then
  err "aborted; nothing was deleted"
  exit 1
fi

if [ "$PURGE" = 0 ]; then
  log "deleting the app's objects in $NAMESPACE (keeping PVCs, PVs, the namespace and the Secret)"
  kube -n "$NAMESPACE" delete "$KINDS" -l "$INSTANCE_SELECTOR" \
    --ignore-not-found --wait=true --timeout="$TIMEOUT"
  log "environment $ENV_NAME deleted; kept:"
  kube -n "$NAMESPACE" get persistentvolumeclaims -o name 2>/dev/null || true
  log "redeploy with scripts/deploy.sh --env $ENV_NAME; delete the data too with --purge-data"
  exit 0
fi

PVS=""
if [ "$ENV_NAME" != minikube ]; then
  # The SQLite volume has the reclaim policy Retain (it outlives its claim): find it by claimRef.
  PVS=$(kube get persistentvolumes \
    -o jsonpath="{range .items[?(@.spec.claimRef.namespace==\"$NAMESPACE\")]}{.metadata.name}{\"\\n\"}{end}")
fi
if [ "$ENV_NAME" = local ]; then
  # Dynamically provisioned (local-path): with the policy switched to Delete, the provisioner
  # removes the volume and its files once the namespace (and so the claim) is gone.
  for pv in $PVS; do
    kube patch persistentvolume "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}'
  done
fi
log "deleting namespace $NAMESPACE and its data"
kube delete namespace "$NAMESPACE" --ignore-not-found --wait=true --timeout="$TIMEOUT"
if [ "$ENV_NAME" != minikube ]; then
  log "deleting the storage objects of $NAMESPACE outside the namespace"
  kube delete storageclasses -l "$INSTANCE_SELECTOR" --ignore-not-found
fi
if [ "$ENV_NAME" = local-istio ]; then
  # A static hostPath volume: nothing deletes its files, so remove the PV and empty the directory.
  for pv in $PVS; do
    kube delete persistentvolume "$pv" --ignore-not-found --wait=true --timeout="$TIMEOUT"
  done
  kube delete persistentvolumes -l "$INSTANCE_SELECTOR" --ignore-not-found --wait=true --timeout="$TIMEOUT"
  if [ -d "$STORAGE_DIR" ]; then
    log "emptying $STORAGE_DIR"
    if ! find "$STORAGE_DIR" -mindepth 1 -delete; then
      warn "some files in $STORAGE_DIR could not be removed (owned by uid $TODO_APP_UID?); run: sudo find '$STORAGE_DIR' -mindepth 1 -delete"
    fi
  fi
fi
log "environment $ENV_NAME and its data deleted"
