/*
 * A real (not --prefix) run of install.sh, contained by installed-node.sh in a private mount
 * namespace with overlays on /etc, /opt and /var/lib: the user and ownerships it sets, and that
 * what it installed runs as its units would run it (vident user, rendered Janus config, sidecar
 * from /opt/vident with the generated env file) behind the rendered firewall. systemd itself is not
 * involved: there is none on the test machines. Needs root.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const HARNESS = path.join(import.meta.dirname, 'installed-node.sh');
const work = mkdtempSync(path.join(os.tmpdir(), 'vident-installed-'));

after(() => rmSync(work, { recursive: true, force: true }));

test('install.sh as root: Janus as vident-janus and the sidecar as vident share only the recordings, behind the firewall', () => {
  const run = spawnSync('bash', [HARNESS, work], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `installed-node.sh failed:\n${run.stdout}\n${run.stderr}`);
  const seen = Object.fromEntries(
    run.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  assert.equal(seen.install, 'ok');
  assert.equal(seen.user, 'vident:/usr/sbin/nologin', 'a system user without a shell');
  assert.equal(seen.janus_user, 'vident-janus:/usr/sbin/nologin', 'Janus has a user of its own');
  assert.equal(seen.recordings_group, 'vident,vident-janus');
  // The sidecar's secrets: its user only. Janus's: root and Janus's group.
  assert.equal(seen.owner_env, 'vident:vident:600');
  assert.equal(seen.owner_node_key, 'vident:vident:600', "the node's private key: the sidecar's user only");
  assert.equal(seen.owner_node_env, 'root:root:600');
  assert.equal(seen.owner_janus_config, 'root:vident-janus:750,root:vident-janus:640');
  assert.equal(seen.owner_recordings, 'vident:vident-recordings:750,vident:vident-recordings:2770');
  assert.equal(seen.janus_reads_env, 'no', "Janus's user cannot read the sidecar's env file");
  assert.equal(seen.janus_reads_node_env, 'no');
  assert.equal(seen.janus_writes_raw, 'yes', 'Janus records into the raw folder the sidecar made');
  assert.equal(seen.sidecar_reads_raw, 'MJR00002', 'the sidecar reads what Janus recorded');
  assert.equal(seen.sidecar_deletes_raw, 'yes', 'and deletes it');
  assert.equal(seen.janus_writes_outside_raw, 'no');
  // The sidecar reached Janus with the generated api_secret over the rendered JANUS_WS_URL.
  assert.equal(seen.health, '{"ok":true,"janusUp":true}');
  assert.equal(seen.outside_sidecar, 'open');
  assert.equal(seen.outside_janus_ws, 'closed', "Janus's API is not reachable from outside");
  assert.equal(seen.outside_janus_admin, 'closed');
  assert.equal(seen.outside_metrics, 'closed');
  // Janus's APIs and /metrics on loopback only; the command API on the node's address only.
  const listening = new Set(seen.listening!.split(','));
  for (const bound of ['127.0.0.1:8188', '127.0.0.1:7188', '127.0.0.1:7401']) assert.ok(listening.has(bound), `${bound} in ${seen.listening}`);
  assert.ok([...listening].some((a) => a.endsWith(':7400') && !a.startsWith('0.0.0.0') && !a.startsWith('127.')), `7400 on the node address: ${seen.listening}`);
  assert.ok(![...listening].some((a) => /^(0\.0\.0\.0|\*|\[::\]):/.test(a)), `nothing on every interface: ${seen.listening}`);
  assert.equal(seen.metrics_on_commands, '404', 'no /metrics on the command listener');
  assert.ok(Number(seen.metrics_local) >= 10, '/metrics served on its own listener');
  assert.equal(seen.janus_errors, '0', 'Janus accepted its rendered config');
  assert.ok(Number(seen.sidecar_tried_control_plane) >= 1, 'the sidecar read CONTROL_PLANE_URL from the env file');
  assert.ok(!existsSync('/etc/vident') && !existsSync('/opt/vident'), 'the real system was not touched');
});
