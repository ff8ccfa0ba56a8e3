// The <link rel="modulepreload"> tags of the built pages, read from esbuild's metafile (issue 16).
import { posix } from 'node:path';

/**
 * The output files (paths as the metafile names them, relative to the working directory) that
 * `output` imports with `import` statements, directly or through each other: what the browser must
 * fetch before the module can run. Dynamic imports are not followed.
 * @param {import('esbuild').Metafile} metafile
 * @param {string} output
 * @returns {string[]}
 */
export function staticChunks(metafile, output) {
  const seen = new Set();
  const visit = (path) => {
    const file = metafile.outputs[path];
    if (file === undefined) throw new Error(`module-preload: ${path} is not an output of the build`);
    for (const imported of file.imports) {
      if (imported.kind !== 'import-statement' || imported.external || seen.has(imported.path)) continue;
      seen.add(imported.path);
      visit(imported.path);
    }
  };
  visit(output);
  return [...seen];
}

/**
 * The output file of `entryPoint` (a source path as the metafile names it), whether a named entry
 * or a module another one imports with import() (esbuild makes those entry points of their own).
 * @param {import('esbuild').Metafile} metafile
 * @param {string} entryPoint
 */
export function outputOf(metafile, entryPoint) {
  const found = Object.entries(metafile.outputs).find(([path, file]) => file.entryPoint === entryPoint && path.endsWith('.js'));
  if (found === undefined) throw new Error(`module-preload: no output for ${entryPoint}`);
  return found[0];
}

/**
 * The URLs a page preloads: the static chunks of its entry, then each lazily imported module the
 * page is known to import at once, with its own static chunks; the entry itself is the page's
 * script tag. `outdir` (as the metafile writes it) is served at /.
 * @param {import('esbuild').Metafile} metafile
 * @param {string} outdir
 * @param {{ entry: string, lazy?: string[] }} page source paths, as the metafile names them
 * @returns {string[]}
 */
export function preloadUrls(metafile, outdir, page) {
  const entry = outputOf(metafile, page.entry);
  const files = new Set(staticChunks(metafile, entry));
  for (const source of page.lazy ?? []) {
    const lazy = outputOf(metafile, source);
    files.add(lazy);
    for (const chunk of staticChunks(metafile, lazy)) files.add(chunk);
  }
  files.delete(entry);
  return [...files].map((file) => `/${posix.relative(outdir, file)}`);
}

/**
 * `html` with a modulepreload link for each URL right after its `<script type="module" src=script>`
 * tag: the browser then asks for every module of the first screen in one round instead of one round
 * per level of imports.
 * @param {string} html
 * @param {string} script the src of the page's module script
 * @param {string[]} urls
 */
export function addModulePreloads(html, script, urls) {
  const tag = `<script type="module" src="${script}"></script>`;
  const at = html.indexOf(tag);
  if (at === -1) throw new Error(`module-preload: the page has no ${tag}`);
  const indent = /[ \t]*$/.exec(html.slice(0, at))[0];
  const links = urls.map((url) => `\n${indent}<link rel="modulepreload" href="${url}">`).join('');
  return html.slice(0, at + tag.length) + links + html.slice(at + tag.length);
}
