#!/usr/bin/env bash
# Installs a vident media node on Debian 12, as root, from a checkout of this repository:
#   - Debian packages janus, janus-tools, ffmpeg, nftables (apt-get, only the missing ones)
#   - checks Node.js >= 20.19 (Debian 12 packages 18: bring your own, this script installs none)
#   - system users `vident` (the sidecar) and `vident-janus` (Janus), both in the group
#     `vident-recordings` and nothing else shared; the sidecar app in /opt/vident (npm ci --omit=dev)
#   - /etc/vident: media-node.env (0600 vident: the sidecar's secrets, never Janus's) and node.env
#     (0600 root) (created once, secrets generated, never overwritten), the Janus config rendered
#     into /etc/vident/janus (readable by vident-janus), the firewall nftables.conf (root only)
#   - /var/lib/vident/recordings (2770 vident:vident-recordings: Janus writes .mjr files there, the
#     sidecar converts, seals and deletes them); the units vident-firewall, vident-janus, vident-media-node
#     (enabled, not started: enrol the node and set CONTROL_PLANE_PUBLIC_KEY etc. first, see docs/OPERATIONS.md)
#   - /etc/vident/node-key.pem: this node's own Ed25519 private key (0600 vident, created once, never
#     overwritten); its public key is printed at the end for the platform team to enrol
# Idempotent: run it again after editing /etc/vident/*.env, or from a newer checkout to upgrade.
#
#   infra/media-node/install.sh [--prefix DIR] [--no-apt] [--no-npm] [--address IPV4] [--interface IFACE]
#
#   --prefix DIR       install below DIR instead of / (a staging tree): no apt-get, no user, no chown,
#                      no systemctl, nothing installed outside DIR; paths inside the files stay real
#   --no-apt           do not apt-get install (the script stops if a package is missing)
#   --no-npm           do not run npm ci in /opt/vident (its node_modules must come from elsewhere)
#   --address IPV4     this node's public address, for a new /etc/vident/node.env (default: detected)
#   --interface IFACE  the interface it is on, likewise
set -euo pipefail
umask 022

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PACKAGES=(janus janus-tools ffmpeg nftables)

prefix="" apt=1 npm=1 address="" iface=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --no-apt) apt=0; shift ;;
    --no-npm) npm=0; shift ;;
    --address) address="${2:?--address needs an IPv4 address}"; shift 2 ;;
    --interface) iface="${2:?--interface needs an interface name}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "[install] $*"; }
die() { echo "[install] $*" >&2; exit 1; }

staging=0
if [ -n "$prefix" ]; then
  case "$prefix" in /*) ;; *) die "--prefix must be an absolute path" ;; esac
  prefix="${prefix%/}"
  [ -n "$prefix" ] && staging=1
fi
P="$prefix"  # "" for a real install: every path below is "$P/..."
[ "$staging" = 1 ] || [ "$(id -u)" -eq 0 ] || die "run as root (or stage with --prefix DIR)"

# --- Debian packages
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$staging" = 1 ]; then
    say "note: not installed on this machine: ${missing[*]} (a staged install never runs apt-get)"
  elif [ "$apt" = 1 ]; then
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "${missing[@]}" >/dev/null
  else
    die "missing Debian packages: ${missing[*]} (drop --no-apt, or apt-get install -y ${missing[*]})"
  fi
fi

# --- Node.js: the same range as package.json "engines". Never installed from here.
NODE="$(command -v node || true)"
[ -n "$NODE" ] || die "Node.js >= 20.19 is required and not on PATH (Debian 12 packages 18.x: install 20.19+ or 22+ by your organisation's approved means)"
"$NODE" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || a >= 22 ? 0 : 1)' \
  || die "Node.js $("$NODE" -v) at $NODE is too old or unsupported: need >=20.19 <21 or >=22"
say "node $("$NODE" -v) at $NODE"

# --- users and folders. Janus parses attacker-controlled SDP and RTP: it runs as its own user, which
# reads its config and writes recordings, and nothing of the sidecar's (its secrets, its outbox).
if [ "$staging" = 0 ]; then
  getent group vident-recordings >/dev/null || { say "creating group vident-recordings"; groupadd --system vident-recordings; }
  for user in vident vident-janus; do
    if ! getent passwd "$user" >/dev/null; then
      say "creating system user $user"
      useradd --system --user-group --home-dir /var/lib/vident --no-create-home --shell /usr/sbin/nologin "$user"
    fi
    usermod --append --groups vident-recordings "$user"
  done
  # Older installs ran Janus as vident: nothing but the recordings is shared any more.
  gpasswd --delete vident-janus vident >/dev/null 2>&1 || true
fi
install -d -m 0755 "$P/opt" "$P/etc/systemd/system" "$P/etc/vident"
install -d -m 0750 "$P/etc/vident/janus" "$P/var/lib/vident"
# setgid: what Janus or the sidecar creates inside stays in the group vident-recordings.
install -d -m 2770 "$P/var/lib/vident/recordings"
if [ "$staging" = 0 ]; then
  chown root:root /etc/vident
  chown root:vident-janus /etc/vident/janus
  chown vident:vident-recordings /var/lib/vident /var/lib/vident/recordings
fi

# --- the app: copied whole (npm ci needs every workspace), swapped in at the end so a failed copy
# or npm ci leaves the running version in place.
app="$P/opt/vident" next="$P/opt/vident.next" old="$P/opt/vident.old"
rm -rf "$next" "$old"
mkdir -p "$next"
mapfile -t workspaces < <(cd "$SRC" && "$NODE" -p 'require("./package.json").workspaces.join("\n")')
say "copying the app to $app"
(cd "$SRC" && tar -cf - --exclude=node_modules --exclude=dist --exclude=.wrangler --exclude=test-results --exclude='*.log' \
  package.json package-lock.json tsconfig.base.json tsconfig.json README.md docs janus-config infra/media-node "${workspaces[@]}") \
  | tar -C "$next" -xf - --no-same-owner
if [ "$npm" = 1 ]; then
  say "npm ci --omit=dev (media-node) in $app"
  (cd "$next" && npm ci --omit=dev --workspace=media-node --no-audit --no-fund --loglevel=error)
fi
[ -d "$app" ] && mv "$app" "$old"
mv "$next" "$app"
rm -rf "$old"

# --- env files, Janus config and firewall (configure-node.ts needs tsx and zod: from the installed
# app if npm ci ran, else from the checkout's node_modules).
if [ -x "$app/node_modules/.bin/tsx" ]; then base="$app"; elif [ -x "$SRC/node_modules/.bin/tsx" ]; then base="$SRC"; else
  die "no node_modules with tsx in $app or $SRC (run without --no-npm, or npm ci in the checkout)"
fi
configure=("$base/node_modules/.bin/tsx" "$base/infra/media-node/configure-node.ts" --root "${P:-/}")
[ -n "$address" ] && configure+=(--address "$address")
[ -n "$iface" ] && configure+=(--interface "$iface")
"${configure[@]}"
chmod 0600 "$P/etc/vident/media-node.env" "$P/etc/vident/node.env"
chmod 0640 "$P/etc/vident/nftables.conf" "$P"/etc/vident/janus/*.jcfg
if [ "$staging" = 0 ]; then
  chown vident:vident /etc/vident/media-node.env
  chown root:root /etc/vident/node.env /etc/vident/nftables.conf
  chown root:vident-janus /etc/vident/janus/*.jcfg
fi

# --- this node's identity: an Ed25519 key pair made here, once. The private key never leaves the node
# and only the sidecar reads it; the public key is what the platform team enrols (vident nodes enrol).
key="$P/etc/vident/node-key.pem"
if [ ! -s "$key" ]; then
  say "creating this node's Ed25519 key $key"
  (umask 077 && "$NODE" -e 'process.stdout.write(require("node:crypto").generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }))' > "$key.tmp")
  mv "$key.tmp" "$key"
fi
chmod 0600 "$key"
[ "$staging" = 1 ] || chown vident:vident "$key"
# The raw 32-byte public key in base64: the tail of its SPKI.
public_key="$("$NODE" -e 'const c = require("node:crypto"); const d = c.createPublicKey(require("node:fs").readFileSync(process.argv[1])).export({ type: "spki", format: "der" }); process.stdout.write(d.subarray(d.length - 32).toString("base64"))' "$key")"
say "node public key (enrol it): $public_key"

# --- systemd units
for unit in vident-firewall vident-janus vident-media-node; do
  sed "s|@NODE@|$NODE|g" "$SRC/infra/media-node/systemd/$unit.service" > "$P/etc/systemd/system/$unit.service.tmp"
  chmod 0644 "$P/etc/systemd/system/$unit.service.tmp"
  mv "$P/etc/systemd/system/$unit.service.tmp" "$P/etc/systemd/system/$unit.service"
done
say "units vident-firewall, vident-janus, vident-media-node in $P/etc/systemd/system"

if [ "$staging" = 1 ]; then
  say "staged below $P (no user, ownership or systemctl changes)"
  exit 0
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --quiet vident-firewall vident-janus vident-media-node
  say "units enabled (not started or restarted)"
else
  say "systemd is not running here: units installed but not enabled"
fi
cat <<EOF
[install] done. Next (see docs/OPERATIONS.md):
  1. the platform team enrols this node with its public key and its https command URL:
       vident nodes enrol <NODE_ID> --public-key $public_key --url <NODE_PUBLIC_URL> [--region <region>]
     which prints the control plane's key to pin (CONTROL_PLANE_PUBLIC_KEY=...)
  2. /etc/vident/media-node.env: set NODE_ID, CONTROL_PLANE_URL, NODE_PUBLIC_URL, CONTROL_PLANE_PUBLIC_KEY
  3. /etc/vident/node.env: check JANUS_ADDRESS, JANUS_ICE_INTERFACE, SSH_PORT, CONTROL_PLANE_SOURCES
     (then run this script again to re-render)
  4. systemctl restart vident-firewall vident-janus vident-media-node
EOF
