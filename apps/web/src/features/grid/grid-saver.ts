import type { AttachmentRef } from '../attachments/attachment-value';
import type { ServerRow } from './grid-row';
import { SaveQueue, type PendingChange, type QueueStore, type RowOp, type SaveResult } from './save-queue';

/** Time as the saver sees it: the browser's by default, a fake one in the unit tests. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Whether the browser believes it is online, and word when it comes back. */
export interface Connectivity {
  online(): boolean;
  /** Calls `listener` each time the connection comes back; returns how to stop listening. */
  onOnline(listener: () => void): () => void;
}

export const browserConnectivity: Connectivity = {
  online: () => typeof navigator === 'undefined' || navigator.onLine !== false,
  onOnline(listener) {
    if (typeof window === 'undefined') return () => undefined;
    window.addEventListener('online', listener);
    return () => window.removeEventListener('online', listener);
  },
};

/** One change as `saveRows` takes it. */
export interface RowChangeInput {
  op: RowOp;
  id?: string;
  version?: number;
  values?: Record<string, unknown>;
  /** For derived figures set by hand: { fieldKey: why }. */
  reasons?: Record<string, string>;
  /** An insert's own key (save-queue.ts): the same insert sent again saves its row once. */
  clientKey?: string;
}

/** The backend call: result i answers change i. Rejects with a SaveFailure when there is no answer to use. */
export type SaveRows = (changes: RowChangeInput[]) => Promise<SaveResult[]>;

/**
 * Why a request brought back no per-row answers:
 * - network: no answer at all (offline, server down, gateway error);
 * - retryable: the server failed and said it may pass (INTERNAL, e.g. the database restarting);
 * - definition: CONFLICT / DEFINITION_CHANGED — the ledger was republished while the save was in
 *   flight; nothing was written, and the same batch goes again once the definition is reloaded;
 * - refused: any other error; sending the same batch again would get the same answer.
 */
export type FailureKind = 'network' | 'retryable' | 'definition' | 'refused';

export class SaveFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SaveFailure';
  }
}

/**
 * saving: a batch is in flight (or more is about to go); reloading: the ledger's definition is
 * being read again after DEFINITION_CHANGED; offline: no answer, tried again at `retryAt` or when
 * the browser is back online; failed: the server failed, tried again at `retryAt`; held: saving
 * stopped (see `holdReason`) until the user edits or presses retry.
 */
export type SaveState = 'idle' | 'saving' | 'reloading' | 'saved' | 'offline' | 'failed' | 'held';

/** network / server: three failures in a row; definition: republished three times in a row; refused: not retryable. */
export type HoldReason = 'network' | 'server' | 'definition' | 'refused';

export interface SaverStatus {
  state: SaveState;
  holdReason: HoldReason | null;
  /** The server's message for the last failure; null when there was no answer. */
  failure: string | null;
  /** Failed attempts in a row (reset by an answer, an edit or retry). */
  failures: number;
  /** When the next attempt after a failure is due (clock time), if one is. */
  retryAt: number | null;
  /** When the server last answered a batch (clock time). */
  savedAt: number | null;
}

/** A change the server refused (REJECTED): held, not sent again until its row is edited. */
export interface Rejection {
  rowKey: string;
  errors: { path: string; message: string }[];
}

/** A change that met a newer version of its row (CONFLICT): held until keep mine or take theirs. */
export interface Conflict {
  rowKey: string;
  mine: Record<string, unknown>;
  theirs: ServerRow;
}

export interface Outcome {
  change: PendingChange;
  result: SaveResult;
}

export interface GridSaverOptions {
  saveRows: SaveRows;
  /** Where the queue survives a reload (localStorage in the browser). */
  store?: QueueStore | null;
  /** Reads the ledger's definition again (after DEFINITION_CHANGED); the batch is sent again once it resolves. */
  reloadDefinition?: () => Promise<void>;
  /** Whether a change may go now; the grid keeps rows that fail its own check back. */
  ready?: (change: PendingChange) => boolean;
  clock?: Clock;
  connectivity?: Connectivity;
  /** The wait after the last edit before a save. */
  delayMs?: number;
  /** The waits before the second, third … attempt after a failure. */
  retryMs?: readonly number[];
  /** Failures in a row (and definition changes in a row) before saving is held. */
  maxAttempts?: number;
  /** The server answered a batch: every change with its result (rejections and conflicts already recorded). */
  onAnswer?(outcomes: Outcome[]): void;
  onStatus?(status: SaverStatus): void;
}

export const SAVE_DELAY_MS = 800;
export const RETRY_MS = [2_000, 4_000, 8_000] as const;
export const MAX_ATTEMPTS = 3;

type Attempt = 'sent' | 'nothing' | 'failed' | 'again';

function toInput(change: PendingChange): RowChangeInput {
  return {
    op: change.op,
    ...(change.id !== null ? { id: change.id } : {}),
    ...(change.version !== null && change.op !== 'INSERT' ? { version: change.version } : {}),
    ...(change.op !== 'DELETE' ? { values: change.values } : {}),
    ...(change.op === 'INSERT' && change.clientKey ? { clientKey: change.clientKey } : {}),
  };
}

function asSaveFailure(error: unknown): SaveFailure {
  if (error instanceof SaveFailure) return error;
  // not classified by the backend (a bug, a reload that failed): bounded retries like a server error
  return new SaveFailure('retryable', error instanceof Error ? error.message : String(error));
}

/**
 * The grid's save loop, apart from Handsontable: it owns the queue of unsaved changes, the
 * debounce timer, the one batch in flight, retries, held rejections and conflicts. Time and
 * connectivity are passed in, so the whole loop runs in a unit test with a fake clock.
 *
 * Never an endless loop: after `maxAttempts` failures in a row saving is held until the user
 * edits, presses retry, submits (flush) or the browser comes back online (network holds only).
 */
export class GridSaver {
  private readonly queue: SaveQueue;
  private readonly clock: Clock;
  private readonly connectivity: Connectivity;
  private readonly rejections = new Map<string, Rejection>();
  private readonly conflicts = new Map<string, Conflict>();
  private timer: unknown = null;
  private flight: Promise<Attempt> | null = null;
  private failures = 0;
  private definitionChanges = 0;
  private waitingForNetwork = false;
  private running = true;
  private stopListening: (() => void) | null = null;
  private current: SaverStatus = {
    state: 'idle',
    holdReason: null,
    failure: null,
    failures: 0,
    retryAt: null,
    savedAt: null,
  };

  constructor(private readonly options: GridSaverOptions) {
    this.queue = new SaveQueue(options.store ?? null);
    this.clock = options.clock ?? realClock;
    this.connectivity = options.connectivity ?? browserConnectivity;
    // Held before a reload: the server's reasons were not kept, so it is asked once more.
    for (const change of this.queue.all()) if (change.held) this.queue.release(change.key);
  }

  get status(): SaverStatus {
    return { ...this.current };
  }

  /** Every unacknowledged change (the batch in flight first). */
  pending(): PendingChange[] {
    return this.queue.all();
  }

  rejection(rowKey: string): Rejection | undefined {
    return this.rejections.get(rowKey);
  }

  allRejections(): Rejection[] {
    return [...this.rejections.values()];
  }

  conflict(rowKey: string): Conflict | undefined {
    return this.conflicts.get(rowKey);
  }

  allConflicts(): Conflict[] {
    return [...this.conflicts.values()];
  }

  // ── what the user does ─────────────────────────────────────────────────────────────────────

  /** Fields of a row changed (all its values for a row never saved): saved after the delay. */
  edit(key: string, id: string | null, version: number | null, values: Record<string, unknown>): void {
    this.rejections.delete(key); // edited again: sent again
    this.queue.edit(key, id, version, values);
    this.resume();
    this.schedule();
  }

  remove(key: string, id: string | null, version: number | null): void {
    this.rejections.delete(key);
    this.conflicts.delete(key);
    this.queue.remove(key, id, version);
    this.resume();
    this.schedule();
  }

  /**
   * A file the phone form kept offline was uploaded (the stored file) or refused (null): the
   * changes holding it are sent with the stored file, or without it (offline-files.ts).
   */
  replaceFile(handle: string, ref: AttachmentRef | null): boolean {
    const found = this.queue.replaceFile(handle, ref);
    if (found) {
      this.resume();
      this.schedule(0);
    }
    return found;
  }

  /** A row never saved and left empty again: nothing to send. */
  forget(key: string): void {
    this.rejections.delete(key);
    this.queue.forget(key);
  }

  /** Keep my values on top of the other person's version. */
  keepMine(rowKey: string): Conflict | null {
    const conflict = this.conflicts.get(rowKey);
    if (!conflict) return null;
    this.conflicts.delete(rowKey);
    this.queue.release(rowKey, conflict.theirs.version);
    this.resume();
    this.schedule(0);
    return conflict;
  }

  /** Take the other person's values: mine are dropped. */
  takeTheirs(rowKey: string): Conflict | null {
    const conflict = this.conflicts.get(rowKey);
    if (!conflict) return null;
    this.conflicts.delete(rowKey);
    this.queue.drop(rowKey);
    return conflict;
  }

  /** The retry button: counters reset, a held saver goes again now. */
  retry(): void {
    this.resume();
    this.schedule(0);
  }

  /** Saves what can be saved now; resolves when nothing more can be sent (before a submit). */
  async flush(): Promise<void> {
    this.resume();
    this.clearTimer();
    for (let round = 0; round < 100 && this.running; round += 1) {
      if (this.flight) {
        await this.flight; // the batch in flight first
        continue;
      }
      const attempt = await this.attempt();
      if (attempt === 'nothing' || attempt === 'failed') return;
    }
  }

  /**
   * The next attempt after `delayMs` (the debounce by default), replacing one already due.
   * A held saver waits for the user instead.
   */
  schedule(delayMs = this.options.delayMs ?? SAVE_DELAY_MS): void {
    if (!this.running || this.current.holdReason) return;
    this.clearTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
  }

  /** Stops the timer and listening (the grid is gone); an answer still in flight settles the queue. */
  stop(): void {
    this.running = false;
    this.clearTimer();
    this.listenForNetwork(false);
  }

  /** Runs again after `stop` (a grid attached again). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.listenForNetwork(this.waitingForNetwork || this.current.holdReason === 'network');
  }

  // ── the loop ───────────────────────────────────────────────────────────────────────────────

  private async run(): Promise<void> {
    if ((await this.attempt()) === 'again') this.schedule(0);
  }

  /** One batch: sent and answered, nothing to send, failed, or to be sent again at once. */
  private async attempt(): Promise<Attempt> {
    if (!this.running || this.flight) return 'nothing'; // the flight's end schedules what follows
    const batch = this.queue.take(this.options.ready ?? (() => true));
    if (batch.length === 0) {
      if (this.current.state === 'saving') this.report({ state: 'saved' });
      return 'nothing';
    }
    if (!this.connectivity.online()) {
      this.queue.fail();
      this.waitForNetwork();
      return 'failed';
    }
    this.report({ state: 'saving', failure: null, retryAt: null });
    const flight = this.send(batch);
    this.flight = flight;
    try {
      return await flight;
    } finally {
      this.flight = null;
    }
  }

  private async send(batch: PendingChange[]): Promise<Attempt> {
    let results: SaveResult[];
    try {
      results = await this.options.saveRows(batch.map(toInput));
    } catch (error) {
      this.queue.fail();
      return this.failed(asSaveFailure(error));
    }
    this.failures = 0;
    this.definitionChanges = 0;
    const outcomes = batch.map((change, i) => this.record(change, results[i]));
    this.queue.settle(results);
    if (!this.running) return 'sent';
    this.options.onAnswer?.(outcomes);
    const more = this.queue.size > 0;
    this.report({
      state: more ? 'saving' : 'saved',
      failure: null,
      failures: 0,
      retryAt: null,
      savedAt: this.clock.now(),
    });
    if (more) this.schedule(0); // edits made meanwhile (held changes stay where they are)
    return 'sent';
  }

  /** Rejections and conflicts kept for the grid; a missing result counts as a rejection. */
  private record(change: PendingChange, answer: SaveResult | undefined): Outcome {
    const result: SaveResult = answer ?? { status: 'REJECTED', errors: [] };
    this.rejections.delete(change.key);
    if (result.status !== 'CONFLICT') this.conflicts.delete(change.key);
    if (result.status === 'REJECTED')
      this.rejections.set(change.key, { rowKey: change.key, errors: result.errors ?? [] });
    if (result.status === 'CONFLICT' && result.current)
      this.conflicts.set(change.key, { rowKey: change.key, mine: change.values, theirs: result.current });
    return { change, result };
  }

  private async failed(failure: SaveFailure): Promise<Attempt> {
    if (!this.running) return 'failed';
    if (failure.kind === 'refused') return this.hold('refused', failure.message);
    if (failure.kind === 'network' && !this.connectivity.online()) {
      this.waitForNetwork();
      return 'failed';
    }
    if (failure.kind === 'definition') {
      this.definitionChanges += 1;
      const max = this.options.maxAttempts ?? MAX_ATTEMPTS;
      if (this.definitionChanges >= max) return this.hold('definition', failure.message);
      this.report({ state: 'reloading', failure: null, retryAt: null });
      try {
        await this.options.reloadDefinition?.();
      } catch (error) {
        return this.running ? this.backOff(asSaveFailure(error)) : 'failed';
      }
      return this.running ? 'again' : 'failed';
    }
    return this.backOff(failure);
  }

  /** Tried again after a growing wait, until `maxAttempts` failures in a row hold the batch. */
  private backOff(failure: SaveFailure): Attempt {
    this.failures += 1;
    const message = failure.kind === 'network' ? null : failure.message;
    if (this.failures >= (this.options.maxAttempts ?? MAX_ATTEMPTS))
      return this.hold(failure.kind === 'network' ? 'network' : 'server', message);
    const waits = this.options.retryMs ?? RETRY_MS;
    const wait = waits[Math.min(this.failures - 1, waits.length - 1)];
    this.report({
      state: failure.kind === 'network' ? 'offline' : 'failed',
      failure: message,
      failures: this.failures,
      retryAt: this.clock.now() + wait,
    });
    this.schedule(wait);
    return 'failed';
  }

  private hold(reason: HoldReason, message: string | null): Attempt {
    this.clearTimer();
    this.listenForNetwork(reason === 'network');
    this.report({
      state: 'held',
      holdReason: reason,
      failure: message,
      failures: this.failures,
      retryAt: null,
    });
    return 'failed';
  }

  /** The browser says it is offline: nothing is sent, and nothing counted, until it is back. */
  private waitForNetwork(): void {
    this.waitingForNetwork = true;
    this.clearTimer();
    this.listenForNetwork(true);
    this.report({ state: 'offline', failure: null, retryAt: null });
  }

  private backOnline(): void {
    if (!this.waitingForNetwork && this.current.holdReason !== 'network') return;
    this.resume();
    this.schedule(0);
  }

  /** The user acted (or the network came back): a fresh start for a held or failing batch. */
  private resume(): void {
    this.failures = 0;
    this.definitionChanges = 0;
    this.waitingForNetwork = false;
    this.listenForNetwork(false);
    if (this.current.holdReason || this.current.failures > 0)
      this.report({
        state: this.current.state === 'held' ? 'idle' : this.current.state,
        holdReason: null,
        failures: 0,
        retryAt: null,
      });
  }

  /** The browser's online event is listened to only while waiting for it. */
  private listenForNetwork(on: boolean): void {
    if (on && this.running && !this.stopListening)
      this.stopListening = this.connectivity.onOnline(() => this.backOnline());
    if (!on && this.stopListening) {
      this.stopListening();
      this.stopListening = null;
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private report(patch: Partial<SaverStatus>): void {
    this.current = { ...this.current, ...patch };
    if (this.running) this.options.onStatus?.(this.status);
  }
}
