/** The conformance worker for `--worker cacheSite`: Django's per-site cache, all defaults. */
import { cacheSite } from 'cachette/sw';
import { claimAtOnce } from './sw-lifecycle.js';

claimAtOnce();
cacheSite();
