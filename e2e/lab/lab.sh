#!/usr/bin/env bash
# SimGate network-namespace lab: an emulated SORACOM VPG (Linux kernel VXLAN with proxy ARP), SIMs
# routed behind it, and a gate node that runs the agent (or, for the benchmark baseline, a kernel
# VXLAN device). Everything lives in namespaces named <prefix>-<role>; `down` removes them all.
#
#   lab.sh up PREFIX [--vpgs 1|2] [--ha] [--node-vxlan kernel] [--spoofer] [--vni N] [--server] [--sim-mtu N]
#              [--gates 1|2] [--plain] [--underlay NETNS/BRIDGE --gate-peers IP[,IP...]]
#   lab.sh down PREFIX
#   lab.sh peer PREFIX N down|up        VPG peer N fails (every link of vpgN down) or comes back
#   lab.sh exec PREFIX ROLE CMD...     run CMD in <prefix>-<role> (node, vpg1, vpg2, sim1-3, spoofer, srv, ul)
#   lab.sh agent-config PREFIX [--vpgs 1|2] [--vni N] [--node node|node2]    print a gate agent's YAML for this lab
#
# Addresses (documentation range underlay, SORACOM default device subnet):
#   underlay 198.51.100.0/24: vpg1 .1, node .2, vpg2 .3, spoofer .66 (bridge in <prefix>-ul)
#   overlay 10.128.0.0/9: node 10.128.255.254, vpg1 10.128.0.1, vpg2 10.128.0.2 (and the shared 10.128.0.1, which
#                         every VPG peer answers for, as the agent's default probe address),
#                         sim1 10.128.1.1 (behind vpg1), sim2 10.128.2.1 (behind vpg2), spoofer 10.128.9.9
#   --server: a server network 192.168.50.0/24 behind the node (node .1, srv .2, MTU 1500), which the node routes
#             to the SIMs and each VPG routes back via the node's inner address (the gate peer routing for hosts)
#   --sim-mtu: the SIMs' link MTU (default 1450; cellular devices commonly have 1500)
#   --ha (with --vpgs 2): the two VPG peers act as one VPG, as SORACOM's two zones do: both vx0 devices have one MAC
#             (the gateway MAC the node learns for every SIM), a core link carries each one's traffic for the other's
#             SIM, and sim3 (10.128.3.1) hangs off both, its default route through vpg1 and, once that link is down,
#             through vpg2: with `peer N down`, traffic to sim3 has to move to the peer that is left
#   --gates 2: a second gate node, node2 (outer .4, inner 10.128.255.253), which the VPGs flood to as well
#   --plain: a node without a gate agent, plain (outer .10), with two pods behind its bridge cni0 (10.88.1.1/24):
#             pod1 10.88.1.2 and pod2 10.88.1.3; gate and plain nodes forward (the node agent steers plain's pods to
#             the gate nodes over its own VXLAN, steering network 198.18.0.0/16: node .2, node2 .4, plain .10)
#   --underlay/--gate-peers: join an existing underlay bridge (for example a test cluster's node network, which uses
#             the same 198.51.100.0/24) instead of making one, with no node namespace: the VPGs send floods to each
#             gate peer (outer IP) given, as a VPG does to its registered gate peers
set -euo pipefail

UNDERLAY=198.51.100
NODE_OUTER=$UNDERLAY.2
NODE_INNER=10.128.255.254
VPG_SHARED=10.128.0.1
DEVICE_PREFIX=9
PORT=4789
MTU=1450
SIM_MTU=$MTU
SERVER_NET=192.168.50

usage() { sed -n '2,30p' "$0" >&2; exit 2; }

ns() { echo "$PREFIX-$1"; }
UL_NS="" UL_BRIDGE=br0 GATE_PEERS=$NODE_OUTER
ul_ns() { echo "${UL_NS:-$(ns ul)}"; }
inns() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }

add_ns() {
  local n; n=$(ns "$1")
  ip netns add "$n"
  ip -n "$n" link set lo up
  inns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# Joins namespace ROLE to the underlay bridge with outer address ADDR.
attach_underlay() {
  local role=$1 addr=$2 port="p-$1"
  [ -z "$UL_NS" ] || port="${PREFIX:0:10}${1:0:1}${1: -1}"   # a shared underlay: unique, at most 15 characters
  ip -n "$(ul_ns)" link add "$port" type veth peer name ul0 netns "$(ns "$role")"
  ip -n "$(ul_ns)" link set "$port" master "$UL_BRIDGE" up
  ip -n "$(ns "$role")" addr add "$addr/24" dev ul0
  ip -n "$(ns "$role")" link set ul0 up
}

# Kernel VXLAN device DEV in ROLE, replicating to each given outer IP like gate_init_vxlan.sh.
# OFFLOADS=keep leaves the device's offloads as the kernel sets them (the node's baseline device); otherwise inner
# checksums are finished before encapsulation (the VPG side, whose receiver may be the agent: see below).
add_vxlan() {
  local role=$1 dev=$2 local_ip=$3 inner=$4 vni=$5; shift 5
  local n; n=$(ns "$role")
  ip -n "$n" link add "$dev" type vxlan id "$vni" local "$local_ip" dstport $PORT srcport $PORT $PORT dev ul0
  ip -n "$n" link set "$dev" mtu $MTU
  for dst in "$@"; do
    inns "$role" bridge fdb append 00:00:00:00:00:00 dev "$dev" dst "$dst"
  done
  ip -n "$n" addr add "$inner/$DEVICE_PREFIX" dev "$dev"
  # Inside one kernel, veth and vxlan hand packets on with the inner TCP/UDP checksum unfinished
  # (CHECKSUM_PARTIAL); a physical NIC would complete it on the wire. A user-space VTEP receives
  # the raw bytes, so have the kernel finish inner checksums before encapsulating, as hardware would.
  # (Off here also turns TSO off: fine for a VPG, but the node's baseline device must keep it, or the kernel
  # baseline segments in software, which gate_init_vxlan.sh's device does not.)
  [ "${OFFLOADS:-}" = keep ] || inns "$role" ethtool -K "$dev" tx off >/dev/null
  ip -n "$n" link set "$dev" up
}

# VPG number I with outer .OUTER, inner INNER and one SIM (simI, SIM_ADDR) routed behind it.
add_vpg() {
  local i=$1 outer=$2 inner=$3 sim_addr=$4 vni=$5
  local vpg="vpg$i" sim="sim$i"
  add_ns "$vpg"
  attach_underlay "$vpg" "$outer"
  # shellcheck disable=SC2086
  add_vxlan "$vpg" vx0 "$outer" "$inner" "$vni" ${GATE_PEERS//,/ }
  # Every VPG peer answers ARP for the VPG's first address (the agent probes each peer for it by default).
  [ "$inner" = "$VPG_SHARED" ] || ip -n "$(ns "$vpg")" addr add "$VPG_SHARED/32" dev vx0
  inns "$vpg" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.vx0.proxy_arp=1 net.ipv4.neigh.vx0.proxy_delay=0
  add_ns "$sim"
  ip -n "$(ns "$vpg")" link add "$sim" type veth peer name eth0 netns "$(ns "$sim")"
  ip -n "$(ns "$vpg")" link set "$sim" mtu "$SIM_MTU" up
  inns "$vpg" sysctl -qw "net.ipv4.conf.$sim.proxy_arp=1" "net.ipv4.neigh.$sim.proxy_delay=0"
  ip -n "$(ns "$vpg")" route add "$sim_addr/32" dev "$sim"
  ip -n "$(ns "$sim")" link set eth0 mtu "$SIM_MTU" up
  ip -n "$(ns "$sim")" addr add "$sim_addr/32" dev eth0
  ip -n "$(ns "$sim")" route add default dev eth0
}

# A gate node like node, without a server network: node2, outer .4.
add_gate2() {
  add_ns node2
  attach_underlay node2 "$UNDERLAY.4"
  inns node2 sysctl -qw net.ipv4.ip_forward=1
}

# A node without a gate agent, with two pods behind a bridge as a CNI would plug them in.
add_plain() {
  local i
  add_ns plain
  attach_underlay plain "$UNDERLAY.10"
  inns plain sysctl -qw net.ipv4.ip_forward=1
  ip -n "$(ns plain)" link add cni0 type bridge
  ip -n "$(ns plain)" addr add 10.88.1.1/24 dev cni0
  ip -n "$(ns plain)" link set cni0 up
  for i in 1 2; do
    add_ns "pod$i"
    ip -n "$(ns plain)" link add "veth$i" type veth peer name eth0 netns "$(ns "pod$i")"
    ip -n "$(ns plain)" link set "veth$i" master cni0 up
    ip -n "$(ns "pod$i")" addr add "10.88.1.$((i + 1))/24" dev eth0
    ip -n "$(ns "pod$i")" link set eth0 up
    ip -n "$(ns "pod$i")" route add default via 10.88.1.1
  done
}

# A server network behind the node: traffic between it and the SIMs is forwarded by the node.
add_server() {
  add_ns srv
  ip -n "$(ns node)" link add srv0 type veth peer name eth0 netns "$(ns srv)"
  ip -n "$(ns node)" addr add "$SERVER_NET.1/24" dev srv0
  ip -n "$(ns node)" link set srv0 up
  inns node sysctl -qw net.ipv4.ip_forward=1
  ip -n "$(ns srv)" addr add "$SERVER_NET.2/24" dev eth0
  ip -n "$(ns srv)" link set eth0 up
  ip -n "$(ns srv)" route add default via "$SERVER_NET.1"
  local vpg
  for vpg in $(ip netns list | awk '{print $1}' | grep -E "^${PREFIX}-vpg[0-9]$"); do
    ip -n "$vpg" route add "$SERVER_NET.0/24" via "$NODE_INNER" dev vx0 onlink
  done
}

# The two VPG peers as one VPG (see --ha).
add_ha() {
  local mac=02:56:50:47:00:01 i
  add_ns sim3
  inns sim3 sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1
  ip -n "$(ns sim3)" addr add 10.128.3.1/32 dev lo
  for i in 1 2; do
    ip -n "$(ns vpg$i)" link set vx0 address $mac
    ip -n "$(ns vpg$i)" link add sim3 type veth peer name eth$i netns "$(ns sim3)"
    ip -n "$(ns vpg$i)" link set sim3 mtu "$SIM_MTU" up
    inns vpg$i sysctl -qw net.ipv4.conf.sim3.proxy_arp=1 net.ipv4.neigh.sim3.proxy_delay=0
    ip -n "$(ns vpg$i)" route add 10.128.3.1/32 dev sim3
    ip -n "$(ns sim3)" link set "eth$i" mtu "$SIM_MTU" up
    ip -n "$(ns sim3)" route add default dev "eth$i" metric $((i * 10))
  done
  ip -n "$(ns vpg1)" link add core type veth peer name core netns "$(ns vpg2)"
  for i in 1 2; do
    ip -n "$(ns vpg$i)" link set core up
    inns vpg$i sysctl -qw net.ipv4.conf.core.proxy_arp=1 net.ipv4.neigh.core.proxy_delay=0
  done
  ip -n "$(ns vpg1)" route add 10.128.2.1/32 dev core
  ip -n "$(ns vpg2)" route add 10.128.1.1/32 dev core
}

# VPG peer N fails (every link down: underlay, overlay, SIMs, core) or comes back, with the routes that a link
# taken down loses.
peer_state() {
  local i=$1 n; n=$(ns "vpg$1")
  for link in $(ip -n "$n" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v '^lo$'); do
    ip -n "$n" link set "$link" "$2"
  done
  [ "$2" = up ] || return 0
  ip -n "$n" route replace "10.128.$i.1/32" dev "sim$i"
  if ip -n "$n" link show sim3 >/dev/null 2>&1; then
    ip -n "$n" route replace 10.128.3.1/32 dev sim3
    ip -n "$n" route replace "10.128.$((3 - i)).1/32" dev core   # the other peer's SIM
  fi
  if ip netns list | grep -q "^$(ns srv) "; then
    ip -n "$n" route replace "$SERVER_NET.0/24" via "$NODE_INNER" dev vx0 onlink
  fi
}

peers_for() { if [ "$1" = 2 ]; then echo "$UNDERLAY.1 $UNDERLAY.3"; else echo "$UNDERLAY.1"; fi; }

up() {
  local vpgs=1 node_vxlan="" spoofer="" vni=10 server="" ha="" gates=1 plain=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --vpgs) vpgs=$2; shift 2 ;;
      --ha) ha=1; shift ;;
      --node-vxlan) node_vxlan=$2; shift 2 ;;
      --spoofer) spoofer=1; shift ;;
      --vni) vni=$2; shift 2 ;;
      --server) server=1; shift ;;
      --sim-mtu) SIM_MTU=$2; shift 2 ;;
      --gates) gates=$2; shift 2 ;;
      --plain) plain=1; shift ;;
      --underlay) UL_NS=${2%/*}; UL_BRIDGE=${2#*/}; shift 2 ;;
      --gate-peers) GATE_PEERS=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  if [ -n "$ha" ] && [ "$vpgs" != 2 ]; then
    echo "lab.sh: --ha needs --vpgs 2" >&2; exit 2
  fi
  if [ -n "$UL_NS" ] && { [ -n "$node_vxlan" ] || [ -n "$server" ] || [ "$gates" != 1 ] || [ -n "$plain" ]; }; then
    echo "lab.sh: --node-vxlan, --server, --gates and --plain need the lab's own nodes (not with --underlay)" >&2; exit 2
  fi
  [ "$gates" = 1 ] || [ "$gates" = 2 ] || { echo "lab.sh: --gates is 1 or 2" >&2; exit 2; }
  [ "$gates" = 1 ] || GATE_PEERS="$NODE_OUTER,$UNDERLAY.4"
  # iproute2, ethtool, ... (idempotent: only checks when everything is installed)
  bash "$(dirname "${BASH_SOURCE[0]}")/../bin/setup-host.sh"
  trap 'down >/dev/null 2>&1 || true' ERR
  if [ -z "$UL_NS" ]; then
    add_ns ul
    ip -n "$(ns ul)" link add br0 type bridge
    ip -n "$(ns ul)" link set br0 up
    add_ns node
    attach_underlay node "$NODE_OUTER"
  fi
  add_vpg 1 "$UNDERLAY.1" 10.128.0.1 10.128.1.1 "$vni"
  if [ "$vpgs" = 2 ]; then
    add_vpg 2 "$UNDERLAY.3" 10.128.0.2 10.128.2.1 "$vni"
  fi
  [ -z "$ha" ] || add_ha
  if [ -n "$spoofer" ]; then
    # Not a VPG peer: sends well-formed VXLAN with the right VNI, which the agent must refuse.
    add_ns spoofer
    attach_underlay spoofer "$UNDERLAY.66"
    # shellcheck disable=SC2086
    add_vxlan spoofer vx0 "$UNDERLAY.66" 10.128.9.9 "$vni" ${GATE_PEERS//,/ }
  fi
  if [ "$node_vxlan" = kernel ]; then
    # Benchmark baseline: the node is a classic gate peer built the way gate_init_vxlan.sh does.
    # shellcheck disable=SC2046
    OFFLOADS=keep add_vxlan node simgate0 "$NODE_OUTER" "$NODE_INNER" "$vni" $(peers_for "$vpgs")
  fi
  [ -z "$server" ] || add_server
  [ "$gates" = 1 ] || add_gate2
  [ -z "$plain" ] || add_plain
  if [ "$gates" = 2 ] || [ -n "$plain" ]; then
    inns node sysctl -qw net.ipv4.ip_forward=1
  fi
  trap - ERR
}

down() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep -E "^${PREFIX}-(ul|node[0-9]?|vpg[0-9]|sim[0-9]|spoofer|srv|plain|pod[0-9])$" || true); do
    # Kill whatever still runs inside (agents, iperf3 servers), then remove the namespace.
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
}

agent_config() {
  local vpgs=1 vni=10 outer=$NODE_OUTER inner=$NODE_INNER
  while [ $# -gt 0 ]; do
    case "$1" in
      --vpgs) vpgs=$2; shift 2 ;;
      --vni) vni=$2; shift 2 ;;
      --node) case "$2" in node) ;; node2) outer=$UNDERLAY.4 inner=10.128.255.253 ;; *) usage ;; esac; shift 2 ;;
      *) usage ;;
    esac
  done
  local peers; peers=$(peers_for "$vpgs" | sed 's/ /, /')
  cat <<YAML
vni: $vni
port: $PORT
localAddress: $outer
peers: [$peers]
interface:
  name: simgate0
  address: $inner/$DEVICE_PREFIX
  mtu: $MTU
routes: []
admin:
  listen: 127.0.0.1:9464
YAML
}

[ $# -ge 2 ] || usage
cmd=$1 PREFIX=$2; shift 2
[[ "$PREFIX" =~ ^[a-z][a-z0-9]{0,11}$ ]] || { echo "lab.sh: prefix must be 1-12 of [a-z0-9], starting with a letter" >&2; exit 2; }
case "$cmd" in
  up) [ "$(id -u)" = 0 ] || { echo "lab.sh: needs root (network namespaces)" >&2; exit 1; }; up "$@" ;;
  down) down ;;
  peer) [ $# -eq 2 ] && [[ "$2" =~ ^(up|down)$ ]] || usage; peer_state "$1" "$2" ;;
  exec) [ $# -ge 2 ] || usage; role=$1; shift; inns "$role" "$@" ;;
  agent-config) agent_config "$@" ;;
  *) usage ;;
esac
