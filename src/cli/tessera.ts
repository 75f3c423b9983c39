#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Engine } from '../aggregator/engine.js';
import { startMysqlServer } from '../aggregator/mysql/server.js';
import { LeafServer } from '../leaf/leaf-server.js';

const USAGE = `Usage: tessera start [options]
       tessera bench <workload> [options]   (benchmarks; tessera bench --help)

Starts a local Tessera: a MySQL-protocol aggregator with its leaves.

Options:
  --port <n>             MySQL port to listen on (default 3306; 0 picks a free one)
  --host <addr>          address to bind (default 127.0.0.1)
  --data-dir <dir>       where data lives (default ./data)
  --root-password <pw>   password of the root account (default: none; loopback only)
  --partitions <n>       partitions per new database (default 8)
  --log-level <level>    fatal, error, warn, info, debug (default info)
  -h, --help             this text
`;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3306' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: './data' },
      'root-password': { type: 'string' },
      partitions: { type: 'string', default: '8' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const host = values.host!;
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not '${values.port}'`);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) throw new Error(`--partitions must be a number from 1 to 1024, not '${values.partitions}'`);
  if (!isLoopback(host) && !values['root-password']) {
    throw new Error(
      `refusing to listen on ${host} without a root password: anyone who can reach this address could connect as root. ` +
        `Pass --root-password <pw>, or bind a loopback address (--host 127.0.0.1).`,
    );
  }
  const dataDir = resolve(values['data-dir']!);
  mkdirSync(dataDir, { recursive: true });

  const logger = pino({ level: values['log-level'], base: { role: 'aggregator', node: 'ma-1' } });
  const leaf = new LeafServer('leaf-1', logger.child({ role: 'leaf', node: 'leaf-1' }));
  const engine = new Engine({ logger, leaves: [leaf], partitionsPerDatabase: partitions, ...(values['root-password'] ? { rootPassword: values['root-password'] } : {}) });
  const server = await startMysqlServer({ host, port, factory: engine, logger });
  engine.killConnection = (id) => server.kill(id);
  logger.info({ host, port: server.port, dataDir, partitions }, 'Tessera is ready');
  const userFlag = values['root-password'] ? ' -p' : '';
  process.stdout.write(`Tessera ${engine.serverVersion} listening on ${host}:${server.port}\nConnect with: mariadb -h${host} -P${server.port} -uroot${userFlag}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, closing sessions');
    server.close().then(
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
