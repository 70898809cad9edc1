#!/usr/bin/env bash
# SimGate access-rules benchmark (not a test): what the node agent's access rules cost on the path of a pod's traffic
# to the SIMs. One namespace lab (--server: the server behind the gate node stands for a pod on it), the agent on the
# gate node (masquerading, as the operator renders it), then, in one run: no node agent (no access rules), and the node
# agent with 10, 1,000 and 10,000 allowed pod addresses (the server's among them) to the SIMs' /24. For each it prints
# TCP throughput server -> SIM and SIM -> server (iperf3, opened by the server), ping RTT p50/p99 (one flow: after its
# first packet conntrack accepts it before the set is looked at), TCP connection setup time p50/p99 (every SYN is a
# new flow, looked up in the set), and how long the node agent took to apply the policy; each figure also as the
# difference to no rules.
#
#   bash e2e/bench/access.sh [SECONDS]     (SECONDS per iperf3 run, default 10)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/env.sh"
cd "$SIMGATE_ROOT"
[ "$(id -u)" = 0 ] || { echo "access.sh: needs root (network namespaces)" >&2; exit 1; }
SECONDS_PER_RUN=${1:-10}
LAB=e2e/lab/lab.sh
JAR=dataplane/target/simgate-agent.jar
SIM=10.128.1.1
SERVER=192.168.50.2
DAEMONSET=operator/src/main/resources/dev/simgate/operator/render/agent-daemonset.yaml
JAVA_OPTS=${SIMGATE_AGENT_JAVA_OPTS-$(grep -A1 'name: JAVA_TOOL_OPTIONS' $DAEMONSET | sed -n 's/.*value: "\(.*\)"/\1/p')}

bash e2e/bin/setup-host.sh
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests -pl dataplane -am package

PREFIX=benchacl
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  bash $LAB down "$PREFIX" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
inns() { local role=$1; shift; ip netns exec "$PREFIX-$role" "$@"; }
metric() { inns node curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }

iperf() {
  inns sim1 iperf3 -s -1 >/dev/null 2>&1 &
  local spid=$!
  for _ in $(seq 50); do inns sim1 ss -Hltn 'sport = :5201' | grep -q 5201 && break; sleep 0.1; done
  inns srv iperf3 -f m -c "$SIM" -t "$SECONDS_PER_RUN" "$@" | grep receiver | tail -1 \
    | awk '{for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i-1)}'
  wait "$spid" 2>/dev/null || true
}
ping_percentiles() {
  inns srv ping -c 1000 -i 0.002 -W 1 "$SIM" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | sort -n \
    | awk '{v[NR] = $1} END {printf "%.0f %.0f\n", v[int(NR * 0.5)] * 1000, v[int(NR * 0.99)] * 1000}'
}
# 1,000 TCP connections opened and closed one after another: the time connect() takes (SYN, SYN-ACK), p50 and p99.
CONNECT='
import socket, sys, time
times = []
for _ in range(1000):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    t = time.perf_counter()
    s.connect((sys.argv[1], 7777))
    times.append(time.perf_counter() - t)
    s.close()
times.sort()
print(round(times[500] * 1e6), round(times[990] * 1e6))
'
ACCEPT='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7777))
s.listen(128)
while True:
    c, _ = s.accept()
    c.close()
'
# A policy for the gate node: COUNT pod addresses (the server's and COUNT-1 others) may reach the SIMs' /24.
policy() {
  python3 - "$1" <<'PY'
import json, sys
count = int(sys.argv[1])
sources = ["192.168.50.2"] + ["10.%d.%d.%d" % (88 + i // 65536, (i // 256) % 256, i % 256) for i in range(1, count)]
print(json.dumps({"node": "node", "access": [{"owner": "bench/sims", "sources": sources,
                  "destinations": ["10.128.1.0/24"]}], "exposures": []}))
PY
}

declare -A R
measure() {
  local mode=$1
  inns srv ping -c 3 -i 0.2 -W 1 "$SIM" >/dev/null
  R[$mode,out]=$(iperf)
  R[$mode,in]=$(iperf -R)
  read -r R[$mode,p50] R[$mode,p99] < <(ping_percentiles)
  read -r R[$mode,c50] R[$mode,c99] < <(inns srv python3 -c "$CONNECT" "$SIM")
}

echo "simgate access bench: $(date -u +%FT%TZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), nft $(nft -v | awk '{print $2}'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bash $LAB down "$PREFIX"
bash $LAB up "$PREFIX" --server >/dev/null
bash $LAB agent-config "$PREFIX" | sed 's|^routes: \[\]|routes: [10.128.1.0/24]\nmasquerade: true|' > "$WORK/agent.yaml"
# shellcheck disable=SC2086
ip netns exec "$PREFIX-node" "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$JAR" --config "$WORK/agent.yaml" \
  > "$WORK/agent.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do inns node curl -sf -o /dev/null http://127.0.0.1:9464/readyz && break; sleep 0.1; done
inns sim1 python3 -c "$ACCEPT" &
PIDS+=($!)
sleep 0.5

measure none
policy 10 > "$WORK/policy.json"
# shellcheck disable=SC2086
ip netns exec "$PREFIX-node" "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$JAR" node --node node \
  --policy-file "$WORK/policy.json" --reload-interval PT0.2S --metrics none > "$WORK/node-agent.log" 2>&1 &
PIDS+=($!)
applied() { metric 9466 'simgate_node_policy_updates_total{result="applied"}' 2>/dev/null | cut -d. -f1; }
for count in 10 1000 10000; do
  before=$(applied || true)
  if [ "$count" != 10 ]; then
    policy "$count" > "$WORK/policy.next" && mv "$WORK/policy.next" "$WORK/policy.json"
  fi
  for _ in $(seq 300); do
    now=$(applied || true)
    [ "${now:-0}" -gt "${before:-0}" ] && break
    sleep 0.1
  done
  elements=$(inns node nft list set inet simgate_node allowed | grep -o '\. 10\.128\.1\.0/24' | wc -l)
  [ "$elements" = "$count" ] || { echo "access.sh: $elements elements in the set, not $count" >&2; exit 1; }
  R[$count,apply]=$(metric 9466 simgate_node_policy_apply_seconds | awk '{printf "%.0f", $1 * 1000}')
  measure "$count"
done

diff() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; printf "%+d", d }'; }
printf '\n%-36s %10s %16s %16s %16s\n' figure "no rules" "10 pods (diff)" "1,000 (diff)" "10,000 (diff)"
row() {
  printf '%-36s %10s' "$1" "${R[none,$2]}"
  for n in 10 1000 10000; do printf ' %16s' "${R[$n,$2]} ($(diff "${R[$n,$2]}" "${R[none,$2]}"))"; done
  printf '\n'
}
row "TCP server->SIM (Mbit/s)" out
row "TCP SIM->server (Mbit/s)" in
row "ping RTT p50 (us)" p50
row "ping RTT p99 (us)" p99
row "TCP connect p50 (us)" c50
row "TCP connect p99 (us)" c99
printf '%-36s %10s %16s %16s %16s\n' "policy apply on the node (ms)" "-" "${R[10,apply]}" "${R[1000,apply]}" "${R[10000,apply]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
