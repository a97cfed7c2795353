import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../src/devtools/describe-entry.js';
import { routeNamer } from '../../src/devtools/route-name.js';

describe('routeNamer', () => {
  it('names a cacheRoutes row by its pattern, with or without the route table', () => {
    const table = routeNamer([{ id: 'route:1.0:/api/todos', kind: 'route', match: '/api/todos' }]);
    expect(table('route:1.0:/api/todos')).toBe('/api/todos');
    // No table (a page reading a store it shares with the worker), or a route since removed.
    expect(routeNamer()('route:1.0:/api/todos')).toBe('/api/todos');
    expect(table('route:2.3:/\\/feed\\.xml$/')).toBe('/\\/feed\\.xml$/');
    expect(routeNamer()('route:1.0:/a:b/:id')).toBe('/a:b/:id');
  });

  it('names the other routes by the function that declared them', () => {
    const name = routeNamer([
      { id: 'site', kind: 'site', match: '(same origin)' },
      { id: 'http', kind: 'site', match: '(same origin, HTTP rules)' },
      { id: 'page:1', kind: 'page', match: '(registerRoute)' },
    ]);
    expect(['site', 'http', 'page:1', 'page:7'].map(name)).toEqual(['cacheSite', 'httpCache', 'cachePage', 'cachePage']);
    expect(name('something-else')).toBe('something-else');
  });

  it('is what describeEntry names a route with by default', () => {
    const entry = describeEntry({ key: ':1:x', size: 1, expires: Infinity, tags: ['cachette:route:route:1.0:/api/todos', 'cachette:url:https://app.test/api/todos'] }, { keyPrefix: '', version: 1 });
    expect(entry.route).toBe('/api/todos');
  });
});
