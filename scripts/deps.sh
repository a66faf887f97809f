#!/usr/bin/env bash
# deps.sh — install what kefu needs to build, run and test, when it is missing.
# Fast path: when every package is present it only queries dpkg once (< 1 s).
set -euo pipefail

PKGS=(build-essential pkg-config libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev
      libsodium-dev libcmocka-dev libxlsxwriter-dev libzip-dev libexpat1-dev libpq-dev postgresql clang libclang-rt-14-dev
      libcairo2-dev libpango1.0-dev libqrencode-dev poppler-utils mupdf-tools
      chromium wrk curl ca-certificates fonts-wqy-zenhei unzip)

missing=()
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null | awk '$4=="installed"{print $1}') || true
for p in "${PKGS[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm  >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
