// The test's build of the same app without Cachette (NEWCOMER_NO_CACHETTE): what the quick start adds is the difference.
export function defineCaches(): void {}
