// `npm start` builds first when dist/ is missing or older than the sources.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const out = 'dist/src/cli/tessera.js';
if (!existsSync(out) || statSync(out).mtimeMs < newest('src')) {
  console.error('tessera: building (npm run build)…');
  execSync('npx tsc -p tsconfig.json', { stdio: 'inherit' });
}
