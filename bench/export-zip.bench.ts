import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { median, timed, writeResults, type BenchCase } from './bench-results';
import { rssDuring } from './process-memory';

/**
 * The Excel export with the files (`GET /export/{ledger}.xlsx?files=zip`, docs/excel.md): 50 files
 * of 2 MB on 10 rows, zipped by the built API while the client streams the answer. What the API's
 * memory does (VmRSS sampled every 5 ms) against the bytes it sends — were the zip or a file held
 * whole, RSS would grow by them — and the time against reading the same files with fs.
 */
const ROWS = 10;
const FILES_PER_ROW = 5;
const FILE_BYTES = 2 * 1024 * 1024;
const RUNS = 3;
const MB = 1024 * 1024;

const LEDGER = {
  key: 'bench_zip',
  title: '附件导出压测',
  display: 'item',
  fields: [
    { key: 'item', title: '事项', type: 'text', required: true },
    { key: 'docs', title: '相关文件', type: 'attachment', kinds: ['pdf'], maxFiles: 9, maxFileSize: '10MB' },
  ],
};

let product: BenchProduct;
let dataDir: string;
let unitId: string;
const cases: (BenchCase & Record<string, unknown>)[] = [];

/** A file the store keeps as it is: a PDF's magic bytes, then random bytes (nothing to compress). */
const pdfLike = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes - 9)]);

/**
 * A second reference: a bare node:http server that sends the same stored files one after another
 * (no zip, no CRC, no database, no workbook), to the same client. What HTTP and the disk cost.
 */
async function startBareServer(files: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    void (async () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (const file of files) {
        for await (const chunk of createReadStream(file)) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        }
      }
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The answer streamed and counted, never held: the client is not what is measured. */
async function streamed(
  query: string,
  url = `${product.server.url}/export/${LEDGER.key}.xlsx?${query}`,
): Promise<number> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${product.token}` },
  });
  if (response.status !== 200) throw new Error(`export: ${response.status} ${await response.text()}`);
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'taizhang-bench-zip-'));
  product = await startBenchProduct(1, undefined, { DATA_DIR: dataDir });
  unitId = String(product.unitIds[0]);
  const published = await product.api.post(
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: LEDGER },
    product.token,
  );
  if (published.errors) throw new Error(JSON.stringify(published.errors));
  const changes = [];
  for (let row = 0; row < ROWS; row++) {
    const docs = [];
    for (let i = 0; i < FILES_PER_ROW; i++) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(pdfLike(FILE_BYTES))]), `文件${row}-${i}.pdf`);
      const response = await fetch(
        `${product.server.url}/attachments?ledger=${LEDGER.key}&field=docs&unitId=${unitId}`,
        { method: 'POST', body: form, headers: { authorization: `Bearer ${product.token}` } },
      );
      if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
      docs.push(await response.json());
    }
    changes.push({ op: 'INSERT', values: { item: `事项${row + 1}`, docs } });
  }
  const saved = await product.api.post<{ saveRows: { saved: number } }>(
    'mutation ($l: String!, $u: ID, $c: [RowChangeInput!]!) { saveRows(ledger: $l, unitId: $u, changes: $c) { saved } }',
    { l: LEDGER.key, u: unitId, c: changes },
    product.token,
  );
  if (saved.errors || saved.data!.saveRows.saved !== ROWS) throw new Error(JSON.stringify(saved));
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (cases.length > 0) writeResults('export-zip', cases);
});

it(`zips ${ROWS * FILES_PER_ROW} files of 2 MB with the API's RSS growing far less than the zip`, async () => {
  const pid = product.server.process.pid!;
  const files = ROWS * FILES_PER_ROW;
  const total = (files * FILE_BYTES) / MB;
  // the first zip on this server (code paths loaded, buffers and pools made), then the steady runs
  const first = await rssDuring(pid, () => streamed(`unitId=${unitId}&files=zip`));
  await streamed(`unitId=${unitId}`);
  const growth: number[] = [];
  const zipMs: number[] = [];
  const fsMs: number[] = [];
  const bareMs: number[] = [];
  const { rows } = await product.pool.query(`SELECT sha256 FROM attachment_blobs`);
  const stored = (rows as { sha256: string }[]).map(({ sha256 }) =>
    path.join(dataDir, 'attachments', sha256.slice(0, 2), sha256.slice(2, 4), sha256),
  );
  const bare = await startBareServer(stored);
  await streamed('', bare.url);
  let before = 0;
  let peak = 0;
  let zipBytes = 0;
  for (let run = 0; run < RUNS; run++) {
    let ms = 0;
    const memory = await rssDuring(pid, async () => {
      ms = await timed(async () => (zipBytes = await streamed(`unitId=${unitId}&files=zip`)));
    });
    growth.push((memory.peak - memory.before) / MB);
    zipMs.push(ms);
    [before, peak] = [memory.before, memory.peak];
    // the baselines: the same files sent by a bare server to the same client; read with fs into nothing
    bareMs.push(await timed(() => streamed('', bare.url)));
    fsMs.push(
      await timed(async () => {
        for (const file of stored) await readFile(file);
      }),
    );
  }
  await bare.close();
  expect(zipBytes).toBeGreaterThan(files * FILE_BYTES);
  const medianGrowth = median(growth);
  cases.push({
    metric: `API RSS growth while zipping ${files} files of 2 MB (MB; baseline = MB of files sent)`,
    ours_ms: Math.round(medianGrowth * 10) / 10,
    baseline_ms: Math.round(total * 10) / 10,
    ratio: Math.round((medianGrowth / total) * 100) / 100,
    goal: '<= 0.5',
    met: medianGrowth / total <= 0.5,
    unit: 'MB',
    runs_growth_mb: growth.map((g) => Math.round(g * 10) / 10),
    first_zip_growth_mb: Math.round(((first.peak - first.before) / MB) * 10) / 10,
    first_zip_rss_before_mb: Math.round(first.before / MB),
    rss_before_mb: Math.round(before / MB),
    rss_peak_sampled_mb: Math.round(peak / MB),
    zip_mb: Math.round((zipBytes / MB) * 10) / 10,
  });
  const ours = median(zipMs);
  const baseline = median(bareMs);
  cases.push({
    metric: `GET …xlsx?files=zip of ${files} files of 2 MB vs a bare node:http server sending the same files (ms)`,
    ours_ms: Math.round(ours),
    baseline_ms: Math.round(baseline),
    ratio: Math.round((ours / baseline) * 100) / 100,
    goal: 'measured',
    met: true,
    runs_ms: zipMs.map(Math.round),
    runs_bare_ms: bareMs.map(Math.round),
    runs_fs_read_ms: fsMs.map(Math.round),
  });
});
