#!/usr/bin/env bash
# SimGate failover and restart benchmark (not a test): prints the traffic gap, in ms, that each event costs a stream
# of numbered UDP datagrams sent every millisecond from the gate node to SIM 3 (behind both VPG peers of the lab's
# HA mode), and whether a TCP connection from the server network behind the node (source-NATed to the inner address, as pods are) survives:
#
#   VPG peer down / back          every link of VPG peer 1 (which carries SIM 3's traffic) down, then up again
#   agent SIGTERM + successor     a second agent takes the interface over, then the first gets SIGTERM (a rolling update)
#   agent SIGTERM, then start     the agent stops (no successor: removes everything), then a new one starts
#   agent kill -9 + restart       SIGKILL, then a new agent adopts the persistent interface
#
# and the round trip of pings node -> SIM 3 without and with a flood of frames with new source MACs from a VPG peer,
# and what probing costs (datagrams and agent CPU per second). With --cluster it also runs the real-node test that
# measures a DaemonSet rolling update (e2e/cluster VpgPeerReachabilityOnRealNodesIT) and prints its figure.
#
#   bash e2e/bench/failover.sh [--cluster] [--jar PATH] [--mac-flood-only]
# (--jar with --mac-flood-only compares another build, e.g. one from before the MAC table's clock eviction.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/env.sh"
cd "$SIMGATE_ROOT"
[ "$(id -u)" = 0 ] || { echo "failover.sh: needs root (network namespaces)" >&2; exit 1; }
CLUSTER="" JAR=dataplane/target/simgate-agent.jar MAC_FLOOD_ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) CLUSTER=1; shift ;;
    --jar) JAR=$2; shift 2 ;;
    --mac-flood-only) MAC_FLOOD_ONLY=1; shift ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
  esac
done
LAB=e2e/lab/lab.sh
SIM=10.128.3.1
DAEMONSET=operator/src/main/resources/dev/simgate/operator/render/agent-daemonset.yaml
JAVA_OPTS=$(grep -A1 'name: JAVA_TOOL_OPTIONS' $DAEMONSET | sed -n 's/.*value: "\(.*\)"/\1/p')

bash e2e/bin/setup-host.sh
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests -pl dataplane -am package

PREFIX="fobench"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  bash $LAB down "$PREFIX" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
inns() { local role=$1; shift; ip netns exec "$PREFIX-$role" "$@"; }

# The agent in the node namespace, with the DaemonSet's JVM options; prints its pid.
start_agent() {
  # Not through inns: $! must be the agent itself (ip netns exec execs it), for SIGTERM and SIGKILL to reach it.
  # shellcheck disable=SC2086
  ip netns exec "$PREFIX-node" "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$JAR" --config "$WORK/agent.yaml" "$@" \
    >> "$WORK/agent.log" 2>&1 &
  echo $!
}
wait_gone() {
  for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  echo "agent $1 did not exit" >&2; exit 1
}
await_ready() {
  for _ in $(seq 300); do inns node curl -sf -o /dev/null http://127.0.0.1:9464/readyz && return 0; sleep 0.05; done
  echo "agent not ready" >&2; tail -20 "$WORK/agent.log" >&2; exit 1
}

cat > "$WORK/sink.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
received, highest, gap, last = 0, -1, 0.0, None
while True:
    s.settimeout(None if last is None else 3)
    try:
        data = s.recv(64)
    except socket.timeout:
        break
    now = time.time()
    if last is not None:
        gap = max(gap, now - last)
    last, received, highest = now, received + 1, max(highest, int(data))
print(received, highest + 1, int(gap * 1000), flush=True)
PY
cat > "$WORK/source.py" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
seq = 0
while not os.path.exists(sys.argv[2]):
    try:
        s.sendto(b"%d" % seq, (sys.argv[1], 9999))
    except OSError:
        pass
    seq += 1
    time.sleep(0.001)
PY
cat > "$WORK/session.py" <<'PY'
import os, socket, sys, time
seq, buffer = 0, b""
try:
    s = socket.create_connection((sys.argv[1], 7100), timeout=60)
    while not os.path.exists(sys.argv[2]):
        s.sendall(b"%08d\n" % seq)
        while b"\n" not in buffer:
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionError("closed by the peer")
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        seq += 1
        time.sleep(0.01)
    print("yes", flush=True)
except Exception as e:
    print("NO (%s)" % type(e).__name__, flush=True)
PY
cat > "$WORK/echo.py" <<'PY'
import socket
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", 7100))
server.listen(1)
while True:
    connection, _ = server.accept()
    with connection:
        while True:
            data = connection.recv(65536)
            if not data:
                break
            connection.sendall(data)
PY

# Runs EVENT (a shell function) under the UDP stream and a TCP session; prints "gap_ms received/sent tcp_survived".
measure() {
  local event=$1
  rm -f "$WORK/stop"
  inns sim3 python3 "$WORK/sink.py" > "$WORK/sink.out" &
  local sink=$!
  inns sim3 python3 "$WORK/echo.py" > /dev/null 2>&1 &
  local echo=$!
  sleep 0.3
  inns srv python3 "$WORK/session.py" "$SIM" "$WORK/stop" > "$WORK/session.out" 2>&1 &
  local session=$!
  inns node python3 "$WORK/source.py" "$SIM" "$WORK/stop" &
  local source=$!
  sleep 1
  $event
  sleep 3
  touch "$WORK/stop"
  wait $source $session 2>/dev/null || true
  wait $sink 2>/dev/null || true
  kill $echo 2>/dev/null || true
  read -r received sent gap < "$WORK/sink.out"
  printf '%-34s %8s %14s %10s\n' "$2" "$gap" "$received/$sent" "$(cat "$WORK/session.out")"
}

peer_down() { bash $LAB peer "$PREFIX" 1 down; }
peer_back() { bash $LAB peer "$PREFIX" 1 up; }
successor() {
  local next; next=$(start_agent)
  for _ in $(seq 400); do grep -q "took over from the running agent" "$WORK/agent.log" && break; sleep 0.05; done
  kill -TERM "$AGENT"; wait_gone "$AGENT"
  AGENT=$next
}
stop_then_start() {
  kill -TERM "$AGENT"; wait_gone "$AGENT"
  AGENT=$(start_agent); await_ready
}
kill_then_start() {
  kill -KILL "$AGENT"; wait_gone "$AGENT"
  AGENT=$(start_agent); await_ready
}

echo "simgate failover bench: $(date -u +%FT%TZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), load before: $(cut -d' ' -f1-3 /proc/loadavg), jar $JAR"
bash $LAB down "$PREFIX"
bash $LAB up "$PREFIX" --vpgs 2 --ha --server
bash $LAB agent-config "$PREFIX" --vpgs 2 > "$WORK/agent.yaml"
echo "masquerade: true" >> "$WORK/agent.yaml"
AGENT=$(start_agent)
PIDS+=("$AGENT")
await_ready
inns node ping -c 3 -i 0.2 -W 1 "$SIM" > /dev/null

if [ -z "$MAC_FLOOD_ONLY" ]; then
printf '\n%-34s %8s %14s %10s\n' "event" "gap ms" "recv/sent" "TCP kept"
measure peer_down "VPG peer down (probe 100 ms x 3)"
measure peer_back "VPG peer back"
measure successor "agent SIGTERM + successor"
PIDS+=("$AGENT")
measure stop_then_start "agent SIGTERM, then start"
PIDS+=("$AGENT")
measure kill_then_start "agent kill -9 + restart"
PIDS+=("$AGENT")
fi

# Ping under a flood of frames with new source MACs (VXLAN from VPG peer 1's address, random source MAC each).
cat > "$WORK/macflood.py" <<'PY'
import os, socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
head = struct.pack("!II", 0x08 << 24, 10 << 8) + bytes.fromhex("020000000099")  # to a MAC nobody has
tail = b"\x08\x00" + bytes(46)
end, sent = time.time() + float(sys.argv[2]), 0
while time.time() < end:
    for _ in range(256):
        s.sendto(head + b"\x02" + os.urandom(5) + tail, (sys.argv[1], 4789))
    sent += 256
print(sent, flush=True)
PY
percentiles() {
  inns node ping -c 500 -i 0.01 -W 1 "$SIM" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | sort -n \
    | awk '{v[NR] = $1} END {printf "%.0f %.0f %d\n", v[int(NR * 0.5)] * 1000, v[int(NR * 0.99)] * 1000, NR}'
}
read -r q50 q99 qn < <(percentiles)
inns vpg1 python3 "$WORK/macflood.py" 198.51.100.2 8 > "$WORK/flood.out" &
flood=$!
sleep 1
read -r f50 f99 fn < <(percentiles)
wait $flood
entries=$(inns node curl -sf http://127.0.0.1:9464/metrics | awk '/^simgate_mac_table_entries/ {print $2}')
printf '\nping node -> SIM 3, p50 / p99 (us), answered of 500:  quiet %s / %s (%s)   MAC flood (%s frames in 8 s): %s / %s (%s); MAC table %s entries\n' \
  "$q50" "$q99" "$qn" "$(cat "$WORK/flood.out")" "$f50" "$f99" "$fn" "$entries"

[ -z "$MAC_FLOOD_ONLY" ] || exit 0
# What probing costs: probes and answers per second, and the agent's CPU over 20 idle seconds, probing and not.
cpu_ms() { cat /proc/"$AGENT"/task/*/schedstat | awk '{s += $1} END {printf "%d", s / 1e6}'; }
metric() { inns node curl -sf http://127.0.0.1:9464/metrics | awk -v m="$1" 'index($0, m) == 1 {s += $2} END {print s + 0}'; }
c0=$(cpu_ms); p0=$(metric simgate_peer_probes_sent_total); a0=$(metric simgate_peer_probe_replies_total)
sleep 20
c1=$(cpu_ms); p1=$(metric simgate_peer_probes_sent_total); a1=$(metric simgate_peer_probe_replies_total)
sed -i '/^masquerade/a probe: {kind: none}' "$WORK/agent.yaml"
sleep 2
c2=$(cpu_ms)
sleep 20
c3=$(cpu_ms)
awk -v p=$((p1 - p0)) -v a=$((a1 - a0)) -v on=$((c1 - c0)) -v off=$((c3 - c2)) 'BEGIN {
  printf "probing (2 VPG peers, defaults): %.1f probes/s out (92 B each on the wire), %.1f answers/s in; agent CPU idle %.1f ms/s probing, %.1f ms/s not\n",
    p / 20, a / 20, on / 20, off / 20 }'

if [ -n "$CLUSTER" ]; then
  SIMGATE_K8S_BIN="$(bash e2e/k8s/toolchain.sh | tail -n 1)"
  export SIMGATE_K8S_BIN
  mvn -B -ntp -pl e2e/cluster -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=VpgPeerReachabilityOnRealNodesIT -Dfailsafe.failIfNoSpecifiedTests=false > "$WORK/cluster.log" 2>&1 \
    || { tail -40 "$WORK/cluster.log"; exit 1; }
  grep 'DaemonSet rolling update' "$WORK/cluster.log" | sed 's/^.*IT: //'
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
