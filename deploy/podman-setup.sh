#!/usr/bin/env bash
# Prepares rootful Podman on a fresh Debian bookworm machine with no container registry, then builds
# Nightshift's images offline (only Debian's mirror and the npm registry are reached).
# Idempotent: what exists is kept. Used by CI (.ci/run) and by anyone testing the deployment here.
#   bash deploy/podman-setup.sh            # packages, settings, base image, images
#   NIGHTSHIFT_IMAGE_REBUILD=1 bash deploy/podman-setup.sh   # rebuild the Nightshift image
set -euo pipefail
cd "$(dirname "$0")/.."
MIRROR=${MIRROR:-http://deb.debian.org/debian}
T0=$(date +%s)
step() { echo "[podman-setup $(( $(date +%s) - T0 ))s] $*"; }

if ! command -v podman >/dev/null || ! command -v podman-compose >/dev/null || ! command -v debootstrap >/dev/null; then
  step "installing podman, podman-compose, debootstrap, runc"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq podman podman-compose buildah debootstrap uidmap slirp4netns fuse-overlayfs runc >/dev/null
fi

# Two settings these machines need (see shared/podman): rlimits capped at the host's hard limits
# (root lacks CAP_SYS_RESOURCE), and runc (crun refuses the hybrid cgroup layout); no systemd.
if ! grep -q 'nightshift' /etc/containers/containers.conf 2>/dev/null; then
  step "writing /etc/containers/containers.conf"
  NOFILE=$(ulimit -Hn); NPROC=$(ulimit -Hu)
  [ "$NOFILE" = unlimited ] && NOFILE=1048576
  if [ "$NPROC" = unlimited ] || [ "$NPROC" -gt 32768 ]; then NPROC=32768; fi
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
# written by nightshift deploy/podman-setup.sh
[containers]
default_ulimits = ["nofile=${NOFILE}:${NOFILE}", "nproc=${NPROC}:${NPROC}"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi

if ! podman image exists localhost/debian:bookworm; then
  step "debootstrap bookworm (minbase) -> localhost/debian:bookworm"
  rootfs=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >/dev/null
  tar -C "$rootfs" -c . | podman import - localhost/debian:bookworm >/dev/null
  rm -rf "$rootfs"
fi

# The label an image was built with (empty when the image is missing): a changed recipe rebuilds it.
recipe_of() { podman image inspect --format '{{index .Config.Labels "nightshift.recipe"}}' "$1" 2>/dev/null || true; }

# The Node base: this machine's own node binary and npm on the Debian base (Debian's nodejs is 18;
# Nightshift needs 20.19+). Users elsewhere build on the official Node image instead.
node_recipe="node $(node --version), npm $(npm --version)"
if [ "$(recipe_of localhost/nightshift-node-base:20)" != "$node_recipe" ]; then
  step "localhost/nightshift-node-base:20 from $(command -v node) ($node_recipe)"
  ctx=$(mktemp -d)
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  cp -a "$(npm root -g)/npm" "$ctx/npm"
  # Extra CAs this machine trusts (a TLS-inspecting egress proxy, a company CA): the build's npm
  # and the services' HTTPS clients need them too. Public certificates, not secrets.
  mkdir -p "$ctx/extra-ca"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/extra-ca/" 2>/dev/null || true
  cat > "$ctx/Containerfile" <<'CF'
FROM localhost/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CF
  podman build -q --label "nightshift.recipe=$node_recipe" -t localhost/nightshift-node-base:20 "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# Redis and Prometheus from Debian's packages (their official images cannot be pulled here).
for svc in redis prometheus; do
  recipe=$(sha256sum "deploy/local-images/$svc.Containerfile" | cut -c1-16)
  if [ "$(recipe_of "localhost/nightshift-$svc:local")" != "$recipe" ]; then
    step "localhost/nightshift-$svc:local"
    podman build -q --label "nightshift.recipe=$recipe" -t "localhost/nightshift-$svc:local" -f "deploy/local-images/$svc.Containerfile" deploy/local-images >/dev/null
  fi
done

# The default image of `agent.sandbox: podman`: git, node and the agent CLI (CI: INSTALL_AGENT=0, the fake is mounted).
install_agent=${NIGHTSHIFT_SANDBOX_AGENT:-1}
recipe="$(sha256sum deploy/local-images/sandbox.Containerfile | cut -c1-16) agent=$install_agent"
if [ "$(recipe_of localhost/nightshift-sandbox:local)" != "$recipe" ]; then
  step "localhost/nightshift-sandbox:local (agent CLI: $install_agent)"
  podman build -q --label "nightshift.recipe=$recipe" --build-arg INSTALL_AGENT="$install_agent" \
    -t localhost/nightshift-sandbox:local -f deploy/local-images/sandbox.Containerfile deploy/local-images >/dev/null
fi

if [ -n "${NIGHTSHIFT_IMAGE_REBUILD:-}" ] || ! podman image exists localhost/nightshift:dev; then
  step "building localhost/nightshift:dev (deploy/Containerfile)"
  previous=$(podman image inspect --format '{{.Id}}' localhost/nightshift:dev 2>/dev/null || true)
  podman build -q -t localhost/nightshift:dev -f deploy/Containerfile \
    --build-arg BASE_IMAGE=localhost/nightshift-node-base:20 --build-arg INSTALL_AGENT=0 . >/dev/null
  # The image this build replaced (the layer cache the next build reuses is kept).
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' localhost/nightshift:dev)" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
fi
step "ready: $(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E 'nightshift' | tr '\n' ' ')"
