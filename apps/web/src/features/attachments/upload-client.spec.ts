import { describe, expect, it } from 'vitest';
import type { Clock } from '../grid/grid-saver';
import {
  UploadCancelled,
  UploadFailed,
  UploadRefused,
  defaultBackoff,
  reasonOf,
  retryable,
  uploadFile,
  uploadUrl,
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
