// 'cachette/page': the page side (register, cacheFragment).
// Not built yet: issues 3 and 4 fill this entry point.
export {};
