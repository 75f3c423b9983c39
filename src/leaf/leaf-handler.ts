import { assertNever } from '../common/assert.js';
import { decodeRequest, encodeResponse, errorToWire } from '../net/codec.js';
import type { FragmentChunk, FragmentCursor, FragmentRequest, LeafApi, ModifyRequest } from '../net/leaf-api.js';
import type { FragmentMessage, LeafRequest, LeafResponse, ModifyMessage } from '../net/messages.js';
import { RefCache } from '../net/ref-cache.js';

const DONE: LeafResponse = { kind: 'done' };

/**
 * The leaf's end of the protocol: decodes each request of net/messages.ts, runs it on the leaf
 * and encodes the response, errors included (a failed request answers with a wire error, never
 * a broken connection). It keeps the cursors of open fragments by number and the plans it has
 * decoded by content hash.
 */
export class LeafMessageHandler {
  private readonly cursors = new Map<number, FragmentCursor>();
  private nextCursor = 1;
  readonly plans: RefCache;
  /** The newest partition-map version a request was routed by. */
  mapVersion = 0;

  constructor(
    private readonly leaf: LeafApi,
    opts: { readonly planCacheSize?: number } = {},
  ) {
    this.plans = new RefCache(opts.planCacheSize ?? 1024);
  }

  /** Bound, so it can be handed to a transport as it is. */
  readonly handle = async (bytes: Uint8Array): Promise<Uint8Array> => {
    const env = decodeRequest(bytes);
    if (env.mapVersion > this.mapVersion) this.mapVersion = env.mapVersion;
    let body: LeafResponse;
    try {
      body = await this.run(env.body);
    } catch (e) {
      body = { kind: 'error', error: errorToWire(e) };
    }
    return encodeResponse({ id: env.id, body });
  };

  /** Fragments still open (their aggregator has not read them to the end nor closed them). */
  get openCursors(): number {
    return this.cursors.size;
  }

  private async run(req: LeafRequest): Promise<LeafResponse> {
    const leaf = this.leaf;
    switch (req.kind) {
      case 'createDatabase':
        await leaf.createDatabase(req.db, req.partitions);
        return DONE;
      case 'dropDatabase':
        await leaf.dropDatabase(req.db);
        return DONE;
      case 'createTable':
        await leaf.createTable(req.db, req.partitions, req.schema);
        return DONE;
      case 'dropTable':
        await leaf.dropTable(req.db, req.tableId);
        return DONE;
      case 'truncateTable':
        await leaf.truncateTable(req.db, req.tableId);
        return DONE;
      case 'addIndex':
        await leaf.addIndex(req.db, req.tableId, req.index, req.opts);
        return DONE;
      case 'dropIndex':
        await leaf.dropIndex(req.db, req.tableId, req.name);
        return DONE;
      case 'tableIndexes':
        return { kind: 'indexes', indexes: await leaf.tableIndexes(req.db, req.tableId) };
      case 'rowCount':
        return { kind: 'rowCount', count: await leaf.rowCount(req.db, req.tableId) };
      case 'inventory':
        return { kind: 'inventory', databases: await leaf.inventory() };
      case 'runFragment':
        return { kind: 'batches', batches: await leaf.runFragment(this.fragmentRequest(req.req)) };
      case 'openFragment':
        return this.chunk(await leaf.openFragment(this.fragmentRequest(req.req)), null);
      case 'fragmentNext': {
        const cursor = this.cursors.get(req.cursor);
        if (cursor === undefined) throw new Error(`fragment cursor ${req.cursor} is not open on leaf ${leaf.nodeId}`);
        let chunk: FragmentChunk;
        try {
          chunk = await cursor.next();
        } catch (e) {
          this.cursors.delete(req.cursor);
          throw e;
        }
        return this.chunk(chunk, req.cursor);
      }
      case 'fragmentClose':
        // Closing what is already done (read to its end, or failed) is fine.
        this.cursors.get(req.cursor)?.close();
        this.cursors.delete(req.cursor);
        return DONE;
      case 'cancelQuery':
        await leaf.cancelQuery(req.queryId);
        return DONE;
      case 'insert': {
        const { onDuplicate, ...rest } = req.req;
        return { kind: 'inserted', result: await leaf.insert(onDuplicate === undefined ? rest : { ...rest, onDuplicate: this.plans.resolve(onDuplicate) }) };
      }
      case 'modify':
        return { kind: 'modified', result: await leaf.modify(this.modifyRequest(req.req), req.modify) };
      case 'beginTransaction':
        await leaf.beginTransaction(req.txnId, req.opts);
        return DONE;
      case 'beginStatement':
        await leaf.beginStatement(req.txnId, req.lockWaitTimeoutMs);
        return DONE;
      case 'rollbackStatement':
        await leaf.rollbackStatement(req.txnId);
        return DONE;
      case 'savepoint':
        await leaf.savepoint(req.txnId, req.name, req.action, req.lockWaitTimeoutMs);
        return DONE;
      case 'commit':
        await leaf.commit(req.txnId);
        return DONE;
      case 'rollback':
        await leaf.rollback(req.txnId);
        return DONE;
      default:
        return assertNever(req, 'leaf request');
    }
  }

  /** A chunk as a response: its rest stays here under a cursor number (the same one as it continues). */
  private chunk(chunk: FragmentChunk, cursor: number | null): LeafResponse {
    if (chunk.rest === null) {
      if (cursor !== null) this.cursors.delete(cursor);
      return { kind: 'chunk', batches: chunk.batches, cursor: null };
    }
    const id = cursor ?? this.nextCursor++;
    this.cursors.set(id, chunk.rest);
    return { kind: 'chunk', batches: chunk.batches, cursor: id };
  }

  private fragmentRequest(msg: FragmentMessage): FragmentRequest {
    return { ...msg, fragment: this.plans.resolve(msg.fragment) };
  }

  private modifyRequest(msg: ModifyMessage): ModifyRequest {
    const { program, ...rest } = msg;
    return { ...rest, ...this.plans.resolve(program) };
  }
}
