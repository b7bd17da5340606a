import type { Clock } from '../grid/grid-saver';
import { realClock } from '../grid/grid-saver';
import type { AttachmentRef } from './attachment-value';

/**
 * One file sent to `POST /attachments` (docs/attachments.md): the bytes go out with the
 * browser's upload progress, a failure of the network or of the server (5xx, 408, 429) is tried
 * again after a back-off, and a refusal (too large, a kind the field does not take, an image
 * that is not whole) ends at once with the server's reason: the same bytes would get the same
 * answer. A file above 8 MB goes in parts (`/attachments/parts`, 4 MB each as the server says):
 * each part is retried on its own, the progress counts the whole file, and the upload's id is
 * remembered (localStorage) so that after a failure or a reload the server is asked which parts
 * it has and only the rest are sent. No Handsontable, no React, no XMLHttpRequest of its own: the
 * transport, the clock and the memory are injected, so upload-client.spec.ts runs every path
 * with a fake of each.
 */

/** What one attempt answered: an HTTP status and the body's text, or no answer at all (status 0). */
export interface TransportAnswer {
  status: number;
  body: string;
}

export interface TransportRequest {
  url: string;
  /** POST when absent. */
  method?: 'GET' | 'POST' | 'PUT';
  /** The file as the body itself (a part), not a multipart form. */
  raw?: boolean;
  file: Blob;
  fileName: string;
  headers: Record<string, string>;
  /** Bytes sent so far of this attempt, and of how many. */
  onProgress(loaded: number, total: number): void;
}

export interface Transport {
  /** Sends one attempt; resolves with the answer, or status 0 when the network failed. */
  send(request: TransportRequest, signal: AbortSignal): Promise<TransportAnswer>;
}

export type UploadState =
  | { state: 'uploading'; loaded: number; total: number; attempt: number }
  | { state: 'waiting'; attempt: number; retryAt: number; reason: string | null }
  | { state: 'done'; ref: AttachmentRef }
  | { state: 'refused'; status: number; reason: string }
  | { state: 'failed'; reason: string | null }
  | { state: 'cancelled' };

export interface UploadOptions {
  ledger: string;
  field: string;
  /** The unit the row belongs to (an admin's upload for a unit); the clerk's own when absent. */
  unitId?: string | null;
  /** The interface language: the server answers its reasons in it. */
  locale: string;
  transport?: Transport;
  clock?: Clock;
  /** Attempts in all (the first and its retries). */
  tries?: number;
  /** The wait before retry n (1-based), in ms. */
  backoff?(retry: number): number;
  onState?(state: UploadState): void;
  signal?: AbortSignal;
  /** Files above this many bytes go in parts (PART_THRESHOLD). */
  partThreshold?: number;
  /** Where an upload in parts is remembered for a resume (storagePartMemory). */
  memory?: PartMemory;
}

export const UPLOAD_TRIES = 3;
/** 1 s, then 3 s: a flaky connection has a moment to come back, a clerk does not wait long. */
export const defaultBackoff = (retry: number) => 1000 * (2 * retry - 1);

export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class UploadFailed extends Error {
  constructor(readonly reason: string | null) {
    super(reason ?? 'network');
  }
}

export class UploadCancelled extends Error {}

/** Whether trying again could help: no answer, the server's own failure, or it asked us to wait. */
export function retryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** The reason in an error answer: the contract's `{ errors: [{ message }] }`, or Nest's `{ message }`. */
export function reasonOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { errors?: { message?: unknown }[]; message?: unknown };
    const message = parsed.errors?.[0]?.message ?? parsed.message;
    if (typeof message === 'string' && message.trim()) return message;
    if (Array.isArray(message) && typeof message[0] === 'string') return message[0];
  } catch {
    // not JSON (a proxy's error page): no reason of the server's
  }
  return null;
}

function refOf(body: string): AttachmentRef | null {
  try {
    const parsed = JSON.parse(body) as Partial<AttachmentRef>;
    if (typeof parsed.handle !== 'string' || !parsed.handle) return null;
    return {
      handle: parsed.handle,
      name: String(parsed.name ?? ''),
      size: Number(parsed.size ?? 0),
      kind: String(parsed.kind ?? '') as AttachmentRef['kind'],
      sha256: String(parsed.sha256 ?? ''),
    };
  } catch {
    return null;
  }
}

export function uploadUrl(options: Pick<UploadOptions, 'ledger' | 'field' | 'unitId'>): string {
  const params = new URLSearchParams({ ledger: options.ledger, field: options.field });
  if (options.unitId) params.set('unitId', options.unitId);
  return `/attachments?${params.toString()}`;
}

/** Files above this go in parts (docs/attachments.md, "Upload"): a flaky network resends a part, not the file. */
export const PART_THRESHOLD = 8 * 1024 * 1024;

/**
 * Which upload in parts a file went to, kept across a reload of the page (the clerk picks the
 * same file again and only the parts the server lacks are sent). The browser's localStorage by
 * default; a map where there is none.
 */
export interface PartMemory {
  get(key: string): string | null;
  set(key: string, uploadId: string): void;
  delete(key: string): void;
}

export function memoryPartMemory(): PartMemory {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, id) => void map.set(key, id),
    delete: (key) => void map.delete(key),
  };
}

const PART_MEMORY_PREFIX = 'taizhang.upload-parts:';
const fallbackMemory = memoryPartMemory();

export const storagePartMemory: PartMemory = {
  get(key) {
    try {
      return globalThis.localStorage?.getItem(PART_MEMORY_PREFIX + key) ?? fallbackMemory.get(key);
    } catch {
      return fallbackMemory.get(key);
    }
  },
  set(key, uploadId) {
    try {
      if (globalThis.localStorage) return globalThis.localStorage.setItem(PART_MEMORY_PREFIX + key, uploadId);
    } catch {
      // storage full or forbidden: remembered for this page only
    }
    fallbackMemory.set(key, uploadId);
  },
  delete(key) {
    try {
      globalThis.localStorage?.removeItem(PART_MEMORY_PREFIX + key);
    } catch {
      // nothing kept there
    }
    fallbackMemory.delete(key);
  },
};

/** One upload's run: how requests are sent, retried and reported. */
interface Run {
  transport: Transport;
  clock: Clock;
  tries: number;
  backoff(retry: number): number;
  report(state: UploadState): void;
  signal: AbortSignal;
  headers: Record<string, string>;
}

/**
 * One request with its retries: the answer when it is a success the caller can read (`usable`) or
 * one of `final` (a status the caller handles itself); a refusal throws UploadRefused at once, no
 * answer or the server's failure is tried again after the back-off, then UploadFailed.
 */
async function withRetries(
  run: Run,
  request: (attempt: number) => TransportRequest,
  usable: (answer: TransportAnswer) => boolean = () => true,
  final: number[] = [],
): Promise<TransportAnswer> {
  let reason: string | null = null;
  for (let attempt = 1; attempt <= run.tries; attempt++) {
    if (run.signal.aborted) break;
    const answer = await run.transport.send(request(attempt), run.signal);
    if (run.signal.aborted) break;
    if (final.includes(answer.status)) return answer;
    if (answer.status >= 200 && answer.status < 300) {
      if (usable(answer)) return answer;
      reason = null; // an answer we cannot read: as good as none
    } else if (!retryable(answer.status)) {
      throw new UploadRefused(answer.status, reasonOf(answer.body) ?? `HTTP ${answer.status}`);
    } else {
      reason = answer.status === 0 ? null : (reasonOf(answer.body) ?? `HTTP ${answer.status}`);
    }
    if (attempt < run.tries) {
      const wait = run.backoff(attempt);
      run.report({ state: 'waiting', attempt, retryAt: run.clock.now() + wait, reason });
      await sleep(run.clock, wait, run.signal);
    }
  }
  if (run.signal.aborted) throw new UploadCancelled();
  throw new UploadFailed(reason);
}

const EMPTY = new Blob([]);

/** Uploads `file`; resolves with the stored file's reference, rejects with UploadRefused, UploadFailed or UploadCancelled. */
export async function uploadFile(file: Blob, fileName: string, options: UploadOptions): Promise<AttachmentRef> {
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = () => controller.abort();
  outer?.addEventListener('abort', onAbort);
  if (outer?.aborted) controller.abort();
  const run: Run = {
    transport: options.transport ?? xhrTransport,
    clock: options.clock ?? realClock,
    tries: Math.max(1, options.tries ?? UPLOAD_TRIES),
    backoff: options.backoff ?? defaultBackoff,
    report: options.onState ?? (() => undefined),
    signal: controller.signal,
    headers: { 'Accept-Language': options.locale === 'en' ? 'en' : 'zh-CN' },
  };
  try {
    const ref =
      file.size > (options.partThreshold ?? PART_THRESHOLD)
        ? await uploadInParts(run, file, fileName, options)
        : await uploadWhole(run, file, fileName, options);
    run.report({ state: 'done', ref });
    return ref;
  } catch (error) {
    if (error instanceof UploadRefused) run.report({ state: 'refused', status: error.status, reason: error.reason });
    else if (error instanceof UploadCancelled) run.report({ state: 'cancelled' });
    else if (error instanceof UploadFailed) run.report({ state: 'failed', reason: error.reason });
    throw error;
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
}

/** `POST /attachments`, the file whole (multipart `file`). */
async function uploadWhole(run: Run, file: Blob, fileName: string, options: UploadOptions): Promise<AttachmentRef> {
  const answer = await withRetries(
    run,
    (attempt) => {
      run.report({ state: 'uploading', loaded: 0, total: file.size, attempt });
      return {
        url: uploadUrl(options),
        file,
        fileName,
        headers: run.headers,
        onProgress: (loaded, total) => {
          if (!run.signal.aborted) run.report({ state: 'uploading', loaded, total: total || file.size, attempt });
        },
      };
    },
    (a) => refOf(a.body) !== null,
  );
  return refOf(answer.body)!;
}

/** What the server says of an upload in parts (its start's answer, or GET …/parts/<id>). */
interface PartsPlan {
  uploadId: string;
  partSize: number;
  parts: number;
  received: number[];
}

function planOf(body: string): PartsPlan | null {
  try {
    const parsed = JSON.parse(body) as Partial<PartsPlan>;
    if (typeof parsed.uploadId !== 'string' || !(Number(parsed.partSize) > 0)) return null;
    return {
      uploadId: parsed.uploadId,
      partSize: Number(parsed.partSize),
      parts: Number(parsed.parts ?? 0),
      received: Array.isArray(parsed.received) ? parsed.received.map(Number) : [],
    };
  } catch {
    return null;
  }
}

/** The key an upload in parts is remembered by: the target and the file as the browser describes it. */
export function partKey(options: Pick<UploadOptions, 'ledger' | 'field' | 'unitId'>, file: Blob, fileName: string) {
  const modified = (file as Partial<File>).lastModified ?? 0;
  return [options.ledger, options.field, options.unitId ?? '', fileName, file.size, modified].join('|');
}

/** The parts of `plan` still to send, in order. */
export function missingParts(plan: Pick<PartsPlan, 'parts' | 'received'>): number[] {
  const held = new Set(plan.received);
  return Array.from({ length: plan.parts }, (_, n) => n).filter((n) => !held.has(n));
}

/**
 * A large file in parts: the server is asked first which parts it holds of an upload this file
 * went to before (a failure, a reload), else a new one is started; then the missing parts are
 * sent one by one, each with its retries, the progress counted over the whole file; then `done`.
 */
async function uploadInParts(run: Run, file: Blob, fileName: string, options: UploadOptions): Promise<AttachmentRef> {
  const memory = options.memory ?? storagePartMemory;
  const key = partKey(options, file, fileName);
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ ledger: options.ledger, field: options.field, ...extra });
    if (options.unitId) params.set('unitId', options.unitId);
    return params.toString();
  };
  const call =
    (method: 'GET' | 'POST', url: string, loaded = 0) =>
    (attempt: number) => {
      run.report({ state: 'uploading', loaded, total: file.size, attempt });
      return { url, method, raw: true, file: EMPTY, fileName, headers: run.headers, onProgress: () => undefined };
    };
  const usablePlan = (a: TransportAnswer) => planOf(a.body) !== null;
  let plan: PartsPlan | null = null;
  const known = memory.get(key);
  if (known) {
    // 404: gone (finished, collected, another user's): a new upload
    const answer = await withRetries(
      run,
      call('GET', `/attachments/parts/${encodeURIComponent(known)}`),
      usablePlan,
      [404],
    );
    if (answer.status !== 404) plan = planOf(answer.body);
    if (!plan) memory.delete(key);
  }
  try {
    if (!plan) {
      const started = await withRetries(
        run,
        call('POST', `/attachments/parts?${query({ name: fileName, size: String(file.size) })}`),
        usablePlan,
      );
      plan = planOf(started.body)!;
      memory.set(key, plan.uploadId);
    }
    const { uploadId, partSize } = plan;
    const length = (n: number) => Math.min(file.size, (n + 1) * partSize) - n * partSize;
    let sent = plan.received.reduce((sum, n) => sum + length(n), 0);
    for (const n of missingParts(plan)) {
      const part = file.slice(n * partSize, n * partSize + length(n));
      await withRetries(run, (attempt) => {
        run.report({ state: 'uploading', loaded: sent, total: file.size, attempt });
        return {
          url: `/attachments/parts/${encodeURIComponent(uploadId)}/${n}`,
          method: 'PUT',
          raw: true,
          file: part,
          fileName,
          headers: { ...run.headers, 'Content-Type': 'application/octet-stream' },
          onProgress: (loaded) => {
            if (!run.signal.aborted)
              run.report({ state: 'uploading', loaded: sent + Math.min(loaded, part.size), total: file.size, attempt });
          },
        };
      });
      sent += part.size;
    }
    const finished = await withRetries(
      run,
      call('POST', `/attachments/parts/${encodeURIComponent(uploadId)}/done`, file.size),
      (a) => refOf(a.body) !== null,
    );
    memory.delete(key);
    return refOf(finished.body)!;
  } catch (error) {
    // refused (its content, its size) or cancelled: nothing to resume; failed: the next try resumes
    if (!(error instanceof UploadFailed)) memory.delete(key);
    throw error;
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** The browser's transport: XMLHttpRequest, for its upload progress (fetch has none). */
export const xhrTransport: Transport = {
  send(request, signal) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method ?? 'POST', request.url);
      xhr.withCredentials = true;
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => request.onProgress(event.loaded, event.lengthComputable ? event.total : 0);
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
      xhr.onerror = () => resolve({ status: 0, body: '' });
      xhr.ontimeout = () => resolve({ status: 0, body: '' });
      xhr.onabort = () => resolve({ status: 0, body: '' });
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      if (request.raw) {
        xhr.send(request.method === 'GET' || request.file.size === 0 ? null : request.file);
        return;
      }
      const form = new FormData();
      form.append('file', request.file, request.fileName);
      xhr.send(form);
    });
  },
};
