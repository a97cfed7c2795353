/** The path of a Chromium executable, or undefined when none is found. */
export function findChrome(): string | undefined;
/** Flags every launch uses. */
export const CHROME_ARGS: string[];
