/** Mounting React trees in happy-dom for the tests: act-wrapped rendering and waiting. */
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

// Tells React that updates are wrapped in act() here (it warns otherwise).
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Mounted {
  container: HTMLElement;
  render(node: ReactNode): Promise<void>;
  unmount(): Promise<void>;
}

const mounted = new Set<Mounted>();

/** Renders `node` into a fresh container in the document. */
export async function mount(node: ReactNode): Promise<Mounted> {
  const container = document.createElement('div');
  document.body.append(container);
  const root: Root = createRoot(container);
  const m: Mounted = {
    container,
    render: (next) => act(async () => root.render(next)),
    unmount: async () => {
      mounted.delete(m);
      await act(async () => root.unmount());
      container.remove();
    },
  };
  mounted.add(m);
  await m.render(node);
  return m;
}

/** Unmounts whatever a test left mounted. */
export async function unmountAll(): Promise<void> {
  for (const m of [...mounted]) await m.unmount();
}

/** Lets pending promises, timers and React updates run, inside act. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

/** Settles until `check` passes (it throws until then), at most ~200 rounds. */
export async function waitFor(check: () => void): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 200; i += 1) {
    try {
      check();
      return;
    } catch (error) {
      last = error;
    }
    await settle(1);
  }
  throw last;
}

/** A promise with its resolve and reject, for loads a test finishes by hand. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
