# Sourced by every SimGate script: picks Java 25 explicitly (the machine's default java is 17).
SIMGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -z "${SIMGATE_JAVA_HOME:-}" ]; then
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    if [ -x "$d/bin/java" ]; then SIMGATE_JAVA_HOME="$d"; break; fi
  done
fi
if [ -z "${SIMGATE_JAVA_HOME:-}" ]; then
  echo "simgate: no Java 25 found under /usr/lib/jvm; set SIMGATE_JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME="$SIMGATE_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
# Kubernetes binaries built by e2e/k8s/toolchain.sh live outside the repository.
export SIMGATE_CACHE="${SIMGATE_CACHE:-$HOME/.cache/simgate}"
