import { runDummyContract } from './contract.js';

runDummyContract();
