# shellcheck shell=bash disable=SC2034  # constants of the node, read by node.sh and its libraries
# The node's network, inside its own namespace (the same addresses in every node: nothing leaves it).
readonly NODE_NAME=todo-node
readonly NODE_INTERFACE=node0 NODE_PEER_INTERFACE=outside0
readonly NODE_IP=10.255.0.2 NODE_PEER_IP=10.255.0.1
# An address outside the cluster and outside the private ranges (RFC 5737 documentation range), named in
# the cluster's DNS: what tests of egress NetworkPolicies call (a database, a model server).
readonly NODE_OUTSIDE_IP=203.0.113.10 NODE_OUTSIDE_NAME=outside.node.test
readonly NODE_POD_CIDR=10.244.0.0/24 NODE_CLUSTER_CIDR=10.244.0.0/16
readonly NODE_DNS_IP=10.96.0.10
# The CNI plugins containerd calls (bin_dirs in its configuration).
readonly NODE_CNI_PLUGINS="bridge host-local loopback portmap"
