import type { Logger } from 'pino';
import { Catalog } from '../cluster/catalog.js';
import { Accounts, type AccountDef } from '../cluster/accounts.js';
import type { MetadataStore } from '../cluster/metadata-store.js';
import type { TableDef } from '../cluster/catalog.js';
import type { LeafApi } from '../net/leaf-api.js';
import { TxnIds } from '../net/txn-ids.js';
import { SqlError } from '../common/errors.js';
import { GlobalVariables, SERVER_VERSION } from './admin/variables.js';
import type { ProcessInfo } from './admin/show.js';
import type { ConnectionInfo, ConnectionLimits, ServerSession, SessionFactory, UserCredentials } from './mysql/session-api.js';
import { LeafCursor, type PartitionMap } from './leaf-cursor.js';
import { PlanCache } from './plan-cache.js';
import { MetadataLocks } from './metadata-locks.js';
import { StatementShapes } from './statement-shapes.js';
import { Session } from './session.js';
import { credentialsOf } from './privileges/credentials.js';
import { matchAccount, sortAccounts } from './privileges/host-pattern.js';
import { initialAccounts } from './privileges/root-account.js';
import { RequirementCache, SessionPrivileges } from './privileges/session-privileges.js';

export interface EngineOptions {
  /**
   * root@localhost's password on the first start. Later starts keep the stored one: a different
   * value here is refused (the engine throws), unless `resetRootPassword` sets it.
   */
  readonly rootPassword?: string;
  readonly resetRootPassword?: boolean;
  readonly partitionsPerDatabase: number;
  readonly logger: Logger;
  readonly leaves: readonly LeafApi[];
  /** Durable catalog and auto-increment positions; without it they live in memory only. */
  readonly metadata?: MetadataStore;
  /** This aggregator's id in the cluster (default 1): the high bits of its transaction ids. */
  readonly aggregatorId?: number;
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
  readonly counters = { questions: 0, connections: 0, comSelect: 0, comInsert: 0, comUpdate: 0, comDelete: 0, parserSkipped: 0, preparedStatements: 0 };
  private nextConn = 1;
  private readonly txnIds: TxnIds;
  /** tableId → next AUTO_INCREMENT value. */
  private readonly autoInc: Map<number, bigint>;
  /** Accounts, roles and grants (durable with the catalog). */
  readonly accounts: Accounts;
  /** What each statement shape needs, for the privilege check. */
  readonly requirements = new RequirementCache();
  private sorted: { version: number; list: readonly AccountDef[] } = { version: -1, list: [] };
  /** Set by the protocol server so KILL can close a connection. */
  killConnection: (id: number) => boolean = () => false;

  constructor(readonly opts: EngineOptions) {
    this.catalog = opts.metadata?.catalog ?? new Catalog();
    this.autoInc = opts.metadata?.autoIncrements ?? new Map<number, bigint>();
    this.globals = new GlobalVariables({});
    this.accounts = opts.metadata?.accounts ?? new Accounts();
    const initial = initialAccounts(this.accounts.state, opts);
    if (initial !== this.accounts.state) this.accounts.replace(initial);
    this.txnIds = new TxnIds(opts.aggregatorId ?? 1);
    const leaves = opts.leaves;
    // Version 1: every partition's master on leaf p mod n, no replicas (the cluster issue makes it durable and changing).
    const map: PartitionMap = {
      version: 1,
      placement: (_db, p) => ({ master: leaves[p % leaves.length]!, replica: null }),
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

  /** The account a login as `user` from `host` is checked against (exact user name, host patterns). */
  lookupUser(user: string, host: string): UserCredentials | undefined {
    if (this.sorted.version !== this.accounts.version) this.sorted = { version: this.accounts.version, list: sortAccounts(this.accounts.state.accounts) };
    const def = matchAccount(this.sorted.list, user, host);
    return def === undefined ? undefined : credentialsOf(def);
  }

  /** Accounts anyone could log in to: no password, not locked (the CLI refuses them on a public address). */
  accountsWithoutPassword(): readonly AccountDef[] {
    return this.accounts.state.accounts.filter((a) => a.authString === '' && !a.locked);
  }

  connectionLimits(): ConnectionLimits {
    return {
      maxConnections: Number(this.globals.read('max_connections')),
      connectTimeoutMs: Number(this.globals.read('connect_timeout')) * 1000,
      maxAllowedPacket: Number(this.globals.read('max_allowed_packet')),
    };
  }

  /**
   * A session for a client that authenticated as `info.account`. Past max_connections only an
   * account with CONNECTION_ADMIN (or SUPER) gets in, and only one such (MySQL's rule).
   */
  async openSession(info: ConnectionInfo): Promise<ServerSession> {
    const max = this.connectionLimits().maxConnections;
    const open = [...this.sessions.values()].filter((x) => !x.internal).length;
    if (open >= max) {
      const admin = new SessionPrivileges(this, info).hasDynamicOrSuper('CONNECTION_ADMIN');
      if (!admin || open > max) throw new SqlError('ER_TOO_MANY_CONNECTIONS', 'Too many connections');
    }
    return this.registerSession(new Session(this, info), info);
  }

  /** A session of the server itself (recovery): every privilege, whatever the grant tables say. */
  async openInternalSession(): Promise<Session> {
    const id = this.nextConnectionId();
    const info: ConnectionInfo = { connectionId: id, user: 'system user', host: 'localhost', account: { user: 'system user', host: 'localhost' }, database: null, clientFlags: 0, multiStatements: false };
    return this.registerSession(new Session(this, info, { internal: true }), info);
  }

  private async registerSession(s: Session, info: ConnectionInfo): Promise<Session> {
    if (info.database) await s.useDatabase(info.database);
    this.sessions.set(info.connectionId, s);
    this.counters.connections++;
    return s;
  }

  nextConnectionId(): number {
    return this.nextConn++;
  }

  /** A transaction id no other aggregator of the cluster hands out. */
  newTxnId(): number {
    return this.txnIds.next();
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

  /**
   * KILL [QUERY | CONNECTION] id, by `by`: stops the statement it runs (and with CONNECTION closes
   * it); another user's thread needs SUPER or CONNECTION_ADMIN (1095).
   */
  kill(id: number, queryOnly: boolean, by: SessionPrivileges): void {
    const s = this.sessions.get(id);
    if (!s) throw new SqlError('ER_NO_SUCH_THREAD', `Unknown thread id: ${id}`);
    if (!by.canKillThreadOf(s.conn.user)) throw new SqlError('ER_KILL_DENIED', `You are not owner of thread ${id}`);
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
