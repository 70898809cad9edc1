#!/usr/bin/env bash
# The test command (README "Tests"): prepares the machine, then runs every test with Maven.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SIMGATE_ROOT"
bash e2e/bin/setup-host.sh
if [ -x e2e/k8s/toolchain.sh ] || [ -f e2e/k8s/toolchain.sh ]; then
  SIMGATE_K8S_BIN="$(bash e2e/k8s/toolchain.sh | tail -n 1)"
  export SIMGATE_K8S_BIN
fi
exec mvn -B -ntp verify "$@"
