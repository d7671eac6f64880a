# shellcheck shell=bash
# The node's own network and mount namespaces, so nothing on the machine changes: one long-lived anchor
# process holds them (every component enters it with nsenter), the node's cgroups live under a cgroup
# of their own, and stopping the anchor drops the namespaces with every route, rule and mount made
# inside them. Source it from node.sh.

# The kernel settings the kubelet requires (its setupKernelTunables). They are machine-wide, so the node
# never writes them: protectKernelDefaults makes the kubelet only check them, and the node's mount
# namespace shows it files holding these values over the /proc/sys entries that differ.
readonly NODE_KERNEL_TUNABLES="vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1
kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000"

# The machine's own network namespace, as seen inside the node's mount namespace: build steps that need
# the registries (scripts/build-images.sh under `node.sh exec`) run their RUN steps there.
readonly NODE_HOST_NETNS=/run/todo-node/host.netns

# node_anchor DIR: run as the anchor, in a fresh mount namespace (unshare --mount --propagation private):
# a private /run that keeps a handle on the machine's network namespace, then a network namespace of
# its own (node_anchor_network_stage).
node_anchor() {
  local dir=$1
  # Private /run: containerd's state and the pods' network namespaces, iptables' lock.
  mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
  mkdir -p "$(dirname "$NODE_HOST_NETNS")"
  : >"$NODE_HOST_NETNS"
  mount --bind /proc/self/ns/net "$NODE_HOST_NETNS"
  exec unshare --net -- bash "$NODE_DIR/node.sh" _anchor_network "$dir"
}

# node_anchor_network_stage DIR: now in the node's network namespace too: prepare it, say so in
# DIR/anchor/ready, then wait forever (the namespaces live as long as this process).
node_anchor_network_stage() {
  local dir=$1 state
  state="$dir/anchor"
  mkdir -p "$state/cgroup" "$state/sysctl"
  # A sysfs of this network namespace (/sys/class/net lists its devices), with the machine's cgroup
  # hierarchies carried over, since mounting sysfs hides what was mounted under it.
  mount --rbind /sys/fs/cgroup "$state/cgroup"
  mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
  mount --rbind "$state/cgroup" /sys/fs/cgroup
  umount -l "$state/cgroup"
  # Private /var/log: the pods' logs.
  mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /var/log
  node_anchor_tunables "$state/sysctl"
  node_anchor_network
  : >"$state/ready"
  exec sleep infinity
}

node_anchor_tunables() {
  local dir=$1 entry key value file
  for entry in $NODE_KERNEL_TUNABLES; do
    key=${entry%%=*} value=${entry#*=}
    [[ "$(cat "/proc/sys/$key")" != "$value" ]] || continue
    file="$dir/${key//\//.}"
    printf '%s\n' "$value" >"$file"
    mount --bind -o ro "$file" "/proc/sys/$key"
  done
}

# The node's address on one end of a veth pair whose other end (the default gateway, and the address
# tests use for "outside the cluster") is in the same namespace: nothing leaves it.
node_anchor_network() {
  ip link set lo up
  ip link add "$NODE_INTERFACE" type veth peer name "$NODE_PEER_INTERFACE"
  ip addr add "$NODE_IP/24" dev "$NODE_INTERFACE"
  ip addr add "$NODE_PEER_IP/24" dev "$NODE_PEER_INTERFACE"
  ip addr add "$NODE_OUTSIDE_IP/32" dev "$NODE_PEER_INTERFACE"
  ip link set "$NODE_INTERFACE" up
  ip link set "$NODE_PEER_INTERFACE" up
  ip route add default via "$NODE_PEER_IP" dev "$NODE_INTERFACE" src "$NODE_IP"
  # This namespace's own settings (the machine's stay as they are): the kubelet and kube-proxy route pod
  # traffic, and bridged pod traffic must pass iptables for Services and NetworkPolicies.
  printf '1\n' >/proc/sys/net/ipv4/ip_forward
  printf '1\n' >/proc/sys/net/bridge/bridge-nf-call-iptables
}

# node_anchor_start DIR: start the anchor; wait (bounded) until its namespaces are ready.
node_anchor_start() {
  local dir=$1 deadline
  require_tool unshare nsenter ip mount
  components_launch "$dir" anchor unshare --mount --propagation private -- bash "$NODE_DIR/node.sh" _anchor "$dir"
  deadline=$(($(date +%s) + 20))
  until [[ -f "$dir/anchor/ready" ]]; do
    kill -0 "$(components_pid "$dir" anchor)" 2>/dev/null ||
      components_failed "$dir" anchor "exited while preparing the node's namespaces" node_stop "$dir"
    [[ "$(date +%s)" -lt "$deadline" ]] ||
      components_failed "$dir" anchor "did not prepare the namespaces within 20s" node_stop "$dir"
    sleep 0.2
  done
}

# node_in DIR COMMAND...: run COMMAND in the node's network and mount namespaces, in this directory.
node_in() {
  local dir=$1 anchor
  shift
  anchor=$(components_pid "$dir" anchor)
  if [[ -z "$anchor" ]] || ! kill -0 "$anchor" 2>/dev/null; then die "no node runs in $dir (start it: $0 start $dir)"; fi
  nsenter -t "$anchor" -n -m --wd="$PWD" -- "$@"
}

# node_launch DIR NAME COMMAND...: a component inside the node's namespaces (nsenter execs COMMAND, so
# the recorded pid is the component's own).
node_launch() {
  local dir=$1 name=$2
  shift 2
  components_launch "$dir" "$name" nsenter -t "$(components_pid "$dir" anchor)" -n -m --wd="$PWD" -- "$@"
}

# node_cgroup_root DIR: the cgroup every pod of this node runs under (the kubelet's cgroupRoot): one per
# node directory, so nodes beside each other never touch each other's pods.
node_cgroup_root() { printf '/todo-node-%s\n' "$(printf '%s' "$1" | cksum | cut -d' ' -f1)"; }

# node_cgroup_hierarchies: the mounted cgroup hierarchies (v1 controllers and the unified one).
node_cgroup_hierarchies() {
  local mount
  for mount in /sys/fs/cgroup/*; do
    [[ -d "$mount" && ! -L "$mount" ]] && mountpoint -q "$mount" && printf '%s\n' "$mount"
  done
}

node_cgroup_create() {
  local root=$1 hierarchy
  for hierarchy in $(node_cgroup_hierarchies); do
    mkdir -p "$hierarchy$root"
    # A new cpuset cgroup starts with no CPUs and no memory nodes: give it its parent's.
    if [[ -f "$hierarchy$root/cpuset.cpus" ]]; then
      cat "$hierarchy/cpuset.cpus" >"$hierarchy$root/cpuset.cpus"
      cat "$hierarchy/cpuset.mems" >"$hierarchy$root/cpuset.mems"
    fi
  done
}

# node_cgroup_kill ROOT: SIGKILL every process still in the node's cgroups (the pods' processes).
node_cgroup_kill() {
  local root=$1 hierarchy procs pid
  for _ in 1 2 3 4 5; do
    procs=""
    for hierarchy in $(node_cgroup_hierarchies); do
      [[ -d "$hierarchy$root" ]] || continue
      procs="$procs $(find "$hierarchy$root" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u | tr '\n' ' ')"
    done
    [[ -n "${procs// /}" ]] || return 0
    for pid in $procs; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.2
  done
}

node_cgroup_remove() {
  local root=$1 hierarchy
  for hierarchy in $(node_cgroup_hierarchies); do
    [[ -d "$hierarchy$root" ]] || continue
    find "$hierarchy$root" -depth -type d -exec rmdir {} + 2>/dev/null || warn "could not remove every cgroup under $hierarchy$root"
  done
}

# node_namespace_pids DIR: every process in the node's network namespace except the anchor itself.
node_namespace_pids() {
  local anchor netns pid
  anchor=$(components_pid "$1" anchor)
  [[ -n "$anchor" ]] && netns=$(readlink "/proc/$anchor/ns/net" 2>/dev/null) || return 0
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [[ "$pid" != "$anchor" ]] || continue
    [[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" == "$netns" ]] && printf '%s\n' "$pid"
  done
  return 0
}
