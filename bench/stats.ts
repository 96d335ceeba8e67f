/** Median and spread of a sample, as docs/benchmarks.md reports them. */
export interface Spread {
  readonly n: number;
  readonly min: number;
  readonly p25: number;
  readonly median: number;
  readonly p75: number;
  readonly p99: number;
  readonly max: number;
}

/** Linear interpolation between closest ranks, so small samples give stable quartiles. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** `12.3 (11.9–12.8)`: median with p25–p75. */
export function formatSpread(value: Spread, digits = 1): string {
  return `${value.median.toFixed(digits)} (${value.p25.toFixed(digits)}–${value.p75.toFixed(digits)})`;
}

export function ratio(a: number, b: number): string {
  // Three decimals, so a ratio just above a target such as 1.20× does not print as the target.
  return `${(a / b).toFixed(3)}×`;
}

/** Elapsed milliseconds since a `process.hrtime.bigint()` reading. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
