#!/usr/bin/env bash
# Installs every Debian package Trellis needs to build, boot, test and benchmark.
# Used by `make run`, `make test`, `make bench` and .ci/run; idempotent and quiet when
# everything is already present. Runs apt-get as root (the build machines run as root).
set -eu

PKGS=(
  make cpio python3
  clang-22 lld-22 llvm-22 libclang-22-dev libclang-rt-22-dev
  qemu-system-x86
  busybox-static musl-tools gcc libc6-dev
  bash-static
  e2fsprogs fdisk
  linux-image-amd64
  gnuplot-nox
  grub-pc-bin grub-common xorriso mtools
)

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in
    *"ok installed"*) ;;
    *) missing+=("$p") ;;
  esac
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
