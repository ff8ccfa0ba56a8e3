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

test('install.sh as root: the installed Janus and sidecar run as vident, behind the firewall', () => {
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
  assert.equal(seen.owner_env, 'root:vident:640');
  assert.equal(seen.owner_node_key, 'vident:vident:600', "the node's private key: the sidecar's user only");
  assert.equal(seen.owner_recordings, 'vident:vident:750');
  // The sidecar reached Janus with the generated api_secret over the rendered JANUS_WS_URL.
  assert.equal(seen.health, '{"ok":true,"janusUp":true}');
  assert.equal(seen.outside_sidecar, 'open');
  assert.equal(seen.outside_janus_ws, 'closed', "Janus's API is not reachable from outside");
  assert.equal(seen.outside_janus_admin, 'closed');
  assert.equal(seen.janus_errors, '0', 'Janus accepted its rendered config');
  assert.ok(Number(seen.sidecar_tried_control_plane) >= 1, 'the sidecar read CONTROL_PLANE_URL from the env file');
  assert.equal(seen.recording_files_by_vident, 'yes');
  assert.ok(!existsSync('/etc/vident') && !existsSync('/opt/vident'), 'the real system was not touched');
});
