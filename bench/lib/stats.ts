/** min / median / max of a few repetitions: with 3 to 5 samples on a shared machine, nothing fancier is honest. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError("spread() needs at least one value");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** Messages per second of one repetition. */
export const rate = (messages: number, ms: number): number => (ms > 0 ? (messages * 1000) / ms : 0);
