import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { afterShipSignature, verifyAfterShipWebhook } from '../src/logistics/partners/aftership/aftership.signature.js';
import { safeEqual } from '../src/logistics/partners/common/signature.js';
import { genericPushHeaders, genericSignature, verifyGenericPush } from '../src/logistics/partners/generic/generic.signature.js';
import { kuaidi100QueryParam } from '../src/logistics/partners/kuaidi100/kuaidi100.client.js';
import {
  KUAIDI100_PUSH_ACK,
  kuaidi100PushBody,
  kuaidi100QuerySign,
  verifyKuaidi100Push,
} from '../src/logistics/partners/kuaidi100/kuaidi100.signature.js';

const fixture = (path: string) => readFileSync(new URL(`../src/logistics/partners/${path}`, import.meta.url));
const SECRET = 'whsec-test-0123456789';

describe('verifyKuaidi100Push', () => {
  const param = fixture('kuaidi100/fixtures/push-param.json').toString('utf8');
  const salt = 'salt-abc';
  const body = Buffer.from(kuaidi100PushBody(param, salt));

  it('accepts sign = UPPER(MD5(param + salt)) and returns the param as sent', () => {
    const expected = createHash('md5').update(param + salt).digest('hex').toUpperCase();
    expect(new URLSearchParams(body.toString()).get('sign')).toBe(expected);
    expect(verifyKuaidi100Push(body, salt)).toEqual({ ok: true, value: param });
  });

  it('accepts a lower-case hex sign', () => {
    const lower = new URLSearchParams({ param, sign: createHash('md5').update(param + salt).digest('hex') }).toString();
    expect(verifyKuaidi100Push(Buffer.from(lower), salt).ok).toBe(true);
  });

  it('refuses a wrong salt, a tampered param, a missing sign or param', () => {
    expect(verifyKuaidi100Push(body, 'other-salt')).toEqual({ ok: false, reason: 'bad-signature' });
    const tampered = new URLSearchParams(body.toString());
    tampered.set('param', param.replace('shutdown', 'polling'));
    expect(verifyKuaidi100Push(Buffer.from(tampered.toString()), salt)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyKuaidi100Push(Buffer.from(new URLSearchParams({ param }).toString()), salt)).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verifyKuaidi100Push(Buffer.from('sign=ABC'), salt)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses everything when no salt is configured (fails closed)', () => {
    expect(verifyKuaidi100Push(body, undefined)).toEqual({ ok: false, reason: 'no-secret' });
    expect(verifyKuaidi100Push(body, '')).toEqual({ ok: false, reason: 'no-secret' });
  });

  it('answers in Kuaidi100 own success format', () => {
    expect(JSON.stringify(KUAIDI100_PUSH_ACK)).toBe('{"result":true,"returnCode":"200","message":"提交成功"}');
  });
});

describe('kuaidi100QuerySign', () => {
  it('is UPPER(MD5(param + key + customer)) over the exact param string sent', () => {
    const param = kuaidi100QueryParam({ com: 'shunfeng', num: 'SF1', phone: '1234' });
    expect(param).toBe('{"com":"shunfeng","num":"SF1","phone":"1234","resultv2":"4","show":"0","order":"desc"}');
    expect(kuaidi100QuerySign(param, 'KEY', 'CUST')).toBe(createHash('md5').update(`${param}KEYCUST`).digest('hex').toUpperCase());
  });
});

describe('verifyAfterShipWebhook', () => {
  const raw = fixture('aftership/fixtures/webhook.json');
  const good = { 'aftership-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64') };

  it('accepts base64 HMAC-SHA256 of the raw body', () => {
    expect(good['aftership-hmac-sha256']).toBe(afterShipSignature(raw, SECRET));
    expect(verifyAfterShipWebhook(raw, good, SECRET)).toEqual({ ok: true, value: undefined });
  });

  it('refuses a bad or missing signature, and everything without a secret', () => {
    expect(verifyAfterShipWebhook(raw, { 'aftership-hmac-sha256': afterShipSignature(raw, 'other') }, SECRET)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyAfterShipWebhook(raw, { 'aftership-hmac-sha256': 'short' }, SECRET)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyAfterShipWebhook(raw, {}, SECRET)).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verifyAfterShipWebhook(raw, good, null)).toEqual({ ok: false, reason: 'no-secret' });
  });

  it('does not verify the same JSON re-serialised: the HMAC is over the bytes received', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialised.equals(raw)).toBe(false);
    expect(verifyAfterShipWebhook(reserialised, good, SECRET)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('verifyGenericPush', () => {
  const raw = fixture('generic/fixtures/push.json');
  const now = Date.UTC(2026, 2, 1, 12, 0, 0);

  it('accepts sha256=<hex HMAC of "timestamp.body"> within five minutes', () => {
    const headers = genericPushHeaders(raw, SECRET, now);
    const ts = headers['x-scf-timestamp'];
    expect(headers['x-scf-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${raw.toString('utf8')}`).digest('hex')}`);
    expect(verifyGenericPush(raw, headers, SECRET, { nowMs: now })).toEqual({ ok: true, value: undefined });
    expect(verifyGenericPush(raw, headers, SECRET, { nowMs: now + 4 * 60_000 }).ok).toBe(true);
    expect(verifyGenericPush(raw, headers, SECRET, { nowMs: now - 4 * 60_000 }).ok).toBe(true);
  });

  it('refuses a timestamp more than five minutes off, either way, or missing', () => {
    const headers = genericPushHeaders(raw, SECRET, now);
    expect(verifyGenericPush(raw, headers, SECRET, { nowMs: now + 6 * 60_000 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyGenericPush(raw, headers, SECRET, { nowMs: now - 6 * 60_000 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyGenericPush(raw, { 'x-scf-signature': headers['x-scf-signature'] }, SECRET, { nowMs: now })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('refuses a signature over another timestamp (no moving an old body into the window)', () => {
    const old = Math.floor(now / 1000) - 3600;
    const headers = { 'x-scf-timestamp': String(Math.floor(now / 1000)), 'x-scf-signature': genericSignature(raw, SECRET, old) };
    expect(verifyGenericPush(raw, headers, SECRET, { nowMs: now })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a bad or missing signature, re-serialised JSON, and everything without a secret', () => {
    const headers = genericPushHeaders(raw, SECRET, now);
    expect(verifyGenericPush(raw, { ...headers, 'x-scf-signature': genericSignature(raw, 'nope', headers['x-scf-timestamp'] ?? '') }, SECRET, { nowMs: now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyGenericPush(raw, { 'x-scf-timestamp': headers['x-scf-timestamp'] }, SECRET, { nowMs: now })).toEqual({ ok: false, reason: 'missing-signature' });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verifyGenericPush(reserialised, headers, SECRET, { nowMs: now })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyGenericPush(raw, headers, undefined, { nowMs: now })).toEqual({ ok: false, reason: 'no-secret' });
  });
});

describe('safeEqual', () => {
  it('compares bytes, unequal lengths being unequal', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('é', 'e')).toBe(false);
  });
});
