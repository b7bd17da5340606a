import { describe, expect, it } from 'vitest';
import type { Clock } from '../grid/grid-saver';
import {
  UploadCancelled,
  UploadFailed,
  UploadRefused,
  defaultBackoff,
  memoryPartMemory,
  missingParts,
  partKey,
  reasonOf,
  retryable,
  uploadFile,
  uploadUrl,
  type PartMemory,
  type Transport,
  type TransportAnswer,
  type TransportRequest,
  type UploadState,
} from './upload-client';

/** Timers that run only when the test moves time on. */
class FakeClock implements Clock {
  time = 0;
  private timers: { at: number; run: () => void; id: number }[] = [];
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  pending(): number[] {
    return this.timers.map((t) => t.at - this.time);
  }
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.run();
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Answers each attempt from a script; reports the progress steps it is given before answering. */
class ScriptedTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  constructor(
    private readonly answers: TransportAnswer[],
    private readonly progress: [number, number][] = [],
  ) {}
  send(request: TransportRequest, signal: AbortSignal): Promise<TransportAnswer> {
    this.requests.push(request);
    for (const [loaded, total] of this.progress) request.onProgress(loaded, total);
    const answer = this.answers.shift() ?? { status: 0, body: '' };
    if (signal.aborted) return Promise.resolve({ status: 0, body: '' });
    return Promise.resolve(answer);
  }
}

const stored = { handle: 'h1', name: 'before.jpg', size: 3, kind: 'image', sha256: 'ab' };
const ok: TransportAnswer = { status: 201, body: JSON.stringify(stored) };
const down: TransportAnswer = { status: 0, body: '' };
const file = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });

function start(transport: Transport, clock: FakeClock, states: UploadState[], signal?: AbortSignal) {
  const outcome = uploadFile(file, 'before.jpg', {
    ledger: 'rectification',
    field: 'photos_before',
    unitId: 'u1',
    locale: 'zh-CN',
    transport,
    clock,
    onState: (s) => states.push(s),
    signal,
  });
  // the rejection is looked at by the test; this keeps Node from calling it unhandled meanwhile
  outcome.catch(() => undefined);
  return outcome;
}

describe('uploadFile', () => {
  it('reports the bytes sent and answers the stored file', async () => {
    const clock = new FakeClock();
    const states: UploadState[] = [];
    const transport = new ScriptedTransport(
      [ok],
      [
        [1, 3],
        [3, 3],
      ],
    );
    await expect(start(transport, clock, states)).resolves.toEqual(stored);
    expect(states).toEqual([
      { state: 'uploading', loaded: 0, total: 3, attempt: 1 },
      { state: 'uploading', loaded: 1, total: 3, attempt: 1 },
      { state: 'uploading', loaded: 3, total: 3, attempt: 1 },
      { state: 'done', ref: stored },
    ]);
    expect(transport.requests[0]!.url).toBe('/attachments?ledger=rectification&field=photos_before&unitId=u1');
    expect(transport.requests[0]!.headers['Accept-Language']).toBe('zh-CN');
  });

  it('tries a network failure again after 1 s and 3 s, and succeeds on the third try', async () => {
    const clock = new FakeClock();
    const states: UploadState[] = [];
    const transport = new ScriptedTransport([down, { status: 503, body: '' }, ok]);
    const outcome = start(transport, clock, states);
    await settle();
    expect(transport.requests).toHaveLength(1);
    expect(clock.pending()).toEqual([1000]);
    await clock.advance(999);
    expect(transport.requests).toHaveLength(1);
    await clock.advance(1);
    expect(transport.requests).toHaveLength(2);
    expect(clock.pending()).toEqual([3000]);
    await clock.advance(3000);
    await expect(outcome).resolves.toEqual(stored);
    expect(transport.requests).toHaveLength(3);
    expect(states.filter((s) => s.state === 'waiting')).toEqual([
      { state: 'waiting', attempt: 1, retryAt: 1000, reason: null },
      { state: 'waiting', attempt: 2, retryAt: 1000 + 3000, reason: 'HTTP 503' },
    ]);
  });

  it('gives up after three tries, never a fourth', async () => {
    const clock = new FakeClock();
    const states: UploadState[] = [];
    const transport = new ScriptedTransport([down, down, down, ok]);
    const outcome = start(transport, clock, states);
    await settle();
    await clock.advance(1000);
    await clock.advance(3000);
    await expect(outcome).rejects.toBeInstanceOf(UploadFailed);
    expect(transport.requests).toHaveLength(3);
    expect(clock.pending()).toEqual([]);
    expect(states.at(-1)).toEqual({ state: 'failed', reason: null });
  });

  it("ends a refusal at once with the server's reason: the same file would be refused again", async () => {
    const clock = new FakeClock();
    const states: UploadState[] = [];
    const refusal = { errors: [{ message: '文件超过 10 MB 的上限', extensions: { code: 'BAD_USER_INPUT' } }] };
    const transport = new ScriptedTransport([{ status: 413, body: JSON.stringify(refusal) }, ok]);
    const error = await start(transport, clock, states).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadRefused);
    expect((error as UploadRefused).reason).toBe('文件超过 10 MB 的上限');
    expect((error as UploadRefused).status).toBe(413);
    expect(transport.requests).toHaveLength(1);
    expect(clock.pending()).toEqual([]);
    expect(states.at(-1)).toEqual({ state: 'refused', status: 413, reason: '文件超过 10 MB 的上限' });
  });

  it('stops waiting when cancelled, without another try', async () => {
    const clock = new FakeClock();
    const states: UploadState[] = [];
    const transport = new ScriptedTransport([down, ok]);
    const abort = new AbortController();
    const outcome = start(transport, clock, states, abort.signal);
    await settle();
    expect(clock.pending()).toEqual([1000]);
    abort.abort();
    await expect(outcome).rejects.toBeInstanceOf(UploadCancelled);
    expect(clock.pending()).toEqual([]);
    await clock.advance(5000);
    expect(transport.requests).toHaveLength(1);
  });

  it('treats a success it cannot read as a failure to try again', async () => {
    const clock = new FakeClock();
    const transport = new ScriptedTransport([{ status: 200, body: '<html>proxy</html>' }, ok]);
    const outcome = start(transport, clock, []);
    await settle();
    await clock.advance(1000);
    await expect(outcome).resolves.toEqual(stored);
    expect(transport.requests).toHaveLength(2);
  });
});

describe('the rules of a retry', () => {
  it('retries no answer, server failures, 408 and 429, and nothing the server refused', () => {
    expect([0, 408, 429, 500, 502, 503].every(retryable)).toBe(true);
    expect([400, 401, 403, 404, 413, 415, 422].some(retryable)).toBe(false);
  });

  it('waits 1 s, then 3 s, then 5 s', () => {
    expect([1, 2, 3].map(defaultBackoff)).toEqual([1000, 3000, 5000]);
  });

  it("reads the contract's errors, Nest's message, and nothing from a page that is not JSON", () => {
    expect(reasonOf('{"errors":[{"message":"不支持的文件类型"}]}')).toBe('不支持的文件类型');
    expect(reasonOf('{"statusCode":413,"message":"too large"}')).toBe('too large');
    expect(reasonOf('{"message":["first","second"]}')).toBe('first');
    expect(reasonOf('<html>502</html>')).toBeNull();
  });

  it('names the ledger and field, and the unit only when given', () => {
    expect(uploadUrl({ ledger: 'task', field: 'files' })).toBe('/attachments?ledger=task&field=files');
  });
});

/**
 * The server's side of uploads in parts, as the API answers it (attachment-parts.service.ts):
 * parts of `partSize` bytes, kept by number, a part sent again replacing itself; `failPut` says
 * how many times the sending of a part gets no answer before one gets through.
 */
class PartsServer implements Transport {
  readonly requests: { method: string; url: string; bytes: string }[] = [];
  readonly uploads = new Map<string, { size: number; parts: Map<number, string> }>();
  failPut = new Map<number, number>();
  doneAnswer: TransportAnswer | null = null;
  private next = 1;
  constructor(readonly partSize: number) {}

  async send(request: TransportRequest): Promise<TransportAnswer> {
    const method = request.method ?? 'POST';
    const bytes = new TextDecoder().decode(await request.file.arrayBuffer());
    this.requests.push({ method, url: request.url, bytes });
    const url = new URL(request.url, 'http://x');
    const [, , , id, n] = url.pathname.split('/');
    if (url.pathname === '/attachments') return ok;
    if (method === 'POST' && url.pathname === '/attachments/parts') {
      const uploadId = `up${this.next++}`;
      const size = Number(url.searchParams.get('size'));
      this.uploads.set(uploadId, { size, parts: new Map() });
      const parts = Math.ceil(size / this.partSize);
      return { status: 201, body: JSON.stringify({ uploadId, partSize: this.partSize, parts }) };
    }
    const upload = id ? this.uploads.get(id) : undefined;
    if (!upload) return { status: 404, body: '{"errors":[{"message":"分段上传不存在或已过期"}]}' };
    const parts = Math.ceil(upload.size / this.partSize);
    if (method === 'GET') {
      const received = [...upload.parts.keys()].sort((a, b) => a - b);
      return { status: 200, body: JSON.stringify({ uploadId: id, partSize: this.partSize, parts, received }) };
    }
    if (method === 'PUT') {
      const part = Number(n);
      request.onProgress(bytes.length, bytes.length);
      const failures = this.failPut.get(part) ?? 0;
      if (failures > 0) {
        this.failPut.set(part, failures - 1);
        return { status: 0, body: '' };
      }
      upload.parts.set(part, bytes);
      return { status: 200, body: JSON.stringify({ part, size: bytes.length }) };
    }
    if (n === 'done') {
      if (this.doneAnswer) return this.doneAnswer;
      const joined = Array.from({ length: parts }, (_, i) => upload.parts.get(i) ?? '?').join('');
      this.uploads.delete(id!);
      return { status: 201, body: JSON.stringify({ ...stored, name: 'big.pdf', size: joined.length, sha256: joined }) };
    }
    return { status: 400, body: '' };
  }

  /** The requests after the first `from`, as "METHOD path". */
  calls(from = 0): string[] {
    return this.requests.slice(from).map((r) => `${r.method} ${r.url.split('?')[0]}`);
  }
}

const content = 'ABCDEFGHIJ'; // 10 bytes: parts of 4, 4 and 2
const bigFile = new Blob([content]);

function startParts(server: PartsServer, clock: FakeClock, states: UploadState[], memory: PartMemory) {
  const outcome = uploadFile(bigFile, 'big.pdf', {
    ledger: 'task',
    field: 'files',
    locale: 'zh-CN',
    transport: server,
    clock,
    onState: (s) => states.push(s),
    partThreshold: 8,
    memory,
  });
  outcome.catch(() => undefined);
  return outcome;
}

describe('uploadFile in parts', () => {
  it('sends a file above the threshold part by part, with progress over the whole file, then done', async () => {
    const server = new PartsServer(4);
    const states: UploadState[] = [];
    const memory = memoryPartMemory();
    const ref = await startParts(server, new FakeClock(), states, memory);
    expect(ref.sha256).toBe(content);
    expect(server.calls()).toEqual([
      'POST /attachments/parts',
      'PUT /attachments/parts/up1/0',
      'PUT /attachments/parts/up1/1',
      'PUT /attachments/parts/up1/2',
      'POST /attachments/parts/up1/done',
    ]);
    expect(server.requests[0]!.url).toBe('/attachments/parts?ledger=task&field=files&name=big.pdf&size=10');
    expect(server.requests.slice(1, 4).map((r) => r.bytes)).toEqual(['ABCD', 'EFGH', 'IJ']);
    const loaded = states.flatMap((s) => (s.state === 'uploading' ? [s.loaded] : []));
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(loaded).toContain(4);
    expect(loaded).toContain(8);
    expect(loaded.at(-1)).toBe(10);
    expect(states.every((s) => s.state !== 'uploading' || s.total === 10)).toBe(true);
    expect(states.at(-1)).toEqual({ state: 'done', ref });
    // finished: nothing left to resume
    expect(memory.get(partKey({ ledger: 'task', field: 'files' }, bigFile, 'big.pdf'))).toBeNull();
  });

  it('sends a file of the threshold or less whole, as before', async () => {
    const server = new PartsServer(4);
    const outcome = uploadFile(new Blob(['ABCDEFGH']), 'small.pdf', {
      ledger: 'task',
      field: 'files',
      locale: 'zh-CN',
      transport: server,
      clock: new FakeClock(),
      partThreshold: 8,
      memory: memoryPartMemory(),
    });
    outcome.catch(() => undefined);
    await outcome;
    expect(server.calls()).toEqual(['POST /attachments']);
  });

  it('tries a part again after its back-off, and only that part', async () => {
    const server = new PartsServer(4);
    server.failPut.set(1, 2);
    const clock = new FakeClock();
    const states: UploadState[] = [];
    const outcome = startParts(server, clock, states, memoryPartMemory());
    await settle();
    expect(clock.pending()).toEqual([1000]);
    await clock.advance(1000);
    expect(clock.pending()).toEqual([3000]);
    await clock.advance(3000);
    await expect(outcome).resolves.toMatchObject({ sha256: content });
    expect(server.calls().filter((c) => c.startsWith('PUT'))).toEqual([
      'PUT /attachments/parts/up1/0',
      'PUT /attachments/parts/up1/1',
      'PUT /attachments/parts/up1/1',
      'PUT /attachments/parts/up1/1',
      'PUT /attachments/parts/up1/2',
    ]);
    expect(states.filter((s) => s.state === 'waiting').map((s) => s.attempt)).toEqual([1, 2]);
  });

  it('after a part failed three times, the next try asks the server what it has and sends only the rest', async () => {
    const server = new PartsServer(4);
    server.failPut.set(1, 3);
    const clock = new FakeClock();
    const memory = memoryPartMemory();
    const first = startParts(server, clock, [], memory);
    await settle();
    await clock.advance(1000);
    await clock.advance(3000);
    await expect(first).rejects.toBeInstanceOf(UploadFailed);
    expect(server.calls()).not.toContain('PUT /attachments/parts/up1/2');

    // 重试 (or the panel reloaded and the same file picked again): the same upload goes on
    const before = server.requests.length;
    const states: UploadState[] = [];
    const again = await startParts(server, clock, states, memory);
    expect(again.sha256).toBe(content);
    expect(server.calls(before)).toEqual([
      'GET /attachments/parts/up1',
      'PUT /attachments/parts/up1/1',
      'PUT /attachments/parts/up1/2',
      'POST /attachments/parts/up1/done',
    ]);
    // the progress starts from the part the server had
    const loaded = states.flatMap((s) => (s.state === 'uploading' && s.attempt === 1 ? [s.loaded] : []));
    expect(loaded.filter((l) => l > 0)[0]).toBe(4);
  });

  it('starts anew when the server no longer knows the remembered upload (collected, finished)', async () => {
    const server = new PartsServer(4);
    const memory = memoryPartMemory();
    memory.set(partKey({ ledger: 'task', field: 'files' }, bigFile, 'big.pdf'), 'gone');
    const ref = await startParts(server, new FakeClock(), [], memory);
    expect(ref.sha256).toBe(content);
    expect(server.calls().slice(0, 2)).toEqual(['GET /attachments/parts/gone', 'POST /attachments/parts']);
  });

  it('ends at a refusal of the joined file with its reason, and forgets the upload', async () => {
    const server = new PartsServer(4);
    const reason = '不接收此文件：内容是Windows 可执行程序（按文件内容判断，与文件名无关）';
    server.doneAnswer = { status: 415, body: JSON.stringify({ errors: [{ message: reason }] }) };
    const memory = memoryPartMemory();
    const states: UploadState[] = [];
    const error = await startParts(server, new FakeClock(), states, memory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadRefused);
    expect(states.at(-1)).toEqual({ state: 'refused', status: 415, reason });
    expect(server.calls().filter((c) => c.endsWith('/done'))).toHaveLength(1);
    expect(memory.get(partKey({ ledger: 'task', field: 'files' }, bigFile, 'big.pdf'))).toBeNull();
  });

  it('lists the parts still to send', () => {
    expect(missingParts({ parts: 4, received: [2, 0] })).toEqual([1, 3]);
    expect(missingParts({ parts: 2, received: [0, 1] })).toEqual([]);
  });
});
