import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { ApiKey } from './api-key.entity.js';
import type { ApiKeyRevokedReason } from './api-key.events.js';
import { keyStatus } from './api-key.service.js';
import { KEY_CHECK_TTL_MS, type KeyChecks } from './key-checks.js';
import type { Viewer } from './viewer.js';

/**
 * Why a socket is refused or closed. Every case closes with 4401: graphql-ws clients treat 4401
 * (Unauthorized) as final and do not reconnect, whereas they retry 4403 (Forbidden, "might grant
 * access after retry"), and no retry makes a missing, unknown, revoked or expired key work. The
 * reason tells them apart; an unknown and a malformed key read the same, so nothing says which
 * keys exist.
 */
export const SOCKET_REFUSALS = {
  missing: { code: 4401, reason: 'API key required' },
  invalid: { code: 4401, reason: 'API key invalid' },
  revoked: { code: 4401, reason: 'API key revoked' },
  expired: { code: 4401, reason: 'API key expired' },
} as const;
export type RefusalKind = keyof typeof SOCKET_REFUSALS;

/** What this module needs of a WebSocket (`ws` sockets fit). */
export interface ClosableSocket {
  readonly readyState: number;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** How long a closed socket may take to answer the close handshake before it is cut. */
const CLOSE_GRACE_MS = 1000;
/** Longest delay `setTimeout` takes (about 24.8 days); later expiries re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const WS_OPEN = 1;
const WS_CLOSED = 3;

interface Session {
  socket: ClosableSocket;
  keyId: string;
  keyName: string;
  expiresAt: Date | null;
  closed: RefusalKind | null;
}

interface KeyState {
  status: 'live' | 'invalid' | 'revoked' | 'expired';
  expiresAt: Date | null;
  /** When the read that produced this state started: a revocation seen later overrides it. */
  readAt: number;
}

/**
 * The open WebSockets of this process by API key, and the rule that a key that stops working
 * loses them: on an `api_key.revoked` event (from any hub sharing the database), when the key
 * expires (one timer per key), and on its next operation (a re-check that reads the database at
 * most once per key per second, however many sockets the key holds).
 */
export class SocketSessions {
  private readonly sessions = new WeakMap<ClosableSocket, Session>();
  private readonly byKey = new Map<string, Set<Session>>();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  /** Key validity shared by all sockets of the key, fresh for KEY_CHECK_TTL_MS. */
  private readonly states = new Map<string, KeyState>();
  private readonly pendingStates = new Map<string, Promise<KeyState>>();
  private readonly loader: DataLoader<string, Omit<KeyState, 'readAt'>>;
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    /** The process's key checks: a reconnect storm reads a key once, and revocations arrive through it. */
    private readonly keys: KeyChecks,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // One statement per tick for every key re-checked in it, however many sockets asked.
    this.loader = new DataLoader(async (ids) => this.readStates(ids), { cache: false });
    this.unsubscribe = keys.onRevoked((keyId, reason) => this.keyRevoked(keyId, reason));
  }

  /**
   * Authenticates a new socket from its `authorization` connection parameter (`Bearer <key>`).
   * On success the socket is registered under its key and the viewer returned; otherwise it is
   * closed with the reason and null returned (the caller then refuses the connection).
   */
  async connect(socket: ClosableSocket, authorization: unknown, remote?: string): Promise<Viewer | null> {
    // Revoked after the key was read (the event overtook this connection) or expired: not live.
    const { check } = await this.keys.check(authorization);
    if (check.status !== 'live') {
      this.log.info({ remote, reason: SOCKET_REFUSALS[check.status].reason }, 'WebSocket refused');
      closeSocket(socket, check.status);
      return null;
    }
    // Closed while the key was read (onClose has run or will find nothing): nothing to register.
    if (this.stopped || socket.readyState !== WS_OPEN) return null;
    const session: Session = { socket, keyId: check.viewer.id, keyName: check.viewer.name, expiresAt: check.expiresAt, closed: null };
    this.sessions.set(socket, session);
    let group = this.byKey.get(session.keyId);
    if (!group) {
      group = new Set();
      this.byKey.set(session.keyId, group);
    }
    group.add(session);
    if (session.expiresAt && !this.expiryTimers.has(session.keyId)) this.armExpiry(session.keyId, session.expiresAt);
    return check.viewer;
  }

  /**
   * Re-checks the socket's key before an operation runs. Null: go ahead. Otherwise the socket is
   * being closed with the reason, and the errors are what graphql-ws answers the operation with.
   */
  async checkOperation(socket: ClosableSocket): Promise<GraphQLError[] | null> {
    const session = this.sessions.get(socket);
    if (!session) return [refusalError('invalid')];
    if (!session.closed) {
      const status = await this.statusOf(session);
      // Found out here (the event has not arrived yet): every socket of the key goes, not just this one.
      if (status !== 'live' && !session.closed) {
        const closed = this.closeKey(session.keyId, status);
        this.log.info({ keyId: session.keyId, reason: status, sockets: closed }, 'operation refused; WebSockets of a key that no longer works closed');
      }
    }
    return session.closed ? [refusalError(session.closed)] : null;
  }

  /** Forgets a socket that closed (whoever closed it). */
  disconnect(socket: ClosableSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    this.sessions.delete(socket);
    const group = this.byKey.get(session.keyId);
    group?.delete(session);
    if (group && group.size === 0) {
      this.byKey.delete(session.keyId);
      this.states.delete(session.keyId);
      const timer = this.expiryTimers.get(session.keyId);
      if (timer) clearTimeout(timer);
      this.expiryTimers.delete(session.keyId);
    }
  }

  /** Open sockets of a key in this process (for tests and logs). */
  socketsOf(keyId: string): number {
    return this.byKey.get(keyId)?.size ?? 0;
  }

  /** Stops listening for revocations and clears the expiry timers (the sockets are closed by the server). */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private keyRevoked(keyId: string, reason: ApiKeyRevokedReason): void {
    const at = this.now();
    if (this.byKey.has(keyId)) this.states.set(keyId, { status: reason, expiresAt: null, readAt: at });
    const closed = this.closeKey(keyId, reason);
    if (closed) this.log.info({ keyId, reason, sockets: closed }, 'WebSockets of a key that no longer works closed');
  }

  private closeKey(keyId: string, reason: RefusalKind): number {
    const group = this.byKey.get(keyId);
    if (!group) return 0;
    let closed = 0;
    for (const session of group) {
      if (session.closed) continue;
      this.closeSession(session, reason);
      closed++;
    }
    return closed;
  }

  private closeSession(session: Session, reason: RefusalKind): void {
    session.closed = reason;
    closeSocket(session.socket, reason);
  }

  private armExpiry(keyId: string, expiresAt: Date): void {
    const delay = Math.min(Math.max(expiresAt.getTime() - this.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.expiryTimers.delete(keyId);
      if (!this.byKey.has(keyId)) return;
      if (expiresAt.getTime() > this.now()) {
        this.armExpiry(keyId, expiresAt);
        return;
      }
      const closed = this.closeKey(keyId, 'expired');
      if (closed) this.log.info({ keyId, sockets: closed }, 'WebSockets of an expired key closed');
    }, delay);
    timer.unref();
    this.expiryTimers.set(keyId, timer);
  }

  private async statusOf(session: Session): Promise<KeyState['status']> {
    const now = this.now();
    if (session.expiresAt && session.expiresAt.getTime() <= now) return 'expired';
    const cached = this.states.get(session.keyId);
    let state: KeyState;
    if (cached && now - cached.readAt < KEY_CHECK_TTL_MS) {
      state = cached;
    } else {
      state = await this.readState(session.keyId, now);
    }
    const revocation = this.keys.revocationOf(session.keyId, state.readAt);
    if (revocation) return revocation;
    if (state.status === 'live' && state.expiresAt && state.expiresAt.getTime() <= this.now()) return 'expired';
    return state.status;
  }

  /** One read per key at a time: the sockets that ask meanwhile share it. */
  private readState(keyId: string, readAt: number): Promise<KeyState> {
    let pending = this.pendingStates.get(keyId);
    if (!pending) {
      pending = this.loader
        .load(keyId)
        .then((read) => {
          // A revocation that arrived while this read ran wins over what it read.
          const newer = this.states.get(keyId);
          if (newer && newer.readAt > readAt) return newer;
          const state = { ...read, readAt };
          if (this.byKey.has(keyId)) this.states.set(keyId, state);
          return state;
        })
        .finally(() => this.pendingStates.delete(keyId));
      this.pendingStates.set(keyId, pending);
    }
    return pending;
  }

  private async readStates(ids: readonly string[]): Promise<Omit<KeyState, 'readAt'>[]> {
    const rows = await this.orm.em
      .fork()
      .find(ApiKey, { id: { $in: [...ids] } }, { fields: ['id', 'revokedAt', 'expiresAt'], disableIdentityMap: true });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row) return { status: 'invalid', expiresAt: null };
      return { status: keyStatus(row, new Date(this.now())), expiresAt: row.expiresAt ?? null };
    });
  }
}

function refusalError(kind: RefusalKind): GraphQLError {
  return new GraphQLError(SOCKET_REFUSALS[kind].reason, { extensions: { code: 'UNAUTHENTICATED' } });
}

/** Closes with the refusal's code and reason; a peer that does not answer the close handshake is cut. */
function closeSocket(socket: ClosableSocket, kind: RefusalKind): void {
  const { code, reason } = SOCKET_REFUSALS[kind];
  socket.close(code, reason);
  setTimeout(() => {
    if (socket.readyState !== WS_CLOSED) socket.terminate();
  }, CLOSE_GRACE_MS).unref();
}
