# shellcheck shell=bash
# The node's configuration files and credentials, written into its directory at start. Source it from
# node.sh.

# node_pki DIR: client certificates signed by the control plane's CA: the kubelet's (Node authorizer:
# system:node:<name> in system:nodes) and kube-proxy's (system:kube-proxy, bound to system:node-proxier).
node_pki() {
  local dir=$1 name subject
  for name in kubelet kube-proxy; do
    case "$name" in
      kubelet) subject="/O=system:nodes/CN=system:node:$NODE_NAME" ;;
      kube-proxy) subject="/CN=system:kube-proxy" ;;
    esac
    pki_client_certificate "$dir/pki" "$name" "$subject" "$dir/control-plane/pki"
    node_kubeconfig "$dir" "$name" >"$dir/pki/$name.kubeconfig"
  done
}

# node_kubeconfig DIR USER: a kubeconfig for USER's certificate against the control plane.
node_kubeconfig() {
  local dir=$1 user=$2 server
  server=$(sed -n 's/^[[:space:]]*server:[[:space:]]*//p' "$dir/control-plane/kubeconfig")
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: node
  cluster: {server: "$server", certificate-authority: "$dir/control-plane/pki/ca.crt"}
users:
- name: $user
  user: {client-certificate: "$dir/pki/$user.crt", client-key: "$dir/pki/$user.key"}
contexts:
- name: node
  context: {cluster: node, user: $user}
current-context: node
EOF
}

# node_containerd_config DIR: containerd 2 with runc from Debian, overlayfs, the CNI plugins of the
# node, the locally built pause image as the sandbox, and no TCP or registry access.
node_containerd_config() {
  local dir=$1
  cat <<EOF
version = 4
root = '$dir/containerd/root'
state = '$dir/containerd/state'
[plugins]
  [plugins.'io.containerd.server.v1.grpc']
    address = '$dir/containerd/containerd.sock'
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '$(node_image_ref pause)'
  [plugins.'io.containerd.cri.v1.runtime']
    enable_selinux = false
    # The VM withholds CAP_SYS_RESOURCE: containers may only raise their oom_score_adj, never lower it.
    restrict_oom_score_adj = true
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = 'io.containerd.runc.v2'
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = '$(command -v runc)'
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['$dir/cni/bin']
      conf_dir = '$dir/cni/net.d'
  [plugins.'io.containerd.grpc.v1.cri']
    disable_tcp_service = true
    stream_server_address = '127.0.0.1'
    stream_server_port = '0'
EOF
}

# node_cni_config: one bridge with the pod range, hairpin for a pod reaching itself through its Service,
# portmap for hostPorts (the ingress controller's 80 and 443, as on kind).
node_cni_config() {
  cat <<EOF
{
  "cniVersion": "1.0.0",
  "name": "todo-node",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "hairpinMode": true, "ipMasq": false,
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "$NODE_POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]}
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

# node_kubelet_config DIR
node_kubelet_config() {
  local dir=$1
  cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
containerRuntimeEndpoint: unix://$dir/containerd/containerd.sock
# The machine's cgroups are v1 (hybrid): the kubelet refuses them unless told not to.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $(node_cgroup_root "$dir")
# Check the kernel settings, never write them (they are machine-wide): see namespace.sh.
protectKernelDefaults: true
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $dir/control-plane/pki/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$NODE_DNS_IP]
resolvConf: $dir/kubelet/resolv.conf
rotateCertificates: false
serverTLSBootstrap: false
failSwapOn: false
# The machine's disk and memory are shared: evict only when really short, never GC images we imported.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, nodefs.inodesFree: 1%, imagefs.available: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
shutdownGracePeriod: 0s
EOF
}

# node_kube_proxy_config DIR: iptables mode; conntrack limits left alone (they are machine-wide).
node_kube_proxy_config() {
  local dir=$1
  cat <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $NODE_CLUSTER_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clientConnection: {kubeconfig: $dir/pki/kube-proxy.kubeconfig}
conntrack: {maxPerCore: 0, min: 0}
EOF
}

# node_addon_manifest FILE: an add-on manifest with the node's values filled in.
node_addon_manifest() {
  sed -e "s|@NODE_DNS_IP@|$NODE_DNS_IP|g" -e "s|@NODE_OUTSIDE_IP@|$NODE_OUTSIDE_IP|g" \
    -e "s|@NODE_OUTSIDE_NAME@|$NODE_OUTSIDE_NAME|g" \
    -e "s|@COREDNS_IMAGE@|$(node_image_ref coredns)|g" -e "s|@TRAEFIK_IMAGE@|$(node_image_ref traefik)|g" "$1"
}
