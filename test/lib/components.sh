# shellcheck shell=bash
# Background components of the test clusters (test/control-plane, test/node): each is started with its
# log in DIR/logs/NAME.log and its pid in DIR/pids, waited for with a bound, named with the tail of its
# log when it fails, and stopped in reverse start order. Source it; needs scripts/lib/common.sh first.

# components_launch DIR NAME COMMAND...: start COMMAND in the background as component NAME.
components_launch() {
  local dir=$1 name=$2
  shift 2
  mkdir -p "$dir/logs"
  "$@" </dev/null >"$dir/logs/$name.log" 2>&1 &
  printf '%s %s\n' "$name" "$!" >>"$dir/pids"
}

# components_pid DIR NAME: the pid of a running component (empty when it was never started).
components_pid() {
  [[ -f "$1/pids" ]] || return 0
  awk -v n="$2" '$1 == n { pid = $2 } END { if (pid) print pid }' "$1/pids"
}

# components_failed DIR NAME WHY STOP_COMMAND...: name the component and its log tail, run STOP_COMMAND
# (which stops everything started so far), exit 1.
components_failed() {
  local dir=$1 name=$2 why=$3
  shift 3
  err "$COMPONENTS_WHAT: $name $why; last lines of $dir/logs/$name.log:"
  tail -n 25 "$dir/logs/$name.log" >&2 || true
  "$@" >/dev/null 2>&1 || true
  exit 1
}

# components_wait DIR NAME WHAT TIMEOUT STOP_COMMAND -- CHECK...: run CHECK every half second until it
# succeeds; fail (components_failed) when NAME's process exits or TIMEOUT seconds pass.
components_wait() {
  local dir=$1 name=$2 what=$3 timeout=$4 pid deadline
  shift 4
  local stop=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    stop+=("$1")
    shift
  done
  shift
  pid=$(components_pid "$dir" "$name")
  deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
      components_failed "$dir" "$name" "exited before $what" "${stop[@]}"
    fi
    if [[ "$(date +%s)" -ge "$deadline" ]]; then
      components_failed "$dir" "$name" "did not get to $what within ${timeout}s" "${stop[@]}"
    fi
    sleep 0.5
  done
}

# components_stop_one DIR NAME: TERM one component, KILL it when it ignores TERM for 10 s.
components_stop_one() {
  local pid waited=0
  pid=$(components_pid "$1" "$2")
  [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [[ "$waited" -lt 100 ]]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$2 (pid $pid) ignored TERM for 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# components_stop DIR: stop every component in reverse start order.
components_stop() {
  local dir=$1 name
  [[ -f "$dir/pids" ]] || return 0
  tac "$dir/pids" | while read -r name _; do
    components_stop_one "$dir" "$name"
  done
  rm -f "$dir/pids"
}
