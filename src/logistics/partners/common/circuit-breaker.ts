/**
 * A per-partner circuit breaker: opens after `failureThreshold` consecutive unhealthy calls,
 * lets one probe through after `cooldownMs` (half-open), closes when the probe is healthy and
 * opens again when it is not. State moves lazily on use, so no timers are left running.
 *
 * Written here rather than taken from a library because the partners' rules decide what counts
 * as a failure (DHL's early 404, a spent quota or a refused key are answers, not outages), and
 * the common libraries count by error percentage over a rolling window, not consecutively.
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export type CircuitPermit = { allowed: true; probe: boolean } | { allowed: false; retryAt: Date };

export class CircuitBreaker {
  private current: CircuitState = 'CLOSED';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly opts: CircuitBreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Asks to make a call. In HALF_OPEN only one probe is out at a time. */
  acquire(): CircuitPermit {
    if (this.current === 'OPEN') {
      const reopensAt = this.openedAt + this.opts.cooldownMs;
      if (this.now() < reopensAt) return { allowed: false, retryAt: new Date(reopensAt) };
      this.move('HALF_OPEN');
    }
    if (this.current === 'HALF_OPEN') {
      if (this.probing) return { allowed: false, retryAt: new Date(this.now() + this.opts.cooldownMs) };
      this.probing = true;
      return { allowed: true, probe: true };
    }
    return { allowed: true, probe: false };
  }

  /** Reports how a permitted call went: `healthy` when the partner answered as a working service. */
  record(healthy: boolean): void {
    this.probing = false;
    if (healthy) {
      this.failures = 0;
      if (this.current !== 'CLOSED') this.move('CLOSED');
      return;
    }
    this.failures++;
    if (this.current === 'HALF_OPEN' || this.failures >= this.opts.failureThreshold) {
      this.openedAt = this.now();
      this.move('OPEN');
    }
  }

  /** Releases a permit without a verdict (the call was cancelled by its caller). */
  release(): void {
    this.probing = false;
  }

  private move(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    try {
      this.opts.onStateChange?.(state);
    } catch {
      // an observer must not break calls
    }
  }
}
