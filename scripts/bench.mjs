// `npm run bench -- <workload> [options]`: builds first when dist/ is missing or older than the
// sources (src/ for the Tessera it may start, bench/ for the harness), then runs the harness.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The newest .ts source under dir (results, plots and notes written there don't count). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const entry = join(root, 'dist', 'bench', 'main.js');
const cli = join(root, 'dist', 'src', 'cli', 'tessera.js');
const stale = (out) => !existsSync(out) || statSync(out).mtimeMs < Math.max(newest(join(root, 'src')), newest(join(root, 'bench')));
if (stale(entry) || stale(cli)) {
  console.error('bench: building (npx tsc -p tsconfig.json)…');
  try {
    execSync('npx tsc -p tsconfig.json', { stdio: 'inherit', cwd: root });
  } catch (e) {
    if (!existsSync(entry) || !existsSync(cli)) throw e;
    console.error('bench: WARNING: the build failed; running the previous build in dist/ (its figures are of that build)');
  }
}
await import(pathToFileURL(entry).href);
