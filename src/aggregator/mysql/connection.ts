import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { SqlError, isSqlError } from '../../common/errors.js';
import { binaryRowWriter, writeBinaryResultSet } from './binary-resultset.js';
import { writeColumnDef } from './column-def.js';
import { charsetNamed, decodeText, type CharsetName } from '../../common/charset.js';
import {
  Capability, Charset, Command, SERVER_CAPABILITIES, charsetOfCollationId, collationNameOfId,
  maxBytesPerChar, resultCollationId,
} from './constants.js';
import type { AuthPluginName } from './constants.js';
import { PacketFramer, PacketTooLargeError, type Packet } from './framing.js';
import { writeEof, writeErr, writeOk, writeResultEnd, type ErrFields } from './generic-packets.js';
import { AuthFailed, authenticate, type AuthContext } from './login.js';
import { MalformedPacketError, PacketReader } from './packet-reader.js';
import { PacketWriter } from './packet-writer.js';
import {
  LAST_PREPARED_STATEMENT,
  StatementState,
  decodeExecute,
  readStatementId,
  unknownStatement,
  writePrepareOk,
} from './prepared.js';
import { isSslRequest, parseChangeUser, parseHandshakeResponse, writeHandshakeV10 } from './handshake.js';
import type { ReplySink, ResultFormat } from './reply-sink.js';
import type { RsaKeys } from './auth.js';
import { newScramble } from './auth.js';
import { ServerStatus, type AccountId, type ServerSession, type SessionFactory, type StatementResult } from './session-api.js';
import { textRowWriter, writeRowStream, writeTextResultSet } from './text-resultset.js';

/** Coalesce replies up to this size before writing to the socket. */
const SPILL_BYTES = 64 * 1024;
/** Stop reading from a client that pipelines this many unanswered packets. */
const MAX_QUEUED_PACKETS = 64;
/** How long a closed connection waits for the client to hang up before dropping it. */
const LINGER_MS = 2_000;

export interface ServerHooks {
  statistics(): string;
  /** Counts a statement for COM_STATISTICS. */
  question(): void;
}

export interface ConnectionOptions {
  readonly factory: SessionFactory;
  readonly logger: Logger;
  /** Overrides max_allowed_packet (tests); otherwise the factory's value when the connection starts. */
  readonly maxAllowedPacket?: number;
  readonly rsaKeys: RsaKeys;
  readonly authPlugin: AuthPluginName;
  readonly hooks: ServerHooks;
}

type Inbound = Packet | { readonly tooLarge: true; readonly seq: number };

/** Ends the command loop without a reply (COM_QUIT, a fatal protocol error already answered). */
const STOP = Symbol('stop');

/**
 * One client: handshake → authentication → commands, strictly one at a time in arrival
 * order. Replies are built in one PacketWriter and written with backpressure.
 */
export class ClientConnection {
  readonly id: number;
  readonly host: string;
  private readonly framer: PacketFramer;
  private readonly queue: Inbound[] = [];
  private waiter: ((p: Inbound | null) => void) | null = null;
  private socketClosed = false;
  private paused = false;
  private readonly w = new PacketWriter();
  private readonly sink: ReplySink;
  private session: ServerSession | null = null;
  private readonly statements = new Map<number, StatementState>();
  private lastStatementId = 0;
  private clientCaps = 0;
  private fmt: ResultFormat = resultFormat(false, 'utf8mb4', Charset.UTF8MB4_0900_AI_CI);
  /** character_set_client: how command text is decoded (common/charset.ts keeps every byte). */
  private clientCharset: CharsetName = 'utf8mb4';
  /** The collation id of the handshake, echoed in result metadata when it fits. */
  private handshakeCollation: number = Charset.UTF8MB4_0900_AI_CI;
  private scramble = newScramble();
  private user = '';
  private account: AccountId = { user: '', host: '' };
  /** max_allowed_packet and connect_timeout as they were when this connection started. */
  private readonly maxPacket: number;
  private readonly connectTimeoutMs: number;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
  ) {
    this.id = opts.factory.nextConnectionId();
    this.host = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    const limits = opts.factory.connectionLimits();
    this.maxPacket = opts.maxAllowedPacket ?? limits.maxAllowedPacket;
    this.connectTimeoutMs = limits.connectTimeoutMs;
    this.framer = new PacketFramer(this.maxPacket);
    this.sink = { w: this.w, spill: () => this.spill(), closed: () => this.socketClosed || this.socket.destroyed };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.wakeDrainWaiters());
    socket.on('close', () => {
      this.socketClosed = true;
      this.wakeDrainWaiters();
      this.deliver(null);
    });
    socket.on('error', (err) => opts.logger.debug({ err, conn: this.id }, 'client socket error'));
  }

  /** Runs the whole connection; resolves once the socket is gone and the session closed. */
  async run(): Promise<void> {
    try {
      if (await this.connect()) await this.commandLoop();
    } catch (err) {
      this.opts.logger.error({ err, conn: this.id }, 'mysql connection failed');
    } finally {
      await this.flush().catch(() => undefined);
      // end() flushes what is queued (a final ERR) before closing; destroy() would drop it.
      // Reading resumes so the client's FIN is seen; a client that never closes is cut off.
      this.socket.end();
      this.socket.resume();
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
      const session = this.session;
      this.session = null;
      if (session) {
        try {
          await session.close();
        } catch (err) {
          this.opts.logger.error({ err, conn: this.id }, 'session.close failed');
        }
      }
    }
  }

  /** Drops the client (KILL, server shutdown): the statement it runs stops, the socket closes. */
  kill(): void {
    this.session?.interrupt('connection');
    this.socket.destroy();
  }

  // ---- input -----------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    let packets: Packet[];
    try {
      packets = this.framer.push(chunk);
    } catch (err) {
      if (!(err instanceof PacketTooLargeError)) {
        this.opts.logger.error({ err, conn: this.id }, 'mysql framing failed');
        this.socket.destroy();
        return;
      }
      this.socket.pause();
      this.socket.removeAllListeners('data');
      this.deliver({ tooLarge: true, seq: err.seq });
      return;
    }
    for (const p of packets) this.deliver(p);
    if (this.queue.length > MAX_QUEUED_PACKETS && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private deliver(p: Inbound | null): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter(p);
    } else if (p) {
      this.queue.push(p);
    }
  }

  /** The next packet, or null once the client is gone. Sets the reply's sequence id. */
  private async next(): Promise<Packet | null> {
    let p: Inbound | null | undefined = this.queue.shift();
    if (this.paused && this.queue.length < MAX_QUEUED_PACKETS / 4) {
      this.paused = false;
      this.socket.resume();
    }
    if (!p) {
      if (this.socketClosed) return null;
      p = await new Promise<Inbound | null>((resolve) => (this.waiter = resolve));
    }
    if (!p) return null;
    this.w.seq = (p.seq + 1) & 0xff;
    if ('tooLarge' in p) {
      writeErr(this.w, errFields(new SqlError('ER_NET_PACKET_TOO_LARGE', "Got a packet bigger than 'max_allowed_packet' bytes")));
      await this.flush();
      return null;
    }
    return p;
  }

  // ---- output ----------------------------------------------------------------------------

  private spill(): Promise<void> | undefined {
    if (this.w.length < SPILL_BYTES) return undefined;
    return this.write(this.w.take());
  }

  private flush(): Promise<void> {
    if (this.w.length === 0) return Promise.resolve();
    return this.write(this.w.take()) ?? Promise.resolve();
  }

  private write(bytes: Buffer): Promise<void> | undefined {
    if (this.socketClosed || this.socket.destroyed) return undefined; // client gone: drop the reply
    if (this.socket.write(bytes)) return undefined;
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    const ws = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of ws) resolve();
  }

  // ---- connection phase ------------------------------------------------------------------

  private authContext(): AuthContext {
    return {
      factory: this.opts.factory,
      rsaKeys: this.opts.rsaKeys,
      host: this.host,
      w: this.w,
      flush: () => this.flush(),
      next: () => this.next(),
    };
  }

  private async connect(): Promise<boolean> {
    // A deadline, not an idle timer: a client trickling a byte at a time is dropped all the same.
    const deadline = setTimeout(() => {
      this.opts.logger.info({ conn: this.id, host: this.host }, 'mysql handshake timed out (connect_timeout)');
      this.socket.destroy();
    }, this.connectTimeoutMs);
    try {
      return await this.handshakeAndAuth();
    } finally {
      clearTimeout(deadline);
    }
  }

  private async handshakeAndAuth(): Promise<boolean> {
    writeHandshakeV10(this.w, {
      connectionId: this.id,
      serverVersion: this.opts.factory.serverVersion,
      scramble: this.scramble,
      capabilities: SERVER_CAPABILITIES,
      statusFlags: ServerStatus.AUTOCOMMIT,
      authPlugin: this.opts.authPlugin,
    });
    await this.flush();
    const first = await this.next();
    if (!first) return false;
    if (isSslRequest(first.payload)) return this.refuseHandshake('SSL was requested but this server does not offer it');
    let resp;
    try {
      resp = parseHandshakeResponse(first.payload);
    } catch (err) {
      if (err instanceof MalformedPacketError) return this.refuseHandshake(err.message);
      throw err;
    }
    this.clientCaps = resp.capabilities & SERVER_CAPABILITIES;
    this.user = resp.user;
    this.handshakeCollation = resp.charset;
    this.fmt = resultFormat((this.clientCaps & Capability.DEPRECATE_EOF) !== 0, 'utf8mb4', Charset.UTF8MB4_0900_AI_CI);
    try {
      this.account = (await authenticate(this.authContext(), resp.user, resp.authPlugin, resp.authResponse, this.scramble)).account;
    } catch (err) {
      if (err instanceof AuthFailed) {
        if (err.reply) await this.replyError(err.reply);
        this.opts.logger.info({ conn: this.id, user: resp.user, host: this.host, reason: err.message }, 'mysql authentication failed');
        return false;
      }
      throw err;
    }
    return this.openSession(resp.database);
  }

  private async refuseHandshake(reason: string): Promise<boolean> {
    await this.replyError(new SqlError('ER_HANDSHAKE_ERROR', 'Bad handshake'));
    this.opts.logger.info({ conn: this.id, host: this.host, reason }, 'mysql handshake failed');
    return false;
  }

  private async openSession(database: string | null): Promise<boolean> {
    try {
      this.session = await this.opts.factory.openSession({
        connectionId: this.id,
        user: this.user,
        host: this.host,
        account: this.account,
        database,
        clientFlags: this.clientCaps,
        multiStatements: (this.clientCaps & Capability.MULTI_STATEMENTS) !== 0,
        charset: handshakeCharset(this.handshakeCollation),
      });
      this.syncCharsets();
    } catch (err) {
      await this.replyError(err);
      // The client got the error; a wrong database name is the client's business, not an event
      // worth a stack trace at info level (a misconfigured pool would flood the log).
      const known = err instanceof SqlError;
      this.opts.logger[known ? 'debug' : 'warn'](
        { conn: this.id, user: this.user, host: this.host, ...(known ? { errno: err.errno, message: err.message } : { err }) },
        'mysql session could not open',
      );
      return false;
    }
    writeOk(this.w, { affectedRows: 0, insertId: 0, status: this.session.statusFlags(), warnings: 0, sessionTrack: this.sessionTrack });
    await this.flush();
    return true;
  }

  // ---- command phase ---------------------------------------------------------------------

  private async commandLoop(): Promise<void> {
    for (;;) {
      const p = await this.next();
      if (!p) return;
      let outcome: typeof STOP | undefined;
      try {
        outcome = await this.dispatch(p.payload);
      } catch (err) {
        this.w.abortPacket();
        await this.replyError(err);
        continue;
      }
      await this.flush();
      if (outcome === STOP) return;
    }
  }

  private get liveSession(): ServerSession {
    if (!this.session) throw new Error('no session');
    return this.session;
  }

  private get sessionTrack(): boolean {
    return (this.clientCaps & Capability.SESSION_TRACK) !== 0;
  }

  private status(): number {
    return this.liveSession.statusFlags() & ~ServerStatus.MORE_RESULTS_EXISTS;
  }

  private ok(r: { affectedRows?: number | bigint; insertId?: number | bigint; warnings?: number; info?: string } = {}): void {
    writeOk(this.w, {
      affectedRows: r.affectedRows ?? 0,
      insertId: r.insertId ?? 0,
      status: this.status(),
      warnings: r.warnings ?? 0,
      info: r.info,
      sessionTrack: this.sessionTrack,
    });
  }

  private async dispatch(payload: Buffer): Promise<typeof STOP | undefined> {
    if (payload.length === 0) throw new MalformedPacketError('empty command packet');
    const r = new PacketReader(payload, 1);
    const session = this.liveSession;
    const cmd = payload[0]!;
    this.syncCharsets();
    switch (cmd) {
      case Command.QUIT:
        return STOP;
      case Command.QUERY:
        this.opts.hooks.question();
        await this.query(this.text(r.rest()));
        return;
      case Command.INIT_DB:
        await session.useDatabase(this.text(r.rest()));
        this.ok();
        return;
      case Command.PING:
        this.ok();
        return;
      case Command.FIELD_LIST: {
        const table = this.text(r.nulBytes());
        const cols = await session.fieldList(table, this.text(r.rest()));
        for (const c of cols) writeColumnDef(this.w, c, this.fmt.textCharset, true, this.fmt.maxBytesPerChar);
        writeEof(this.w, this.status(), 0);
        return;
      }
      case Command.STMT_PREPARE:
        await this.prepare(this.text(r.rest()));
        return;
      case Command.STMT_EXECUTE:
        this.opts.hooks.question();
        await this.execute(r);
        return;
      case Command.STMT_SEND_LONG_DATA: {
        const stmt = this.statements.get(this.resolveStatementId(readStatementId(r)));
        const param = r.u16(); // long data is bounded by max_allowed_packet (StatementState)
        stmt?.appendLongData(param, r.rest());
        return;
      }
      case Command.STMT_CLOSE: {
        const id = this.resolveStatementId(readStatementId(r));
        if (this.statements.delete(id)) session.closeStatement(id);
        return;
      }
      case Command.STMT_RESET: {
        const id = this.resolveStatementId(readStatementId(r));
        const stmt = this.statements.get(id);
        if (!stmt) throw unknownStatement(id, 'mysqld_stmt_reset');
        stmt.clearLongData();
        session.resetStatement(id);
        this.ok();
        return;
      }
      case Command.SET_OPTION: {
        const option = r.u16();
        if (option !== 0 && option !== 1) throw new SqlError('ER_UNKNOWN_COM_ERROR', 'Unknown command');
        session.setMultiStatements(option === 0);
        writeResultEnd(this.w, this.fmt.deprecateEof, this.status(), 0);
        return;
      }
      case Command.RESET_CONNECTION:
        await session.resetConnection();
        this.statements.clear();
        this.ok();
        return;
      case Command.STATISTICS:
        this.w.begin().str(this.opts.hooks.statistics()).end();
        return;
      case Command.PROCESS_KILL: {
        const target = r.u32();
        if (target === this.id) {
          this.kill();
          return STOP;
        }
        // Through the session, so KILL of another user's thread needs the right privilege.
        await session.killConnection(target);
        this.ok();
        return;
      }
      case Command.DEBUG:
        this.ok();
        return;
      case Command.CHANGE_USER:
        return this.changeUser(r);
      default:
        throw new SqlError('ER_UNKNOWN_COM_ERROR', 'Unknown command');
    }
  }

  /** COM_QUERY: each statement's result is written as it comes (a big SELECT while it runs). */
  private async query(sql: string): Promise<void> {
    const session = this.liveSession;
    let n = 0;
    const error = await session.run(sql, async (res, more) => {
      n++;
      this.syncCharsets(); // SET NAMES in this text applies to its own results
      const status = this.status();
      await this.writeResult(res, more ? status | ServerStatus.MORE_RESULTS_EXISTS : status, false);
    });
    this.syncCharsets();
    if (error) writeErr(this.w, errFields(error));
    else if (n === 0) this.ok();
  }

  private async writeResult(res: StatementResult, status: number, binary: boolean): Promise<void> {
    switch (res.kind) {
      case 'ok':
        writeOk(this.w, { affectedRows: res.affectedRows, insertId: res.insertId, status, warnings: res.warnings, info: res.info, sessionTrack: this.sessionTrack });
        return;
      case 'rows':
        if (binary) await writeBinaryResultSet(this.sink, res.columns, res.rows, this.fmt, status, res.warnings);
        else await writeTextResultSet(this.sink, res.columns, res.rows, this.fmt, status, res.warnings);
        return;
      case 'stream':
        await writeRowStream(this.sink, res.columns, res.rows, this.fmt, status, binary ? binaryRowWriter(res.columns, this.fmt) : textRowWriter(res.columns, this.fmt));
        return;
    }
  }

  private resolveStatementId(id: number): number {
    return id === LAST_PREPARED_STATEMENT ? this.lastStatementId : id;
  }

  private async prepare(sql: string): Promise<void> {
    const info = await this.liveSession.prepare(sql);
    this.statements.set(info.statementId, new StatementState(info.statementId, info.paramCount, this.maxPacket));
    this.lastStatementId = info.statementId;
    writePrepareOk(this.sink, info, this.fmt, this.status());
  }

  private async execute(r: PacketReader): Promise<void> {
    const id = this.resolveStatementId(readStatementId(r));
    const stmt = this.statements.get(id);
    if (!stmt) throw unknownStatement(id, 'mysqld_stmt_execute');
    const req = decodeExecute(r, stmt, this.clientCharset);
    const res = await this.liveSession.execute(id, req.params);
    await this.writeResult(res, this.status(), true);
  }

  private async changeUser(r: PacketReader): Promise<typeof STOP | undefined> {
    const req = parseChangeUser(r, this.clientCaps);
    const old = this.session;
    this.session = null;
    this.statements.clear();
    if (old) await old.close();
    this.user = req.user;
    if (req.charset !== null) this.handshakeCollation = req.charset;
    try {
      // The client answered the handshake's scramble, which is still ours.
      this.account = (await authenticate(this.authContext(), req.user, req.authPlugin, req.authResponse, this.scramble)).account;
    } catch (err) {
      if (err instanceof AuthFailed) {
        if (err.reply) await this.replyError(err.reply);
        this.opts.logger.info({ conn: this.id, user: req.user, host: this.host, reason: err.message }, 'mysql change user failed');
        return STOP;
      }
      throw err;
    }
    return (await this.openSession(req.database)) ? undefined : STOP;
  }

  /** Command text (a query, a name) in character_set_client. */
  private text(bytes: Buffer): string {
    return decodeText(bytes, this.clientCharset);
  }

  /** Follows the session's character_set_client and character_set_results (SET NAMES). */
  private syncCharsets(): void {
    const session = this.session;
    if (!session) return;
    const cs = session.characterSets();
    this.clientCharset = charsetNamed(cs.client);
    // character_set_results NULL: values go as they are held, utf8mb4.
    const results = cs.results === null ? 'utf8mb4' : charsetNamed(cs.results);
    const collation = resultCollationId(results, this.handshakeCollation);
    if (results !== this.fmt.charset || collation !== this.fmt.textCharset) this.fmt = resultFormat(this.fmt.deprecateEof, results, collation);
  }

  private async replyError(err: unknown): Promise<void> {
    if (!isSqlError(err) && !(err instanceof MalformedPacketError)) {
      this.opts.logger.error({ err, conn: this.id }, 'internal error while serving a MySQL command');
    }
    writeErr(this.w, errFields(err));
    await this.flush();
  }
}

function resultFormat(deprecateEof: boolean, charset: CharsetName, textCharset: number): ResultFormat {
  return { deprecateEof, textCharset, charset, maxBytesPerChar: maxBytesPerChar(charset) };
}

/** The session charset a handshake collation id names. */
function handshakeCharset(id: number): { name: string; collation?: string } {
  const collation = collationNameOfId(id);
  return collation === undefined ? { name: charsetOfCollationId(id) } : { name: charsetOfCollationId(id), collation };
}

/** The ERR packet for anything thrown: SqlError as is, protocol mistakes as 1835, bugs as 1105. */
export function errFields(err: unknown): ErrFields {
  if (isSqlError(err)) return err;
  if (err instanceof MalformedPacketError) {
    return new SqlError('ER_MALFORMED_PACKET', `Malformed communication packet: ${err.message}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return { errno: 1105, sqlState: 'HY000', message: `Internal error: ${message}` };
}
