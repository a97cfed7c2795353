/**
 * A real redis-server for the hub's tests, on a free loopback port, without persistence
 * (`--save '' --appendonly no`), so a restart loses every stream as a crashed cache would.
 * Without a redis-server the Redis tests fail (never skip) and say how to get one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { findRedisServer } from '../../../scripts/redis-path.mjs';

/** A running redis-server the test owns. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it: SIGTERM, SIGKILL after a bound. Idempotent. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
  /** The running process's id (to SIGSTOP it, say). */
  pid(): number | undefined;
}

const READY_MS = 10_000;
const STOP_MS = 3_000;

/** Starts a redis-server on `port` (default: a free loopback port) and waits until it answers PING. */
export async function startRedis(port?: number): Promise<RedisServer> {
  const executable = findRedisServer();
  if (!executable) {
    throw new Error(
      'The hub tests need a redis-server and none was found. Install it (sudo apt-get install redis-server), ' +
        'set REDIS_SERVER_PATH to a redis-server executable, or run `node scripts/ensure-redis.mjs` (installs it as root).',
    );
  }
  const listenPort = port ?? (await freePort());
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(listenPort)];
    const started = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    const deadline = Date.now() + READY_MS;
    while (!(await answersPing(listenPort))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${listenPort} did not answer PING within ${READY_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const end = async (signal: NodeJS.Signals): Promise<void> => {
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
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean): void => {
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
