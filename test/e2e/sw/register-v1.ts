// The e2e test worker, version 1.
import { startTestWorker } from './test-worker.js';

startTestWorker('v1');
