/** The conformance worker for `--worker httpCache`: the RFC 9111 private cache, all defaults. */
import { httpCache } from 'cachette/sw';
import { claimAtOnce } from './sw-lifecycle.js';

claimAtOnce();
httpCache();
