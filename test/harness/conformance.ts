// npm run conformance -- <dir or files…> [--target mysql://…] [--verbose] [--max-failures-shown N]
//                        [--timeout-ms N] [--complete] [--engine NAME]
// Runs sqllogictest files and reports the pass rate. Exit 0 even when records fail; non-zero
// only when the run itself could not happen.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectEngines, formatFailures, runSltFile, type FileResult } from './slt.js';
import { parseTarget, serverForUrl, startTessera, type TesseraServer } from './server.js';

interface Args {
  paths: string[];
  target?: string;
  verbose: boolean;
  maxFailuresShown: number;
  timeoutMs: number;
  complete: boolean;
  engines: string[];
}

const USAGE =
  'usage: conformance <dir or files…> [--target mysql://user:pass@127.0.0.1:port] [--verbose] ' +
  '[--max-failures-shown N] [--timeout-ms N] [--complete] [--engine NAME]';

export function parseArgs(argv: string[]): Args {
  const args: Args = { paths: [], verbose: false, maxFailuresShown: 3, timeoutMs: 30_000, complete: false, engines: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--target') args.target = value();
    else if (a.startsWith('--target=')) args.target = a.slice('--target='.length);
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--max-failures-shown') args.maxFailuresShown = Number(value());
    else if (a === '--timeout-ms') args.timeoutMs = Number(value());
    else if (a === '--complete') args.complete = true;
    else if (a === '--engine') args.engines.push(value().toLowerCase());
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.paths.push(a);
  }
  if (args.paths.length === 0) throw new Error(USAGE);
  if (!Number.isFinite(args.maxFailuresShown) || args.maxFailuresShown < 0) throw new Error('--max-failures-shown must be >= 0');
  if (!Number.isFinite(args.timeoutMs) || args.timeoutMs <= 0) throw new Error('--timeout-ms must be > 0');
  return args;
}

/** *.test files under the given files/directories, sorted, recursively. */
export function findTestFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, depth: number): void => {
    if (depth > 32) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        if (e.startsWith('.') || e === 'node_modules') continue;
        walk(path.join(p, e), depth + 1);
      }
    } else if (depth === 0 || p.endsWith('.test')) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, 0);
  return [...new Set(out)];
}

/** Engines a target answers to: both mysql and tessera for Tessera, mysql for anything else. */
export function enginesFor(isTessera: boolean): string[] {
  return isTessera ? ['mysql', 'tessera'] : ['mysql'];
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write((e as Error).message + '\n');
    return 2;
  }
  let files: string[];
  try {
    files = findTestFiles(args.paths);
  } catch (e) {
    process.stderr.write(`conformance: ${(e as Error).message}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write('conformance: no *.test files found\n');
    return 2;
  }
  let server: TesseraServer;
  try {
    server = args.target !== undefined ? serverForUrl(args.target) : await startTessera();
  } catch (e) {
    process.stderr.write(`conformance: could not start or reach the server: ${(e as Error).message}\n`);
    return 2;
  }
  const target = args.target !== undefined ? parseTarget(args.target) : { host: server.host, port: server.port, user: 'root', password: '' };
  let engines = args.engines;
  if (engines.length === 0) {
    try {
      engines = args.target === undefined ? enginesFor(true) : await detectEngines(target);
    } catch (e) {
      await server.stop();
      process.stderr.write(`conformance: could not reach ${server.url}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const started = Date.now();
  let passed = 0;
  let total = 0;
  let fatalFiles = 0;
  const results: FileResult[] = [];
  try {
    for (const file of files) {
      const res = await runSltFile(file, { target, engines, timeoutMs: args.timeoutMs, complete: args.complete });
      results.push(res);
      passed += res.passed;
      total += res.passed + res.failed;
      if (res.fatal !== undefined) fatalFiles++;
      const secs = (res.durationMs / 1000).toFixed(2);
      const status = res.fatal !== undefined ? `ERROR ${res.fatal}` : `${res.passed}/${res.passed + res.failed}`;
      process.stdout.write(`${file}: ${status} (${secs} s)\n`);
      if (res.failed > 0 || res.fatal !== undefined) {
        const shown = formatFailures(res, args.verbose ? Infinity : args.maxFailuresShown);
        if (shown !== '') process.stdout.write(shown + '\n');
      }
    }
  } finally {
    await server.stop();
  }
  const pct = total === 0 ? 0 : (100 * passed) / total;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`conformance: ${passed} of ${total} records passed (${pct.toFixed(1)}%) in ${files.length} files, ${secs} s\n`);
  if (fatalFiles === files.length) return 1;
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`conformance: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
