#!/usr/bin/env node
// Entry point of `npm run bench` (scripts/bench.mjs builds, then runs dist/bench/main.js).
import { runBench } from './cli.js';

runBench(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
