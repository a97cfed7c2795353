// The stored response as is (meta headers and all): Cachette's lookup style, nothing rebuilt.
import { serve } from './exp-common.js';
serve((hit) => hit);
