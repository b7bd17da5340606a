import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '@taizhang/testing';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, timed, writeResults, type BenchCase } from './bench-results';
import { rssDuring } from './process-memory';

/**
 * s3-store (issue 20, the optional bucket): the same uploads through POST /attachments to an
 * API whose files go to an S3-compatible bucket (ATTACHMENT_S3_*) and, as the baseline, to an API
 * with the local store under DATA_DIR, in the same run. The bucket is s3rver (S3's REST API in
 * Node, storing on disk) in a process of its own on loopback: on a real deployment it is another
 * machine, so this measures the store's own cost (a HEAD, the PUT or multipart upload streamed
 * from the temp file) plus s3rver's, on the same two cores. Cases: 20 files of 3 MB one after
 * another (PDF-like: nothing to decode, the storage path alone), one file of 40 MB (a multipart
 * upload of 8 MB parts), and the S3 API's resident memory growth while it takes the 40 MB file.
 */
const FILES = 20;
const FILE_BYTES = 3 * 1024 * 1024;
const BIG_BYTES = 40 * 1024 * 1024;
const RUNS = Number(process.env.ATTACHMENTS_S3_BENCH_RUNS ?? 3);
const BUCKET = 'taizhang-files';
const LEDGER = {
  key: 'bench_files',
  title: '压测附件',
  fields: [
    { key: 'title', title: '标题', type: 'text' },
    { key: 'docs', title: '文件', type: 'attachment', kinds: ['pdf'], maxFileSize: '100MB', maxTotalSize: '100MB' },
  ],
};

let local: BenchProduct;
let s3: BenchProduct;
let s3rver: ChildProcess;
let s3rverDir: string;
let localDir: string;
let s3Dir: string;
type Measured = BenchCase & Record<string, unknown>;
const cases: Measured[] = [];

const pdfLike = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes - 9)]);

async function upload(product: BenchProduct, bytes: Buffer, name: string): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${product.server.url}/attachments?ledger=${LEDGER.key}&field=docs`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${product.token}` },
  });
  const body = await response.text();
  if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${body}`);
}

/** How far VmRSS of `pid` rose above where it was while `work` ran. */
async function rssGrowth(pid: number, work: () => Promise<unknown>): Promise<number> {
  const { before, peak } = await rssDuring(pid, work);
  return peak - before;
}

async function publish(product: BenchProduct): Promise<void> {
  const published = await product.api.post(
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: LEDGER },
    product.token,
  );
  if (published.errors) throw new Error(JSON.stringify(published.errors));
}

beforeAll(async () => {
  s3rverDir = await mkdtemp(path.join(tmpdir(), 'taizhang-bench-s3rver-'));
  localDir = await mkdtemp(path.join(tmpdir(), 'taizhang-bench-local-'));
  s3Dir = await mkdtemp(path.join(tmpdir(), 'taizhang-bench-s3-'));
  const port = await freePort();
  s3rver = spawn(
    process.execPath,
    [
      path.resolve(__dirname, '../node_modules/s3rver/bin/s3rver.js'),
      ...['--directory', s3rverDir, '--port', String(port), '--address', '127.0.0.1'],
      ...['--silent', '--configure-bucket', BUCKET],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    s3rver.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
    s3rver.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  [local, s3] = await Promise.all([
    startBenchProduct(0, undefined, { DATA_DIR: localDir }),
    startBenchProduct(0, undefined, {
      DATA_DIR: s3Dir,
      ATTACHMENT_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      ATTACHMENT_S3_BUCKET: BUCKET,
      ATTACHMENT_S3_ACCESS_KEY_ID: 'S3RVER',
      ATTACHMENT_S3_SECRET_ACCESS_KEY: 'S3RVER',
      ATTACHMENT_S3_FORCE_PATH_STYLE: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
  ]);
  await Promise.all([publish(local), publish(s3)]);
}, 300_000);

afterAll(async () => {
  writeResults('s3-store', cases);
  await Promise.all([local?.stop(), s3?.stop()]);
  if (s3rver && s3rver.exitCode === null) {
    const exited = new Promise((resolve) => s3rver.once('exit', resolve));
    s3rver.kill('SIGTERM');
    await exited;
  }
  for (const dir of [s3rverDir, localDir, s3Dir]) if (dir) await rm(dir, { recursive: true, force: true });
});

it(`uploads ${FILES} files of 3 MB into the bucket within 2× of the local store`, async () => {
  const times = { s3: [] as number[], local: [] as number[] };
  for (let run = 0; run < RUNS; run += 1) {
    // new bytes every run and for each API (the stores keep a content once), the order alternated
    const order: ('s3' | 'local')[] = run % 2 === 0 ? ['s3', 'local'] : ['local', 's3'];
    for (const which of order) {
      const files = Array.from({ length: FILES }, () => pdfLike(FILE_BYTES));
      const product = which === 's3' ? s3 : local;
      times[which].push(
        await timed(async () => {
          for (const [i, bytes] of files.entries()) await upload(product, bytes, `file-${run}-${i}.pdf`);
        }),
      );
    }
  }
  console.log(
    `20 × 3 MB: s3 ${times.s3.map(Math.round).join(', ')} ms; local ${times.local.map(Math.round).join(', ')} ms`,
  );
  cases.push({
    ...judge(
      `${FILES} files of 3 MB, one after another (S3 store vs local store)`,
      median(times.s3),
      median(times.local),
      '<= 2',
    ),
    s3_runs_ms: times.s3.map(Math.round),
    local_runs_ms: times.local.map(Math.round),
  });
  expect(times.s3).toHaveLength(RUNS);
});

it('uploads one 40 MB file into the bucket (multipart) within 2× of the local store, in bounded memory', async () => {
  const times = { s3: [] as number[], local: [] as number[] };
  const growth = { s3: [] as number[], local: [] as number[] };
  for (let run = 0; run < RUNS; run += 1) {
    const order: ('s3' | 'local')[] = run % 2 === 0 ? ['s3', 'local'] : ['local', 's3'];
    for (const which of order) {
      const bytes = pdfLike(BIG_BYTES);
      const product = which === 's3' ? s3 : local;
      let ms = 0;
      growth[which].push(
        await rssGrowth(product.server.process.pid!, async () => {
          ms = await timed(() => upload(product, bytes, `big-${run}.pdf`));
        }),
      );
      times[which].push(ms);
    }
  }
  const mb = (n: number) => Math.round(n / 2 ** 20);
  console.log(
    `40 MB: s3 ${times.s3.map(Math.round).join(', ')} ms (RSS +${growth.s3.map(mb).join(', ')} MB); ` +
      `local ${times.local.map(Math.round).join(', ')} ms (RSS +${growth.local.map(mb).join(', ')} MB)`,
  );
  cases.push({
    ...judge('one file of 40 MB (S3 store, multipart, vs local store)', median(times.s3), median(times.local), '<= 2'),
    // resident memory of the API process above what it held before the upload (not judged: the
    // local store's growth is the multipart parser's and the temp file's, near zero)
    s3_runs_ms: times.s3.map(Math.round),
    local_runs_ms: times.local.map(Math.round),
    s3_rss_growth_mb: growth.s3.map(mb),
    local_rss_growth_mb: growth.local.map(mb),
  });
  expect(times.s3).toHaveLength(RUNS);
});
