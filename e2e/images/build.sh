#!/usr/bin/env bash
# Builds the two SimGate container images from this repository, with no registry and no container engine:
#
#   simgate/operator:<version>   ->  target/images/simgate-operator.tar
#   simgate/agent:<version>      ->  target/images/simgate-agent.tar
#
# <version> is the Maven project version (pom.xml), the one source of the chart's appVersion too. The archives are
# docker-archive tarballs (`ctr -n k8s.io images import`, `docker load`, `skopeo copy docker-archive:...`).
#
# Layers (bottom first; identical layers are shared between the two images):
#   base  glibc (Debian's libc6), /etc/passwd with root and nonroot (65532), /tmp; the package list in /usr/share/simgate
#   jre   a jlink'ed Java runtime from the build's JDK (Temurin 25) in /opt/java
#   net   agent only: iproute2 (`ip`) and nftables (`nft`) with their libraries, from Debian packages
#   app   the shaded jar in /app; entrypoint `java -jar /app/simgate-<name>.jar`
# The operator image runs as 65532:65532; the agent as root (it opens /dev/net/tun, mode 0600 on some nodes, and
# Kubernetes gives exec'd `ip`/`nft` CAP_NET_ADMIN only through uid 0).
#
# Usage: bash e2e/images/build.sh [--no-jars]     (--no-jars: use the jars already in */target, e.g. from Maven)
# Env:   SIMGATE_IMAGE_PREFIX   prepended to the image names (default empty; e.g. registry.example.com/)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/env.sh"
cd "$SIMGATE_ROOT"
[ "$(id -u)" = 0 ] || { echo "images: run as root (chroot checks of the images' binaries)" >&2; exit 1; }

build_jars=1
[ "${1:-}" = "--no-jars" ] && build_jars=""
PREFIX="${SIMGATE_IMAGE_PREFIX:-}"
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
[ -n "$VERSION" ] || { echo "images: cannot read the project version from pom.xml" >&2; exit 1; }
log() { echo "images: $*" >&2; }
started=$SECONDS

# Java modules the two jars use (jdeps on their classes, plus what reflection and service loading reach: JNDI for DNS,
# JMX/JFR for metrics, the HTTP server for the admin endpoint). One list for both, so the runtime layer is shared.
JAVA_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,\
java.net.http,java.scripting,java.security.jgss,java.sql,java.xml,jdk.crypto.cryptoki,jdk.httpserver,jdk.jfr,\
jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
BASE_PACKAGES=(libc6 libgcc-s1)
NET_PACKAGES=(iproute2 libbpf1 libelf1 zlib1g libmnl0 libbsd0 libmd0 libcap2 libdb5.3 libselinux1 libpcre2-8-0
  libtirpc3 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 libssl3
  nftables libnftables1 libedit2 libnftnl11 libxtables12 libjansson4 libgmp10 libtinfo6)

if [ -n "$build_jars" ]; then
  log "building the jars (mvn package -DskipTests -pl operator,dataplane -am)"
  mvn -B -q -ntp -DskipTests -pl operator,dataplane -am package
fi
OPERATOR_JAR=operator/target/simgate-operator.jar
AGENT_JAR=dataplane/target/simgate-agent.jar
for jar in "$OPERATOR_JAR" "$AGENT_JAR"; do
  [ -s "$jar" ] || { log "missing $jar (run without --no-jars, or mvn package first)"; exit 1; }
done

# The shared layers depend only on the package versions, the JDK and this script: cache them outside the repository.
CACHE_ROOT="$SIMGATE_CACHE/images"
DEBS="$CACHE_ROOT/debs"
mkdir -p "$DEBS"
versions() { apt-cache policy "$@" 2>/dev/null | awk '/^[^ ]/{p=$1} /Candidate:/{print p $2}'; }
if [ -z "$(versions libc6 | grep -v '(none)')" ]; then
  log "apt package lists are empty: apt-get update"
  apt-get update -qq
fi
key=$( { versions "${BASE_PACKAGES[@]}" "${NET_PACKAGES[@]}"; cat "$JAVA_HOME/release"; echo "$JAVA_MODULES";
  cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)
LAYERS="$CACHE_ROOT/layers-$key"

# extract DIR PACKAGE...: downloads (cached) and unpacks Debian packages into DIR, without maintainer scripts.
extract() {
  local dir=$1; shift
  mkdir -p "$dir/usr/share/simgate"
  (cd "$DEBS" && for p in "$@"; do ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download -qq -o APT::Sandbox::User=root "$p" >/dev/null; done)
  for p in "$@"; do
    local deb; deb=$(ls -t "$DEBS/${p}"_*.deb | head -n 1)
    dpkg-deb -x "$deb" "$dir"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' >> "$dir/usr/share/simgate/packages-$(basename "$dir").txt"
  done
  rm -rf "$dir"/usr/share/{doc,man,info,locale,lintian,bug,bash-completion,zsh} "$dir"/usr/lib/x86_64-linux-gnu/gconv
}

if [ ! -d "$LAYERS" ]; then
  log "assembling the base layers into $LAYERS (cached: Debian packages, jlink)"
  tmp=$(mktemp -d "$CACHE_ROOT/.layers-XXXX")
  trap 'umount "$tmp"/check-*/proc 2>/dev/null; rm -rf "$tmp"' EXIT
  extract "$tmp/base" "${BASE_PACKAGES[@]}"
  mkdir -p "$tmp/base/etc" "$tmp/base/tmp" "$tmp/base/app"
  chmod 1777 "$tmp/base/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    > "$tmp/base/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' > "$tmp/base/etc/group"
  printf 'hosts: files dns\n' > "$tmp/base/etc/nsswitch.conf"
  extract "$tmp/net" "${NET_PACKAGES[@]}"
  # The libraries a tool needs must be found without an ld.so.cache of the merged tree: check in a chroot below.
  mkdir -p "$tmp/jre/opt"
  "$JAVA_HOME/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$tmp/jre/opt/java"
  # Check that each image's tools run on its own layers alone (a missing library shows up here, not in a pod).
  for image in operator agent; do
    check="$tmp/check-$image"; mkdir -p "$check"
    cp -a "$tmp/base/." "$tmp/jre/." "$check/"
    [ "$image" = agent ] && cp -a "$tmp/net/." "$check/"
    mkdir -p "$check/proc" && mount -t proc proc "$check/proc"   # the java launcher finds its libraries via /proc
    chroot "$check" /opt/java/bin/java -Xshare:off -version 2>&1 | head -n 1 | sed "s/^/images: $image: /" >&2
    if [ "$image" = agent ]; then
      chroot "$check" /bin/ip -V | sed 's/^/images: agent: /' >&2
      chroot "$check" /usr/sbin/nft -v | sed 's/^/images: agent: /' >&2
    fi
    umount "$check/proc" && rm -rf "$check"
  done
  mv "$tmp" "$LAYERS"
  trap - EXIT
  for old in "$CACHE_ROOT"/layers-*; do [ "$old" = "$LAYERS" ] || rm -rf "$old"; done
fi

# app LAYER JAR: a layer holding only /app/<jar>.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
app() { mkdir -p "$stage/$1/app"; cp "$2" "$stage/$1/app/"; }
app operator-app "$OPERATOR_JAR"
app agent-app "$AGENT_JAR"

ENV=(--env PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin --env JAVA_HOME=/opt/java)
LABELS=(--label org.opencontainers.image.version="$VERSION" --label org.opencontainers.image.source=simgate)
OUT=target/images
mkdir -p "$OUT"
python3 e2e/images/archive.py --tag "${PREFIX}simgate/operator:$VERSION" \
  --layer "$LAYERS/base" --layer "$LAYERS/jre" --layer "$stage/operator-app" \
  --entrypoint '["java","-jar","/app/simgate-operator.jar"]' --user 65532:65532 "${ENV[@]}" "${LABELS[@]}" \
  "$OUT/simgate-operator.tar"
python3 e2e/images/archive.py --tag "${PREFIX}simgate/agent:$VERSION" \
  --layer "$LAYERS/base" --layer "$LAYERS/jre" --layer "$LAYERS/net" --layer "$stage/agent-app" \
  --entrypoint '["java","-jar","/app/simgate-agent.jar"]' "${ENV[@]}" "${LABELS[@]}" \
  "$OUT/simgate-agent.tar"

size() { du -sm "$1" | cut -f1; }
log "layers (uncompressed MiB): base $(size "$LAYERS/base"), jre $(size "$LAYERS/jre"), net $(size "$LAYERS/net"),"\
" operator app $(size "$stage/operator-app"), agent app $(size "$stage/agent-app")"
for f in "$OUT"/*.tar; do
  log "$f: $(du -m "$f" | cut -f1) MiB compressed"
done
log "done in $((SECONDS - started)) s: ${PREFIX}simgate/operator:$VERSION ${PREFIX}simgate/agent:$VERSION"
