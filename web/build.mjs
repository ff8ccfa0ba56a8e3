// Bundles the page into web/dist (served by the Worker as static assets).
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addModulePreloads, preloadUrls } from './module-preload.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
// `node build.mjs --outdir <dir>` builds elsewhere (the build's own test, module-preload.test.ts,
// builds into a temporary directory and leaves web/dist to the running stack).
const outdirArg = process.argv.indexOf('--outdir');
const dist = outdirArg === -1 ? join(root, 'dist') : resolve(process.argv[outdirArg + 1]);

/**
 * tesseract.js's files, served by the Worker from this origin (src/document/ocr-engine.ts points
 * workerPath, corePath and langPath here; nothing comes from a CDN): its worker script, the LSTM
 * cores with their wasm inlined (relaxed SIMD, SIMD, plain: the worker loads the one the browser
 * runs, ~3.8 MB) and the Korean and English LSTM (best_int) traineddata, gzipped as the packages ship
 * them. Every file stays far below Workers static assets' 25 MiB limit.
 */
async function copyTesseract(to) {
  const require = createRequire(join(root, 'package.json'));
  const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));
  const files = [
    [join(packageDir('tesseract.js'), 'dist/worker.min.js'), 'worker.min.js'],
    ...['relaxedsimd-lstm', 'simd-lstm', 'lstm'].map((core) => [
      join(packageDir('tesseract.js-core'), `tesseract-core-${core}.wasm.js`),
      `core/tesseract-core-${core}.wasm.js`,
    ]),
    ...['kor', 'eng'].map((lang) => [
      join(packageDir(`@tesseract.js-data/${lang}`), `4.0.0_best_int/${lang}.traineddata.gz`),
      `lang/${lang}.traineddata.gz`,
    ]),
  ];
  await mkdir(join(to, 'core'), { recursive: true });
  await mkdir(join(to, 'lang'), { recursive: true });
  for (const [from, name] of files) await cp(from, join(to, name));
}

/** The Human models face match uses (src/face/face-worker.ts turns every other module off). */
const HUMAN_MODELS = ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness'];

/**
 * Face match's files, served by the Worker from this origin (src/face/face-worker.ts points Human's
 * modelBasePath and wasmPath here; nothing comes from a CDN or a model hub): the five models it runs
 * (graph .json + weights .bin, ~11 MB) and tfjs's wasm backend binaries (plain, SIMD and threaded
 * SIMD: the backend fetches the one the browser runs, SIMD on today's browsers, ~0.4 MB).
 */
async function copyHuman(humanTo, tfjsTo) {
  const require = createRequire(join(root, 'package.json'));
  const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));
  // Human's exports map has no ./package.json: its main file is dist/human.node.js.
  const models = join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
  await mkdir(join(humanTo, 'models'), { recursive: true });
  for (const model of HUMAN_MODELS) {
    for (const ext of ['json', 'bin']) await cp(join(models, `${model}.${ext}`), join(humanTo, 'models', `${model}.${ext}`));
  }
  const wasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  await mkdir(tfjsTo, { recursive: true });
  for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    await cp(join(wasm, name), join(tfjsTo, name));
  }
}

/**
 * The API reference page's renderer (/docs, public/docs.html): swagger-ui-dist's prebuilt bundle and
 * stylesheet, served from this origin (no CDN), with its licence and notice (Apache-2.0).
 */
async function copySwaggerUi(to) {
  const require = createRequire(join(root, 'package.json'));
  const packageDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  await mkdir(to, { recursive: true });
  for (const name of ['swagger-ui-bundle.js', 'swagger-ui-bundle.js.map', 'swagger-ui.css', 'swagger-ui.css.map', 'LICENSE', 'NOTICE']) {
    await cp(join(packageDir, name), join(to, name));
  }
}

/**
 * Each page's <head> lists the modules of its first screen as modulepreload (issue 16): without
 * them the browser finds them one level of imports at a time (the page, app.js, its chunks, the
 * call's module, its chunks), one request round each. Read from the metafile, never kept by hand.
 * The call page (/ and /join) also preloads the call's module (call-session.ts, imported with
 * import() as soon as a join link is read) and its chunks; not the agent's panels, the demo screen
 * or the desk token keeper, which only some of its visitors import. Same-origin scripts: the
 * pages' CSP (public/_headers, script-src 'self') covers preloads as it covers the modules.
 */
async function addPagePreloads(metafile) {
  // The metafile names files relative to the working directory.
  const outdir = relative(process.cwd(), dist).split('\\').join('/');
  const source = (path) => relative(process.cwd(), join(root, path)).split('\\').join('/');
  const pageEntries = [
    { html: 'index.html', script: '/app.js', entry: source('src/call-page.ts'), lazy: [source('src/call-session.ts')] },
    { html: 'agent.html', script: '/agent.js', entry: source('src/desk-page.ts') },
    { html: 'supervisor.html', script: '/supervisor.js', entry: source('src/supervisor-page.ts') },
  ];
  for (const page of pageEntries) {
    const file = join(dist, page.html);
    const html = await readFile(file, 'utf8');
    await writeFile(file, addModulePreloads(html, page.script, preloadUrls(metafile, outdir, page)));
  }
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
/** What every bundle shares: ES modules for today's browsers, minified, with source maps. */
const common = {
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  // The pages' Korean and Chinese texts as UTF-8, not \uXXXX escapes (module scripts are always
  // decoded as UTF-8): the call page's text chunk is about half as large (issue 16: a small first load).
  charset: 'utf8',
  logLevel: 'warning',
  // protocol/package.json says `"sideEffects": false`: its modules only define schemas and
  // functions, so a bundle keeps only those whose exports it uses. esbuild cannot tell by itself (a
  // top-level `z.object(...)` is a call), and without it the call page's first bundle built every
  // message of every API instead of the handful of schemas it reads (issue 16).
};
// One bundle per page, each from the entry file named for its page: the call page of both roles
// with the demo and landing screens (/ and /join: call-page.ts -> app.js), the agents' desk
// (/agent: desk-page.ts -> agent.js) and the supervisor's view (/supervisor: supervisor-page.ts ->
// supervisor.js). The bundle names are the URLs the html files load, so they stay as they are.
// Code splitting: what a page imports with import() (the agent's in-call tools, agent-panels.ts)
// is a chunk of its own under chunks/, out of the page's first download, and code that several
// bundles share is one chunk the browser fetches once (issue 16: a small first bundle).
const pages = await build({
  ...common,
  metafile: true,
  entryPoints: {
    app: join(root, 'src/call-page.ts'),
    agent: join(root, 'src/desk-page.ts'),
    supervisor: join(root, 'src/supervisor-page.ts'),
    // Document reading (tesseract.js and the field readers): imported by the agent's page with
    // import() when a document is read, never part of its first load.
    'document-ocr': join(root, 'src/document-ocr.ts'),
    // Face match: the page's part (engine, result rules), imported with import() when faces are
    // compared.
    'face-match': join(root, 'src/face-match.ts'),
  },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// The module worker face match starts (Human + tfjs, ~2 MB), never on the page's thread: one file,
// apart from the pages' chunks.
await build({ ...common, entryPoints: { 'face-worker': join(root, 'src/face/face-worker.ts') } });
await cp(join(root, 'public'), dist, { recursive: true });
await addPagePreloads(pages.metafile);
await copyTesseract(join(dist, 'vendor/tesseract'));
await copySwaggerUi(join(dist, 'vendor/swagger-ui'));
await copyHuman(join(dist, 'vendor/human'), join(dist, 'vendor/tfjs'));
console.log(`web: built ${dist}`);
