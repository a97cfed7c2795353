// Runs one benchmark module on its own (`node bench/<name>.mjs [--driver=…] [--<page param>=N…]`),
// the way bench/run.mjs runs it: the markdown on stdout, progress on stderr, the JSON in
// bench/results/<name>.json (`<name>.<driver>.json` under another driver than its default).
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * @param {{ name: string, description: string, defaultDriver?: string, drivers?: string[],
 *   run: (options: { driver: string, params: Record<string, number>, log: (line: string) => void }) => Promise<{ markdown: string, json: object }> }} benchmark
 */
export async function standalone(benchmark) {
  const { values } = parseArgs({ strict: false, options: { driver: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const script = `bench/${benchmark.name}.mjs`;
  if (values.help) {
    console.log(`usage: node ${script} [--driver=bare|playwright] [--<page param>=<number>...]\n  ${benchmark.description}`);
    return;
  }
  const params = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === 'driver' || key === 'help') continue;
    const number = Number(value);
    if (typeof value !== 'string' || !Number.isFinite(number)) {
      console.error(`--${key} must be a number (--${key}=N), got ${JSON.stringify(value)}`);
      process.exitCode = 1;
      return;
    }
    params[key] = number;
  }
  const defaultDriver = benchmark.defaultDriver ?? 'playwright';
  const driver = typeof values.driver === 'string' ? values.driver : defaultDriver;
  const started = Date.now();
  console.error(`[bench] ${benchmark.name} (driver: ${driver})…`);
  try {
    const { markdown, json } = await benchmark.run({ driver, params, log: (line) => console.error(`[bench] ${line}`) });
    await mkdir(RESULTS, { recursive: true });
    const file = `${RESULTS}${benchmark.name}${driver === defaultDriver ? '' : `.${driver}`}.json`;
    json.command = `node ${script} ${process.argv.slice(2).join(' ')}`.trim();
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`${markdown}\n`);
    console.error(`[bench] ${benchmark.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${file}`);
  } catch (error) {
    console.error(`[bench] ${benchmark.name} FAILED: ${error.stack ?? error}`);
    process.exitCode = 1;
  }
}
