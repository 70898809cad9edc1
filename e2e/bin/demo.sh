#!/usr/bin/env bash
# SimGate demo: a kernel-VXLAN "VPG" with a SIM behind it, in network namespaces, reached from a
# gate node through the SimGate agent (user-space VXLAN over a TAP device). Cleans up on exit.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SIMGATE_ROOT"
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (network namespaces, TAP devices)" >&2; exit 1; }

bash e2e/bin/setup-host.sh
echo "== building the agent (dataplane/target/simgate-agent.jar)"
mvn -B -q -ntp -DskipTests -pl dataplane package

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
SIM=10.128.1.1
NODE=10.128.255.254

echo "== lab: underlay 198.51.100.0/24, VPG (kernel vxlan, VNI 10, proxy ARP) at .1, gate node at .2, SIM $SIM"
bash e2e/lab/lab.sh up "$PREFIX"
bash e2e/lab/lab.sh agent-config "$PREFIX" > "$WORK/agent.yaml"
echo "== agent config:"; sed 's/^/   /' "$WORK/agent.yaml"
node "$JAVA_HOME/bin/java" -jar dataplane/target/simgate-agent.jar --config "$WORK/agent.yaml" > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 100); do node curl -sf -o /dev/null http://127.0.0.1:9464/readyz && break; sleep 0.1; done
node curl -sf -o /dev/null http://127.0.0.1:9464/readyz || { cat "$WORK/agent.log"; exit 1; }
sed 's/^/   agent: /' "$WORK/agent.log"
node ip -br addr show simgate0 | sed 's/^/   node: /'

echo "== node -> SIM: ping"
node ping -c 3 -i 0.2 "$SIM"
echo "== node -> SIM: TCP exchange (a socat service on the SIM echoes what it got)"
sim socat TCP-LISTEN:7000,reuseaddr SYSTEM:'read line; echo "SIM $(hostname -I | tr -d " ") got: $line"' &
SERVER=$!
sleep 0.3
echo "hello from the gate node" | node socat - TCP:$SIM:7000,retry=20,interval=0.1
wait $SERVER 2>/dev/null || true
echo "== SIM -> node inner IP: ping"
sim ping -c 3 -i 0.2 "$NODE"
echo "== agent counters (simgate_*)"
node curl -sf http://127.0.0.1:9464/metrics | grep '^simgate_'
