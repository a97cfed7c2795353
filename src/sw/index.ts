// 'cachette/sw': the service worker side (cacheSite, cachePage, cacheRoutes).
// Not built yet: issue 3 ("The service worker") fills this entry point.
export {};
