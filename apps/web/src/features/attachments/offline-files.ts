import type { AttachmentKind } from '@taizhang/ledger-core';
import type { GridSaver } from '../grid/grid-saver';
import { attachmentsOf, isLocalFile, LOCAL_HANDLE, type AttachmentRef } from './attachment-value';
import { uploadFile, UploadRefused, type UploadState } from './upload-client';
import { en, zhCN } from '../../i18n/messages';

/**
 * The phone form's files taken offline (docs/attachments.md, "The phone form offline"): each file is
 * kept in IndexedDB as a blob under the sheet's queue key (sheetQueueKey, the key of the row's
 * change in the save queue), and the form holds a local stand-in (`local_…`, attachment-value.ts).
 * The queue sends no change that holds a stand-in; once online, each kept file that a waiting change
 * holds is uploaded, one at a time, and its change gets the stored file in its place
 * (GridSaver.replaceFile), then the row is saved with the handle. A file the server refuses (kind,
 * size) is taken out of the change, which is then saved with the row's other values, and stays
 * listed with the server's reason until the clerk dismisses it.
 */
export interface KeptFile {
  /** The stand-in's handle (`local_` + 16 random characters). */
  handle: string;
  queueKey: string;
  ledger: string;
  field: string;
  unitId: string | null;
  name: string;
  size: number;
  blob: Blob;
  keptAt: number;
  /** The server's reason, once refused. */
  refused?: string;
}

export type KeptState =
  { state: 'waiting' } | { state: 'uploading'; loaded: number; total: number } | { state: 'refused'; reason: string };

export interface KeptEntry {
  handle: string;
  name: string;
  size: number;
  field: string;
  state: KeptState;
}

const DATABASE = 'taizhang-files';
/** How long a kept file no waiting change holds stays (sendOnce). */
export const KEPT_UNHELD_MS = 24 * 60 * 60 * 1000;
const STORE = 'kept';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DATABASE, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'handle' });
      store.createIndex('queueKey', 'queueKey');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opened = null;
      reject(req.error);
    };
  });
  return opened;
}

async function inStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  const tx = db.transaction(STORE, mode);
  const result = await request(work(tx.objectStore(STORE)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result;
}

const keptOf = (queueKey: string) =>
  inStore('readonly', (store) => store.index('queueKey').getAll(IDBKeyRange.only(queueKey)) as IDBRequest<KeptFile[]>);

function localHandle(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const text = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  return LOCAL_HANDLE + text.slice(0, 22 - LOCAL_HANDLE.length);
}

/** The kind shown while a file waits (the server decides it from the content on upload). */
const kindGuess = (file: Blob): AttachmentKind => (file.type.startsWith('image/') ? 'image' : ('' as AttachmentKind));

/** The files kept for one sheet's queue: kept, listed with their state, uploaded when online. */
export class OfflineFiles {
  private entries: KeptEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private sending: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** When this visit began: a file kept since may be in the open form, and is never let go. */
  private startedAt = Date.now();
  private readonly onOnline = () => void this.send();

  constructor(
    readonly queueKey: string,
    private readonly saver: GridSaver,
    private readonly locale: () => string,
  ) {}

  /** Reads what an earlier visit kept, listens for the network, and sends what waits. */
  start(): void {
    this.stopped = false;
    this.startedAt = Date.now();
    window.addEventListener('online', this.onOnline);
    void this.send();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
  }

  list(): readonly KeptEntry[] {
    return this.entries;
  }

  /** The state of a stand-in, or undefined when no file is kept under it. */
  stateOf(handle: string): KeptState | undefined {
    return this.entries.find((entry) => entry.handle === handle)?.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A file kept for later: its stand-in, to hold in the form's value (and the row's change). */
  async keep(file: File, target: { ledger: string; field: string; unitId: string | null }): Promise<AttachmentRef> {
    const kept: KeptFile = {
      handle: localHandle(),
      queueKey: this.queueKey,
      ...target,
      name: file.name || 'photo.jpg',
      size: file.size,
      // a copy of the bytes: a camera's File may not be readable once the page is gone
      blob: new Blob([await file.arrayBuffer()], { type: file.type }),
      keptAt: Date.now(),
    };
    await inStore('readwrite', (store) => store.put(kept));
    await this.refresh();
    return { handle: kept.handle, name: kept.name, size: kept.size, kind: kindGuess(file), sha256: '' };
  }

  /** A refused file's line dismissed (or a kept file the form let go of): the blob is removed. */
  async discard(handle: string): Promise<void> {
    await inStore('readwrite', (store) => store.delete(handle));
    await this.refresh();
  }

  /** Uploads, one at a time, every kept file a waiting change holds; a run at a time. */
  send(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    this.sending = (async () => {
      do {
        this.again = false;
        await this.sendOnce();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  private async sendOnce(): Promise<void> {
    // without the store nothing is decided (a file it cannot read is not a file that is gone)
    const all = await keptOf(this.queueKey).catch(() => null);
    // a stopped one (its page's saver replaced) decides nothing: its saver would send what the new one sends
    if (all === null || this.stopped) return;
    const held = this.held();
    // a stand-in a waiting change holds whose file is not kept any more (the site's data partly
    // cleared): the row goes without it, and the list says why, as for a refused file
    for (const [handle, { field, name }] of held) {
      if (all.some((file) => file.handle === handle)) continue;
      const lost: KeptFile = {
        handle,
        queueKey: this.queueKey,
        ledger: '',
        field,
        unitId: null,
        name,
        size: 0,
        blob: new Blob([]),
        keptAt: Date.now(),
        refused: (this.locale() === 'en' ? en : zhCN)['files.lost'],
      };
      await inStore('readwrite', (store) => store.put(lost)).catch(() => undefined);
      this.saver.replaceFile(handle, null);
      all.push(lost);
    }
    // a file of an earlier visit that no waiting change holds, a day after it was kept: its change
    // was dropped (a conflict settled with the server's value, the row deleted) or its form was
    // never saved — let go, so that the phone's storage does not fill with them; a refused one
    // stays listed until dismissed
    const before = Math.min(this.startedAt, Date.now() - KEPT_UNHELD_MS);
    const letGo = all.filter((file) => !file.refused && !held.has(file.handle) && file.keptAt < before);
    for (const file of letGo) await inStore('readwrite', (store) => store.delete(file.handle)).catch(() => undefined);
    const kept = all.filter((file) => !letGo.includes(file));
    this.show(kept);
    if (!navigator.onLine) return;
    for (const file of kept) {
      if (this.stopped || file.refused || !held.has(file.handle)) continue;
      try {
        const ref = await uploadFile(file.blob, file.name, {
          ledger: file.ledger,
          field: file.field,
          unitId: file.unitId,
          locale: this.locale(),
          onState: (state) => this.progress(file.handle, state),
        });
        // the stored file in the change first, then the blob goes: a reload between uploads it again
        // (a second handle, never linked, collected), never the row twice
        this.saver.replaceFile(file.handle, ref);
        await inStore('readwrite', (store) => store.delete(file.handle));
      } catch (error) {
        if (!(error instanceof UploadRefused)) {
          // no network (or the server's failure after the retries): it waits for the next chance
          this.progress(file.handle, null);
          return;
        }
        // refused for its content: the row goes without it, the reason stays listed
        await inStore('readwrite', (store) => store.put({ ...file, refused: error.reason }));
        this.saver.replaceFile(file.handle, null);
      }
      this.show(await keptOf(this.queueKey).catch(() => [] as KeptFile[]));
    }
  }

  /**
   * The local stand-ins the waiting changes hold, with their fields and names (the queue is read
   * from its store when the saver is made).
   */
  private held(): Map<string, { field: string; name: string }> {
    const found = new Map<string, { field: string; name: string }>();
    for (const change of this.saver.pending())
      for (const [field, value] of Object.entries(change.values))
        for (const ref of attachmentsOf(value).filter(isLocalFile)) found.set(ref.handle, { field, name: ref.name });
    return found;
  }

  private async refresh(): Promise<void> {
    this.show(await keptOf(this.queueKey).catch(() => [] as KeptFile[]));
  }

  private show(kept: KeptFile[]): void {
    const now = new Map(this.entries.map((entry) => [entry.handle, entry.state]));
    this.entries = kept
      .sort((a, b) => a.keptAt - b.keptAt)
      .map((file) => ({
        handle: file.handle,
        name: file.name,
        size: file.size,
        field: file.field,
        state: file.refused
          ? { state: 'refused', reason: file.refused }
          : now.get(file.handle)?.state === 'uploading'
            ? now.get(file.handle)!
            : { state: 'waiting' },
      }));
    this.listeners.forEach((listener) => listener());
  }

  private progress(handle: string, state: UploadState | null): void {
    const next: KeptState =
      state?.state === 'uploading'
        ? { state: 'uploading', loaded: state.loaded, total: state.total }
        : { state: 'waiting' };
    this.entries = this.entries.map((entry) => (entry.handle === handle ? { ...entry, state: next } : entry));
    this.listeners.forEach((listener) => listener());
  }
}
