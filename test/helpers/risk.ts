import type { TestHub } from './hub.js';

/** Polls `fn` every 50 ms until `ok` holds or `ms` pass; returns the last value either way (the caller asserts on it). */
export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A healthy statement: Z″ ≈ 5.7 (SAFE), debt ratio 40%, current ratio 2, positive operating cash flow. */
export const healthyStatement = (clientId: string, periodEnd = '2025-12-31', over: Record<string, string> = {}) => ({
  clientId,
  periodEnd,
  totalAssets: '1000000.00',
  totalLiabilities: '400000.00',
  currentAssets: '600000.00',
  currentLiabilities: '300000.00',
  retainedEarnings: '250000.00',
  ebit: '120000.00',
  revenue: '1500000.00',
  bookEquity: '600000.00',
  operatingCashFlow: '90000.00',
  ...over,
});

/** A client's alerts (of `kinds`, when given), newest first, with the `fields` asked for. */
export async function clientAlerts<T>(hub: TestHub, fields: string, clientId: string, kinds?: string[]): Promise<T[]> {
  const data = await hub.ok<{ alerts: { edges: { node: T }[] } }>(`query($f: AlertFilter) { alerts(filter: $f, first: 100) { edges { node { ${fields} } } } }`, {
    f: { clientId, kinds },
  });
  return data.alerts.edges.map((e) => e.node);
}
