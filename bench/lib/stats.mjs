// Summary statistics for latency samples. Percentiles use the nearest-rank method on a
// sorted copy, so a median of an even count is the lower middle sample (a real sample,
// which matters when samples are quantized to the timer's resolution).

/** The p-th percentile (0–100) of `samples` by nearest rank; NaN for no samples. */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median, p95, mean, min and max of `samples`, in the samples' unit (fit for arrays too long to spread into Math.min). */
export function summarize(samples) {
  const n = samples.length;
  if (n === 0) return { n, median: Number.NaN, p95: Number.NaN, mean: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const rank = (p) => sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1];
  return { n, median: rank(50), p95: rank(95), mean: samples.reduce((a, b) => a + b, 0) / n, min: sorted[0], max: sorted[n - 1] };
}

/** a / b, or null when b is 0 or either is not a finite number (a quantized floor of 0). */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : null;
}

/** Samples in ms as µs. */
export const us = (ms) => ms.map((x) => x * 1000);

/** `x` rounded to two decimals. */
export function round2(x) {
  return Math.round(x * 100) / 100;
}

/** Every finite number of `summary` rounded to `digits` decimals. */
export function roundAll(summary, digits) {
  const scale = 10 ** digits;
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, Number.isFinite(v) ? Math.round(v * scale) / scale : v]));
}
