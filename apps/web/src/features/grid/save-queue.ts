import { holdsLocalFiles, replaceLocalFile, type AttachmentRef } from '../attachments/attachment-value';
import type { ServerRow } from './grid-row';
import { randomUuid } from '../../random-uuid';

export type RowOp = 'INSERT' | 'UPDATE' | 'DELETE';

/** A change not yet acknowledged by the server; `values` holds only the fields changed. */
export interface PendingChange {
  key: string;
  op: RowOp;
  /** Null for an insert, and for a change to a row whose insert is still on its way. */
  id: string | null;
  version: number | null;
  values: Record<string, unknown>;
  /**
   * An insert's own key, made once and kept in the store with it: sent again (its answer lost, the
   * page reloaded while it was on its way), the server updates the row it made instead of making a second.
   */
  clientKey?: string;
  /** Not sent again until the user acts: the server rejected it, or it met a newer version. */
  held?: 'rejected' | 'conflict';
}

export interface SaveResult {
  status: 'SAVED' | 'REJECTED' | 'CONFLICT';
  row?: ServerRow | null;
  errors?: { path: string; message: string }[] | null;
  /** Shown and allowed; those of the whole row (path "") say what the save did besides (a follow-up row made). */
  warnings?: { path: string; message: string }[] | null;
  current?: ServerRow | null;
}

/** Where the queue survives a reload (localStorage in the browser). */
export interface QueueStore {
  read(): PendingChange[];
  write(changes: PendingChange[]): void;
}

/**
 * Where a sheet's unsaved changes are kept in this browser: one key per user, ledger, unit and
 * period, shared by the grid and the phone form of that sheet (docs/grid.md, "The phone form"), so
 * that both see — and send — the same queue. `unit` is the unit chosen (null: the user's own, or
 * every unit), `period` the sheet's ('drill' for a drill-down's rows, '' for a ledger without).
 */
export function sheetQueueKey(
  user: { id: string; unit?: { id: string } | null },
  ledger: string,
  unit: string | null,
  period: string,
): string {
  return `taizhang.queue.${user.id}.${ledger}.${unit ?? user.unit?.id ?? 'all'}.${period}`;
}

export function localQueueStore(storageKey: string): QueueStore {
  return {
    read: () => {
      try {
        const text = localStorage.getItem(storageKey);
        return text ? (JSON.parse(text) as PendingChange[]) : [];
      } catch {
        return [];
      }
    },
    write: (changes) => {
      try {
        if (changes.length === 0) localStorage.removeItem(storageKey);
        else localStorage.setItem(storageKey, JSON.stringify(changes));
      } catch {
        // storage full or disabled: the queue still lives in memory
      }
    },
  };
}

/** A later change to the same row on top of an earlier one. */
function merge(earlier: PendingChange, later: PendingChange): PendingChange | null {
  if (later.op === 'DELETE') {
    if (earlier.op === 'INSERT') return null; // never saved, now gone
    return { ...later, id: earlier.id ?? later.id, version: earlier.version ?? later.version };
  }
  if (earlier.op === 'DELETE') return earlier;
  return { ...earlier, values: { ...earlier.values, ...later.values }, held: later.held };
}

/**
 * The grid's unsaved changes, one entry per row, merged as the user goes on typing. At most one
 * batch is in flight; what the user changes meanwhile waits for the next. Everything is written
 * to the store after each burst of changes, so a reload resends what was not acknowledged.
 */
export class SaveQueue {
  private pending = new Map<string, PendingChange>();
  private inFlight: PendingChange[] | null = null;
  private persistPending = false;

  constructor(private readonly store: QueueStore | null = null) {
    for (const change of store?.read() ?? []) this.putBack(change);
  }

  /** Changes waiting (not counting the batch in flight). */
  get size(): number {
    return this.pending.size;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Every unacknowledged change, oldest first: to lay over the rows read after a reload. */
  all(): PendingChange[] {
    return [...(this.inFlight ?? []), ...this.pending.values()];
  }

  get(key: string): PendingChange | undefined {
    return this.pending.get(key);
  }

  /** Fields of a row changed. For a row never saved, give all its values. */
  edit(key: string, id: string | null, version: number | null, values: Record<string, unknown>): void {
    const insertInFlight = id === null && this.inFlight?.some((c) => c.key === key && c.op === 'INSERT');
    const change: PendingChange =
      id !== null
        ? { key, op: 'UPDATE', id, version, values }
        : insertInFlight
          ? { key, op: 'UPDATE', id: null, version: null, values }
          : { key, op: 'INSERT', id: null, version: null, values, clientKey: randomUuid() };
    this.add(change);
  }

  remove(key: string, id: string | null, version: number | null): void {
    // a row the server never heard of, and nothing on its way: there is nothing to delete
    if (id === null && !this.pending.has(key) && !this.inFlight?.some((c) => c.key === key)) return;
    this.add({ key, op: 'DELETE', id, version, values: {} });
  }

  /** A row never saved and left empty: forget its insert. */
  forget(key: string): void {
    if (this.pending.get(key)?.op === 'INSERT') this.pending.delete(key);
    this.persist();
  }

  /** Send again after the user's decision (a conflict kept on the current version, or a fix). */
  release(key: string, version?: number): void {
    const change = this.pending.get(key);
    if (!change) return;
    change.held = undefined;
    if (version !== undefined) change.version = version;
    this.persist();
  }

  /** Give up a row's change (the other person's values were taken). */
  drop(key: string): void {
    this.pending.delete(key);
    this.persist();
  }

  /**
   * A file kept in this browser was uploaded (`ref`: the stored file) or refused (null): every
   * waiting change that holds it gets the stored file in its place, or loses it. Whether one did.
   */
  replaceFile(handle: string, ref: AttachmentRef | null): boolean {
    let found = false;
    for (const change of this.pending.values()) {
      const changed = replaceLocalFile(change.values, handle, ref);
      if (!changed) continue;
      change.values = { ...change.values, ...changed };
      found = true;
    }
    if (found) this.persist();
    return found;
  }

  /**
   * The next batch: changes not held, not waiting for an insert, holding no file still to upload
   * (the phone form's files kept offline: offline-files.ts), and that `ready` accepts.
   */
  take(ready: (change: PendingChange) => boolean): PendingChange[] {
    if (this.inFlight) return [];
    const batch = [...this.pending.values()].filter(
      (change) =>
        !change.held &&
        (change.op === 'INSERT' || change.id !== null) &&
        !holdsLocalFiles(change.values) &&
        ready(change),
    );
    if (batch.length === 0) return [];
    for (const change of batch) this.pending.delete(change.key);
    this.inFlight = batch;
    this.persist();
    return batch;
  }

  /** The server answered the batch in flight, result i for change i. */
  settle(results: SaveResult[]): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    batch.forEach((change, i) => {
      const result = results[i];
      if (result?.status === 'SAVED') {
        const later = this.pending.get(change.key);
        if (later && result.row) {
          // edits made meanwhile now apply to the saved row
          later.id = result.row.id;
          later.version = result.row.version;
        }
      } else {
        this.putBack({ ...change, held: result?.status === 'CONFLICT' ? 'conflict' : 'rejected' });
      }
    });
    this.persist();
  }

  /** The batch did not reach the server (or its answer did not come back): all of it waits again. */
  fail(): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    for (const change of batch) this.putBack(change);
    this.persist();
  }

  private add(change: PendingChange): void {
    const earlier = this.pending.get(change.key);
    const merged = earlier ? merge(earlier, change) : change;
    if (merged) this.pending.set(change.key, merged);
    else this.pending.delete(change.key);
    this.persist();
  }

  /** An older change goes back under any newer one for the same row. */
  private putBack(change: PendingChange): void {
    const later = this.pending.get(change.key);
    const merged = later ? merge(change, later) : change;
    if (merged) this.pending.set(change.key, merged);
    else this.pending.delete(change.key);
  }

  /**
   * Written once per burst of changes (a paste of 5,000 rows is 5,000 edits), at the end of the
   * current task — before any reload or navigation can happen.
   */
  private persist(): void {
    if (!this.store || this.persistPending) return;
    this.persistPending = true;
    queueMicrotask(() => {
      this.persistPending = false;
      this.store?.write(this.all());
    });
  }
}
