/**
 * `npm run build`: compiles the runtime (harness, reference-server, actors, fixtures/ldap, suites) with
 * tsconfig.build.json into dist/, mirroring the source tree, with declaration files; then copies
 * beside the compiled code the files it reads at run time (JSON schemas, the
 * diagrams), in the same relative places, so `new URL('./x', import.meta.url)` and projectRoot
 * resolve the same way from dist/ as from the sources.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');

/** The compiled trees (tsconfig.build.json's include) and the data directories the code reads. */
const compiledTrees = ['harness', 'reference-server', 'actors', 'fixtures/ldap', 'suites'];
const dataTrees = ['diagrams'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Files of the compiled trees that are neither TypeScript nor documentation: read at run time. */
function isRuntimeAsset(file: string): boolean {
  return !/\.(ts|md)$/.test(file);
}

/**
 * tsc's rewriteRelativeImportExtensions misses some `import('./x.ts')` calls nested in
 * callbacks, and declaration files keep `.ts` specifiers: both become `.js` here (a `.js`
 * specifier in a .d.ts resolves to the .d.ts beside it).
 */
const relativeTsSpecifier = /(\b(?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"\n]*?)\.ts\2/g;

function rewriteSpecifiers(file: string): void {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(relativeTsSpecifier, '$1$2$3.js$2');
  if (rewritten !== text) writeFileSync(file, rewritten);
}

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error('build-dist: tsc failed');
  process.exit(compiled.status ?? 1);
}

const emitted = walk(dist).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
for (const file of emitted) rewriteSpecifiers(file);

let assets = 0;
for (const tree of compiledTrees) {
  for (const file of walk(join(root, tree)).filter(isRuntimeAsset)) {
    cpSync(file, join(dist, relative(root, file)));
    assets++;
  }
}
for (const tree of dataTrees) {
  if (!existsSync(join(root, tree))) continue;
  cpSync(join(root, tree), join(dist, tree), { recursive: true });
  assets += walk(join(root, tree)).length;
}

// mermaid's browser builds, the only part of mermaid the renderer loads (into Chromium), with its
// licence: the npm package brings 84 MB of other builds and source maps and 70 MB of Node
// dependencies (d3, cytoscape, katex, ...) that a user of nauthera would install for nothing.
const mermaidDist = dirname(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'));
const vendored = join(dist, 'vendor', 'mermaid');
for (const part of ['mermaid.min.js', 'mermaid.esm.min.mjs', 'chunks/mermaid.esm.min']) {
  cpSync(join(mermaidDist, part), join(vendored, part), { recursive: true, filter: (f) => !f.endsWith('.map') });
}
cpSync(join(dirname(mermaidDist), 'LICENSE'), join(vendored, 'LICENSE'));
assets += walk(vendored).length;

console.log(`build-dist: ${emitted.filter((f) => f.endsWith('.js')).length} modules and ${assets} assets in ${relative(process.cwd(), dist) || dist}/`);
