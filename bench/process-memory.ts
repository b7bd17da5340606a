import { readFile } from 'node:fs/promises';

/** VmRSS and VmHWM of a process, in bytes (from /proc/<pid>/status). */
export async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The highest VmRSS of `pid` seen while `work` runs (sampled every 5 ms), and VmRSS before it. */
export async function rssDuring(pid: number, work: () => Promise<unknown>): Promise<{ before: number; peak: number }> {
  const before = (await memoryOf(pid)).rss;
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await memoryOf(pid)).rss);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    await work();
  } finally {
    sampling = false;
    await sampler;
  }
  return { before, peak };
}
