#!/usr/bin/env bash
# SimGate demo (the README's main command). Run as root on a Debian machine; it installs what it needs and cleans up.
#
#   bash e2e/bin/demo.sh               the product: a local Kubernetes cluster of two real nodes, SimGate's images
#                                      built from this tree and installed with Helm, the chart's examples applied
#                                      against emulated SORACOM VPGs (kernel VXLAN in network namespaces) with SIMs
#                                      behind them; a pod reaches a SIM by name; statuses and the agent's counters
#   bash e2e/bin/demo.sh --standalone  quick: the agent alone on a gate node of the namespace lab (no Kubernetes)
#
# The first run builds Kubernetes, containerd, runc and CoreDNS from their Go modules (about 15 minutes on 2 cores);
# later runs take about 2 minutes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SIMGATE_ROOT"
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (network namespaces, TAP devices, real nodes)" >&2; exit 1; }

step() { echo; echo "== [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }

standalone() {
  bash e2e/bin/setup-host.sh
  step "building the agent (dataplane/target/simgate-agent.jar)"
  mvn -B -q -ntp -DskipTests -pl dataplane -am package
  PREFIX="demo$$"
  PREFIX=${PREFIX:0:12}
  WORK=$(mktemp -d)
  AGENT_PID=""
  cleanup() {
    if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
      kill -TERM "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
    fi
    bash e2e/lab/lab.sh down "$PREFIX"
    rm -rf "$WORK"
    echo "== cleaned up (namespaces $PREFIX-* removed)"
  }
  trap cleanup EXIT
  node() { ip netns exec "$PREFIX-node" "$@"; }
  sim() { ip netns exec "$PREFIX-sim1" "$@"; }
  local sim_ip=10.128.1.1 node_ip=10.128.255.254
  step "lab: underlay 198.51.100.0/24, VPG (kernel vxlan, VNI 10, proxy ARP) at .1, gate node at .2, SIM $sim_ip"
  bash e2e/lab/lab.sh up "$PREFIX"
  bash e2e/lab/lab.sh agent-config "$PREFIX" > "$WORK/agent.yaml"
  echo "agent config:"; sed 's/^/   /' "$WORK/agent.yaml"
  node "$JAVA_HOME/bin/java" -jar dataplane/target/simgate-agent.jar --config "$WORK/agent.yaml" > "$WORK/agent.log" 2>&1 &
  AGENT_PID=$!
  for _ in $(seq 100); do node curl -sf -o /dev/null http://127.0.0.1:9464/readyz && break; sleep 0.1; done
  node curl -sf -o /dev/null http://127.0.0.1:9464/readyz || { cat "$WORK/agent.log"; exit 1; }
  sed 's/^/   agent: /' "$WORK/agent.log"
  node ip -br addr show simgate0 | sed 's/^/   node: /'
  step "node -> SIM: ping"
  node ping -c 3 -i 0.2 "$sim_ip"
  step "node -> SIM: TCP exchange (a socat service on the SIM echoes what it got)"
  sim socat TCP-LISTEN:7000,reuseaddr SYSTEM:'read line; echo "SIM $(hostname -I | tr -d " ") got: $line"' &
  local server=$!
  sleep 0.3
  echo "hello from the gate node" | node socat - TCP:$sim_ip:7000,retry=20,interval=0.1
  wait $server 2>/dev/null || true
  step "SIM -> node inner IP: ping"
  sim ping -c 3 -i 0.2 "$node_ip"
  step "agent counters (simgate_*)"
  node curl -sf http://127.0.0.1:9464/metrics | grep '^simgate_'
}

cluster() {
  bash e2e/bin/setup-host.sh
  step "Kubernetes binaries (e2e/k8s/toolchain.sh; the first time this builds from Go modules for about 15 minutes)"
  SIMGATE_K8S_BIN="$(bash e2e/k8s/toolchain.sh | tail -n 1)"
  export SIMGATE_K8S_BIN
  local kubectl="$SIMGATE_K8S_BIN/kubectl" helm="$SIMGATE_K8S_BIN/helm"
  step "images simgate/operator and simgate/agent from this tree (e2e/images/build.sh: jars, Debian packages, jlink)"
  bash e2e/images/build.sh

  WORK=$(mktemp -d)
  CLUSTER_PID="" PREFIX="demo$$"
  PREFIX=${PREFIX:0:12}
  cleanup() {
    step "cleaning up: the lab's namespaces, then the cluster (nodes, pods, namespaces, cgroups, kernel settings)"
    bash e2e/lab/lab.sh down "$PREFIX" || true
    if [ -n "$CLUSTER_PID" ] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
      kill -TERM "$CLUSTER_PID"; wait "$CLUSTER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    echo "== done"
  }
  trap cleanup EXIT

  step "a cluster of two real nodes (kubelet, kube-proxy, containerd, each in its own network namespace), CoreDNS"
  local images=target/images/simgate-operator.tar,target/images/simgate-agent.tar
  mvn -B -q -ntp -pl e2e/kube-testkit compile org.codehaus.mojo:exec-maven-plugin:3.6.2:java \
    -Dexec.mainClass=dev.simgate.testkit.KubeCluster \
    -Dexec.args="--nodes=2 --import=$images --env-file=$WORK/cluster.env" > "$WORK/cluster.log" 2>&1 &
  CLUSTER_PID=$!
  for _ in $(seq 600); do [ -s "$WORK/cluster.env" ] && break; kill -0 "$CLUSTER_PID" 2>/dev/null || break; sleep 0.5; done
  [ -s "$WORK/cluster.env" ] || { tail -n 40 "$WORK/cluster.log"; exit 1; }
  # shellcheck disable=SC1091
  source "$WORK/cluster.env"
  export KUBECONFIG
  read -r gate_node _ <<< "$NODES"
  read -r gate_address _ <<< "$NODE_ADDRESSES"
  "$kubectl" get nodes -o wide

  step "emulated VPG: two kernel-VXLAN VPG peers (198.51.100.1, .3) on the nodes' network, a SIM behind each"
  bash e2e/lab/lab.sh up "$PREFIX" --vpgs 2 --underlay "$UNDERLAY_NETNS/$UNDERLAY_BRIDGE" --gate-peers "$gate_address"

  step "helm install simgate charts/simgate (the local images; tag = chart appVersion = project version)"
  "$kubectl" create namespace simgate-system
  "$kubectl" label namespace simgate-system pod-security.kubernetes.io/enforce=privileged
  "$helm" install simgate charts/simgate --namespace simgate-system --wait --timeout 5m
  "$kubectl" -n simgate-system get pods -o wide

  step "the chart's examples, with the lab's VPG peers instead of SORACOM's and its SIMs as the named devices"
  "$kubectl" label node "$gate_node" simgate.dev/gate=true
  "$kubectl" create namespace factory
  "$kubectl" label namespace factory simgate.dev/iot=true
  sed -e 's/- 100.64.152.4/- 198.51.100.1/' -e 's/- 100.64.152.132/- 198.51.100.3/' \
    charts/simgate/examples/virtualprivategateway.yaml > "$WORK/vpg.yaml"
  sed -e 's/address: 10.128.3.17/address: 10.128.1.1/' -e 's/address: 10.128.9.201/address: 10.128.2.1/' \
    charts/simgate/examples/devicesubnet.yaml > "$WORK/devicesubnet.yaml"
  grep -A2 "peers:" "$WORK/vpg.yaml" | sed 's/^/   /'
  grep -B1 "address:" "$WORK/devicesubnet.yaml" | sed 's/^/   /'
  "$kubectl" apply -f "$WORK/vpg.yaml" -f charts/simgate/examples/gatepeer.yaml -f "$WORK/devicesubnet.yaml"
  "$kubectl" wait --for=condition=Ready --timeout=240s virtualprivategateway/soracom-vpg gatepeer/soracom
  "$kubectl" -n factory wait --for=condition=Ready --timeout=60s devicesubnet/factory-sims

  step "a pod of the namespace (app=telemetry) on the gate node reaches the SIMs by name (CoreDNS)"
  "$kubectl" -n factory run telemetry --image="$TOOLBOX_IMAGE" --image-pull-policy=Never --labels=app=telemetry \
    --overrides="{\"spec\":{\"nodeName\":\"$gate_node\",\"terminationGracePeriodSeconds\":1}}" -- sleep 3600
  "$kubectl" -n factory wait --for=condition=Ready --timeout=120s pod/telemetry
  "$kubectl" -n factory exec telemetry -- nslookup pump-1.factory.svc.cluster.local | grep -A1 "^Name"
  "$kubectl" -n factory exec telemetry -- ping -c 3 pump-1
  ip netns exec "$PREFIX-sim1" socat TCP-LISTEN:7000,reuseaddr \
    SYSTEM:'read line; echo "SIM $(hostname -I | tr -d " ") got: $line"' &
  sleep 0.3
  "$kubectl" -n factory exec telemetry -- sh -c 'echo "hello from pod $(hostname)" | nc pump-1 7000'
  "$kubectl" -n factory exec telemetry -- ping -c 2 meter-7

  step "statuses (kstatus Ready, per-node inner addresses) and the agent's counters"
  "$kubectl" get virtualprivategateways,gatepeers -o wide
  "$kubectl" -n factory get devicesubnets -o wide
  "$kubectl" get gatepeer soracom -o jsonpath='{range .status.nodes[*]}   {.name}: outer {.outerAddress}, inner {.innerAddress}, ready {.ready}{"\n"}{end}'
  curl -sf "http://$gate_address:9465/metrics" | grep -E '^simgate_(ready|rx_packets|tx_packets|dropped_packets|mac_table|peer_up|peer_probe_rtt_seconds_sum)' | head -n 24
  "$kubectl" get gatepeer soracom -o jsonpath='{range .status.nodes[*].vpgPeers[*]}   VPG peer {.address}: {.state}, {.rttMillis} ms{"\n"}{end}'
}

case "${1:-}" in
  --standalone) standalone ;;
  "") cluster ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
