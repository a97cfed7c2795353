import { describe, expect, it } from 'vitest';
import { builtinBackends } from '../../src/backends/registry.js';
import { CacheHandler } from '../../src/core/handler.js';
import type { InvalidateTarget } from '../../src/core/invalidate-target.js';
import { InvalidationBus } from '../../src/core/invalidation-bus.js';
import { pushedInvalidationId } from '../../src/core/push-events.js';

describe('pushedInvalidationId', () => {
  it('is the same for one hub and event (every context acts once), and differs between hubs', () => {
    const a = 'https://app.test/cachette/events';
    const b = 'https://app.test/other/events';
    expect(pushedInvalidationId(a, '5-0')).toBe(pushedInvalidationId(a, '5-0'));
    expect(pushedInvalidationId(a, '5-0')).not.toBe(pushedInvalidationId(b, '5-0'));
    expect(pushedInvalidationId(a, '5-0', 'reset')).not.toBe(pushedInvalidationId(a, '5-0'));
    expect(pushedInvalidationId(a, '')).toBeUndefined();
    expect(pushedInvalidationId(a, '1'.repeat(60))).toBeUndefined();
  });

  it('two hubs issuing the same event id: a tab applies both events', async () => {
    const handler = new CacheHandler(builtinBackends);
    handler.define({ default: { backend: 'memory', location: `ids-${Math.random().toString(36).slice(2)}` } });
    const bus = new InvalidationBus(handler);
    const heard: InvalidateTarget[] = [];
    bus.onInvalidate((target) => heard.push(target));
    for (const [hub, key] of [['https://app.test/a/events', 'from-a'], ['https://app.test/b/events', 'from-b']] as const) {
      await bus.invalidate({ keys: [key] }, { id: pushedInvalidationId(hub, '1795850904458-3')!, pushed: { hub, id: '1795850904458-3' } });
    }
    expect(heard).toEqual([{ keys: ['from-a'] }, { keys: ['from-b'] }]);
    bus.close();
  });
});
