process.env.BENCH_WORKERS = '../workers-exp/';
const m = await import('./exp-fetch-hit-single.mjs');
const params = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, Number(v)]));
const { markdown } = await m.run({ driver: 'bare', params });
console.log(markdown);
