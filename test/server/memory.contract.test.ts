import { runHubContract } from './contract/index.js';

runHubContract('memory', () => ({ broker: 'memory' }));
