/** Helpers for the panel's unit tests: find what a user (or a screen reader) would find. */
import { vi } from 'vitest';

/** The accessible name of a button, as the panel sets it (aria-label, else its text). */
export function nameOf(el: Element): string {
  return el.getAttribute('aria-label') ?? (el.textContent ?? '').trim();
}

/** Every button's accessible name under `root`. */
export function buttonNames(root: ParentNode): string[] {
  return [...root.querySelectorAll('button')].map(nameOf);
}

/** The one button named exactly `name` under `root` (throws if none or several). */
export function button(root: ParentNode, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].filter((b) => nameOf(b) === name);
  if (found.length !== 1) throw new Error(`expected one button named '${name}', found ${found.length} among ${JSON.stringify(buttonNames(root))}`);
  return found[0] as HTMLButtonElement;
}

/** The panel's shadow root (the only `<cachette-devtools>` in the document). */
export function panelRoot(): ShadowRoot {
  const host = document.querySelector('cachette-devtools');
  if (!host?.shadowRoot) throw new Error('no <cachette-devtools> with an open shadow root');
  return host.shadowRoot;
}

/** The text of the panel's content, for `toContain`. */
export function text(root: ParentNode): string {
  return (root as Element).textContent ?? '';
}

/** The labels of the entry rows of the cache section for `alias`, in display order. */
export function rowKeys(root: ParentNode, alias: string): string[] {
  const section = root.querySelector(`section[aria-label="Cache ${alias}"]`);
  return [...(section?.querySelectorAll('td .key') ?? [])].map((el) => el.textContent ?? '');
}

/** Waits (real timers) until `check` stops throwing. */
export function until(check: () => void | Promise<void>, timeout = 3000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 10 });
}

/** Types into an input as a user would (value, then an input event). */
export function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
