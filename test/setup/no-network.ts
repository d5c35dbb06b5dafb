/**
 * Tests never reach the network: a connection to anything but loopback or a unix socket fails
 * the test that tried it.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const originalConnect = net.Socket.prototype.connect;

function target(args: unknown[]): { host?: string; path?: string } {
  const first = args[0];
  if (Array.isArray(first)) return target(first);
  if (typeof first === 'object' && first !== null) return first as { host?: string; path?: string };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost' };
}

net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
  const { host, path } = target(args);
  if (!path && host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test tried to reach ${host}: tests must not use the network`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
