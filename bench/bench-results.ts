import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchCase {
  metric: string;
  ours_ms: number;
  baseline_ms: number | null;
  ratio: number | null;
  goal: string;
  met: boolean;
}

/** The median of a few runs: steadier than the mean on a busy two-core machine. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The value below which `p` per cent of the runs fall (nearest rank): the slow end of a search. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** A case judged by the ratio ours ÷ baseline ("<= 2") or by an absolute time ("< 50ms"). */
export function judge(metric: string, ours: number, baseline: number | null, goal: string): BenchCase {
  const ratio = baseline === null ? null : Math.round((ours / baseline) * 100) / 100;
  const limit = Number(/[\d.]+/.exec(goal)![0]);
  const met = goal.endsWith('ms') ? ours < limit : ratio !== null && ratio <= limit;
  return {
    metric,
    ours_ms: Math.round(ours * 10) / 10,
    baseline_ms: baseline === null ? null : Math.round(baseline * 10) / 10,
    ratio,
    goal,
    met,
  };
}

export function writeResults(name: string, cases: BenchCase[]): void {
  const file = path.resolve(__dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  fs.writeFileSync(file, `${JSON.stringify({ name, machine, cases }, null, 2)}\n`);
  console.log(`\n${name} (${machine})`);
  console.table(
    cases.map((c) => ({
      metric: c.metric,
      ours_ms: c.ours_ms,
      baseline_ms: c.baseline_ms,
      ratio: c.ratio,
      goal: c.goal,
      met: c.met,
    })),
  );
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}
