#!/usr/bin/env bash
# Installs what vident needs and is missing, idempotently.
#   infra/install.sh start   Janus, janus-tools, ffmpeg, nftables, iproute2, coturn + npm dependencies
#   infra/install.sh test    the same plus Chromium (for the browser tests) with Korean and Chinese
#                            fonts (fonts-nanum, fonts-noto-cjk), and a JDK 17, Python 3,
#                            curl, openssl and jq for the bank integration examples (examples/)
# Without root it prints the exact command to run and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-start}"
packages=(janus janus-tools ffmpeg nftables iproute2 coturn)
[ "$purpose" = test ] && packages+=(chromium fonts-nanum fonts-noto-cjk openjdk-17-jdk-headless python3 curl openssl jq)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "vident needs these Debian packages: ${missing[*]}" >&2
    echo "Run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "[install] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
  # The stack runs its own coturn (infra/turn-server.ts) inside Janus's namespace; the packaged
  # service, where systemd starts it, would be a second TURN server on every interface.
  if [[ " ${missing[*]} " == *" coturn "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now coturn >/dev/null 2>&1 || true
  fi
fi

# Janus runs inside a network namespace it gets from us: that needs root (ip netns, nft).
if [ "$(id -u)" -ne 0 ]; then
  echo "vident creates a network namespace for Janus (Janus ignores loopback): run as root, e.g. sudo npm $purpose" >&2
  exit 1
fi

# npm dependencies: install when missing or when the lock file changed since the last install.
stamp=node_modules/.vident-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[install] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# The Worker serves web/dist as static assets.
npm run --silent build -w web
