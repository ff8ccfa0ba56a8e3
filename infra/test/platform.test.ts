/*
 * infra/media-node/install.sh, staged with --prefix into a temp dir: the tree it builds, the Janus
 * config it renders, its units (systemd-analyze verify), its firewall (nft -c), the env example
 * against the sidecar's config schema, idempotence, and nothing written outside the prefix.
 * node:test through tsx (infra/test/run.sh). Needs root for nft.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../media-node/src/config.ts';
import { parseEnvFile, setEnvValue } from '../media-node/env-file.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const INSTALL = path.join(REPO, 'infra/media-node/install.sh');
const ADDRESS = '203.0.113.10'; // TEST-NET-3: written into files, never contacted
const UNITS = ['vident-firewall.service', 'vident-janus.service', 'vident-media-node.service'];

/** What a real install writes outside its prefix; none of it may change while staging. */
const OUTSIDE = ['/etc/vident', '/opt/vident', '/opt/vident.next', '/opt/vident.old', '/var/lib/vident', ...UNITS.map((u) => `/etc/systemd/system/${u}`)];
const SYSTEM_FILES = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/nftables.conf'];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function outsideState(): string {
  const lines = OUTSIDE.map((p) => `${p} ${existsSync(p) ? statSync(p).mtimeMs : 'absent'}`);
  for (const f of SYSTEM_FILES) lines.push(`${f} ${existsSync(f) ? sha(f) : 'absent'}`);
  const tables = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout ?? '';
  lines.push(`nft vident_media_node ${tables.includes('vident_media_node')}`);
  for (const user of ['vident', 'vident-janus']) lines.push(`user ${user} ${spawnSync('getent', ['passwd', user]).status === 0}`);
  return lines.join('\n');
}

/** Every file below dir (relative path -> sha256), /opt/vident left out (a copy of the repo). */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      if (r === 'opt/vident') continue;
      if (entry.isDirectory()) walk(r);
      else out.set(r, sha(path.join(dir, r)));
    }
  };
  walk('');
  return out;
}

function install(prefix: string): string {
  const run = spawnSync('bash', [INSTALL, '--prefix', prefix, '--no-apt', '--no-npm', '--address', ADDRESS, '--interface', 'eth0'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `install.sh failed:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

describe('install.sh --prefix (staged media node)', () => {
  let prefix = '';
  let outsideBefore = '';
  let firstTree = new Map<string, string>();
  const at = (p: string) => path.join(prefix, p);
  const read = (p: string) => readFileSync(at(p), 'utf8');

  before(() => {
    prefix = mkdtempSync(path.join(os.tmpdir(), 'vident-platform-'));
    outsideBefore = outsideState();
    install(prefix);
    firstTree = tree(prefix);
  });

  // Runs whatever failed above: the staged tree holds generated secrets.
  after(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  test('lays out the node: folders, env files, Janus config, firewall, units, app', () => {
    // /etc/vident lets Janus through to its config; each file guards itself.
    assert.equal(mode(at('etc/vident')), '755');
    for (const d of ['etc/vident/janus', 'var/lib/vident']) assert.equal(mode(at(d)), '750', d);
    // Shared with Janus's group (setgid: what either writes stays in that group), nothing else is.
    assert.equal(mode(at('var/lib/vident/recordings')), '2770');
    // Secrets: the sidecar's env file for its user only, node.env for root only.
    for (const f of ['etc/vident/media-node.env', 'etc/vident/node.env']) assert.equal(mode(at(f)), '600', f);
    assert.equal(mode(at('etc/vident/nftables.conf')), '640');
    for (const f of readdirSync(at('etc/vident/janus'))) assert.equal(mode(at(`etc/vident/janus/${f}`)), '640', f);
    for (const u of UNITS) assert.equal(mode(at(`etc/systemd/system/${u}`)), '644', u);
    assert.ok(existsSync(at('opt/vident/media-node/src/main.ts')), 'the sidecar is in /opt/vident');
    assert.ok(existsSync(at('opt/vident/package-lock.json')), 'with the lock file npm ci needs');
    assert.ok(!existsSync(at('opt/vident/node_modules')) && !existsSync(at('opt/vident/.git')), 'never copies node_modules or .git');
    assert.deepEqual(readdirSync(at('opt')), ['vident'], 'no staging copy left behind');
  });

  test('renders an ICE-TCP, ice-lite Janus config with no sample room and consistent secrets', () => {
    const core = read('etc/vident/janus/janus.jcfg');
    const room = read('etc/vident/janus/janus.plugin.videoroom.jcfg');
    const ws = read('etc/vident/janus/janus.transport.websockets.jcfg');
    const media = parseEnvFile(read('etc/vident/media-node.env'));
    const node = parseEnvFile(read('etc/vident/node.env'));
    // Boolean checks only: a failed match would print the file, secrets included.
    const has = (text: string, re: RegExp, what: string) => assert.ok(re.test(text), what);
    const esc = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    has(core, /^\s*ice_lite = true$/m, 'ice_lite = true');
    has(core, /^\s*ice_tcp = true$/m, 'ice_tcp = true');
    has(core, /^\s*ice_enforce_list = "eth0"$/m, 'ICE pinned to the interface');
    has(core, new RegExp(`^\\s*interface = "${esc(ADDRESS)}"$`, 'm'), 'the public address in SDP');
    // The real path, not the staging one: the tree is what a node runs.
    has(core, /^\s*configs_folder = "\/etc\/vident\/janus"$/m, 'configs_folder is /etc/vident/janus');
    for (const text of [core, room, ws]) assert.ok(!/\{\{[A-Z_]+\}\}/.test(text), 'every placeholder rendered');
    // Janus's sample videoroom config has room-1234 with secret "adminpwd".
    assert.ok(!/^\s*room-/m.test(room), 'no static room');
    assert.ok(!/adminpwd|^\s*secret\s*=/m.test(room), 'no sample room secret');
    // Janus's APIs on loopback only; the public address is for media (and the command API).
    has(ws, /^\s*ws_ip = "127\.0\.0\.1"$/m, 'the websocket API bound to loopback');
    has(ws, /^\s*admin_ws_ip = "127\.0\.0\.1"$/m, 'the admin API bound to loopback');
    assert.ok(!ws.includes(ADDRESS), 'no Janus API on the public address');
    for (const key of ['JANUS_API_SECRET', 'JANUS_ADMIN_KEY'] as const) has(media[key] ?? '', /^[0-9a-f]{48}$/, `${key} generated`);
    has(node.JANUS_ADMIN_SECRET ?? '', /^[0-9a-f]{48}$/, 'JANUS_ADMIN_SECRET generated');
    assert.ok(core.includes(`api_secret = "${media.JANUS_API_SECRET}"`), 'Janus and the sidecar share api_secret');
    assert.ok(core.includes(`admin_secret = "${node.JANUS_ADMIN_SECRET}"`));
    assert.ok(room.includes(`admin_key = "${media.JANUS_ADMIN_KEY}"`), 'Janus and the sidecar share admin_key');
    assert.equal(media.JANUS_WS_URL, 'ws://127.0.0.1:8188');
    assert.equal(media.SIDECAR_HOST, ADDRESS, 'the command API on the node address, not every interface');
    assert.equal(media.METRICS_HOST, '127.0.0.1', '/metrics on loopback');
    assert.equal(media.CONTROL_PLANE_PUBLIC_KEY, '', 'the control plane key comes from enrolment: never generated');
    // The node's own key: made at install, for the sidecar's user only, printed for enrolment.
    assert.equal(media.NODE_SIGNING_KEY_FILE, '/etc/vident/node-key.pem');
    assert.equal(mode(at('etc/vident/node-key.pem')), '600');
    assert.equal(createPrivateKey(read('etc/vident/node-key.pem')).asymmetricKeyType, 'ed25519');
  });

  test('the env example lists exactly the variables of the sidecar config schema, with valid values', () => {
    // config.ts reads every schema key from the env it is given (and nothing else): record them.
    const seen = new Set<string>();
    const probe = new Proxy({} as Record<string, string | undefined>, {
      get: (_, key) => {
        if (typeof key === 'string') seen.add(key);
        return undefined;
      },
    });
    assert.throws(() => loadConfig(probe), ConfigError);
    const example = parseEnvFile(readFileSync(path.join(REPO, 'infra/media-node/media-node.env.example'), 'utf8'));
    assert.deepEqual(Object.keys(example).sort(), [...seen].sort());

    const filled = { ...example, CONTROL_PLANE_PUBLIC_KEY: 'cu2yNVZYBJGij6ZML+5t4AdKj/RP6tdkYeXtYDdRr3M=', JANUS_WS_URL: 'ws://203.0.113.10:8188', JANUS_API_SECRET: 'a', JANUS_ADMIN_KEY: 'b' };
    assert.equal(loadConfig(filled).RECORDINGS_DIR, '/var/lib/vident/recordings');
    // The installed file lacks only what the operator must supply.
    assert.throws(() => loadConfig(parseEnvFile(read('etc/vident/media-node.env'))), {
      message: 'invalid media-node configuration: CONTROL_PLANE_PUBLIC_KEY: is required',
    });
  });

  test('units pass systemd-analyze verify', (t) => {
    const which = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' });
    if (which.status !== 0) {
      t.diagnostic('systemd-analyze is not installed: unit verification skipped');
      t.skip('systemd-analyze not installed');
      return;
    }
    const media = read('etc/systemd/system/vident-media-node.service');
    assert.doesNotMatch(media, /@NODE@/);
    assert.match(media, /^ExecStart=\/\S+\/node --import tsx media-node\/src\/main\.ts$/m);
    const verify = spawnSync('systemd-analyze', ['verify', ...UNITS.map((u) => at(`etc/systemd/system/${u}`))], { encoding: 'utf8' });
    // Unknown keys and bad values are only warnings on stderr: any output is a failure.
    assert.equal(verify.status, 0, verify.stderr);
    assert.equal(verify.stderr.trim(), '');
  });

  test('nft accepts the rendered firewall; it opens the media range over TCP only', () => {
    const file = at('etc/vident/nftables.conf');
    const check = spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const rules = read('etc/vident/nftables.conf');
    const range = /rtp_port_range = "(\d+-\d+)"/.exec(read('etc/vident/janus/janus.jcfg'))![1]!;
    assert.match(rules, new RegExp(`tcp dport ${range} accept`));
    assert.match(rules, new RegExp(`udp dport ${range} counter drop`));
    assert.match(rules, /tcp dport 7400 accept/);
    assert.doesNotMatch(rules, /udp[^\n]*accept|dport 8188|dport 7188/);
  });

  test('a second run keeps every secret and file; edited settings are re-rendered', () => {
    install(prefix);
    assert.deepEqual(tree(prefix), firstTree);

    const nodeEnv = at('etc/vident/node.env');
    writeFileSync(nodeEnv, setEnvValue(readFileSync(nodeEnv, 'utf8'), 'CONTROL_PLANE_SOURCES', '198.51.100.0/24, 2001:db8::/32'));
    install(prefix);
    const rules = read('etc/vident/nftables.conf');
    assert.match(rules, /tcp dport 7400 ip saddr \{ 198\.51\.100\.0\/24 \} accept/);
    assert.match(rules, /tcp dport 7400 ip6 saddr \{ 2001:db8::\/32 \} accept/);
    assert.doesNotMatch(rules, /tcp dport 7400 accept/);
    assert.equal(spawnSync('nft', ['-c', '-f', at('etc/vident/nftables.conf')]).status, 0);
    assert.equal(tree(prefix).get('etc/vident/media-node.env'), firstTree.get('etc/vident/media-node.env'), 'secrets kept');

    // Upgrading a node whose env file still points the sidecar at Janus on the public address.
    const mediaEnv = at('etc/vident/media-node.env');
    const current = readFileSync(mediaEnv, 'utf8');
    writeFileSync(mediaEnv, setEnvValue(current, 'JANUS_WS_URL', `ws://${ADDRESS}:8188`));
    install(prefix);
    assert.equal(parseEnvFile(read('etc/vident/media-node.env')).JANUS_WS_URL, 'ws://127.0.0.1:8188');
    assert.equal(read('etc/vident/media-node.env'), current, 'nothing else changed');
    assert.equal(mode(mediaEnv), '600');
  });

  test('a bad setting fails the run, naming the variable and never a value', () => {
    const nodeEnv = at('etc/vident/node.env');
    const good = readFileSync(nodeEnv, 'utf8');
    try {
      writeFileSync(nodeEnv, setEnvValue(good, 'JANUS_ADDRESS', 'not-an-address'));
      const run = spawnSync('bash', [INSTALL, '--prefix', prefix, '--no-apt', '--no-npm'], { encoding: 'utf8', timeout: 120_000 });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /JANUS_ADDRESS must be this node's IPv4 address/);
      const secrets = Object.values(parseEnvFile(read('etc/vident/media-node.env'))).filter((v) => /^[0-9a-f]{48}$/.test(v));
      for (const s of secrets) assert.ok(!run.stdout.includes(s) && !run.stderr.includes(s), 'a secret reached the output');

      // Janus's APIs on every interface are refused.
      writeFileSync(nodeEnv, setEnvValue(good, 'JANUS_API_ADDRESS', '0.0.0.0'));
      const everywhere = spawnSync('bash', [INSTALL, '--prefix', prefix, '--no-apt', '--no-npm'], { encoding: 'utf8', timeout: 120_000 });
      assert.notEqual(everywhere.status, 0);
      assert.match(everywhere.stderr, /JANUS_API_ADDRESS must be one IPv4 address of this host/);

      // A new API address with the old JANUS_WS_URL would leave the sidecar without Janus.
      writeFileSync(nodeEnv, setEnvValue(good, 'JANUS_API_ADDRESS', '10.20.30.40'));
      const moved = spawnSync('bash', [INSTALL, '--prefix', prefix, '--no-apt', '--no-npm'], { encoding: 'utf8', timeout: 120_000 });
      assert.notEqual(moved.status, 0);
      assert.match(moved.stderr, /JANUS_WS_URL must be ws:\/\/10\.20\.30\.40:8188/);
    } finally {
      writeFileSync(nodeEnv, good);
    }
  });

  test('nothing outside the prefix was touched', () => {
    assert.equal(outsideState(), outsideBefore);
    // Nor inside the checkout it installs from.
    for (const d of ['etc', 'opt', 'var']) assert.ok(!existsSync(path.join(REPO, d)), `${d}/ appeared in the checkout`);
    assert.deepEqual(readdirSync(path.join(REPO, 'infra/media-node')).filter((f) => f.endsWith('.tmp')), []);
  });
});
