// The e2e test worker, version 2: another script body, so registration.update() installs it.
import { startTestWorker } from './test-worker.js';

startTestWorker('v2');
