// 'cachette/page': the page side (register, cacheFragment).
export { register, onUpdate, type RegisterOptions, type WorkerUpdate } from './register.js';
