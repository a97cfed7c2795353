// 'cachette/devtools': the devtools panel. Load it in development only, lazily:
//   if (import.meta.env.DEV) (await import('cachette/devtools')).mountDevtools();
// Nothing here runs at import time: the element is defined on the first mount.
export { mountDevtools, type DevtoolsOptions } from './mount-devtools.js';
export { installDevtoolsHook, type DevtoolsHook, type DevtoolsHookOptions } from './devtools-hook.js';
export type { PanelAction } from './panel-action.js';
export type { PanelCache, PanelData, PanelEntry, PanelError, PanelRoute, PanelStorage, PanelWorker } from './panel-data.js';
