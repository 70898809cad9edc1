#!/usr/bin/env bash
# Installs the Debian packages that the demo, the lab tests, the test cluster's builds and the benchmark use.
# Idempotent: does nothing when every tool is already there.
set -euo pipefail
need=()
command -v ip      >/dev/null || need+=(iproute2)
command -v nft     >/dev/null || need+=(nftables)
command -v ethtool >/dev/null || need+=(ethtool)
command -v iperf3  >/dev/null || need+=(iperf3)
command -v lua5.4  >/dev/null || need+=(lua5.4)
command -v lua5.1  >/dev/null || need+=(lua5.1)    # Argo CD runs health checks in gopher-lua (Lua 5.1)
command -v ping    >/dev/null || need+=(iputils-ping)
command -v socat   >/dev/null || need+=(socat)
command -v curl    >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)   # lab tests: UDP burst sender/receiver
command -v mvn     >/dev/null || need+=(maven)
# real test nodes (e2e/k8s/toolchain.sh): runc is built with seccomp (cgo), pause is compiled static from C
command -v gcc     >/dev/null || need+=(gcc libc6-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/seccomp.h ] || need+=(libseccomp-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-host: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
