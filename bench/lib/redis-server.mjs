// A throwaway redis-server for the push benchmarks: a free loopback port, no persistence
// (`--save '' --appendonly no`), stopped by its own pid. The benchmark's counterpart of
// test/server/support/redis-server.ts (which is TypeScript, so not importable from here).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { findRedisServer } from '../../scripts/redis-path.mjs';

const READY_MS = 10_000;
const STOP_MS = 3_000;

/**
 * Starts a redis-server on a free 127.0.0.1 port; resolves once it answers PING.
 * @returns {Promise<{ url: string, port: number, pid: number | undefined, version: string, stop: () => Promise<void> }>}
 */
export async function startRedis() {
  const executable = findRedisServer();
  if (!executable) {
    throw new Error('the push benchmarks need a redis-server and none was found: `sudo apt-get install redis-server`, set REDIS_SERVER_PATH, or run `node scripts/ensure-redis.mjs`');
  }
  const port = await freePort();
  const child = spawn(executable, ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_MS;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server on port ${port} did not answer PING within ${READY_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const version = /version=(\d+\.\d+\.\d+)/i.exec(output)?.[1] ?? 'unknown';
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, version, stop };
}

async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function answersPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
