// Several client connections on one fresh database of a target (a Tessera started for the test,
// or the server named by TESSERA_TARGET), for tests of what happens between connections: locks,
// waits, DDL against concurrent users. Every wait is bounded; close() leaves nothing behind.
import mysql from 'mysql2/promise';
import { parseTarget, startTargetOrTessera, type TargetAddress, type TesseraServer } from './server.js';

export class TestClients {
  private readonly opened: mysql.Connection[] = [];

  private constructor(
    private readonly server: TesseraServer,
    /** Where the target listens and who logs in (for a client in another process). */
    readonly target: TargetAddress,
    readonly db: string,
    /** The target is Tessera (not a MySQL-protocol peer such as MariaDB). */
    readonly isTessera: boolean,
  ) {}

  /** Starts (or names) the target and gives it an empty database `db`. */
  static async open(db: string): Promise<TestClients> {
    const server = await startTargetOrTessera();
    const target = parseTarget(server.url);
    const admin = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
    try {
      const [v] = await admin.query('SELECT @@version_comment AS c');
      const isTessera = /tessera/i.test(String((v as { c: string }[])[0]?.c));
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.query(`CREATE DATABASE ${db}`);
      return new TestClients(server, target, db, isTessera);
    } finally {
      await admin.end();
    }
  }

  /** A new connection to the test database. */
  async connect(extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
    const t = this.target;
    const c = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: this.db, connectTimeout: 10_000, ...extra });
    c.on('error', () => {
      // reported through the pending call
    });
    this.opened.push(c);
    return c;
  }

  /** Drops every connection made so far (their open transactions roll back). */
  disconnectAll(): void {
    for (const c of this.opened.splice(0)) c.destroy();
  }

  /** Disconnects, drops the test database and stops the server if the test started it. */
  async close(): Promise<void> {
    this.disconnectAll();
    try {
      const t = this.target;
      const admin = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
      await admin.query(`DROP DATABASE IF EXISTS ${this.db}`);
      await admin.end();
    } catch {
      // the server may already be gone
    }
    await this.server.stop();
  }
}

/** Resolves to 'done' or 'pending' after `ms`: whether a statement is still waiting (for a lock). */
export function stateAfter(p: Promise<unknown>, ms: number): Promise<'done' | 'pending'> {
  return Promise.race([p.then(() => 'done' as const, () => 'done' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

/** The MySQL error number a statement fails with, or undefined when it succeeds. */
export async function errnoOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
}

/** The MySQL error number and SQLSTATE a statement fails with; [undefined, undefined] when it succeeds. */
export async function failure(p: Promise<unknown>): Promise<[number | undefined, string | undefined]> {
  try {
    await p;
    return [undefined, undefined];
  } catch (e) {
    const err = e as { errno?: number; sqlState?: string };
    return [err.errno, err.sqlState];
  }
}
