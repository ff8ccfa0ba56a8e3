import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The built pages (build.mjs) list the modules of their first screen as modulepreload (issue 16).
 * The expected lists are read from the built JavaScript itself (its `import ... from "./x.js"`
 * statements), not from the esbuild metafile the build uses: a page that preloads too little, too
 * much or a stale chunk fails here.
 */

const web = fileURLToPath(new URL('.', import.meta.url));
let out = '';

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'vident-web-build-'));
  execFileSync(process.execPath, [join(web, 'build.mjs'), '--outdir', out], { cwd: web, stdio: 'pipe' });
}, 120_000);
afterAll(() => {
  if (out !== '') rmSync(out, { recursive: true, force: true });
});

/**
 * The URL paths (from /) a built module imports with static `import`/`export ... from`.
 * @param {string} url
 * @returns {string[]}
 */
function staticImports(url) {
  const code = readFileSync(join(out, url), 'utf8');
  const found = [...code.matchAll(/(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.js)"/g)].map((m) => posix.join(posix.dirname(url), m[1]));
  return [...new Set(found)];
}

/**
 * `url`'s static import graph, without `url` itself.
 * @param {string} url
 * @returns {Set<string>}
 */
function staticGraph(url) {
  const seen = new Set();
  const visit = (from) => {
    for (const next of staticImports(from)) {
      if (seen.has(next)) continue;
      seen.add(next);
      visit(next);
    }
  };
  visit(url);
  return seen;
}

/**
 * The module `url` imports with import() whose file name starts with `name`.
 * @param {string} url
 * @param {string} name
 * @returns {string}
 */
function dynamicImport(url, name) {
  const code = readFileSync(join(out, url), 'utf8');
  const paths = [...code.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+\.js)"\s*\)/g)].map((m) => posix.join(posix.dirname(url), m[1]));
  const match = paths.filter((path) => posix.basename(path).startsWith(`${name}-`));
  expect(match).toHaveLength(1);
  return match[0];
}

/**
 * The modulepreload URLs of a built page, without the leading /.
 * @param {string} page
 * @returns {string[]}
 */
function modulePreloads(page) {
  const html = readFileSync(join(out, page), 'utf8');
  return [...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)">/g)].map((m) => m[1]);
}

describe('built pages preload their first screen', () => {
  it('the call page (/ and /join) preloads app.js\'s static chunks, the call module and its static chunks, nothing else', () => {
    const callSession = dynamicImport('app.js', 'call-session');
    const expected = new Set([...staticGraph('app.js'), callSession, ...staticGraph(callSession)]);
    expected.delete('app.js');
    expect(expected.size).toBeGreaterThan(1);
    const preloads = modulePreloads('index.html');
    expect(preloads).toHaveLength(new Set(preloads).size);
    expect(new Set(preloads)).toEqual(expected);
    // Modules only some visitors import stay out of the first round.
    for (const lazy of ['agent-panels', 'demo-screen', 'desk-token-keeper']) {
      expect(preloads.some((url) => posix.basename(url).startsWith(`${lazy}-`))).toBe(false);
    }
  });

  it.each([
    ['agent.html', 'agent.js'],
    ['supervisor.html', 'supervisor.js'],
  ])('%s preloads exactly %s\'s static chunks', (page, entry) => {
    const expected = staticGraph(entry);
    expect(expected.size).toBeGreaterThan(0);
    expect(new Set(modulePreloads(page))).toEqual(expected);
  });

  it('the preload links follow the module script in <head>, which the pages\' CSP lets load (same origin)', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head.indexOf('<script type="module" src="/app.js"></script>')).toBeLessThan(head.indexOf('rel="modulepreload"'));
    const csp = /Content-Security-Policy: (.*)/.exec(readFileSync(join(out, '_headers'), 'utf8'))[1];
    expect(csp).toMatch(/script-src 'self'/);
    for (const url of modulePreloads('index.html')) expect(url.startsWith('chunks/')).toBe(true);
  });
});

describe('the pages validate with zod/mini, not zod\'s classic build', () => {
  // The protocol's schemas are written with zod/mini (docs/ARCHITECTURE.md): a page's first load holds
  // the checks it uses, not the 195 kB of the classic build. A schema or a page module that imports
  // `zod` (classic) again pulls it in, and its constructor names show in the bundle.
  it.each(['app.js', 'agent.js', 'supervisor.js'])('%s and the chunks it loads first', (entry) => {
    const modules = [entry, ...staticGraph(entry)];
    if (entry === 'app.js') {
      const callSession = dynamicImport('app.js', 'call-session');
      modules.push(callSession, ...staticGraph(callSession));
    }
    const code = modules.map((url) => readFileSync(join(out, url), 'utf8')).join('\n');
    expect(code).toContain('"ZodMiniObject"');
    expect(code).not.toContain('"ZodObject"');
    expect(code).not.toContain('"ZodString"');
  });
});
