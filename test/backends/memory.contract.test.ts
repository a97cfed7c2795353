import { runCacheContract } from './contract.js';

runCacheContract('memory');
