/**
 * The BroadcastChannel a worker built by cachette/vite posts on when its script throws while
 * first evaluated: `{ message, scriptURL }`, plain, not a protocol message (the worker never
 * got to run Cachette). register() puts it in its rejection; `vite` dev shows it in the
 * terminal and the overlay. Its own module: the page's register() must not pull in the
 * protocol (5 KB) for one name.
 */
export const WORKER_ERROR_CHANNEL = 'cachette:worker-error';
