#!/usr/bin/env bash
# SimGate operator at fleet scale (a benchmark, not a test): for each size NODESxDEVICES, a control plane of its own
# with kwok nodes, the operator's jar in a process of its own with the chart's heap (384 MiB of a 512 MiB limit), N gate
# nodes, one VPG and GatePeer, and M devices in DeviceSubnets of 400; prints the time until all is Ready, the writes
# the API server counted, the operator's peak RSS and heap, and how long one device added and one node removed take to
# be in force, then where the API server's time went (requests by verb and resource, watch events by resource; all
# clients), then the floor: the same control plane and objects with no operator, the agents' two DaemonSets created
# directly (SIMGATE_BENCH_FLOOR=false leaves it out). Both sizes come from one run, the previous design's figures
# beside them.
#
#   bash e2e/bench/operator-scale.sh [SIZES] [OPERATOR_ARGS]
#   SIZES: comma-separated NODESxDEVICES, default 100x10000,1000x100000
#   OPERATOR_ARGS: extra options of the operator, e.g. "--reconcile-threads 16 --kube-api-qps 100"
# Env SIMGATE_BENCH_BASELINE: a git revision whose operator runs each size too, right after this build's, on its own CRDs
# and as its own chart runs it (JVM options, memory limit); the ratios of the two come from one run on one machine.
# Env SIMGATE_BENCH_OPERATOR_JVM: extra JVM options of the operator (e.g. -XX:NativeMemoryTracking=summary).
# Env SIMGATE_BENCH_DEVICES_PER_SUBNET (400) and SIMGATE_BENCH_COMPONENT_QPS (100: the --kube-api-qps of the DaemonSet
# controller and the scheduler; their defaults, 20 and 50, alone take 50 s to create 1,000 agent pods).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/env.sh"
cd "$SIMGATE_ROOT"
SIZES=${1:-100x10000,1000x100000}
OPERATOR_ARGS=${2:-}
export SIMGATE_K8S_BIN="$(bash e2e/k8s/toolchain.sh | tail -n 1)"

others() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "busiest processes:"; ps -eo pcpu,rss,args --sort=-pcpu | head -6 | cut -c1-160
}
others
baseline_jar=""
baseline_tree=""
if [ -n "${SIMGATE_BENCH_BASELINE:-}" ]; then
  baseline_tree="$(mktemp -d)"
  trap 'git worktree remove --force "$baseline_tree" >/dev/null 2>&1 || true' EXIT
  git worktree add -q --detach "$baseline_tree" "$SIMGATE_BENCH_BASELINE"
  (cd "$baseline_tree" && mvn -B -ntp -q -pl operator -am package -DskipTests >/dev/null)
  baseline_jar="$baseline_tree/operator/target/simgate-operator.jar"
fi
mvn -B -ntp -q -pl operator -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ScaleBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsimgate.bench.sizes="$SIZES" -Dsimgate.bench.operatorArgs="$OPERATOR_ARGS" \
  -Dsimgate.bench.devicesPerSubnet="${SIMGATE_BENCH_DEVICES_PER_SUBNET:-400}" \
  -Dsimgate.bench.componentQps="${SIMGATE_BENCH_COMPONENT_QPS:-100}" \
  -Dsimgate.bench.operatorJvm="${SIMGATE_BENCH_OPERATOR_JVM:-}" -Dsimgate.bench.floor="${SIMGATE_BENCH_FLOOR:-true}" \
  -Dsimgate.bench.baselineJar="$baseline_jar" -Dsimgate.bench.baselineTree="$baseline_tree" \
  -Dsimgate.bench.baselineLabel="${SIMGATE_BENCH_BASELINE:-}" >/dev/null || {
    echo "operator-scale.sh: the benchmark failed; see operator/target/failsafe-reports" >&2; exit 1; }
echo
cat operator/target/scale-benchmark.txt
echo
others
