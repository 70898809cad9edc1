#!/usr/bin/env bash
# Builds the Kubernetes test binaries from published Go modules at pinned versions:
#   control plane: kube-apiserver kube-controller-manager kube-scheduler kubectl (k8s.io/kubernetes, staging modules at
#                  their tags), etcd (go.etcd.io/etcd/server/v3), kwok kwokctl (sigs.k8s.io/kwok), helm (helm.sh/helm/v3)
#   real nodes:    kubelet kube-proxy (k8s.io/kubernetes), containerd containerd-shim-runc-v2 ctr
#                  (github.com/containerd/containerd/v2), runc (github.com/opencontainers/runc, cgo + libseccomp),
#                  CNI plugins bridge host-local loopback portmap (github.com/containernetworking/plugins) in cni/,
#                  coredns (github.com/coredns/coredns), pause (build/pause/linux/pause.c of k8s.io/kubernetes)
#   node images:   images/pause.tar, images/coredns.tar and images/toolbox.tar (busybox from Debian's busybox-static,
#                  for test pods), docker archives written by e2e/images/archive.py
# into ${SIMGATE_CACHE:-~/.cache/simgate}/k8s/<k8s-version>/bin and prints that directory as the LAST line of stdout.
# Progress goes to stderr. Idempotent: a binary is rebuilt only when it is missing or its version stamp differs.
# Everything (Go module cache, build cache, wrapper modules, binaries) lives outside the repository.
set -euo pipefail

K8S_VERSION=1.36.3       # k8s.io/kubernetes v1.36.3; staging modules k8s.io/* v0.36.3
ETCD_VERSION=3.6.16      # matches the etcd v3.6 client of Kubernetes 1.36
KWOK_VERSION=0.8.0
HELM_VERSION=3.22.0
CONTAINERD_VERSION=2.3.7 # LTS; its support matrix lists Kubernetes 1.36
RUNC_VERSION=1.5.3       # containerd 2.3 is tested with runc 1.5; >= 1.2.4 allows /dev/net/tun by default again
CNI_VERSION=1.10.0
COREDNS_VERSION=1.14.7
PAUSE_VERSION=3.10.2     # TAG of build/pause in Kubernetes 1.36
IMAGES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../images" && pwd)"

CACHE="${SIMGATE_CACHE:-$HOME/.cache/simgate}"
OUT="$CACHE/k8s/$K8S_VERSION"
BIN="$OUT/bin"
WORK="$OUT/work"

step="setup"
log() { echo "toolchain: $*" >&2; }
trap 'rc=$?; [ $rc -ne 0 ] && log "FAILED in step: $step (exit $rc)"; exit $rc' EXIT

# the toolbox image's version is Debian's busybox-static (apt's lists are empty on a fresh machine)
apt-cache policy busybox-static 2>/dev/null | grep -q 'Candidate: [0-9]' || apt-get update -qq
declare -A WANT=(
  [kube-apiserver]="k8s v$K8S_VERSION" [kube-controller-manager]="k8s v$K8S_VERSION"
  [kube-scheduler]="k8s v$K8S_VERSION" [kubectl]="k8s v$K8S_VERSION"
  [etcd]="etcd v$ETCD_VERSION" [kwok]="kwok v$KWOK_VERSION k8s v$K8S_VERSION"
  [kwokctl]="kwok v$KWOK_VERSION k8s v$K8S_VERSION" [helm]="helm v$HELM_VERSION kube-defaults"
  [kwok-stages.yaml]="kwok v$KWOK_VERSION"
  [kubelet]="k8s v$K8S_VERSION" [kube-proxy]="k8s v$K8S_VERSION"
  [containerd]="containerd v$CONTAINERD_VERSION" [containerd-shim-runc-v2]="containerd v$CONTAINERD_VERSION"
  [ctr]="containerd v$CONTAINERD_VERSION" [runc]="runc v$RUNC_VERSION seccomp"
  [cni/bridge]="cni v$CNI_VERSION" [cni/host-local]="cni v$CNI_VERSION" [cni/loopback]="cni v$CNI_VERSION"
  [cni/portmap]="cni v$CNI_VERSION" [coredns]="coredns v$COREDNS_VERSION" [pause]="pause v$PAUSE_VERSION k8s v$K8S_VERSION"
  [images/pause.tar]="simgate-test/pause:$PAUSE_VERSION archive-$(sha256sum "$IMAGES/archive.py" | cut -c1-12)"
  [images/coredns.tar]="simgate-test/coredns:v$COREDNS_VERSION archive-$(sha256sum "$IMAGES/archive.py" | cut -c1-12)"
  [images/toolbox.tar]="simgate-test/toolbox busybox-static $(apt-cache policy busybox-static 2>/dev/null \
    | sed -n 's/.*Candidate: //p') archive-$(sha256sum "$IMAGES/archive.py" | cut -c1-12) tmp"
)
stamp() { echo "$BIN/.stamp-${1//\//-}"; }
up_to_date() { [ -s "$BIN/$1" ] && [ "$(cat "$(stamp "$1")" 2>/dev/null)" = "${WANT[$1]}" ]; }
missing() { local n; for n in "$@"; do up_to_date "$n" || return 0; done; return 1; }
all_up_to_date() { ! missing "${!WANT[@]}"; }

if all_up_to_date; then echo "$BIN"; exit 0; fi

mkdir -p "$BIN" "$WORK"
# Several test runs may start at once: one builder at a time, the others wait and then find the binaries.
step="lock $OUT/.lock"
exec 9>"$OUT/.lock"
flock 9
if all_up_to_date; then echo "$BIN"; exit 0; fi

step="go toolchain check"
command -v go >/dev/null || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { log "go not found (need Go >= 1.26 on PATH or in /usr/local/go)"; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=
export GOPATH="$CACHE/go" GOMODCACHE="$CACHE/go/pkg/mod" GOCACHE="$CACHE/go-build"
GOV=$(go env GOVERSION)
case "$GOV" in go1.2[6-9]*|go1.[3-9]*) ;; *) log "need Go >= 1.26 for Kubernetes $K8S_VERSION, have $GOV"; exit 1 ;; esac
log "building into $BIN with $GOV (logs of each step below; cold build takes long on few cores)"

# install NAME: moves a freshly built binary into BIN and stamps it.
install_bin() {
  mkdir -p "$(dirname "$BIN/$1")"; mv -f "$WORK/out/$1" "$BIN/$1"; echo "${WANT[$1]}" > "$(stamp "$1")"
  log "built $1 (${WANT[$1]})"
}
mkdir -p "$WORK/out/cni" "$WORK/out/images"

# Kubernetes: a wrapper module that requires k8s.io/kubernetes and replaces every staging module (required there
# at v0.0.0 and replaced by ./staging/src/...) with its published tag v0.X.Y.
K8S_CMDS="kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy"
# shellcheck disable=SC2086
if missing $K8S_CMDS; then
  step="kubernetes wrapper module"
  d="$WORK/k8s"; rm -rf "$d"; mkdir -p "$d"; cd "$d"
  kmod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$kmod" ] || { log "cannot download k8s.io/kubernetes@v$K8S_VERSION"; exit 1; }
  { echo "module local/k8sbin"; echo; grep -E '^(go|godebug) ' "$kmod"; } > go.mod
  staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$kmod")
  [ -n "$staging" ] || { log "no staging replaces found in $kmod"; exit 1; }
  for m in $staging; do go mod edit "-replace=$m=$m@v0.${K8S_VERSION#1.}"; done
  log "replaced $(echo "$staging" | wc -w) staging modules with v0.${K8S_VERSION#1.}"
  step="kubernetes go get"
  # shellcheck disable=SC2086
  go get $(printf 'k8s.io/kubernetes/cmd/%s@v'"$K8S_VERSION"' ' $K8S_CMDS) >&2
  minor=${K8S_VERSION#1.}; minor=${minor%%.*}
  ldf="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  ldf+=" -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  ldf+=" -X k8s.io/component-base/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  # kubectl reads its own copy of the version variables from client-go
  ldf+=" -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1"
  ldf+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitTreeState=clean"
  for c in $K8S_CMDS; do
    up_to_date "$c" && continue
    step="go build $c"; log "$step"
    go build -mod=mod -trimpath -ldflags "$ldf" -o "$WORK/out/$c" "k8s.io/kubernetes/cmd/$c" >&2
    install_bin "$c"
  done
fi

# etcd: its own wrapper module, because go.etcd.io/etcd/server/v3 has replace directives of its own.
if missing etcd; then
  step="etcd wrapper module"
  d="$WORK/etcd"; rm -rf "$d"; mkdir -p "$d"; cd "$d"
  go mod init local/etcdbin >&2
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >&2
  step="go build etcd"; log "$step"
  go build -mod=mod -trimpath -ldflags "-s -w" -o "$WORK/out/etcd" go.etcd.io/etcd/server/v3
  install_bin etcd
fi

# kwok, kwokctl, helm: plain `go install module/cmd@version` (no replace directives).
go_install() { # NAME PACKAGE@VERSION LDFLAGS
  up_to_date "$1" && return 0
  step="go install $2"; log "$step"
  GOBIN="$WORK/out" go install -trimpath -ldflags "-s -w $3" "$2" >&2
  install_bin "$1"
}
kwok_ldf="-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION"
go_install kwok "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" "$kwok_ldf"
go_install kwokctl "sigs.k8s.io/kwok/cmd/kwokctl@v$KWOK_VERSION" "$kwok_ldf"
helm_ldf="-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
# Helm's Makefile stamps the default Kubernetes version of `helm template`/`helm lint` from its client-go (v0.X -> 1.X);
# without it helm assumes 1.20 and rejects charts with a newer kubeVersion.
if ! up_to_date helm; then
  step="helm kube version"
  hmod=$(go mod download -json "helm.sh/helm/v3@v$HELM_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  hkube=$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$hmod" | head -n 1)
  [ -n "$hkube" ] || { log "cannot read client-go version from $hmod"; exit 1; }
  for pkg in chartutil lint/rules; do
    helm_ldf+=" -X helm.sh/helm/v3/pkg/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/$pkg.k8sVersionMinor=$hkube"
  done
fi
go_install helm "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" "$helm_ldf"

# The kwok controller has no built-in stages: ship kwok's own "fast" node and pod stages (what kwokctl uses by default)
# next to the binaries, for `kwok --config`.
if missing kwok-stages.yaml; then
  step="kwok stages"
  kdir=$(go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  for f in node/fast/node-initialize.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$kdir/kustomize/stage/$f"
  done > "$WORK/out/kwok-stages.yaml"
  install_bin kwok-stages.yaml
fi

# The node runtime: containerd (no cgo: only the btrfs snapshotter needs it), runc with seccomp (cgo + libseccomp, the
# pure-Go path library instead of libpathrs), the CNI plugins a bridge network uses, CoreDNS.
ctd_ldf="-X github.com/containerd/containerd/v2/version.Version=v$CONTAINERD_VERSION"
ctd_ldf+=" -X github.com/containerd/containerd/v2/version.Revision=v$CONTAINERD_VERSION"
for c in containerd containerd-shim-runc-v2 ctr; do
  go_install "$c" "github.com/containerd/containerd/v2/cmd/$c@v$CONTAINERD_VERSION" "$ctd_ldf"
done
if ! up_to_date runc; then
  pkg-config --exists libseccomp || { log "runc needs libseccomp-dev and pkg-config (e2e/bin/setup-host.sh)"; exit 1; }
  step="go install runc"; log "$step"
  CGO_ENABLED=1 GOBIN="$WORK/out" go install -trimpath -tags "seccomp urfave_cli_no_docs" \
    -ldflags "-s -w -X main.gitCommit=v$RUNC_VERSION" "github.com/opencontainers/runc@v$RUNC_VERSION" >&2
  install_bin runc
fi
for p in main/bridge ipam/host-local main/loopback meta/portmap; do
  n=${p#*/}
  up_to_date "cni/$n" && continue
  step="go install cni $n"; log "$step"
  GOBIN="$WORK/out/cni" go install -trimpath -ldflags "-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v$CNI_VERSION" \
    "github.com/containernetworking/plugins/plugins/$p@v$CNI_VERSION" >&2
  install_bin "cni/$n"
done
go_install coredns "github.com/coredns/coredns@v$COREDNS_VERSION" \
  "-X github.com/coredns/coredns/coremain.GitCommit=v$COREDNS_VERSION"

# The pod sandbox ("pause") image, compiled from Kubernetes' own C source as its Makefile does.
if ! up_to_date pause; then
  step="gcc pause"; log "$step"
  kdir=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-simgate" -o "$WORK/out/pause" "$kdir/build/pause/linux/pause.c"
  install_bin pause
fi

# Images a node needs before any pod: the sandbox image and CoreDNS (nothing can be pulled on these machines).
image() { # ARCHIVE-NAME TAG ENTRYPOINT-JSON USER BINARY
  up_to_date "images/$1" && return 0
  step="image $2"; log "$step"
  local layer; layer=$(mktemp -d); cp "$BIN/$5" "$layer/"
  python3 "$IMAGES/archive.py" --tag "$2" --layer "$layer" --entrypoint "$3" --user "$4" "$WORK/out/images/$1"
  rm -rf "$layer"
  install_bin "images/$1"
}
image pause.tar "simgate-test/pause:$PAUSE_VERSION" '["/pause"]' 65535:65535 pause
image coredns.tar "simgate-test/coredns:v$COREDNS_VERSION" '["/coredns"]' 65532:65532 coredns
# Test pods' tools (sh, ping, nslookup, nc, sha256sum, wget): Debian's static busybox, its applets as links.
if ! up_to_date images/toolbox.tar; then
  step="image toolbox"; log "$step"
  layer=$(mktemp -d)
  (cd "$layer" && apt-get download -qq -o APT::Sandbox::User=root busybox-static >/dev/null)
  dpkg-deb -x "$layer"/busybox-static_*.deb "$layer/root"
  for applet in $("$layer/root/bin/busybox" --list); do
    [ -e "$layer/root/bin/$applet" ] || ln -s busybox "$layer/root/bin/$applet"
  done
  rm -rf "$layer/root/usr/share"
  mkdir -p -m 1777 "$layer/root/tmp"
  python3 "$IMAGES/archive.py" --tag "simgate-test/toolbox:$(echo "${WANT[images/toolbox.tar]}" | cut -d' ' -f3 \
    | sed 's/^[0-9]*://; s/[^A-Za-z0-9_.-]/_/g')" --layer "$layer/root" --cmd '["sh"]' --env PATH=/bin \
    "$WORK/out/images/toolbox.tar"
  rm -rf "$layer"
  install_bin images/toolbox.tar
fi

step="final check"
all_up_to_date || { log "some binaries are still missing in $BIN"; exit 1; }
rm -rf "$WORK/out"
log "all binaries ready in ${SECONDS}s"
echo "$BIN"
