#!/usr/bin/env bash
# `make images`: builds the four exporter images with podman from docker/Dockerfile, as
# localhost/<target>:latest (node-exporter, mysqld-exporter, postgres-exporter,
# mattermost-exporter). Arguments, if any, name the targets to build.
#
# No registry is reachable here, so the Debian bookworm image the build stage starts from is made
# locally once (debootstrap --variant=minbase, then `podman import`) and reused while it exists.
# podman's own settings (runc, cgroupfs, no default ulimits) live in $IMAGES_STATE_DIR/containers.conf,
# not in /etc; export CONTAINERS_CONF to that file to use podman by hand on the same images.
#
# Environment:
#   IMAGES_STATE_DIR  where containers.conf, the source snapshot and the debootstrap work dir go
#                     (default build-images/: not build/, which `make clean` and rebuilds wipe)
#   BASE_IMAGE        the build stage's base image name (default localhost/exporters-bookworm:latest);
#                     made with debootstrap when it does not exist and its name starts with localhost/
#   DEBIAN_MIRROR     the mirror debootstrap and the base image's apt use (default http://deb.debian.org/debian)
#   DEBIAN_SECURITY_MIRROR  the base image's security updates (default http://deb.debian.org/debian-security)
#   IMAGES_CONTEXT    the build context (default: a snapshot of the live tree in $IMAGES_STATE_DIR/context)
#   IMAGE_MAX_BYTES   the size limit per image (default 25000000)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${IMAGES_STATE_DIR:-$repo/build-images}
base_image=${BASE_IMAGE:-localhost/exporters-bookworm:latest}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
context=${IMAGES_CONTEXT:-}
max_bytes=${IMAGE_MAX_BYTES:-25000000}
all_targets=(node-exporter mysqld-exporter postgres-exporter mattermost-exporter)

die() {
  echo "images: error: $*" >&2
  exit 1
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || die "unknown target '$target' (one of: ${all_targets[*]})"
done

# What only the images need, installed here rather than by make deps (make test does not build images).
image_packages=(podman runc debootstrap wget docker-compose)
missing=()
for package in "${image_packages[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" = installed ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (install them with apt-get as root)"
  echo "images: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
    die "could not install ${missing[*]}"
fi
command -v podman >/dev/null || die "podman is not installed (apt-get install podman runc; see docs/images.md)"
command -v runc >/dev/null || die "runc is not installed (apt-get install runc)"

mkdir -p "$state"
export CONTAINERS_CONF="$state/containers.conf"
cat > "$CONTAINERS_CONF.tmp" <<'EOF'
# Written by scripts/images.sh: podman settings that work on these machines (no systemd, cgroup v1
# hybrid, no registry). Use with: export CONTAINERS_CONF=<this file>
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
mv "$CONTAINERS_CONF.tmp" "$CONTAINERS_CONF"

# The build stage's base image: debootstrapped once, then reused.
make_base_image() {
  [[ $base_image == localhost/* ]] || die "base image $base_image does not exist and is not a local (localhost/) name: pull it, or unset BASE_IMAGE"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap); it makes the base image $base_image"
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root to make the base image $base_image"
  local rootfs="$state/rootfs"
  rm -rf "$rootfs"
  echo "images: making $base_image with debootstrap (minbase bookworm from $mirror), log in $state/debootstrap.log"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$state/debootstrap.log" 2>&1; then
    tail -n 20 "$state/debootstrap.log" >&2
    die "debootstrap failed (is $mirror reachable?); see $state/debootstrap.log"
  fi
  # The same apt sources as debian:bookworm-slim, and no downloaded packages left in the image.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security_mirror" > "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" --numeric-owner -cf - . |
    podman import --quiet --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/bash"]' - "$base_image" >/dev/null ||
    die "podman import of $rootfs as $base_image failed"
  rm -rf "$rootfs"
}

if podman image exists "$base_image"; then
  echo "images: reusing base image $base_image"
else
  make_base_image
fi

# One snapshot of the sources for all targets: the tree may change while the images build (people
# edit it), and the targets must share one compile (the build stage's layers are cached by content).
if [ -z "${IMAGES_CONTEXT:-}" ]; then
  context="$state/context"
  rm -rf "$context"
  mkdir -p "$context"
  tar -C "$repo" --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude=./docs --exclude=./tests \
    --exclude=./configs --exclude=./scripts -cf - . | tar -C "$context" -xf - ||
    die "cannot copy the sources to $context"
fi

for target in "${targets[@]}"; do
  image="localhost/$target:latest"
  echo "images: building $image"
  podman build --isolation=chroot --layers \
    --file "$repo/docker/Dockerfile" --ignorefile "$repo/docker/Dockerfile.dockerignore" \
    --build-arg "BASE_IMAGE=$base_image" --target "$target" --tag "$image" "$context" ||
    die "podman build of $target failed (see above)"
done

status=0
for target in "${targets[@]}"; do
  image="localhost/$target:latest"
  size=$(podman image inspect --format '{{.Size}}' "$image")
  user=$(podman image inspect --format '{{.Config.User}}' "$image")
  awk -v i="$image" -v s="$size" -v u="$user" 'BEGIN { printf "images: %-40s %5.1f MB  user %s\n", i, s / 1e6, u }'
  if [ "$size" -gt "$max_bytes" ]; then
    echo "images: error: $image is $size bytes, over the limit of $max_bytes" >&2
    status=1
  fi
done
exit $status
