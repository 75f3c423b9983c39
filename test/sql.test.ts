// Runs every test/sql/**/*.test file through the sqllogictest runner, one `it` per file,
// against one Tessera started from dist/ (or the server named by TESSERA_TARGET).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { findTestFiles } from './harness/conformance.js';
import { startTargetOrTessera, parseTarget, type TesseraServer, type TargetAddress } from './harness/server.js';
import { detectEngines, formatFailures, runSltFile } from './harness/slt.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sqlDir = path.join(here, 'sql');
const files = findTestFiles([sqlDir]);

describe('sql semantics (test/sql)', () => {
  let server: TesseraServer | undefined;
  let target: TargetAddress;
  let engines: string[] = ['mysql'];

  beforeAll(async () => {
    server = await startTargetOrTessera();
    target = parseTarget(server.url);
    engines = await detectEngines(target);
  });

  afterAll(async () => {
    await server?.stop();
  });

  for (const file of files) {
    const rel = path.relative(here, file);
    it(rel, async () => {
      const res = await runSltFile(file, { target, engines, timeoutMs: 30_000 });
      if (res.fatal !== undefined || res.failed > 0) {
        throw new Error(`${res.failed} of ${res.passed + res.failed} records failed in ${rel}\n${formatFailures(res, 20)}`);
      }
    }, 120_000);
  }
});
