import 'fake-indexeddb/auto';
import { runCacheContract } from './contract.js';

runCacheContract('idb');
