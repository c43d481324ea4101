#!/usr/bin/env node
// The `nauthera` command. In a source checkout (harness/cli.ts beside bin/) it runs the
// TypeScript sources through tsx's loader (a devDependency), so there is no build step between
// a checkout and a run. The installed package ships no sources: it runs the compiled dist/
// (`npm run build`) and never needs tsx.
import { existsSync } from 'node:fs';

const sources = new URL('../harness/cli.ts', import.meta.url);
let cli = new URL('../dist/harness/cli.js', import.meta.url);
if (existsSync(sources)) {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    // A checkout installed without devDependencies: the build, when there is one.
  }
  if (tsx) {
    tsx.register();
    cli = sources;
  } else if (!existsSync(cli)) {
    console.error('nauthera: tsx (a devDependency) is not installed and dist/ is not built: run `npm ci`, or `npm run build`');
    process.exit(2);
  }
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
