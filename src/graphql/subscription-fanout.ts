import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  print,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
} from 'graphql';
import { committedIn, type OutboxDispatcher, type Snapshot } from '../events/dispatcher.js';
import { comparePositions, encodeEventCursor, positionOf, type DomainEvent, type Position } from '../events/outbox.js';

/**
 * Subscription fan-out: an event is resolved once per distinct (operation document, operation
 * name, variables, access scope) and the one ExecutionResult goes to every subscriber with that
 * key, each through its own bounded queue.
 *
 * How a shared stream is fed: the subscription resolvers build their event source with
 * `context.hub.dispatcher.stream(accept, after)`. The shared execution runs on a context whose
 * dispatcher is a view (see `sharedContext`) that registers `accept` as a plain dispatcher
 * listener — every accepted event dispatched from then on, no snapshot filter, no replay. Each
 * member applies its own start: a live-only member skips what had committed when its own
 * snapshot was taken (taken after it joined, as `replayThenLive` does), a member with `after`
 * replays privately through the real dispatcher until its replay reaches an event the shared
 * stream also holds, then continues on the shared stream (`after` is left out of the key).
 */
export interface FanoutOptions {
  schema: ExecutionArgs['schema'];
  dispatcher: OutboxDispatcher;
  /**
   * Whatever of the viewer a resolution can depend on (role, partner...). Members share an
   * execution only within one scope.
   */
  scopeOf(context: unknown): string;
  /** A context for the shared execution, like the member's but reading events through `dispatcher`. */
  sharedContext(memberContext: unknown, dispatcher: OutboxDispatcher): unknown;
  /** `pg_current_snapshot()` now. */
  snapshot(): Promise<Snapshot>;
  /** The root-field argument that resumes after a cursor (`after`): left out of the key. */
  resumeArgument: string;
  /** Events a member may have waiting before it is ended as behind. */
  maxQueue: number;
  /** Told when a member is ended for falling behind (for logs and metrics). */
  onBehind?(info: { key: string; queued: number; resumeAfter: string | null }): void;
}

/** The `extensions.code` of the error that ends a subscriber that fell behind. */
export const SUBSCRIBER_BEHIND = 'SUBSCRIBER_BEHIND';

interface Entry {
  /** Its place in the group's stream: 1, 2, 3… */
  n: number;
  event: DomainEvent;
  position: Position;
  result: Promise<ExecutionResult>;
}

/** Entries a member may hold beyond `maxQueue` while they are still being resolved. */
const HARD_CAP_EXTRA = 10_000;

const isSourceError = (r: unknown): r is ExecutionResult =>
  typeof r === 'object' && r !== null && !(Symbol.asyncIterator in r);

/** Coalesces snapshot requests: everyone asking before a query is sent shares it. */
class SnapshotBatcher {
  private next: Promise<Snapshot> | null = null;
  constructor(private readonly take: () => Promise<Snapshot>) {}

  /** A snapshot taken after this call. */
  request(): Promise<Snapshot> {
    if (!this.next) {
      this.next = new Promise<Snapshot>((resolve, reject) => {
        setImmediate(() => {
          // Later callers must get a query sent after their call: start a new batch from here.
          this.next = null;
          this.take().then(resolve, reject);
        });
      });
    }
    return this.next;
  }
}

/** JSON with sorted object keys, so that equal variables make equal keys. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

class Group {
  readonly members = new Set<Member>();
  ready: Promise<ExecutionResult | null>;
  private tail: Promise<unknown> = Promise.resolve();
  private dispatched = 0;
  private unlisten: (() => void) | null = null;
  private source: AsyncIterator<unknown> | null = null;
  private closed = false;

  constructor(
    readonly key: string,
    private readonly fanout: SubscriptionFanout,
    private readonly args: ExecutionArgs,
  ) {
    const view = Object.create(fanout.opts.dispatcher) as OutboxDispatcher;
    view.stream = (accept: (e: DomainEvent) => boolean) => {
      this.unlisten?.();
      this.unlisten = fanout.opts.dispatcher.onEvent((e) => {
        if (accept(e)) this.dispatch(e);
      });
      // Events reach the members through `dispatch`; this iterator only marks the stream's life.
      const never = new Promise<IteratorResult<DomainEvent>>(() => undefined);
      const it: AsyncIterableIterator<DomainEvent> = {
        next: () => never,
        return: async () => ({ value: undefined, done: true }),
        [Symbol.asyncIterator]() {
          return it;
        },
      };
      return it;
    };
    this.args = { ...args, contextValue: fanout.opts.sharedContext(args.contextValue, view) };
    this.ready = this.start();
  }

  private async start(): Promise<ExecutionResult | null> {
    const source = await createSourceEventStream(this.args);
    if (isSourceError(source)) return source;
    const it = source[Symbol.asyncIterator]();
    if (this.closed) {
      this.unlisten?.();
      void it.return?.();
      return null;
    }
    this.source = it;
    return null;
  }

  private dispatch(event: DomainEvent): void {
    // One execution at a time, in commit order: the context is renewed per event.
    const n = ++this.dispatched;
    const result = this.tail
      .then(() => this.resolve(event))
      .then((r) => {
        // Only results ready and not taken count against a member: a burst still being resolved is no one's fault.
        for (const m of this.members) m.checkBacklog(n);
        return r;
      });
    this.tail = result;
    this.fanout.resolutions++;
    const entry: Entry = { n, event, position: positionOf(event), result };
    for (const m of this.members) m.offer(entry);
  }

  private async resolve(event: DomainEvent): Promise<ExecutionResult> {
    try {
      return await execute({ ...this.args, rootValue: event });
    } catch (err) {
      return { errors: [err instanceof GraphQLError ? err : new GraphQLError(String((err as Error)?.message ?? err), { originalError: err as Error })] };
    }
  }

  leave(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fanout.dropGroup(this);
    this.unlisten?.();
    this.unlisten = null;
    void this.source?.return?.();
  }
}

type Mode = 'starting' | 'replay' | 'shared' | 'done';

/** One subscriber: its own queue over the shared entries, read by graphql-ws as an async iterator. */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private buffer: Entry[] = [];
  private mode: Mode = 'starting';
  /** Live-only: what had committed when it joined; such events are not for it. */
  private snapshot: Snapshot | null = null;
  private lastDelivered: Position | null = null;
  private failure: GraphQLError | null = null;
  private wake: (() => void) | null = null;
  private replay: AsyncIterator<DomainEvent> | null = null;
  private group: Group | null;

  constructor(
    group: Group,
    private readonly fanout: SubscriptionFanout,
    private readonly args: ExecutionArgs,
    private readonly resumed: boolean,
  ) {
    this.group = group;
    group.members.add(this);
  }

  /** Joins; returns an ExecutionResult instead when the stream cannot start (refused, bad cursor). */
  async start(): Promise<ExecutionResult | null> {
    const group = this.group!;
    const refused = await group.ready;
    if (refused) {
      this.end();
      return refused;
    }
    if (this.resumed) {
      // Registered in the group before the replay's stream exists: what the replay does not
      // cover is dispatched after we joined, so it is in our buffer.
      const source = await createSourceEventStream(this.args);
      if (isSourceError(source)) {
        this.end();
        return source;
      }
      this.replay = (source as AsyncIterable<DomainEvent>)[Symbol.asyncIterator]();
      if (this.mode === 'done') {
        void this.replay.return?.();
        return null;
      }
      this.mode = 'replay';
    } else {
      const snapshot = await this.fanout.snapshots.request();
      if (this.mode === 'done') return null;
      this.snapshot = snapshot;
      this.mode = 'shared';
    }
    this.fanout.readyMembers++;
    this.notify();
    return null;
  }

  offer(entry: Entry): void {
    if (this.mode === 'done') return;
    // A hard cap on memory whatever the state; the bound that matters is `checkBacklog`'s.
    if (this.buffer.length >= this.fanout.opts.maxQueue + HARD_CAP_EXTRA) {
      this.overflow();
      return;
    }
    this.buffer.push(entry);
    this.notify();
  }

  /** Called once the group has resolved its entry `resolved`: ends the member if too many ready results wait. */
  checkBacklog(resolved: number): void {
    if (this.mode !== 'shared' || this.failure) return;
    const head = this.buffer[0];
    if (head && resolved - head.n + 1 > this.fanout.opts.maxQueue) this.overflow();
  }

  private overflow(): void {
    if (this.mode === 'replay') {
      // Still replaying a long history: stay on the private stream rather than end it.
      this.detach();
      return;
    }
    this.fallBehind();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private fallBehind(): void {
    const resumeAfter = this.resumeCursor();
    const queued = this.buffer.length;
    this.failure = new GraphQLError(
      resumeAfter
        ? 'subscriber fell behind; subscribe again with `after` set to extensions.resumeAfter'
        : 'subscriber fell behind before its first event; subscribe again with `after` set to extensions.resumeAfter to miss nothing',
      { extensions: { code: SUBSCRIBER_BEHIND, resumeAfter } },
    );
    this.fanout.behind++;
    this.fanout.opts.onBehind?.({ key: this.group?.key ?? '', queued, resumeAfter });
    this.buffer = [];
    this.detach();
    this.notify();
  }

  /** The cursor after which nothing undelivered lies: the last delivered, else just before the first waiting. */
  private resumeCursor(): string | null {
    if (this.lastDelivered) return encodeEventCursor(this.lastDelivered);
    const first = this.buffer.find((e) => this.wants(e));
    return first ? encodeEventCursor({ txid: first.position.txid, seq: first.position.seq - 1n }) : null;
  }

  private wants(entry: Entry): boolean {
    if (this.lastDelivered && comparePositions(entry.position, this.lastDelivered) <= 0) return false;
    if (this.snapshot && committedIn(this.snapshot, BigInt(entry.event.txid))) return false;
    return true;
  }

  private detach(): void {
    const g = this.group;
    this.group = null;
    this.buffer = [];
    g?.leave(this);
  }

  private waitForWork(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      if (this.failure) {
        const f = this.failure;
        this.end();
        throw f;
      }
      if (this.mode === 'done') return { value: undefined, done: true };
      if (this.mode === 'starting') {
        await this.waitForWork();
        continue;
      }
      if (this.mode === 'replay') {
        const r = await this.nextReplayed();
        if (r) return r;
        continue;
      }
      const entry = this.buffer.shift();
      if (!entry) {
        await this.waitForWork();
        continue;
      }
      if (!this.wants(entry)) continue;
      const value = await entry.result;
      this.lastDelivered = entry.position;
      return { value, done: false };
    }
  }

  /** The next event of the private replay, or null once it has met the shared stream. */
  private async nextReplayed(): Promise<IteratorResult<ExecutionResult> | null> {
    const replay = this.replay!;
    let r: IteratorResult<DomainEvent>;
    try {
      r = await replay.next();
    } catch (err) {
      this.end();
      throw err;
    }
    if (r.done) {
      this.end();
      return { value: undefined, done: true };
    }
    const position = positionOf(r.value);
    if (this.group) {
      const at = this.buffer.findIndex((e) => comparePositions(e.position, position) === 0);
      if (at >= 0) {
        // The shared stream holds this event and everything after it: switch over.
        this.buffer.splice(0, at);
        this.mode = 'shared';
        this.replay = null;
        void replay.return?.();
        return null;
      }
      while (this.buffer[0] && comparePositions(this.buffer[0].position, position) <= 0) this.buffer.shift();
    }
    let value: ExecutionResult;
    try {
      value = await execute({ ...this.args, rootValue: r.value });
    } catch (err) {
      value = { errors: [new GraphQLError(String((err as Error)?.message ?? err))] };
    }
    this.lastDelivered = position;
    return { value, done: false };
  }

  private end(): void {
    if (this.mode !== 'starting' && this.mode !== 'done') this.fanout.readyMembers--;
    this.mode = 'done';
    const replay = this.replay;
    this.replay = null;
    void replay?.return?.();
    this.detach();
    this.notify();
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.failure = null;
    this.end();
    return { value: undefined, done: true };
  }

  async throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Plugs into graphql-ws as `useServer({ subscribe: (args) => fanout.subscribe(args) })`. */
export class SubscriptionFanout {
  private readonly groups = new Map<string, Group>();
  readonly snapshots: SnapshotBatcher;
  /** Members whose stream is open (joined and started): for tests and gauges. */
  readyMembers = 0;
  /** Shared resolutions started, and members ended for falling behind, since start. */
  resolutions = 0;
  behind = 0;

  constructor(readonly opts: FanoutOptions) {
    this.snapshots = new SnapshotBatcher(opts.snapshot);
  }

  get groupCount(): number {
    return this.groups.size;
  }

  /** graphql-ws's `subscribe`: the member's stream, or the result that refuses it. */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const shape = this.keyOf(args);
    let group = this.groups.get(shape.key);
    if (!group) {
      // The shared execution never sees a member's cursor: its replay is the member's own.
      group = new Group(shape.key, this, { ...args, document: shape.document, variableValues: shape.variables });
      this.groups.set(shape.key, group);
    }
    const member = new Member(group, this, args, shape.resumed);
    const refused = await member.start();
    return refused ?? member;
  }

  dropGroup(group: Group): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  private keyOf(args: ExecutionArgs): { key: string; resumed: boolean; document: DocumentNode; variables: Record<string, unknown> } {
    const op = getOperationAST(args.document, args.operationName);
    const root = op?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
    const resumeArg = root?.arguments?.find((a) => a.name.value === this.opts.resumeArgument);
    const variables: Record<string, unknown> = { ...(args.variableValues ?? {}) };
    let resumed = false;
    let document: DocumentNode = args.document;
    if (resumeArg) {
      const v = resumeArg.value;
      if (v.kind === Kind.VARIABLE) {
        resumed = variables[v.name.value] != null;
        delete variables[v.name.value];
      } else {
        resumed = v.kind !== Kind.NULL;
      }
      document = visit(args.document, {
        Argument: (node) => (node === resumeArg ? null : undefined),
      });
    }
    const key = JSON.stringify([print(document), args.operationName ?? null, stableJson(variables), this.opts.scopeOf(args.contextValue)]);
    return { key, resumed, document, variables };
  }
}
