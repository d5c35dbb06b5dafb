import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { subscribe } from './helpers/ws.js';

let hub: TestHub;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scf-demo-'));
  // The demo as `npm start` runs it — seed, partner simulator, poller, pushes — with the story
  // played 50 times faster than the demo's default: a day in under half a minute.
  hub = await startTestHub({
    DATA_DIR: dataDir,
    SEED_DEMO: true,
    DEMO_PARTNER_SIM: true,
    DEMO_SIM_SPEED: 3000,
    POLLER_ENABLED: true,
    POLL_TICK_MS: 200,
    SECRETS_KEY: randomBytes(32).toString('base64'),
  });
}, 60_000);
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Change {
  alertChanged: { change: string; severity: string; occurredAt: string; alert: { id: string; kind: string; message: string; status: string; resolutionNote: string | null } };
}

describe('the embedded demo', () => {
  it("raises alerts from its moving shipments and clears them as the goods arrive", async () => {
    const sub = subscribe<Change>(
      hub,
      `subscription { alertChanged(filter: { kinds: [SHIPMENT_EXCEPTION] }) { change severity occurredAt alert { id kind message status resolutionNote } } }`,
    );
    const t0 = Date.now();
    const raised = new Map<string, number>();
    let cleared: { id: string; raisedAfter: number; resolvedAfter: number; message: string; note: string | null } | null = null;
    while (!cleared && Date.now() - t0 < 90_000) {
      const e = (await sub.next(90_000 - (Date.now() - t0))).data!.alertChanged;
      if (e.change === 'RAISED') raised.set(e.alert.id, Date.now() - t0);
      if (e.change === 'RESOLVED' && raised.has(e.alert.id)) {
        cleared = { id: e.alert.id, raisedAfter: raised.get(e.alert.id)!, resolvedAfter: Date.now() - t0, message: e.alert.message, note: e.alert.resolutionNote };
      }
    }
    await sub.close();
    expect(raised.size).toBeGreaterThan(0);
    expect(cleared).not.toBeNull();
    expect(cleared!.note).toBe('shipment delivered');
    console.log(`demo: ${raised.size} SHIPMENT_EXCEPTION alert(s) raised; "${cleared!.message}" raised after ${cleared!.raisedAfter} ms, resolved after ${cleared!.resolvedAfter} ms`);
  }, 120_000);
});
