// A worker that throws during its first evaluation: a mistake in the app's worker setup.
import { cacheRoutes } from 'cachette/sw';

cacheRoutes([{ match: '/api/', ttl: 60 }]);
throw new Error('register-throws: defineCaches was given a typo');
