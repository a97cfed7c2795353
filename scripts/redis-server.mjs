// A throwaway redis-server, for the hub's tests and the push benchmarks: a free loopback
// port (or the one given), no persistence (`--save '' --appendonly no`, so a restart loses
// every stream as a crashed cache would), stopped by its own pid. Without a redis-server it
// throws saying how to get one (the tests fail, never skip). Types: redis-server.d.mts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { findRedisServer } from './redis-path.mjs';

const READY_MS = 10_000;
const STOP_MS = 3_000;

/** Starts a redis-server on `port` (default: a free loopback port) and waits until it answers PING. */
export async function startRedis(port) {
  const executable = findRedisServer();
  if (!executable) {
    throw new Error(
      'A redis-server is needed and none was found. Install it (sudo apt-get install redis-server), ' +
        'set REDIS_SERVER_PATH to a redis-server executable, or run `node scripts/ensure-redis.mjs` (installs it as root).',
    );
  }
  const listenPort = port ?? (await freePort());
  let child;
  let version = 'unknown';

  const launch = async () => {
    const args = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(listenPort)];
    const started = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    started.stdout.on('data', (chunk) => (output += chunk.toString()));
    started.stderr.on('data', (chunk) => (output += chunk.toString()));
    child = started;
    const deadline = Date.now() + READY_MS;
    while (!(await answersPing(listenPort))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}:\n${output}`);
      if (Date.now() > deadline) {
        await end('SIGKILL');
        throw new Error(`redis-server on port ${listenPort} did not answer PING within ${READY_MS} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    version = /version=(\d+\.\d+\.\d+)/i.exec(output)?.[1] ?? version;
  };

  const end = async (signal) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_MS);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    port: listenPort,
    url: `redis://127.0.0.1:${listenPort}`,
    get version() {
      return version;
    },
    pid: () => child?.pid,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGTERM');
      await launch();
    },
  };
}

/** A port nothing listens on now: bind port 0, read it, close. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
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
