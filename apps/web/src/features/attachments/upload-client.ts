import type { Clock } from '../grid/grid-saver';
import { realClock } from '../grid/grid-saver';
import type { AttachmentRef } from './attachment-value';

/**
 * One file sent to `POST /attachments` (docs/attachments.md): the bytes go out with the
 * browser's upload progress, a failure of the network or of the server (5xx, 408, 429) is tried
 * again after a back-off, and a refusal (too large, a kind the field does not take, an image
 * that is not whole) ends at once with the server's reason: the same bytes would get the same
 * answer. No Handsontable, no React, no XMLHttpRequest of its own: the transport and the clock
 * are injected, so upload-client.spec.ts runs every path with a fake of each.
 */

/** What one attempt answered: an HTTP status and the body's text, or no answer at all (status 0). */
export interface TransportAnswer {
  status: number;
  body: string;
}

export interface TransportRequest {
  url: string;
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

/** Uploads `file`; resolves with the stored file's reference, rejects with UploadRefused, UploadFailed or UploadCancelled. */
export async function uploadFile(file: Blob, fileName: string, options: UploadOptions): Promise<AttachmentRef> {
  const transport = options.transport ?? xhrTransport;
  const clock = options.clock ?? realClock;
  const tries = Math.max(1, options.tries ?? UPLOAD_TRIES);
  const backoff = options.backoff ?? defaultBackoff;
  const report = options.onState ?? (() => undefined);
  const controller = new AbortController();
  const outer = options.signal;
  const cancelled = () => controller.signal.aborted;
  const onAbort = () => controller.abort();
  outer?.addEventListener('abort', onAbort);
  if (outer?.aborted) controller.abort();
  try {
    let reason: string | null = null;
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (cancelled()) break;
      report({ state: 'uploading', loaded: 0, total: file.size, attempt });
      const answer = await transport.send(
        {
          url: uploadUrl(options),
          file,
          fileName,
          headers: { 'Accept-Language': options.locale === 'en' ? 'en' : 'zh-CN' },
          onProgress: (loaded, total) => {
            if (!cancelled()) report({ state: 'uploading', loaded, total: total || file.size, attempt });
          },
        },
        controller.signal,
      );
      if (cancelled()) break;
      if (answer.status >= 200 && answer.status < 300) {
        const ref = refOf(answer.body);
        if (ref) {
          report({ state: 'done', ref });
          return ref;
        }
        reason = null; // an answer we cannot read: as good as none
      } else if (!retryable(answer.status)) {
        const refused = reasonOf(answer.body) ?? `HTTP ${answer.status}`;
        report({ state: 'refused', status: answer.status, reason: refused });
        throw new UploadRefused(answer.status, refused);
      } else {
        reason = answer.status === 0 ? null : (reasonOf(answer.body) ?? `HTTP ${answer.status}`);
      }
      if (attempt < tries) {
        const wait = backoff(attempt);
        report({ state: 'waiting', attempt, retryAt: clock.now() + wait, reason });
        await sleep(clock, wait, controller.signal);
      }
    }
    if (cancelled()) {
      report({ state: 'cancelled' });
      throw new UploadCancelled();
    }
    report({ state: 'failed', reason });
    throw new UploadFailed(reason);
  } finally {
    outer?.removeEventListener('abort', onAbort);
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
      xhr.open('POST', request.url);
      xhr.withCredentials = true;
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => request.onProgress(event.loaded, event.lengthComputable ? event.total : 0);
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
      xhr.onerror = () => resolve({ status: 0, body: '' });
      xhr.ontimeout = () => resolve({ status: 0, body: '' });
      xhr.onabort = () => resolve({ status: 0, body: '' });
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      const form = new FormData();
      form.append('file', request.file, request.fileName);
      xhr.send(form);
    });
  },
};
