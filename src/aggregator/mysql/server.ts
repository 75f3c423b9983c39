import { createServer, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { generateRsaKeys } from './auth.js';
import { SqlError } from '../../common/errors.js';
import { AuthPlugin, type AuthPluginName } from './constants.js';
import { ClientConnection, errFields } from './connection.js';
import { writeErr } from './generic-packets.js';
import { PacketWriter } from './packet-writer.js';
import type { SessionFactory } from './session-api.js';

export interface MysqlServerOptions {
  readonly host: string;
  readonly port: number;
  readonly factory: SessionFactory;
  readonly logger: Logger;
  /** Largest packet a client may send; default the factory's max_allowed_packet when a client connects. */
  readonly maxAllowedPacket?: number;
  /** Plugin announced in the handshake; default mysql_native_password (what CLIs and sysbench handle best). */
  readonly authPlugin?: AuthPluginName;
}

export interface MysqlServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting, drops every client and waits for their sessions to close. */
  close(): Promise<void>;
  /** Open client connections. */
  connections(): number;
  /** Drops the client with this connection id (KILL); false when there is none. */
  kill(connectionId: number): boolean;
}

/** Starts the MySQL protocol endpoint. */
export async function startMysqlServer(opts: MysqlServerOptions): Promise<MysqlServer> {
  const rsaKeys = generateRsaKeys();
  const live = new Map<number, { conn: ClientConnection; done: Promise<void> }>();
  const started = Date.now();
  let questions = 0;

  const kill = (id: number): boolean => {
    const entry = live.get(id);
    if (!entry) return false;
    entry.conn.kill();
    return true;
  };
  const hooks = {
    statistics: (): string => {
      const uptime = Math.max(1, Math.floor((Date.now() - started) / 1000));
      return (
        `Uptime: ${uptime}  Threads: ${live.size}  Questions: ${questions}  Slow queries: 0  Opens: 0  ` +
        `Flush tables: 0  Open tables: 0  Queries per second avg: ${(questions / uptime).toFixed(3)}`
      );
    },
    question: (): void => {
      questions++;
    },
  };

  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // max_connections counts clients still logging in too; one more is let through for an
    // administrator (the engine refuses it after login to anyone without CONNECTION_ADMIN).
    if (live.size > opts.factory.connectionLimits().maxConnections) {
      refuse(socket, new SqlError('ER_TOO_MANY_CONNECTIONS', 'Too many connections'));
      return;
    }
    let conn: ClientConnection;
    try {
      conn = new ClientConnection(socket, {
        factory: opts.factory,
        logger: opts.logger,
        ...(opts.maxAllowedPacket !== undefined ? { maxAllowedPacket: opts.maxAllowedPacket } : {}),
        rsaKeys,
        authPlugin: opts.authPlugin ?? AuthPlugin.NATIVE,
        hooks,
      });
    } catch (err) {
      opts.logger.error({ err }, 'could not set up a MySQL connection');
      socket.destroy();
      return;
    }
    const done = conn.run().finally(() => live.delete(conn.id));
    live.set(conn.id, { conn, done });
  };

  const server = createServer({ noDelay: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => opts.logger.error({ err }, 'mysql listener error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    port,
    connections: () => live.size,
    kill,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const pending = [...live.values()];
      for (const { conn } of pending) conn.kill();
      await Promise.all(pending.map((e) => e.done));
      for (const s of sockets) s.destroy(); // lingering half-closed ones too

      await closed;
    },
  };
}

/** Answers a connection with one ERR packet in place of the handshake (as MySQL does for 1040) and closes it. */
function refuse(socket: Socket, err: SqlError): void {
  const w = new PacketWriter();
  writeErr(w, errFields(err));
  socket.on('error', () => undefined);
  socket.end(w.take());
  setTimeout(() => socket.destroy(), 2_000).unref();
}
