import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Catalog } from '../cluster/catalog.js';
import type { MetadataStore } from '../cluster/metadata-store.js';
import type { TableDef } from '../cluster/catalog.js';
import type { LeafApi } from '../net/leaf-api.js';
import { SqlError } from '../common/errors.js';
import { GlobalVariables, SERVER_VERSION } from './admin/variables.js';
import type { ProcessInfo } from './admin/show.js';
import type { ConnectionInfo, ServerSession, SessionFactory, UserCredentials } from './mysql/session-api.js';
import { LeafCursor, type PartitionMap } from './leaf-cursor.js';
import { PlanCache } from './plan-cache.js';
import { MetadataLocks } from './metadata-locks.js';
import { StatementShapes } from './statement-shapes.js';
import { Session } from './session.js';

export interface EngineOptions {
  readonly rootPassword?: string;
  readonly partitionsPerDatabase: number;
  readonly logger: Logger;
  readonly leaves: readonly LeafApi[];
  /** Durable catalog and auto-increment positions; without it they live in memory only. */
  readonly metadata?: MetadataStore;
}

/** Accounts: root with the configured password; any other name with an empty password (sysbench's sbtest). */
function credentials(password: string | undefined): UserCredentials {
  if (!password) return { verifyPassword: (p) => p === '' };
  const sha1 = (b: Uint8Array | string): Buffer => createHash('sha1').update(b).digest();
  const sha256 = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest();
  return {
    nativeHash: sha1(sha1(password)),
    sha2Hash: sha256(sha256(password)),
    verifyPassword: (p) => p === password,
  };
}

/**
 * The master aggregator's engine: catalog, partition map, auto-increment counters, the plan
 * cache and the sessions. One per aggregator process.
 */
export class Engine implements SessionFactory {
  readonly serverVersion = SERVER_VERSION;
  readonly catalog: Catalog;
  readonly globals: GlobalVariables;
  readonly cursor: LeafCursor;
  readonly planCache = new PlanCache(4096);
  /** Metadata locks: DDL waits for statements and transactions using its tables, and they for it. */
  readonly mdl = new MetadataLocks();
  /** ASTs and locked tables of statement shapes seen before. */
  readonly shapes = new StatementShapes();
  readonly sessions = new Map<number, Session>();
  readonly startedAt = Date.now();
  readonly counters = { questions: 0, connections: 0, comSelect: 0, comInsert: 0, comUpdate: 0, comDelete: 0, parserSkipped: 0 };
  private nextConn = 1;
  private nextTxn = 1;
  /** tableId → next AUTO_INCREMENT value. */
  private readonly autoInc: Map<number, bigint>;
  private readonly root: UserCredentials;
  private readonly anyUser = credentials(undefined);
  /** Set by the protocol server so KILL can close a connection. */
  killConnection: (id: number) => boolean = () => false;

  constructor(readonly opts: EngineOptions) {
    this.catalog = opts.metadata?.catalog ?? new Catalog();
    this.autoInc = opts.metadata?.autoIncrements ?? new Map<number, bigint>();
    this.globals = new GlobalVariables({});
    this.root = credentials(opts.rootPassword);
    const leaves = opts.leaves;
    const map: PartitionMap = {
      leafFor: (_db, p) => leaves[p % leaves.length]!,
      leaves: () => leaves,
    };
    this.partitionMap = map;
    this.cursor = new LeafCursor(this.catalog, map);
  }

  readonly partitionMap: PartitionMap;

  get log(): Logger {
    return this.opts.logger;
  }

  lookupUser(user: string, _host: string): UserCredentials | undefined {
    if (user === 'root') return this.root;
    return this.anyUser;
  }

  async openSession(info: ConnectionInfo): Promise<ServerSession> {
    const s = new Session(this, info);
    if (info.database) await s.useDatabase(info.database);
    this.sessions.set(info.connectionId, s);
    this.counters.connections++;
    return s;
  }

  nextConnectionId(): number {
    return this.nextConn++;
  }

  newTxnId(): number {
    return this.nextTxn++;
  }

  closed(id: number): void {
    this.sessions.delete(id);
  }

  /** Partitions of a database that a leaf hosts. */
  partitionsOn(leaf: LeafApi, partitions: number, db: string): number[] {
    return [...Array(partitions).keys()].filter((p) => this.partitionMap.leafFor(db, p) === leaf);
  }

  // ───────────────────────────── auto-increment ─────────────────────────────

  setAutoIncrement(tableId: number, next: bigint): void {
    this.autoInc.set(tableId, next);
    this.opts.metadata?.setAutoIncrement(tableId, next);
  }

  nextAutoIncrement(t: TableDef): bigint {
    return this.autoInc.get(t.id) ?? 1n;
  }

  /** Takes `count` consecutive ids. */
  takeAutoIncrement(t: TableDef, count: number): bigint {
    const first = this.nextAutoIncrement(t);
    this.autoInc.set(t.id, first + BigInt(count));
    return first;
  }

  /** An explicit value at or past the counter moves it (MySQL keeps ids increasing). */
  observeAutoIncrement(t: TableDef, v: bigint): void {
    if (v >= this.nextAutoIncrement(t)) this.autoInc.set(t.id, v + 1n);
  }

  processList(): ProcessInfo[] {
    return [...this.sessions.values()].map((s) => s.processInfo());
  }

  /** KILL [QUERY | CONNECTION] id: stops the statement it runs (and with CONNECTION closes it). */
  kill(id: number, queryOnly: boolean): void {
    const s = this.sessions.get(id);
    if (!s) throw new SqlError('ER_NO_SUCH_THREAD', `Unknown thread id: ${id}`);
    if (queryOnly) {
      s.interrupt('query');
      return;
    }
    s.interrupt('connection');
    this.killConnection(id);
  }

  /** Server shutdown: every running statement stops at its next check (within a slice or a lock wait). */
  stopAllStatements(): void {
    for (const s of this.sessions.values()) s.interrupt('shutdown');
  }
}
