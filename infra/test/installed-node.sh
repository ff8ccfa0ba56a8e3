#!/usr/bin/env bash
# Harness of installed-node.test.ts: runs infra/media-node/install.sh for real (as root, no
# --prefix) inside a private mount namespace whose /etc, /opt and /var/lib are overlays on
# <workdir>, then starts what it installed the way the units do: Janus as vident-janus with the
# rendered config, the sidecar as vident from /opt/vident with /etc/vident/media-node.env (both in
# the group vident-recordings), in one network namespace behind the rendered firewall. Prints one key=value line per observation.
# The namespaces die with this script; nothing outside <workdir> is written.
#   installed-node.sh <workdir>
set -euo pipefail
W="${1:?usage: installed-node.sh <workdir>}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ "${VIDENT_IN_MOUNT_NS:-}" != 1 ]; then
  exec env VIDENT_IN_MOUNT_NS=1 unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$W"
fi

for d in etc opt var/lib; do
  mkdir -p "$W/upper/$d" "$W/work/$d"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$W/upper/$d,workdir=$W/work/$d" "/$d"
done

id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
ns="vin-$id" host_if="vin${id}h" node_if="vin${id}n"
# The /30 is ours only: its netns mount lives in this mount namespace and goes with it.
n=$(( (16#${id:0:2} % 250) + 1 ))
node_ip="10.217.$n.1" host_ip="10.217.$n.2"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns delete "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "$host_if" type veth peer name "$node_if" netns "$ns"
ip addr add "$host_ip/30" dev "$host_if" && ip link set "$host_if" up
ip -n "$ns" addr add "$node_ip/30" dev "$node_if" && ip -n "$ns" link set "$node_if" up && ip -n "$ns" link set lo up

bash "$REPO/infra/media-node/install.sh" --no-apt --no-npm --address "$node_ip" --interface "$node_if" > "$W/install.log" 2>&1
echo "install=ok"
echo "user=$(getent passwd vident | cut -d: -f1,7)"
echo "janus_user=$(getent passwd vident-janus | cut -d: -f1,7)"
echo "recordings_group=$(getent group vident-recordings | cut -d: -f4 | tr ',' '\n' | sort | paste -sd,)"
echo "owner_env=$(stat -c '%U:%G:%a' /etc/vident/media-node.env)"
echo "owner_node_key=$(stat -c '%U:%G:%a' /etc/vident/node-key.pem)"
echo "owner_node_env=$(stat -c '%U:%G:%a' /etc/vident/node.env)"
echo "owner_janus_config=$(stat -c '%U:%G:%a' /etc/vident/janus /etc/vident/janus/janus.jcfg | paste -sd,)"
echo "owner_recordings=$(stat -c '%U:%G:%a' /var/lib/vident /var/lib/vident/recordings | paste -sd,)"

# What only the operator can supply; the control plane address is one nobody listens on.
sed -i "s|^CONTROL_PLANE_PUBLIC_KEY=.*|CONTROL_PLANE_PUBLIC_KEY=cu2yNVZYBJGij6ZML+5t4AdKj/RP6tdkYeXtYDdRr3M=|; s|^CONTROL_PLANE_URL=.*|CONTROL_PLANE_URL=http://$host_ip:9|" /etc/vident/media-node.env
# --no-npm: lend the checkout's node_modules to the installed app.
ln -s "$REPO/node_modules" /opt/vident/node_modules

as_vident() { ip netns exec "$ns" setpriv --reuid vident --regid vident --init-groups "$@"; }
as_janus() { ip netns exec "$ns" setpriv --reuid vident-janus --regid vident-janus --init-groups "$@"; }
ip netns exec "$ns" nft -f /etc/vident/nftables.conf
# vident-janus.service: User=vident-janus, SupplementaryGroups=vident-recordings, UMask=0027,
# ExecStart=/usr/bin/janus -F /etc/vident/janus -o
# exec in a subshell (not the as_janus function, which would leave a shell in between): $! is then
# Janus itself, so the cleanup really ends it.
(umask 0027 && exec ip netns exec "$ns" setpriv --reuid vident-janus --regid vident-janus --init-groups /usr/bin/janus -F /etc/vident/janus -o) > "$W/janus.log" 2>&1 &
pids+=($!)
# vident-media-node.service: EnvironmentFile=, WorkingDirectory=/opt/vident, ExecStart=<node> --import tsx ...
node_bin=$(sed -n 's|^ExecStart=\(/[^ ]*\) --import tsx media-node/src/main.ts$|\1|p' /etc/systemd/system/vident-media-node.service)
(cd /opt/vident && umask 0077 && set -a && . /etc/vident/media-node.env && set +a && exec ip netns exec "$ns" setpriv --reuid vident --regid vident --init-groups "$node_bin" --import tsx media-node/src/main.ts) > "$W/sidecar.log" 2>&1 &
pids+=($!)

health=""
for _ in $(seq 1 60); do
  health=$(ip netns exec "$ns" curl -s -m 1 "http://$node_ip:7400/health" || true)
  [ "$health" = '{"ok":true,"janusUp":true}' ] && break
  sleep 0.5
done
echo "health=$health"
probe() { if curl -s -m 2 -o /dev/null "http://$node_ip:$1/"; then echo open; else echo closed; fi; }
echo "outside_sidecar=$(probe 7400)"
echo "outside_janus_ws=$(probe 8188)"
echo "outside_janus_admin=$(probe 7188)"
echo "outside_metrics=$(probe 7401)"
# Inside the node: where each listener is bound (ss), and /metrics on its own listener only.
echo "listening=$(ip netns exec "$ns" ss -Hltn | awk '{print $4}' | sort | paste -sd,)"
echo "metrics_on_commands=$(ip netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' "http://$node_ip:7400/metrics")"
echo "metrics_local=$(ip netns exec "$ns" curl -s http://127.0.0.1:7401/metrics | grep -c '^# HELP vident_' || true)"
echo "janus_errors=$(grep -ciE '\b(error|fatal)\b' "$W/janus.log" || true)"
echo "sidecar_tried_control_plane=$(grep -c 'registration failed' "$W/sidecar.log" || true)"
# The recordings folder as a recorded session uses it: the sidecar makes the raw folder (its own
# code, its umask), Janus writes a .mjr into it, the sidecar reads and deletes it.
sid=$(cat /proc/sys/kernel/random/uuid)
raw="/var/lib/vident/recordings/$sid/raw"
(cd /opt/vident && umask 0077 && as_vident "$node_bin" --import tsx --input-type=module \
  -e "await (await import('./media-node/src/recording/post-process.ts')).ensureRawRecordingDir('/var/lib/vident/recordings', '$sid')") >> "$W/sidecar.log" 2>&1
echo "janus_writes_raw=$(as_janus sh -c "umask 0027 && printf MJR00002 > $raw/probe-video-1.mjr && echo yes" 2>/dev/null || echo no)"
echo "sidecar_reads_raw=$(as_vident cat "$raw/probe-video-1.mjr" 2>/dev/null || echo no)"
echo "sidecar_deletes_raw=$(as_vident rm "$raw/probe-video-1.mjr" 2>/dev/null && echo yes || echo no)"
echo "janus_reads_env=$(as_janus cat /etc/vident/media-node.env >/dev/null 2>&1 && echo yes || echo no)"
echo "janus_reads_node_env=$(as_janus cat /etc/vident/node.env >/dev/null 2>&1 && echo yes || echo no)"
echo "janus_writes_outside_raw=$(as_janus touch /var/lib/vident/probe 2>/dev/null && echo yes || echo no)"
