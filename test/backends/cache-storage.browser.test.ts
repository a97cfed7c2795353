import { it } from 'vitest';
it('probe zombie', async () => {
  const name = 'probe-zombie';
  const c = await caches.open(name);
  await c.put('https://cachette.invalid/a', new Response('one', { headers: { 'x-a': '1' } }));
  await caches.delete(name);
  const log: string[] = [];
  try { await c.put('https://cachette.invalid/b', new Response('two')); log.push('put ok'); } catch (e) { log.push('put err ' + String(e) + ' ' + (e as Error).name); }
  try { const m = await c.match('https://cachette.invalid/a'); log.push('match ' + (m ? await m.text() : 'undef')); } catch (e) { log.push('match err ' + String(e)); }
  try { const k = await c.keys(); log.push('keys ' + k.length); } catch (e) { log.push('keys err ' + String(e)); }
  log.push('has ' + await caches.has(name));
  const c2 = await caches.open(name);
  log.push('fresh keys ' + (await c2.keys()).length);
  log.push('locks ' + typeof navigator.locks);
  log.push(new Request('https://cachette.invalid/%u002E').url + ' ' + new Request('https://cachette.invalid/..').url);
  const b = new Blob(['x'], { type: 'foo' }); log.push('blobtype ' + b.type);
  const r = new Response(b); log.push('rtype ' + r.headers.get('content-type') + ' ' + (await r.blob()).type);
  // timing of caches.open vs has
  let t = performance.now(); for (let i = 0; i < 100; i++) await caches.open(name); log.push('open x100 ' + (performance.now() - t).toFixed(1));
  t = performance.now(); for (let i = 0; i < 100; i++) await caches.has(name); log.push('has x100 ' + (performance.now() - t).toFixed(1));
  t = performance.now(); for (let i = 0; i < 100; i++) await c2.match('https://cachette.invalid/a'); log.push('match x100 ' + (performance.now() - t).toFixed(1));
  t = performance.now(); for (let i = 0; i < 100; i++) await caches.match('https://cachette.invalid/a', { cacheName: name }); log.push('caches.match x100 ' + (performance.now() - t).toFixed(1));
  await caches.delete(name);
  console.log(log.join('\n'));
});
