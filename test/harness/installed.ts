// Which client tools a test can drive, and the one rule for a missing one: in CI (CI set to
// anything but '' or 'false') every tool must be there, so the cases that need it run and fail;
// elsewhere they are skipped, and the test file says on stderr which cases and which Debian
// package would run them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARIADBD } from '../../bench/lib/targets.js';

/** Python with the Debian packages (python3-pymysql), not a pyenv one first on PATH. */
export const PYTHON = '/usr/bin/python3';

export const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

interface Tool {
  /** What to call it in a skip message. */
  readonly what: string;
  /** A command that exits 0 exactly when the tool can be used. */
  readonly check: readonly [string, ...string[]];
  /** The Debian packages that install it. */
  readonly pkg: string;
}

const TOOLS = {
  mariadb: { what: 'the mariadb client', check: ['mariadb', '--version'], pkg: 'mariadb-client' },
  'mariadb-dump': { what: 'mariadb-dump', check: ['mariadb-dump', '--version'], pkg: 'mariadb-client' },
  mariadbd: { what: 'the MariaDB server', check: [MARIADBD, '--version'], pkg: 'mariadb-server' },
  script: { what: 'script (a pseudo-terminal)', check: ['script', '--version'], pkg: 'bsdutils' },
  sysbench: { what: 'sysbench', check: ['sysbench', '--version'], pkg: 'sysbench' },
  'php-pdo': { what: 'PHP with PDO MySQL', check: ['php', '-r', 'exit(extension_loaded("pdo_mysql") ? 0 : 1);'], pkg: 'php-cli, php-mysql' },
  'php-mysqli': { what: 'PHP with mysqli', check: ['php', '-r', 'exit(extension_loaded("mysqli") ? 0 : 1);'], pkg: 'php-cli, php-mysql' },
  pymysql: { what: `PyMySQL for ${PYTHON}`, check: [PYTHON, '-c', 'import pymysql'], pkg: 'python3-pymysql' },
  // caching_sha2_password over plain TCP needs RSA from the cryptography package.
  'pymysql-sha2': { what: `PyMySQL with cryptography for ${PYTHON}`, check: [PYTHON, '-c', 'import pymysql, cryptography'], pkg: 'python3-pymysql, python3-cryptography' },
} as const satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

const found = new Map<ToolName, boolean>();

/** Whether `name` is installed here (asked once per test process). */
export function installed(name: ToolName): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    const [bin, ...args] = TOOLS[name].check;
    ok = spawnSync(bin, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
    found.set(name, ok);
  }
  return ok;
}

/**
 * Whether the cases described by `cases` run: every tool they need is installed, or this is CI
 * (where a missing tool fails them). Outside CI a missing tool is reported on stderr, e.g.
 * `cli.test.ts: SKIPPED the interactive session: needs script (a pseudo-terminal) (bsdutils)`.
 * `testFile` is the test's import.meta.url.
 */
export function canRun(testFile: string, cases: string, ...needs: ToolName[]): boolean {
  const missing = needs.filter((n) => !installed(n));
  if (missing.length === 0) return true;
  if (inCi) return true;
  const list = missing.map((n) => `${TOOLS[n].what} (${TOOLS[n].pkg})`).join(', ');
  process.stderr.write(`${path.basename(fileURLToPath(testFile))}: SKIPPED ${cases}: needs ${list}\n`);
  return false;
}
