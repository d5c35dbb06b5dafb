/**
 * The logistics demo of an embedded hub with the demo seed: the partner simulator on a loopback
 * port, its four partners registered (DHL and Kuaidi100 pulled by the poller; Kuaidi100,
 * AfterShip and generic pushes sent by the simulator every few seconds), and its scripted
 * shipments tracked for demo clients, some linked to demo financing deals.
 *
 * The simulator's story restarts with the process, so its first start time is kept in
 * `<DATA_DIR>/demo-sim.json`: a restarted hub continues the same story (event times, and so
 * event identities, stay the same). Once a story has played out, the next start begins a new
 * "season" under new tracking numbers, so a newcomer always sees shipments moving.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Client } from '../clients/client.entity.js';
import { ClientKind } from '../clients/client.enums.js';
import { Financing } from '../financing/financing.entity.js';
import { FinancingStatus, ProductKind } from '../financing/financing.enums.js';
import { LogisticsPartner, PULL_KINDS } from '../logistics/partner.entity.js';
import { sealPartnerSecrets, type PartnerCredentials } from '../logistics/partner.service.js';
import { defaultScript, type ScriptedShipment } from '../logistics/partners/simulator/scenarios.js';
import { startPartnerSimulator, SIMULATOR_PARTNER_CODES, type PartnerSimulator } from '../logistics/partners/simulator/simulator.js';
import type { SecretBox } from '../logistics/secrets.js';
import { Shipment } from '../logistics/shipment.entity.js';
import { PartnerKind } from '../logistics/tracking.js';

/** Simulated minutes per real minute by default (`DEMO_SIM_SPEED`): a day's story plays in 24 minutes. */
export const DEFAULT_DEMO_SPEED = 60;
const POLL_INTERVAL_SECONDS = 20;
const PUSH_EVERY_MS = 5000;

interface DemoState {
  season: number;
  startedAt: number;
}

function storyMinutes(script: ScriptedShipment[]): number {
  return Math.max(60, ...script.flatMap((s) => [...s.steps.map((st) => st.atMin), s.etaMin ?? 0, s.abortAtMin ?? 0])) + 60;
}

function loadState(file: string, now: number, script: ScriptedShipment[], speed: number): DemoState {
  let state: DemoState | null = null;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DemoState>;
    if (typeof parsed.season === 'number' && typeof parsed.startedAt === 'number') state = { season: parsed.season, startedAt: parsed.startedAt };
  } catch {
    /* first start */
  }
  const playsForMs = (storyMinutes(script) * 60_000) / speed;
  if (!state) state = { season: 1, startedAt: now };
  else if (now - state.startedAt > playsForMs) state = { season: state.season + 1, startedAt: now };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(state) + '\n');
  return state;
}

export interface LogisticsDemo {
  simulator: PartnerSimulator;
  stop(): Promise<void>;
}

function credentialsFor(kind: PartnerKind, sim: PartnerSimulator): { credentials: PartnerCredentials | null; secret: string | null } {
  const c = sim.credentials;
  switch (kind) {
    case PartnerKind.DHL:
      return { credentials: { apiKey: c.dhl.apiKey }, secret: null };
    case PartnerKind.KUAIDI100:
      return { credentials: { customer: c.kuaidi100.customer, key: c.kuaidi100.key }, secret: c.kuaidi100.salt };
    case PartnerKind.AFTERSHIP:
      return { credentials: null, secret: c.aftership.secret };
    case PartnerKind.GENERIC:
      return { credentials: null, secret: c.generic.secret };
  }
}

/** Starts the demo; on failure logs why and returns null (the hub runs without it). */
export async function startLogisticsDemo(
  orm: MikroORM,
  secrets: SecretBox,
  hubUrl: string,
  dataDir: string,
  log: Logger,
  speed = DEFAULT_DEMO_SPEED,
): Promise<LogisticsDemo | null> {
  let sim: PartnerSimulator | null = null;
  try {
    const now = Date.now();
    const base = defaultScript();
    const state = loadState(path.join(dataDir, 'demo-sim.json'), now, base, speed);
    const script = state.season === 1 ? base : base.map((s) => ({ ...s, trackingNumber: `${s.trackingNumber}-S${state.season}` }));
    sim = await startPartnerSimulator({
      port: 0,
      host: '127.0.0.1',
      speed,
      shipments: script,
      hubUrl,
      autoPushMs: PUSH_EVERY_MS,
      startedAt: state.startedAt,
      log: (line) => log.debug(line),
    });
    const simulator = sim;

    const em = orm.em.fork();
    const registered = await em.transactional(async (tem) => {
      const partners = new Map<PartnerKind, LogisticsPartner>();
      for (const kind of Object.values(PartnerKind)) {
        const code = SIMULATOR_PARTNER_CODES[kind];
        const { credentials, secret } = credentialsFor(kind, simulator);
        const sealed = sealPartnerSecrets(secrets, code, credentials, secret);
        let p = await tem.findOne(LogisticsPartner, { code });
        // The simulator's port changes with every start: its URL (and the sealed values) are refreshed.
        if (p) Object.assign(p, { apiBaseUrl: PULL_KINDS.has(kind) ? simulator.url : null, ...sealed, active: true });
        else {
          p = tem.create(LogisticsPartner, {
            code,
            kind,
            name: `Partner simulator (${kind})`,
            apiBaseUrl: PULL_KINDS.has(kind) ? simulator.url : null,
            pollIntervalSeconds: POLL_INTERVAL_SECONDS,
            ...sealed,
          });
        }
        partners.set(kind, p);
      }
      // Shipments for demo clients: the first ones behind live financing deals.
      const deals = await tem.find(
        Financing,
        {
          status: { $in: [FinancingStatus.DISBURSED, FinancingStatus.APPROVED, FinancingStatus.OVERDUE] },
          // Deals financed by goods in transit or receivables from delivered goods.
          product: { $in: [ProductKind.INVENTORY_FINANCING, ProductKind.PREPAYMENT_FINANCING, ProductKind.RECEIVABLES_FACTORING, ProductKind.REVERSE_FACTORING] },
        },
        { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: 5 },
      );
      const clients = await tem.find(Client, { kind: { $in: [ClientKind.SUPPLIER, ClientKind.DISTRIBUTOR] } }, { orderBy: [{ name: 'asc' }], limit: script.length });
      if (!clients.length && !deals.length) return 0;
      let added = 0;
      for (const [i, s] of script.entries()) {
        const partner = partners.get(s.partner)!;
        const trackingNumber = s.trackingNumber.toUpperCase();
        if (await tem.count(Shipment, { partner, trackingNumber })) continue;
        const deal = deals[i];
        const client = deal ? deal.client : clients[i % clients.length];
        if (!client) continue;
        tem.create(Shipment, {
          partner,
          trackingNumber,
          carrierCode: s.carrier,
          client,
          financing: deal ?? null,
          expectedDeliveryAt: new Date(state.startedAt + ((s.etaMin ?? 1440) * 60_000) / speed),
          nextPollAt: PULL_KINDS.has(s.partner) ? new Date() : null,
        });
        added++;
      }
      return added;
    });
    log.info(
      { simulator: simulator.url, season: state.season, newShipments: registered, shipments: script.length },
      `logistics demo: partner simulator on ${simulator.url}; ${script.length} shipments move by polls and pushes (a day plays in ${Math.round((1440 / speed) * 10) / 10} minutes)`,
    );
    return { simulator, stop: () => simulator.close() };
  } catch (err) {
    log.warn({ err }, 'logistics demo did not start; the hub runs without it');
    await sim?.close().catch(() => undefined);
    return null;
  }
}
