#!/usr/bin/env node
// The `nauthera` command. The sources are TypeScript run through tsx's loader,
// so there is no build step between a checkout and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../harness/cli.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
