/**
 * `npm run partner-sim` — the partner simulator on loopback (see
 * src/logistics/partners/simulator/simulator.ts for what it serves and its control API).
 *
 *   npm run partner-sim -- --port 4600
 *   npm run partner-sim -- --port 4600 --hub http://127.0.0.1:4000 --speed 60 --push-every 5
 */
import { parseArgs } from 'node:util';
import { SIMULATOR_PARTNER_CODES, startPartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';

const USAGE = `usage: npm run partner-sim -- [--port N] [--host H] [--hub URL] [--speed X] [--push-every S]

  --port N         listen port (default 4600; 0 = any free port)
  --host H         listen address (default 127.0.0.1; the simulator is for loopback)
  --hub URL        the hub to push webhooks to (e.g. http://127.0.0.1:4000); enables automatic pushes
  --speed X        simulated minutes per real minute (default 60: a day plays in 24 minutes)
  --push-every S   with --hub, push changed shipments every S seconds (default 5)
  --help           this text`;

function fail(message: string): never {
  console.error(`partner-sim: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function num(raw: string | undefined, name: string, def: number, min: number, max: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) fail(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      hub: { type: 'string' },
      speed: { type: 'string' },
      'push-every': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const hub = values.hub;
if (hub !== undefined && !/^https?:\/\//.test(hub)) fail(`--hub must be an http(s) URL, got "${hub}"`);

const sim = await startPartnerSimulator({
  port: num(values.port, '--port', 4600, 0, 65535),
  host: values.host ?? '127.0.0.1',
  speed: num(values.speed, '--speed', 60, 0.01, 1_000_000),
  ...(hub ? { hubUrl: hub, autoPushMs: num(values['push-every'], '--push-every', 5, 0.1, 3600) * 1000 } : {}),
  log: (line) => console.log(`${new Date().toISOString()} ${line}`),
});

const c = sim.credentials;
console.log(`partner simulator listening on ${sim.url}
  DHL       GET  ${sim.url}/track/shipments?trackingNumber=…   header DHL-API-Key: ${c.dhl.apiKey}
  Kuaidi100 POST ${sim.url}/poll/query.do   customer ${c.kuaidi100.customer}, key ${c.kuaidi100.key}
  pushes    ${hub ? `to ${hub}/webhooks/{${Object.values(SIMULATOR_PARTNER_CODES).slice(1).join(',')}}` : 'on demand only (POST /_control/push { hub })'}
            Kuaidi100 salt ${c.kuaidi100.salt}; AfterShip secret ${c.aftership.secret}; generic secret ${c.generic.secret}
  control   ${sim.url}/_control/{shipments,faults,push,advance,requests}
  (these are the simulator's demo credentials, not real ones)`);
for (const s of sim.shipments) console.log(`  ${s.partner.padEnd(9)} ${s.trackingNumber.padEnd(22)} ${s.carrier.padEnd(9)} ${s.story}`);

const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
