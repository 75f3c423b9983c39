import { InternalError } from '../common/assert.js';
import type { WireBatch } from '../common/ir/batch.js';
import type { PhysicalPlan } from '../common/ir/physical.js';
import { decodeResponse, encodeRequest, errorFromWire, makeRef } from './codec.js';
import type {
  ExecInputs,
  FragmentChunk,
  FragmentCursor,
  FragmentRequest,
  IndexChangeOptions,
  InsertRequest,
  InsertResult,
  LeafApi,
  LeafIndexSchema,
  LeafTableSchema,
  ModifyRequest,
  ModifyResult,
  TransactionOptions,
} from './leaf-api.js';
import type { FragmentMessage, InsertMessage, LeafRequest, LeafResponse, ModifyMessage, Ref } from './messages.js';
import type { LeafTransport } from './transport.js';

type ResponseOf<K extends LeafResponse['kind']> = Extract<LeafResponse, { kind: K }>;

/**
 * A leaf seen through messages: every LeafApi call becomes one request of messages.ts, encoded,
 * sent on the transport, and its response decoded (a wire error is thrown as the SqlError it
 * stands for). Fragment plans are encoded once per plan object and sent with their hash; the
 * leaf decodes each hash once.
 */
export class RemoteLeaf implements LeafApi {
  private nextId = 1;
  /** Fragment plans by the aggregator's own (cached) plan objects: encode each once. */
  private readonly fragments = new WeakMap<PhysicalPlan, Ref<PhysicalPlan>>();

  constructor(
    readonly nodeId: string,
    private readonly transport: LeafTransport,
    /** The partition-map version requests are routed by. */
    private readonly mapVersion: () => number,
  ) {}

  private async call<K extends LeafResponse['kind']>(body: LeafRequest, expect: K): Promise<ResponseOf<K>> {
    const id = this.nextId++;
    const reply = decodeResponse(await this.transport.request(encodeRequest({ id, mapVersion: this.mapVersion(), body })));
    if (reply.id !== id) throw new InternalError(`leaf ${this.nodeId} answered request ${reply.id}, not ${id}`);
    const res = reply.body;
    if (res.kind === 'error') throw errorFromWire(res.error);
    if (res.kind !== expect) throw new InternalError(`leaf ${this.nodeId} answered ${body.kind} with ${res.kind}`);
    return res as ResponseOf<K>;
  }

  private async done(body: LeafRequest): Promise<void> {
    await this.call(body, 'done');
  }

  private fragmentRef(plan: PhysicalPlan): Ref<PhysicalPlan> {
    let ref = this.fragments.get(plan);
    if (ref === undefined) this.fragments.set(plan, (ref = makeRef(plan)));
    return ref;
  }

  private fragmentMessage(req: FragmentRequest): FragmentMessage {
    const { fragment, ...rest } = req;
    return { ...rest, fragment: this.fragmentRef(fragment) };
  }

  createDatabase(db: string, partitions: readonly number[]): Promise<void> {
    return this.done({ kind: 'createDatabase', db, partitions });
  }

  dropDatabase(db: string): Promise<void> {
    return this.done({ kind: 'dropDatabase', db });
  }

  createTable(db: string, partitions: readonly number[], schema: LeafTableSchema): Promise<void> {
    return this.done({ kind: 'createTable', db, partitions, schema });
  }

  dropTable(db: string, tableId: number): Promise<void> {
    return this.done({ kind: 'dropTable', db, tableId });
  }

  truncateTable(db: string, tableId: number): Promise<void> {
    return this.done({ kind: 'truncateTable', db, tableId });
  }

  addIndex(db: string, tableId: number, index: LeafIndexSchema, opts: IndexChangeOptions = {}): Promise<void> {
    return this.done({ kind: 'addIndex', db, tableId, index, opts });
  }

  async tableIndexes(db: string, tableId: number): Promise<readonly LeafIndexSchema[]> {
    return (await this.call({ kind: 'tableIndexes', db, tableId }, 'indexes')).indexes;
  }

  dropIndex(db: string, tableId: number, name: string): Promise<void> {
    return this.done({ kind: 'dropIndex', db, tableId, name });
  }

  async rowCount(db: string, tableId: number): Promise<number> {
    return (await this.call({ kind: 'rowCount', db, tableId }, 'rowCount')).count;
  }

  async inventory(): Promise<readonly { readonly db: string; readonly tableIds: readonly number[] }[]> {
    return (await this.call({ kind: 'inventory' }, 'inventory')).databases;
  }

  async runFragment(req: FragmentRequest): Promise<WireBatch[]> {
    return [...(await this.call({ kind: 'runFragment', req: this.fragmentMessage(req) }, 'batches')).batches];
  }

  async openFragment(req: FragmentRequest): Promise<FragmentChunk> {
    return this.chunk(await this.call({ kind: 'openFragment', req: this.fragmentMessage(req) }, 'chunk'));
  }

  private chunk(res: ResponseOf<'chunk'>): FragmentChunk {
    return { batches: res.batches, rest: res.cursor === null ? null : new RemoteCursor(this, res.cursor) };
  }

  /** The next chunk of the leaf's cursor. */
  async fragmentNext(cursor: number): Promise<FragmentChunk> {
    return this.chunk(await this.call({ kind: 'fragmentNext', cursor }, 'chunk'));
  }

  fragmentClose(cursor: number): Promise<void> {
    return this.done({ kind: 'fragmentClose', cursor });
  }

  cancelQuery(queryId: number): Promise<void> {
    return this.done({ kind: 'cancelQuery', queryId });
  }

  async insert(req: InsertRequest): Promise<InsertResult> {
    const { onDuplicate, ...rest } = req;
    const msg: InsertMessage = onDuplicate === undefined ? rest : { ...rest, onDuplicate: makeRef(onDuplicate) };
    return (await this.call({ kind: 'insert', req: msg }, 'inserted')).result;
  }

  async modify(req: ModifyRequest, kind: 'update' | 'delete'): Promise<ModifyResult> {
    return (await this.call({ kind: 'modify', req: modifyMessage(req), modify: kind }, 'modified')).result;
  }

  beginTransaction(txnId: number, opts: TransactionOptions): Promise<void> {
    return this.done({ kind: 'beginTransaction', txnId, opts });
  }

  beginStatement(txnId: number, lockWaitTimeoutMs: number): Promise<void> {
    return this.done({ kind: 'beginStatement', txnId, lockWaitTimeoutMs });
  }

  rollbackStatement(txnId: number): Promise<void> {
    return this.done({ kind: 'rollbackStatement', txnId });
  }

  savepoint(txnId: number, name: string, action: 'set' | 'rollback' | 'release', lockWaitTimeoutMs: number): Promise<void> {
    return this.done({ kind: 'savepoint', txnId, name, action, lockWaitTimeoutMs });
  }

  commit(txnId: number): Promise<void> {
    return this.done({ kind: 'commit', txnId });
  }

  rollback(txnId: number): Promise<void> {
    return this.done({ kind: 'rollback', txnId });
  }
}

/** The per-execution part of a modify request stays inline; the statement's program goes by reference. */
function modifyMessage(req: ModifyRequest): ModifyMessage {
  const { db, partitions, tableId, access, filter, assignments, orderBy, columnNames, shardKey, strict, limit, touch, ...inputs } = req;
  const exec: ExecInputs = inputs;
  return {
    ...exec,
    db,
    partitions,
    program: makeRef({ tableId, access, filter, columnNames, shardKey, strict, ...(assignments !== undefined ? { assignments } : {}), ...(orderBy !== undefined ? { orderBy } : {}) }),
    ...(limit !== undefined ? { limit } : {}),
    ...(touch !== undefined ? { touch } : {}),
  };
}

/** The rest of a fragment, held by the leaf under `id`. */
class RemoteCursor implements FragmentCursor {
  private closed = false;

  constructor(
    private readonly leaf: RemoteLeaf,
    private readonly id: number,
  ) {}

  next(): Promise<FragmentChunk> {
    return this.leaf.fragmentNext(this.id);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Fire and forget, as the in-process close() is synchronous; a leaf that is gone has nothing to close.
    this.leaf.fragmentClose(this.id).catch(() => undefined);
  }
}
