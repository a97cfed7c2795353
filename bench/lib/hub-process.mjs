// Starts bench/lib/hub-process-main.mjs in a child process (`node --expose-gc`, so its
// memory can be measured after a full collection) and talks to it over IPC.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./hub-process-main.mjs', import.meta.url));
const START_MS = 15_000;
const REQUEST_MS = 120_000;

/**
 * @param {{ brokers: string[], redisUrl?: string, stream?: string }} config
 * @param {{ onReport?: (report: unknown) => void, log?: (line: string) => void }} [options]
 * @returns {Promise<{ origin: string, pid: number, request: (cmd: string, args?: object) => Promise<any>,
 *   publish: (broker: string, key: string) => void, close: () => Promise<void> }>}
 */
export async function startHubProcess(config, { onReport = () => {}, log = () => {} } = {}) {
  const child = fork(MAIN, [JSON.stringify(config)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  const pending = new Map();
  let nextId = 1;
  let reportedErrors = 0;
  const exited = once(child, 'exit');
  child.on('message', (message) => {
    if (message.type === 'reply') {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`hub process: ${message.error}`));
    } else if (message.type === 'report') onReport(message.report);
    else if (message.type === 'hub-error' && reportedErrors++ < 5) log(`hub process: ${message.message}`);
  });
  void exited.then(([code, signal]) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the hub process exited (code ${code}, signal ${signal})`));
    pending.clear();
  });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  let listening;
  try {
    listening = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the hub process did not start within ${START_MS} ms`)), START_MS);
      child.on('message', (message) => {
        if (message.type !== 'listening') return;
        clearTimeout(timer);
        resolve(message);
      });
      void exited.then(([code]) => {
        clearTimeout(timer);
        reject(new Error(`the hub process exited with ${code} while starting (is dist/ built? \`npm run build\`)`));
      });
    });
  } catch (error) {
    await kill();
    throw error;
  }
  const request = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the hub process did not answer '${cmd}' within ${REQUEST_MS} ms`));
      }, REQUEST_MS);
      pending.set(id, { resolve: (v) => (clearTimeout(timer), resolve(v)), reject: (e) => (clearTimeout(timer), reject(e)) });
      child.send({ ...args, cmd, id });
    });
  return {
    origin: listening.origin,
    pid: listening.pid,
    request,
    publish: (broker, key) => child.send({ cmd: 'publish', broker, key }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await Promise.race([request('close').catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
      await kill();
    },
  };
}
