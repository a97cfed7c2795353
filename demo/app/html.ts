/** Escapes text for HTML. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A short date, the same everywhere (the cached HTML must not depend on the viewer's locale). */
export function day(iso: string): string {
  return iso.slice(0, 10);
}
