// A service worker's `self` and `location` for Node, for tests that run workbox-routing's
// default Router: import it before anything that imports workbox.
export const ORIGIN = 'https://app.test';
const location = new URL(`${ORIGIN}/sw.js`);
// Workbox's development logs read `navigator`, which Node 20 lacks.
const self = Object.assign(new EventTarget(), { location, __WB_DISABLE_DEV_LOGS: true });
Object.assign(globalThis, { self, location, __WB_DISABLE_DEV_LOGS: true });
