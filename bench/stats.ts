// Small helpers for benchmark figures: percentiles over samples and a printed table.
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export interface Row {
  name: string;
  value: string;
  target: string;
  ok: boolean | null;
}

export function printTable(rows: Row[]): void {
  const w0 = Math.max(...rows.map((r) => r.name.length), 6);
  const w1 = Math.max(...rows.map((r) => r.value.length), 5);
  const w2 = Math.max(...rows.map((r) => r.target.length), 6);
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padEnd(w2)}  ${d}`;
  console.log(line("figure", "value", "target", "met"));
  console.log(line("-".repeat(w0), "-".repeat(w1), "-".repeat(w2), "---"));
  for (const r of rows) console.log(line(r.name, r.value, r.target, r.ok === null ? "" : r.ok ? "yes" : "NO"));
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;
export const us = (n: number) => `${n.toFixed(2)} µs`;
