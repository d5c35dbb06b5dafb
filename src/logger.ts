import pino, { type Logger } from 'pino';

/** Paths that may carry secrets; pino replaces their values. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.webhookSecret',
  '*.credentials',
  '*.apiKey',
  '*.key',
  'connectionParams',
];

/** Structured JSON logs. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'scf-hub' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** `postgres://user:secret@host:5432/db` → `postgres://host:5432/db`, for logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'postgres (unparseable URL)';
  }
}
