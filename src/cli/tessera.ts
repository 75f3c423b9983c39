#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Engine } from '../aggregator/engine.js';
import { startMysqlServer } from '../aggregator/mysql/server.js';
import { LeafServer } from '../leaf/leaf-server.js';
import { LeafMessageHandler } from '../leaf/leaf-handler.js';
import type { LeafApi } from '../net/leaf-api.js';
import { RemoteLeaf } from '../net/remote-leaf.js';
import { LoopbackTransport } from '../net/transport.js';
import { LeafStore } from '../storage/index.js';
import { MetadataStore } from '../cluster/metadata-store.js';
import { recoverAutoIncrements, restoreLeaves } from '../aggregator/ddl.js';

const USAGE = `Usage: tessera start [options]
       tessera bench <workload> [options]   (benchmarks; tessera bench --help)

Starts a local Tessera: a MySQL-protocol aggregator with its leaves.

Options:
  --port <n>             MySQL port to listen on (default 3306; 0 picks a free one)
  --host <addr>          IP address to bind, or localhost (default 127.0.0.1); not a host name
  --data-dir <dir>       where data lives (default ./data)
  --root-password <pw>   password of root@localhost on the first start (default: none). Later starts
                         keep the stored password; a different one here is refused
  --reset-root-password  set root@localhost's password to --root-password (or none), recreating
                         root@localhost with every privilege if it was dropped
  --partitions <n>       partitions per new database (default 8)
  --durability <mode>    sync: a commit is acknowledged after its log records are fsynced (default);
                         async: acknowledged at once, fsynced within --async-flush-ms (a crash may
                         lose up to that window of acknowledged commits)
  --async-flush-ms <n>   durability=async: longest time from commit to log flush (default 50)
  --snapshot-interval <s>  seconds between background snapshots of a partition with new writes (default 300; 0 = off)
  --log-size-limit <n>   snapshot a partition once its log passes this size, e.g. 64M (default 64M; 0 = off)
  --log-level <level>    fatal, error, warn, info, debug (default info)
  --leaf-transport <t>   direct: the aggregator calls its in-process leaf (default); loopback: every
                         aggregator-leaf message is encoded and decoded as between processes (the
                         test suite's default; costs about 12 us of CPU per leaf request).
                         The environment variable TESSERA_LEAF_TRANSPORT sets the default
  -h, --help             this text
`;

/**
 * --host must be an address: a name would be resolved later, by whatever DNS says then (a
 * "127.0.0.1.example.invalid" passed a loopback check by its prefix). 'localhost' is the one name.
 */
function checkHost(host: string): { readonly address: string; readonly loopback: boolean } {
  if (host === 'localhost') return { address: '127.0.0.1', loopback: true };
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 0) {
    throw new Error(`--host must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or localhost, not '${host}'`);
  }
  const v4 = bare.replace(/^::ffff:/i, '');
  return { address: bare, loopback: bare === '::1' || (isIP(v4) === 4 && v4.startsWith('127.')) };
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3306' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: './data' },
      'root-password': { type: 'string' },
      'reset-root-password': { type: 'boolean', default: false },
      partitions: { type: 'string', default: '8' },
      'log-level': { type: 'string', default: 'info' },
      'leaf-transport': { type: 'string', default: process.env.TESSERA_LEAF_TRANSPORT ?? 'direct' },
      durability: { type: 'string', default: 'sync' },
      'async-flush-ms': { type: 'string', default: '50' },
      'snapshot-interval': { type: 'string', default: '300' },
      'log-size-limit': { type: 'string', default: '64M' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { address: host, loopback } = checkHost(values.host!);
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not '${values.port}'`);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) throw new Error(`--partitions must be a number from 1 to 1024, not '${values.partitions}'`);
  const dataDir = resolve(values['data-dir']!);
  mkdirSync(dataDir, { recursive: true });
  const durability = values.durability;
  if (durability !== 'sync' && durability !== 'async') throw new Error(`--durability must be sync or async, not '${durability}'`);
  const asyncFlushMs = Number(values['async-flush-ms']);
  if (!Number.isInteger(asyncFlushMs) || asyncFlushMs < 1 || asyncFlushMs > 60_000) throw new Error(`--async-flush-ms must be a number from 1 to 60000, not '${values['async-flush-ms']}'`);
  const snapshotInterval = Number(values['snapshot-interval']);
  if (!Number.isFinite(snapshotInterval) || snapshotInterval < 0) throw new Error(`--snapshot-interval must be a number of seconds (0 = off), not '${values['snapshot-interval']}'`);
  const sizeMatch = /^(\d+)([KMG]?)B?$/i.exec(values['log-size-limit']!);
  if (!sizeMatch) throw new Error(`--log-size-limit must be a size such as 64M or 1G (0 = off), not '${values['log-size-limit']}'`);
  const logSizeLimit = Number(sizeMatch[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[sizeMatch[2]!.toUpperCase()]!;

  const leafTransport = values['leaf-transport'];
  if (leafTransport !== 'loopback' && leafTransport !== 'direct') throw new Error(`--leaf-transport must be loopback or direct, not '${leafTransport}'`);

  // Each role logs under its own name: children of one root, so no line carries two `role` keys.
  const rootLogger = pino({ level: values['log-level'], base: null });
  const logger = rootLogger.child({ role: 'aggregator', node: 'ma-1' });
  const leafLogger = rootLogger.child({ role: 'leaf', node: 'leaf-1' });
  const store = new LeafStore({ dir: join(dataDir, 'leaf-1'), durability, asyncFlushMs, snapshotIntervalMs: snapshotInterval * 1000, logSizeLimit, logger: leafLogger });
  const leaf = new LeafServer('leaf-1', leafLogger, store);
  // Recovery comes first: nothing is served until the partitions and the catalog are back.
  await leaf.recover();
  const metadata = MetadataStore.open(join(dataDir, 'aggregator'), logger);
  let routedBy = (): number => 0;
  const leafApi: LeafApi = leafTransport === 'direct' ? leaf : new RemoteLeaf(leaf.nodeId, new LoopbackTransport(new LeafMessageHandler(leaf).handle), () => routedBy());
  const engine = new Engine({
    logger,
    leaves: [leafApi],
    partitionsPerDatabase: partitions,
    metadata,
    ...(values['root-password'] !== undefined ? { rootPassword: values['root-password'] } : {}),
    resetRootPassword: values['reset-root-password'] === true,
  });
  if (!loopback) {
    // Anyone who can reach the address can try these: refuse to serve accounts anyone may use.
    const open = engine.accountsWithoutPassword().filter((a) => a.host !== 'localhost' && !/^127\.|^::1$/.test(a.host));
    if (open.length > 0) {
      throw new Error(
        `refusing to listen on ${host}: ${open.map((a) => `'${a.user}'@'${a.host}'`).join(', ')} ha${open.length === 1 ? 's' : 've'} no password, so anyone who can reach this address could log in. ` +
          `Set passwords (ALTER USER … IDENTIFIED BY …) or lock those accounts, or bind a loopback address (--host 127.0.0.1).`,
      );
    }
  }
  routedBy = () => engine.partitionMap.version;
  await restoreLeaves(engine);
  await recoverAutoIncrements(engine);
  const server = await startMysqlServer({ host, port, factory: engine, logger });
  engine.killConnection = (id) => server.kill(id);
  logger.info({ host, port: server.port, dataDir, partitions, durability }, 'Tessera is ready');
  const userFlag = engine.lookupUser('root', '127.0.0.1')?.verifyPassword('') === false ? ' -p' : '';
  process.stdout.write(`Tessera ${engine.serverVersion} listening on ${host}:${server.port}\nConnect with: mariadb -h${host} -P${server.port} -uroot${userFlag}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      // A second signal: the operator wants out now.
      logger.warn({ signal }, 'second signal during shutdown: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: stopping statements, no new connections, closing sessions');
    // Bounded: a shutdown that hangs is ended after 10 s (the logs are flushed by then or never).
    setTimeout(() => {
      logger.error('shutdown did not finish in 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    // Running statements stop at their next check (a few ms; lock and metadata-lock waits at once),
    // so closing the sessions below does not wait for a long query to finish.
    engine.stopAllStatements();
    // Commits still waiting for a disk that stopped answering are failed after a grace period, so sessions can end.
    store.beginShutdown();
    server
      .close()
      .then(() => leaf.close())
      .then(() => metadata.close())
      .then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'start':
      return start(rest);
    case 'bench': {
      // The benchmark harness (bench/, MySQL protocol only); `tessera bench --help` lists workloads.
      const { runBench } = await import('../../bench/cli.js');
      process.exitCode = await runBench(rest);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`tessera: unknown command '${command}'\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`tessera: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
