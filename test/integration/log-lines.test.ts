// The server's log is one JSON object per line, and each line names the one role that wrote it:
// the leaf's lines once carried the aggregator's `role` and `node` as well (a child logger of the
// aggregator's), so a line held two `role` keys and a log reader saw whichever came last.
import { afterEach, describe, expect, it } from 'vitest';
import { connectTo, startLogged, stopAll, tempDir } from '../harness/process.js';

afterEach(stopAll);

/** How often `"key":` opens a member at the top level of a JSON line (pino writes no spaces). */
function keyCount(line: string, key: string): number {
  return line.split(`"${key}":`).length - 1;
}

describe('log lines', () => {
  it('name exactly one role and node each, the leaf its own', async () => {
    const p = await startLogged(tempDir('tessera-log-'));
    const c = await connectTo(p);
    await c.query('CREATE DATABASE d');
    await c.query('CREATE TABLE d.t (id INT PRIMARY KEY)');
    await c.end();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const lines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) {
      expect(keyCount(l, 'role'), l).toBe(1);
      expect(keyCount(l, 'node'), l).toBe(1);
    }
    const parsed = lines.map((l) => JSON.parse(l) as { role: string; node: string; msg: string });
    expect(parsed.find((l) => l.msg === 'Tessera is ready')).toMatchObject({ role: 'aggregator', node: 'ma-1' });
    expect(parsed.find((l) => l.msg === 'transaction logs flushed and closed')).toMatchObject({ role: 'leaf', node: 'leaf-1' });
  }, 60_000);
});
