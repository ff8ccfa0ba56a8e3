/*
 * infra/production/wrangler.production.toml stays in step with the Worker: wrangler builds it
 * (deploy --dry-run: bundling, relative paths, assets; nothing uploaded), it declares the same
 * bindings and vars as the root wrangler.toml, and every Env variable of control-plane/src/base/env.ts is
 * either declared there or listed as a secret to `wrangler secret put`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const REPO = path.resolve(import.meta.dirname, '../..');
const PRODUCTION = 'infra/production/wrangler.production.toml';
const OFFLINE = { WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false' };

const outDirs: string[] = [];

/** The binding names wrangler reports for a config (its "env.NAME ..." table), after a dry-run build. */
function bindings(config: string): string[] {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'vident-wrangler-'));
  outDirs.push(outdir);
  const run = spawnSync(path.join(REPO, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--config', config, '--outdir', outdir], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...OFFLINE },
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `wrangler deploy --dry-run --config ${config} failed:\n${run.stdout}\n${run.stderr}`);
  assert.ok(existsSync(path.join(outdir, 'index.js')), 'the Worker was bundled');
  return [...run.stdout.matchAll(/^env\.([A-Z_]+)\b/gm)].map((m) => m[1]!).sort();
}

describe('production wrangler config', () => {
  after(() => {
    for (const d of outDirs) rmSync(d, { recursive: true, force: true });
  });

  test('builds, with the same bindings and vars as the root wrangler.toml', (t) => {
    if (!existsSync(path.join(REPO, 'web/dist'))) {
      t.diagnostic('web/dist is not built (npm run build:web): the assets directory is missing');
      t.skip('web/dist not built');
      return;
    }
    const production = bindings(PRODUCTION);
    assert.deepEqual(production, bindings('wrangler.toml'));
    assert.ok(production.includes('EVIDENCE') && production.includes('SESSIONS'));
  });

  test('every Env variable of the control plane is a binding, a var or a listed secret', () => {
    const envTs = readFileSync(path.join(REPO, 'control-plane/src/base/env.ts'), 'utf8');
    const body = /export interface Env \{([\s\S]*?)\n\}/.exec(envTs)?.[1] ?? '';
    const envKeys = [...body.matchAll(/^\s+([A-Z][A-Z0-9_]*)\??:/gm)].map((m) => m[1]!);
    assert.ok(envKeys.length > 10, 'parsed the Env interface');

    const toml = readFileSync(path.join(REPO, PRODUCTION), 'utf8');
    const declared = new Set([
      ...[...toml.matchAll(/^(?:name|binding) = "([A-Z_]+)"$/gm)].map((m) => m[1]!),
      ...[...toml.matchAll(/^([A-Z][A-Z0-9_]*) = ["']/gm)].map((m) => m[1]!),
    ]);
    const secrets = new Set([...toml.matchAll(/^#\s{2,}([A-Z][A-Z0-9_]+)\s{2,}\S/gm)].map((m) => m[1]!));
    const missing = envKeys.filter((k) => !declared.has(k) && !secrets.has(k));
    assert.deepEqual(missing, [], `declare these in ${PRODUCTION} (a var, or a secret in its header comment)`);
    for (const s of secrets) assert.ok(!declared.has(s), `${s} is a secret: never a var in the file`);
    assert.deepEqual([...secrets].sort(), ['ADMIN_API_KEYS', 'BANK_API_KEYS', 'CONTROL_PLANE_SIGNING_KEY', 'EVIDENCE_SIGNING_KEY', 'TOKEN_SECRET', 'TURN_SHARED_SECRET', 'WEBHOOK_SECRET']);
  });

  test('commands to media nodes travel over https only', () => {
    const toml = readFileSync(path.join(REPO, PRODUCTION), 'utf8');
    assert.match(toml, /^ALLOW_HTTP_NODE_URLS = "false"$/m);
    assert.ok(!/NODE_SECRET/.test(toml), 'no shared node secret');
  });
});
