#!/usr/bin/env bash
# SimGate benchmark (not a test): builds the same network-namespace lab twice, once with a Linux
# kernel VXLAN device on the gate node (what gate_init_vxlan.sh sets up) and once with the agent,
# and prints from one run: iperf3 TCP throughput both ways, 128-byte UDP packet rate both ways,
# ping RTT p50/p99 (the agent also with busyPollMicros), the agent's RSS, and each figure as
# agent / kernel.
#
#   bash e2e/bench/bench.sh [SECONDS]     (SECONDS per iperf3 run, default 10)
# The agent runs with the JVM options of the operator's agent DaemonSet (JAVA_TOOL_OPTIONS there);
# env SIMGATE_AGENT_JAVA_OPTS replaces them (e.g. to compare settings).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/env.sh"
cd "$SIMGATE_ROOT"
[ "$(id -u)" = 0 ] || { echo "bench.sh: needs root (network namespaces)" >&2; exit 1; }
SECONDS_PER_RUN=${1:-10}
LAB=e2e/lab/lab.sh
JAR=dataplane/target/simgate-agent.jar
SIM=10.128.1.1
NODE=10.128.255.254
BUSY_POLL_MICROS=5000
DAEMONSET=operator/src/main/resources/dev/simgate/operator/render/agent-daemonset.yaml
AGENT_JAVA_OPTS=${SIMGATE_AGENT_JAVA_OPTS-$(grep -A1 'name: JAVA_TOOL_OPTIONS' $DAEMONSET | sed -n 's/.*value: "\(.*\)"/\1/p')}

bash e2e/bin/setup-host.sh
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests -pl dataplane -am package

PREFIX=""
AGENT_PID=""
WORK=$(mktemp -d)
cleanup() {
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null || true
  [ -n "$PREFIX" ] && bash $LAB down "$PREFIX" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

inns() { local role=$1; shift; ip netns exec "$PREFIX-$role" "$@"; }

# iperf3 from CLIENT to SERVER_ADDR (server in SERVER role); prints the receiver's summary line.
iperf() {
  local server=$1 client=$2 addr=$3; shift 3
  inns "$server" iperf3 -s -1 >/dev/null 2>&1 &
  local spid=$!
  for _ in $(seq 50); do inns "$server" ss -Hltn 'sport = :5201' | grep -q 5201 && break; sleep 0.1; done
  inns "$client" iperf3 -f m -c "$addr" -t "$SECONDS_PER_RUN" "$@" | grep receiver | tail -1
  wait "$spid" 2>/dev/null || true
}
tcp_mbps() { iperf "$@" | awk '{for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i-1)}'; }
# Datagrams that arrived per second: (total - lost) / seconds from "lost/total" on the receiver line.
udp_pps() {
  iperf "$@" -u -b 0 -l 128 | awk '{split($3, t, "-"); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, a, "/"); printf "%d", (a[2] - a[1]) / t[2] }}'
}
ping_percentiles() {
  inns node ping -c 1000 -i 0.002 -W 1 "$SIM" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | sort -n \
    | awk '{v[NR] = $1} END {printf "%.0f %.0f\n", v[int(NR * 0.5)] * 1000, v[int(NR * 0.99)] * 1000}'
}

declare -A R
run() {
  local mode=$1
  PREFIX="bench$mode"
  bash $LAB down "$PREFIX"
  if [ "$mode" = kernel ]; then
    bash $LAB up "$PREFIX" --node-vxlan kernel
  else
    bash $LAB up "$PREFIX"
    bash $LAB agent-config "$PREFIX" > "$WORK/agent.yaml"
    # shellcheck disable=SC2086
    ip netns exec "$PREFIX-node" "$JAVA_HOME/bin/java" $AGENT_JAVA_OPTS -jar "$JAR" --config "$WORK/agent.yaml" \
      > "$WORK/agent.log" 2>&1 &
    AGENT_PID=$!
    for _ in $(seq 100); do inns node curl -sf -o /dev/null http://127.0.0.1:9464/readyz && break; sleep 0.1; done
  fi
  inns node ping -c 3 -i 0.2 -W 1 "$SIM" >/dev/null   # resolve ARP, learn MACs
  R[$mode,tcp_out]=$(tcp_mbps sim1 node "$SIM")
  R[$mode,tcp_in]=$(tcp_mbps sim1 node "$SIM" -R)
  R[$mode,udp_out]=$(udp_pps sim1 node "$SIM")
  R[$mode,udp_in]=$(udp_pps sim1 node "$SIM" -R)
  read -r p50 p99 < <(ping_percentiles)
  R[$mode,p50]=$p50
  R[$mode,p99]=$p99
  if [ "$mode" = agent ]; then
    # The same agent with a busy-poll window (config reload, no restart): latency without thread wakeups.
    echo "busyPollMicros: $BUSY_POLL_MICROS" >> "$WORK/agent.yaml"
    for _ in $(seq 100); do
      inns node curl -sf http://127.0.0.1:9464/metrics | grep -q '^simgate_config_reloads_total{result="applied"} 1' && break
      sleep 0.1
    done
    read -r p50 p99 < <(ping_percentiles)
    R[kernel,p50busy]=${R[kernel,p50]}
    R[kernel,p99busy]=${R[kernel,p99]}
    R[agent,p50busy]=$p50
    R[agent,p99busy]=$p99
    R[agent,rss]=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$AGENT_PID/status")
    kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=""
  fi
  bash $LAB down "$PREFIX"; PREFIX=""
}

echo "simgate bench: $(date -u +%FT%TZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), load before: $(cut -d' ' -f1-3 /proc/loadavg), agent JVM options: ${AGENT_JAVA_OPTS:-none}"
run kernel
run agent
ratio() { awk -v a="$1" -v k="$2" 'BEGIN { if (k > 0) printf "%.2f", a / k; else print "n/a" }'; }
printf '\n%-34s %12s %12s %8s\n' figure kernel agent ratio
row() { printf '%-34s %12s %12s %8s\n' "$1" "${R[kernel,$2]}" "${R[agent,$2]}" "$(ratio "${R[agent,$2]}" "${R[kernel,$2]}")"; }
row "TCP node->SIM (Mbit/s)" tcp_out
row "TCP SIM->node (Mbit/s)" tcp_in
row "UDP 128 B node->SIM (pkt/s recv)" udp_out
row "UDP 128 B SIM->node (pkt/s recv)" udp_in
row "ping RTT p50 (us)" p50
row "ping RTT p99 (us)" p99
row "ping p50, agent busy-polling (us)" p50busy
row "ping p99, agent busy-polling (us)" p99busy
printf '%-34s %12s %12s %8s\n' "agent peak RSS (MiB)" "-" "${R[agent,rss]}" "-"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
