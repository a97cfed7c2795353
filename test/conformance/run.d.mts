/**
 * A worker mode of the conformance run: `none` is Chromium's own HTTP cache alone,
 * `passthrough` a worker that only forwards `fetch(event.request)`.
 */
export type WorkerMode = 'none' | 'passthrough' | 'cacheSite' | 'httpCache';

/** A classification of the suite's `determineTestResult`. */
export type ResultClass = 'pass' | 'fail' | 'optional_fail' | 'yes' | 'no' | 'setup_fail' | 'harness_fail' | 'dependency_fail' | 'retry' | 'untested';

export type Counts = Record<ResultClass, number>;

export interface TestOutcome {
  /** The test suite (group) id, e.g. `cc-freshness`. */
  group: string;
  /** `required`, `optimal` or `check`. */
  kind: string;
  result: ResultClass;
  /** The suite's failure message (`Assertion: Response 2 comes from cache`). */
  message?: string;
  /** The test's uuid in this run, to find its requests. */
  uuid?: string;
}

export interface GateFailure {
  id: string;
  result: ResultClass;
  message?: string;
}

export interface ConformanceSummary {
  worker: WorkerMode;
  /** `Browser.getVersion`'s product, e.g. `HeadlessChrome/156.0.8078.108`. */
  chromium: string;
  date: string;
  /** Wall time of the first run (the browser run, not the worker build). */
  seconds: number;
  /** `passing` is the `pass` class (as SNAPSHOT.md's 173); `passOrYes` adds the checks answered yes. */
  totals: Counts & { passing: number; passOrYes: number; tests: number };
  groups: Array<Counts & { id: string; name: string }>;
  /** How many ids of gate-required.txt were run (all 132 unless `only`). */
  gate: number;
  /** The ids of gate-required.txt not classified `pass`. */
  gateFailures: GateFailure[];
  /** The ids run, when `only` was given (with their dependencies). */
  only?: string[];
  tests: Record<string, TestOutcome>;
  runs: { count: number; identical: boolean; differing: Array<{ id: string; results: ResultClass[] }> };
  otherRuns?: Array<{ totals: ConformanceSummary['totals']; seconds: number }>;
}

export interface ConformanceOptions {
  /** Default `httpCache`. */
  worker?: WorkerMode;
  /** Fresh-profile runs to compare. Default 1. */
  runs?: number;
  /** Test ids to run (their dependencies run too). Default all. */
  only?: string[];
  /** Milliseconds one run may take. Default 600 000. */
  timeout?: number;
  /** Progress lines. Default none. */
  log?: (line: string) => void;
}

export const WORKERS: Record<WorkerMode, string | undefined>;
export const CLASSES: ResultClass[];
/** Builds the worker, runs the suite in headless Chromium `runs` times, classifies as the suite does. */
export function runConformance(options?: ConformanceOptions): Promise<ConformanceSummary>;
/** The per-group table, the totals and the gate, as the CLI prints them. */
export function formatSummary(summary: ConformanceSummary): string;
/** The gate's ids that are not `pass` in `tests`. */
export function gateFailures(tests: Record<string, TestOutcome>, gate?: string[]): GateFailure[];
