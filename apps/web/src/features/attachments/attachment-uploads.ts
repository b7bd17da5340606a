import type { AttachmentRef } from './attachment-value';
import {
  UploadCancelled,
  UploadFailed,
  UploadRefused,
  uploadFile,
  type UploadOptions,
  type UploadState,
} from './upload-client';

/** One file the clerk gave a cell, while it uploads and after (until the panel is cleared of it). */
export interface UploadEntry {
  id: string;
  /** The row and field it goes to. */
  rowKey: string;
  field: string;
  /** The row's unit (an admin's sheet of every unit), else the clerk's own. */
  unitId: string | null;
  name: string;
  size: number;
  state: UploadState;
}

/** Where a finished upload goes: the cell's value gains the stored file (the grid saves the row). */
export type AddToCell = (rowKey: string, field: string, ref: AttachmentRef) => void;

type Upload = (file: Blob, name: string, options: UploadOptions) => Promise<AttachmentRef>;

/**
 * The uploads of one sheet: they go on in the background when the file panel closes, each
 * reporting its progress; a finished one is added to its cell at once (so the row's save, through
 * the grid's queue, carries it); a refused one stays listed with the server's reason; a failed
 * one (three tries used) can be tried again. Plain TypeScript: the panel subscribes.
 */
export class AttachmentUploads {
  private entries: UploadEntry[] = [];
  private readonly files = new Map<string, File>();
  private readonly aborts = new Map<string, AbortController>();
  private readonly listeners = new Set<() => void>();
  private next = 1;

  constructor(
    private readonly scope: Omit<UploadOptions, 'field' | 'unitId' | 'onState' | 'signal'>,
    private readonly addToCell: AddToCell,
    private readonly upload: Upload = uploadFile,
  ) {}

  /** Every entry, oldest first: the same array until one changes (a store's snapshot). */
  all(): readonly UploadEntry[] {
    return this.entries;
  }

  /** The entries of one cell, oldest first. */
  of(rowKey: string, field: string): UploadEntry[] {
    return this.entries.filter((e) => e.rowKey === rowKey && e.field === field);
  }

  /** Whether any file is still on its way (the page warns before it is left). */
  busy(): boolean {
    return this.entries.some((e) => e.state.state === 'uploading' || e.state.state === 'waiting');
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(rowKey: string, field: string, unitId: string | null, files: File[]): void {
    for (const file of files) {
      const id = `u${this.next++}`;
      this.files.set(id, file);
      this.entries = [
        ...this.entries,
        {
          id,
          rowKey,
          field,
          unitId,
          name: file.name,
          size: file.size,
          state: { state: 'uploading', loaded: 0, total: file.size, attempt: 1 },
        },
      ];
      void this.start(id);
    }
    this.emit();
  }

  /** A failed upload, again (the clerk's 重试). */
  retry(id: string): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || entry.state.state !== 'failed') return;
    void this.start(id);
  }

  /** Stops an upload on its way, or takes a refused, failed or finished one off the list. */
  dismiss(id: string): void {
    this.aborts.get(id)?.abort();
    this.entries = this.entries.filter((e) => e.id !== id);
    this.files.delete(id);
    this.emit();
  }

  stop(): void {
    for (const abort of this.aborts.values()) abort.abort();
  }

  private async start(id: string): Promise<void> {
    const file = this.files.get(id);
    const entry = this.entries.find((e) => e.id === id);
    if (!file || !entry) return;
    const abort = new AbortController();
    this.aborts.set(id, abort);
    try {
      const ref = await this.upload(file, file.name, {
        ...this.scope,
        field: entry.field,
        unitId: entry.unitId,
        signal: abort.signal,
        onState: (state) => this.set(id, state),
      });
      const done = this.entries.find((e) => e.id === id);
      if (done) this.addToCell(done.rowKey, done.field, ref);
    } catch (error) {
      // the client has reported these itself; anything else (a bug) shows as a failure to retry
      if (error instanceof UploadCancelled || error instanceof UploadRefused || error instanceof UploadFailed) return;
      this.set(id, { state: 'failed', reason: (error as Error).message });
    } finally {
      this.aborts.delete(id);
    }
  }

  private set(id: string, state: UploadState): void {
    if (!this.entries.some((e) => e.id === id)) return;
    this.entries = this.entries.map((e) => (e.id === id ? { ...e, state } : e));
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
