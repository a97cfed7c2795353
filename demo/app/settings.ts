/**
 * The two switches of the demo: who is signed in (the `demo_user` cookie the API reads) and
 * whether caching is on (off: the page caches are Django's DummyCache and every API request
 * carries `?nocache`, which the worker sends straight to the network).
 */
import { getCache, type Cache } from '../../src/index.js';

export const USERS = ['alice', 'bob'] as const;
const CACHING_KEY = 'demo:caching';

/** The signed-in user, or undefined for anonymous. */
export function currentUser(): string | undefined {
  const match = document.cookie.match(/(?:^|;\s*)demo_user=([^;]*)/);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export function signIn(user: string | undefined): void {
  document.cookie = user ? `demo_user=${encodeURIComponent(user)}; path=/; SameSite=Lax` : 'demo_user=; path=/; max-age=0; SameSite=Lax';
}

export function cachingOn(): boolean {
  return localStorage.getItem(CACHING_KEY) !== 'off';
}

export function setCaching(on: boolean): void {
  localStorage.setItem(CACHING_KEY, on ? 'on' : 'off');
}

/** The page caches' alias: `default` (IndexedDB) with caching on, `off` (dummy) without. */
export function pageAlias(): 'default' | 'off' {
  return cachingOn() ? 'default' : 'off';
}

export function pageCache(): Cache {
  return getCache(pageAlias());
}

/** The URL of an API call, with the worker bypass when caching is off. */
export function apiUrl(path: string): string {
  if (cachingOn()) return path;
  return `${path}${path.includes('?') ? '&' : '?'}nocache`;
}
