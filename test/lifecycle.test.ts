import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The hub as a user runs it: `src/main.ts` in its own process, on the embedded database in a
 * DATA_DIR of its own, with no configuration beyond that.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scf-hub-life-'));
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  url: string;
  logs: string[];
  exited: Promise<number | null>;
}

function launch(extraEnv: Record<string, string> = {}): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...extraEnv };
  delete env.DATABASE_URL;
  delete env.ADMIN_API_KEY;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const logs: string[] = [];
  const onData = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url: '', logs, exited };
}

async function waitForListening(s: Started, ms = 90_000): Promise<Started> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const line of s.logs) {
      if (line.includes('scf-hub listening')) {
        s.url = (JSON.parse(line) as { url: string }).url;
        return s;
      }
    }
    if (s.child.exitCode !== null) throw new Error(`hub exited ${s.child.exitCode}: ${s.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`hub did not start: ${s.logs.join('\n')}`);
}

async function gql<T>(url: string, key: string, query: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Each test starts a real hub process (build, migrate, seed): minutes on a loaded 2-core machine. */
const START_TIMEOUT = 150_000;

describe('running the hub on the embedded database', () => {
  let first: Started;
  let adminKey = '';
  let clientCount = 0;

  it('starts with no configuration, seeds the demo portfolio and says how to authenticate', { timeout: START_TIMEOUT }, async () => {
    first = await waitForListening(launch());
    const line = first.logs.find((l) => l.includes('scf-hub listening'))!;
    expect(line).toMatch(/Authorization: Bearer \$\(cat .*admin\.key\)/);
    adminKey = fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
    expect((fs.statSync(path.join(dataDir, 'admin.key')).mode & 0o777).toString(8)).toBe('600');
    const data = await gql<{ viewer: { role: string }; clients: { totalCount: number } }>(
      first.url,
      adminKey,
      '{ viewer { role } clients { totalCount } }',
    );
    expect(data.viewer.role).toBe('ADMIN');
    expect(data.clients.totalCount).toBeGreaterThanOrEqual(20);
    clientCount = data.clients.totalCount;
    const health = await fetch(first.url.replace('/graphql', '/readyz'));
    expect(health.status).toBe(200);
  });

  it('refuses a second hub on the same data directory with a clear message', { timeout: START_TIMEOUT }, async () => {
    const second = launch();
    expect(await second.exited).toBe(1);
    expect(second.logs.join('\n')).toMatch(/in use by another scf-hub \(pid \d+\)/);
    // The first one is untouched.
    expect((await fetch(first.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });

  it('on SIGTERM finishes in-flight work, closes subscriptions with 1001 and exits 0', { timeout: START_TIMEOUT }, async () => {
    const created = await gql<{ createApiKey: { apiKey: { id: string } } }>(
      first.url,
      adminKey,
      'mutation { createApiKey(input: { name: "survives restart", role: VIEWER }) { apiKey { id } } }',
    );
    expect(created.createApiKey.apiKey.id).toBeTruthy();

    let closeCode = 0;
    const ws = createClient({
      url: first.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${adminKey}` },
      on: { closed: (e) => (closeCode = (e as { code: number }).code) },
    });
    let ended = false;
    ws.subscribe({ query: 'subscription { clientChanged { cursor } }' }, { next: () => undefined, error: () => (ended = true), complete: () => (ended = true) });
    await new Promise((r) => setTimeout(r, 500));

    // A request whose body is still arriving when SIGTERM lands is in flight: it must complete.
    const body = JSON.stringify({ query: '{ clients(first: 100) { totalCount edges { node { id name } } } }' });
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        first.url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}`, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        first.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const done = await inFlight;
    expect(done.status).toBe(200);
    expect((JSON.parse(done.text) as { data: { clients: { totalCount: number } } }).data.clients.totalCount).toBe(clientCount);
    expect(await first.exited).toBe(0);
    expect(closeCode).toBe(1001);
    expect(ended).toBe(true);
    const logs = first.logs.join('\n');
    expect(logs).toMatch(/"msg":"stopped"/);
    expect(logs).not.toContain(adminKey);
    await ws.dispose();
  });

  it('keeps its data across a restart and does not seed twice', { timeout: START_TIMEOUT }, async () => {
    const again = await waitForListening(launch());
    const data = await gql<{ clients: { totalCount: number }; apiKeys: { name: string }[] }>(
      again.url,
      adminKey,
      '{ clients { totalCount } apiKeys { name } }',
    );
    expect(data.clients.totalCount).toBe(clientCount);
    expect(data.apiKeys.map((k) => k.name)).toContain('survives restart');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('refuses to start on a bad configuration value, naming the variable', { timeout: START_TIMEOUT }, async () => {
    const bad = launch({ PORT: 'eighty' });
    expect(await bad.exited).toBe(2);
    expect(bad.logs.join('\n')).toMatch(/PORT must be an integer/);
  });
});
