import { createClient, type Client, type FormattedExecutionResult as ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestHub } from './hub.js';

export interface Collector<T> {
  /** Results received so far, in order. */
  received: ExecutionResult<T, unknown>[];
  /** The next result (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<ExecutionResult<T, unknown>>;
  /** The next `n` results. */
  take(n: number, timeoutMs?: number): Promise<ExecutionResult<T, unknown>[]>;
  /** Resolves when nothing arrives for `ms` (fails if something does). */
  expectSilence(ms: number): Promise<void>;
  /** Set when the subscription errored or completed. */
  ended: Promise<{ error?: unknown }>;
  close(): Promise<void>;
  client: Client;
}

/** Opens a graphql-ws connection with `key` (default admin) and subscribes. */
export function subscribe<T = Record<string, unknown>>(
  hub: TestHub,
  query: string,
  variables: Record<string, unknown> = {},
  key: string | null = hub.adminKey,
): Collector<T> {
  const client = createClient({
    url: hub.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    on: { error: () => undefined },
  });
  const received: ExecutionResult<T, unknown>[] = [];
  let consumed = 0;
  let waiter: (() => void) | null = null;
  let endResolve: (v: { error?: unknown }) => void = () => undefined;
  const ended = new Promise<{ error?: unknown }>((r) => (endResolve = r));
  let endState: { error?: unknown } | null = null;
  client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        received.push(value);
        waiter?.();
      },
      error: (error) => {
        endState = { error };
        endResolve(endState);
        waiter?.();
      },
      complete: () => {
        endState = {};
        endResolve(endState);
        waiter?.();
      },
    },
  );
  const next = async (timeoutMs = 5000): Promise<ExecutionResult<T, unknown>> => {
    const deadline = Date.now() + timeoutMs;
    while (consumed >= received.length) {
      if (endState) throw new Error(`subscription ended: ${JSON.stringify(endState.error ?? 'complete')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no subscription event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      waiter = null;
    }
    return received[consumed++]!;
  };
  return {
    received,
    next,
    async take(n, timeoutMs = 5000) {
      const out: ExecutionResult<T, unknown>[] = [];
      for (let i = 0; i < n; i++) out.push(await next(timeoutMs));
      return out;
    },
    async expectSilence(ms) {
      const before = received.length;
      await new Promise((r) => setTimeout(r, ms));
      if (received.length !== before) {
        throw new Error(`expected no event, got ${JSON.stringify(received.slice(before))}`);
      }
    },
    ended,
    client,
    async close() {
      await client.dispose();
    },
  };
}

/** Subscription streams the hub holds open (joined to their shared execution, start taken). */
export function openStreams(hub: TestHub): number {
  return hub.running.http.fanout.readyMembers;
}

/** Waits until the hub holds at least `n` live event streams (subscriptions are registered). */
export async function waitForStreams(hub: TestHub, n: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (openStreams(hub) < n) {
    if (Date.now() > deadline) throw new Error(`only ${openStreams(hub)} of ${n} streams open`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
