import { describe, expect, it, vi } from 'vitest';
import {
  GridSaver,
  SaveFailure,
  type Clock,
  type Connectivity,
  type GridSaverOptions,
  type RowChangeInput,
  type SaverStatus,
} from './grid-saver';
import type { PendingChange, QueueStore, SaveResult } from './save-queue';

/** Time that moves only when the test says so; timers run in order as it passes. */
class FakeClock implements Clock {
  time = 1_000;
  private timers = new Map<number, { at: number; run: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting. */
  get waiting(): number {
    return this.timers.size;
  }

  /** Moves on by `ms`, running each timer as its time comes; promises settle in between. */
  async tick(ms = 0): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
      await settle();
    }
    this.time = end;
  }
}

/** Lets every pending promise chain run (a real macrotask; the saver's own time is the fake clock's). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

class FakeNetwork implements Connectivity {
  up = true;
  private listeners = new Set<() => void>();
  online = () => this.up;
  onOnline(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listening(): number {
    return this.listeners.size;
  }
  goOffline() {
    this.up = false;
  }
  goOnline() {
    this.up = true;
    for (const listener of this.listeners) listener();
  }
}

type Answer = (changes: RowChangeInput[]) => SaveResult[] | Promise<SaveResult[]>;

/** Every change saved: an insert gets an id, a change the next version. */
const allSaved: Answer = (changes) =>
  changes.map((c, i) => ({
    status: 'SAVED',
    row: { id: c.id ?? `new${i}`, version: (c.version ?? 0) + 1, values: {} },
  }));

const fail =
  (kind: SaveFailure['kind'], message = 'x'): Answer =>
  () => {
    throw new SaveFailure(kind, message);
  };

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The backend: each call takes the next scripted answer, then `otherwise`. */
function fakeServer(otherwise: Answer = allSaved) {
  const calls: RowChangeInput[][] = [];
  const script: Answer[] = [];
  const saveRows = vi.fn(async (changes: RowChangeInput[]) => {
    calls.push(structuredClone(changes));
    return (script.shift() ?? otherwise)(changes);
  });
  return {
    calls,
    saveRows,
    answer: (...answers: Answer[]) => script.push(...answers),
    set otherwise(answer: Answer) {
      otherwise = answer;
    },
  };
}

function memoryStore(): QueueStore & { saved: PendingChange[] } {
  const store = {
    saved: [] as PendingChange[],
    read: () => structuredClone(store.saved),
    write: (changes: PendingChange[]) => (store.saved = structuredClone(changes)),
  };
  return store;
}

function setUp(options: Partial<GridSaverOptions> = {}, server = fakeServer()) {
  const clock = new FakeClock();
  const network = new FakeNetwork();
  const statuses: SaverStatus[] = [];
  const saver = new GridSaver({
    saveRows: server.saveRows,
    clock,
    connectivity: network,
    onStatus: (status) => statuses.push(status),
    ...options,
  });
  return { saver, server, clock, network, statuses };
}

describe('GridSaver: autosave', () => {
  it('saves once, 800 ms after the last edit, with the edits of a row merged', async () => {
    const { saver, server, clock } = setUp();
    saver.edit('r:1', '1', 3, { cases: 10 });
    await clock.tick(500);
    saver.edit('r:1', '1', 3, { follow_ups: 8 });
    await clock.tick(799);
    expect(server.calls).toHaveLength(0);
    await clock.tick(1);
    expect(server.calls).toEqual([[{ op: 'UPDATE', id: '1', version: 3, values: { cases: 10, follow_ups: 8 } }]]);
    await clock.tick(0);
    expect(saver.status).toMatchObject({ state: 'saved', savedAt: 2_300 });
    expect(saver.pending()).toEqual([]);
  });

  it('sends edits made during a flight in the next batch, once the batch in flight is answered', async () => {
    const server = fakeServer();
    const first = deferred<SaveResult[]>();
    server.answer(() => first.promise);
    const { saver, clock } = setUp({}, server);
    saver.edit('n:a', null, null, { cases: 1 });
    await clock.tick(800);
    expect(server.calls).toHaveLength(1);
    saver.edit('n:a', null, null, { cases: 2 }); // the row's insert is on its way
    saver.edit('r:2', '2', 4, { cases: 3 });
    await clock.tick(5_000);
    expect(server.calls).toHaveLength(1); // one batch in flight at a time
    expect(saver.status.state).toBe('saving');
    first.resolve([{ status: 'SAVED', row: { id: '77', version: 1, values: {} } }]);
    await clock.tick(0);
    expect(server.calls[1]).toEqual([
      { op: 'UPDATE', id: '77', version: 1, values: { cases: 2 } },
      { op: 'UPDATE', id: '2', version: 4, values: { cases: 3 } },
    ]);
    await clock.tick(0);
    expect(saver.status.state).toBe('saved');
  });

  it('keeps back the changes `ready` refuses (rows failing the grid’s own check)', async () => {
    const { saver, server, clock } = setUp({ ready: (change) => change.key !== 'n:bad' });
    saver.edit('n:bad', null, null, { cases: 'abc' });
    saver.edit('n:ok', null, null, { cases: 3 });
    await clock.tick(800);
    expect(server.calls).toEqual([[{ op: 'INSERT', clientKey: expect.any(String), values: { cases: 3 } }]]);
    expect(saver.pending().map((c) => c.key)).toEqual(['n:bad']);
  });

  it('flush sends everything that can go, after the batch in flight, and then resolves', async () => {
    const server = fakeServer();
    const first = deferred<SaveResult[]>();
    server.answer(() => first.promise);
    const { saver, clock } = setUp({}, server);
    saver.edit('r:1', '1', 1, { cases: 1 });
    await clock.tick(800);
    saver.edit('r:2', '2', 1, { cases: 2 });
    let flushed = false;
    const flushing = saver.flush().then(() => (flushed = true));
    await settle();
    expect(flushed).toBe(false);
    first.resolve(allSaved(server.calls[0]) as SaveResult[]);
    await flushing;
    expect(server.calls.map((batch) => batch.map((c) => c.id))).toEqual([['1'], ['2']]);
    expect(saver.pending()).toEqual([]);
  });
});

describe('GridSaver: failures and holds', () => {
  it('sends an insert whose answer was lost again with the same clientKey, with the edits made meanwhile', async () => {
    const server = fakeServer();
    let loseAnswer!: () => void;
    server.answer(
      () =>
        new Promise<SaveResult[]>((_, refuse) => (loseAnswer = () => refuse(new SaveFailure('network', 'timeout')))),
    );
    const { saver, clock } = setUp({}, server);
    saver.edit('n:a', null, null, { cases: 1 });
    saver.edit('n:b', null, null, { cases: 2 });
    await clock.tick(800);
    const keys = server.calls[0].map((c) => c.clientKey);
    expect(keys.every((k) => typeof k === 'string' && k.length === 36)).toBe(true);
    expect(new Set(keys).size).toBe(2);
    saver.edit('n:a', null, null, { cases: 3 }); // typed while the insert is on its way
    loseAnswer();
    await clock.tick(2_000);
    // the same rows under the same keys (the server updates a row it made instead of a second);
    // the edit rides with its insert
    expect(server.calls[1]).toEqual([
      { op: 'INSERT', clientKey: keys[0], values: { cases: 3 } },
      { op: 'INSERT', clientKey: keys[1], values: { cases: 2 } },
    ]);
  });

  it('retries a request that got no answer after 2 s, then 4 s, and holds it after three failures', async () => {
    const { saver, server, clock } = setUp({}, fakeServer(fail('network')));
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800);
    expect(server.calls).toHaveLength(1);
    expect(saver.status).toMatchObject({ state: 'offline', failures: 1, retryAt: clock.now() + 2_000 });
    await clock.tick(1_999);
    expect(server.calls).toHaveLength(1);
    await clock.tick(1);
    expect(server.calls).toHaveLength(2);
    expect(saver.status).toMatchObject({ state: 'offline', failures: 2, retryAt: clock.now() + 4_000 });
    await clock.tick(4_000);
    expect(server.calls).toHaveLength(3);
    expect(saver.status).toMatchObject({ state: 'held', holdReason: 'network', failures: 3, retryAt: null });
    await clock.tick(60 * 60_000); // an hour: no endless loop
    expect(server.calls).toHaveLength(3);
    expect(clock.waiting).toBe(0);
    expect(saver.pending()).toEqual([expect.objectContaining({ key: 'r:1', values: { cases: 5 } })]);
  });

  it('sends a held batch again when the user presses retry, or edits again', async () => {
    const server = fakeServer(fail('network'));
    const { saver, clock } = setUp({}, server);
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800 + 2_000 + 4_000);
    expect(saver.status.state).toBe('held');
    server.otherwise = allSaved;
    saver.retry();
    expect(saver.status).toMatchObject({ holdReason: null, failures: 0 });
    await clock.tick(0);
    expect(server.calls).toHaveLength(4);
    await clock.tick(0);
    expect(saver.status.state).toBe('saved');

    server.otherwise = fail('network');
    saver.edit('r:1', '1', 2, { cases: 6 });
    await clock.tick(800 + 2_000 + 4_000);
    expect(saver.status.state).toBe('held');
    server.otherwise = allSaved;
    saver.edit('r:1', '1', 2, { follow_ups: 1 });
    await clock.tick(799);
    expect(server.calls).toHaveLength(7);
    await clock.tick(1);
    expect(server.calls[7]).toEqual([{ op: 'UPDATE', id: '1', version: 2, values: { cases: 6, follow_ups: 1 } }]);
  });

  it('retries a retryable server error (INTERNAL) with its message shown, then holds it', async () => {
    const { saver, server, clock } = setUp({}, fakeServer(fail('retryable', '数据库暂时不可用')));
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800);
    expect(saver.status).toMatchObject({ state: 'failed', failure: '数据库暂时不可用', failures: 1 });
    await clock.tick(2_000 + 4_000);
    expect(server.calls).toHaveLength(3);
    expect(saver.status).toMatchObject({ state: 'held', holdReason: 'server', failure: '数据库暂时不可用' });
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(3);
  });

  it('holds at once a batch the server refuses as a whole (not retryable)', async () => {
    const { saver, server, clock } = setUp({}, fakeServer(fail('refused', '该报送期已提交，不能修改')));
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800);
    expect(saver.status).toMatchObject({ state: 'held', holdReason: 'refused', failure: '该报送期已提交，不能修改' });
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(1);
    expect(saver.pending()).toHaveLength(1);
  });

  it('an edit during back-off starts the count again; a reload of the rows does not restart a held saver', async () => {
    const { saver, server, clock } = setUp({}, fakeServer(fail('network')));
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800 + 2_000);
    expect(saver.status.failures).toBe(2);
    saver.edit('r:1', '1', 1, { cases: 6 }); // a new edit is a new try
    await clock.tick(800);
    expect(saver.status.failures).toBe(1);
    await clock.tick(2_000 + 4_000);
    expect(saver.status.state).toBe('held');
    saver.schedule(0); // what a reload of the rows asks for
    await clock.tick(60_000);
    expect(server.calls).toHaveLength(5);
  });
});

describe('GridSaver: offline', () => {
  it('sends nothing while the browser is offline, keeps every change, and saves them when it is back', async () => {
    const { saver, server, clock, network } = setUp();
    expect(network.listening).toBe(0); // the online event is heard only while waiting for it
    network.goOffline();
    saver.edit('n:a', null, null, { cases: 1 });
    await clock.tick(800);
    expect(network.listening).toBe(1);
    saver.edit('r:1', '1', 1, { cases: 2 });
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(0);
    expect(saver.status).toMatchObject({ state: 'offline', failures: 0 });
    expect(saver.pending().map((c) => c.key)).toEqual(['n:a', 'r:1']);
    network.goOnline();
    expect(network.listening).toBe(0);
    await clock.tick(0);
    expect(server.calls).toEqual([
      [
        { op: 'INSERT', clientKey: expect.any(String), values: { cases: 1 } },
        { op: 'UPDATE', id: '1', version: 1, values: { cases: 2 } },
      ],
    ]);
    await clock.tick(0);
    expect(saver.status.state).toBe('saved');
  });

  it('a request lost as the connection drops waits for it to come back, without counting', async () => {
    const server = fakeServer();
    const { saver, clock, network } = setUp({}, server);
    server.answer(() => {
      network.goOffline();
      throw new SaveFailure('network', 'Failed to fetch');
    });
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800);
    expect(saver.status).toMatchObject({ state: 'offline', failures: 0, retryAt: null });
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(1);
    network.goOnline();
    await clock.tick(0);
    expect(server.calls).toHaveLength(2);
    expect(saver.pending()).toEqual([]);
  });

  it('a batch held after three unanswered requests goes again when the browser comes back online', async () => {
    const server = fakeServer(fail('network'));
    const { saver, clock, network } = setUp({}, server);
    saver.edit('r:1', '1', 1, { cases: 5 });
    await clock.tick(800 + 2_000 + 4_000);
    expect(saver.status).toMatchObject({ state: 'held', holdReason: 'network' });
    server.otherwise = allSaved;
    network.goOnline();
    await clock.tick(0);
    expect(server.calls).toHaveLength(4);
    expect(saver.pending()).toEqual([]);
  });
});

describe('GridSaver: per-row answers', () => {
  it('holds REJECTED changes with their reasons, settles the rest, and resends a rejected row only once edited', async () => {
    const server = fakeServer();
    const onAnswer = vi.fn();
    const { saver, clock } = setUp({ onAnswer }, server);
    const answer: SaveResult[] = [
      { status: 'REJECTED', errors: [{ path: 'cases', message: '不能小于 0' }] },
      { status: 'SAVED', row: { id: '2', version: 6, values: {} } },
      { status: 'SAVED', row: { id: '90', version: 1, values: { rate: 1 } } },
    ];
    server.answer(() => answer);
    saver.edit('r:1', '1', 2, { cases: -1 });
    saver.edit('r:2', '2', 5, { cases: 3 });
    saver.edit('n:a', null, null, { cases: 1 });
    await clock.tick(800);
    expect(onAnswer).toHaveBeenCalledWith([
      expect.objectContaining({
        change: expect.objectContaining({ key: 'r:1' }),
        result: expect.objectContaining({ status: 'REJECTED' }),
      }),
      expect.objectContaining({
        change: expect.objectContaining({ key: 'r:2' }),
        result: expect.objectContaining({ status: 'SAVED' }),
      }),
      expect.objectContaining({
        change: expect.objectContaining({ key: 'n:a' }),
        result: expect.objectContaining({ status: 'SAVED' }),
      }),
    ]);
    expect(saver.pending()).toEqual([expect.objectContaining({ key: 'r:1', held: 'rejected' })]);
    expect(saver.rejection('r:1')).toEqual({ rowKey: 'r:1', errors: [{ path: 'cases', message: '不能小于 0' }] });
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(1); // never sent again as it is
    expect(saver.status.state).toBe('saved');

    saver.edit('r:1', '1', 2, { cases: 1 }); // fixed
    expect(saver.rejection('r:1')).toBeUndefined();
    await clock.tick(800);
    expect(server.calls[1]).toEqual([{ op: 'UPDATE', id: '1', version: 2, values: { cases: 1 } }]);
    expect(saver.pending()).toEqual([]);
  });

  it('does not resend a batch the server rejects in full', async () => {
    const server = fakeServer(() => [
      { status: 'REJECTED', errors: [{ path: 'cases', message: '必填' }] },
      { status: 'REJECTED', errors: [{ path: '', message: '重复' }] },
    ]);
    const { saver, clock } = setUp({}, server);
    saver.edit('n:a', null, null, { cases: null });
    saver.edit('n:b', null, null, { cases: 2 });
    await clock.tick(800);
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(1);
    expect(saver.allRejections().map((r) => r.rowKey)).toEqual(['n:a', 'n:b']);
    expect(saver.pending().every((c) => c.held === 'rejected')).toBe(true);
  });

  it('holds a CONFLICT with the server’s current row; keep mine resends on its version', async () => {
    const server = fakeServer();
    server.answer(() => [{ status: 'CONFLICT', current: { id: '1', version: 6, values: { cases: 9 } } }]);
    const { saver, clock } = setUp({}, server);
    saver.edit('r:1', '1', 5, { cases: 3 });
    await clock.tick(800);
    expect(saver.allConflicts()).toEqual([
      { rowKey: 'r:1', mine: { cases: 3 }, theirs: { id: '1', version: 6, values: { cases: 9 } } },
    ]);
    expect(saver.pending()).toEqual([expect.objectContaining({ key: 'r:1', held: 'conflict' })]);
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(1);
    expect(saver.keepMine('r:1')?.theirs.version).toBe(6);
    await clock.tick(0);
    expect(server.calls[1]).toEqual([{ op: 'UPDATE', id: '1', version: 6, values: { cases: 3 } }]);
    expect(saver.allConflicts()).toEqual([]);
    expect(saver.pending()).toEqual([]);
  });

  it('take theirs drops my change of the row', async () => {
    const server = fakeServer(() => [{ status: 'CONFLICT', current: { id: '1', version: 6, values: { cases: 9 } } }]);
    const { saver, clock } = setUp({}, server);
    saver.edit('r:1', '1', 5, { cases: 3 });
    await clock.tick(800);
    expect(saver.takeTheirs('r:1')?.theirs.values).toEqual({ cases: 9 });
    expect(saver.pending()).toEqual([]);
    expect(saver.allConflicts()).toEqual([]);
    await clock.tick(60_000);
    expect(server.calls).toHaveLength(1);
  });
});

describe('GridSaver: the definition republished during a save', () => {
  it('reloads the definition, then sends the same batch again', async () => {
    const server = fakeServer();
    server.answer(fail('definition', '台账定义刚刚更新'));
    const reloaded = deferred<void>();
    const reloadDefinition = vi.fn(() => reloaded.promise);
    const { saver, clock } = setUp({ reloadDefinition }, server);
    saver.edit('n:a', null, null, { cases: 1 });
    saver.edit('r:1', '1', 2, { cases: 2 });
    await clock.tick(800);
    expect(reloadDefinition).toHaveBeenCalledTimes(1);
    expect(saver.status.state).toBe('reloading');
    await clock.tick(10_000);
    expect(server.calls).toHaveLength(1); // not before the definition is reloaded
    reloaded.resolve();
    await clock.tick(0);
    expect(server.calls).toHaveLength(2);
    expect(server.calls[1]).toEqual(server.calls[0]);
    await clock.tick(0);
    expect(saver.status).toMatchObject({ state: 'saved', failures: 0 });
    expect(saver.pending()).toEqual([]);
  });

  it('holds with its reason when the definition changes three times in a row', async () => {
    const reloadDefinition = vi.fn(async () => undefined);
    const { saver, server, clock } = setUp({ reloadDefinition }, fakeServer(fail('definition', '台账定义刚刚更新')));
    saver.edit('r:1', '1', 2, { cases: 2 });
    await clock.tick(800);
    await clock.tick(60 * 60_000);
    expect(server.calls).toHaveLength(3);
    expect(reloadDefinition).toHaveBeenCalledTimes(2);
    expect(saver.status).toMatchObject({ state: 'held', holdReason: 'definition', failure: '台账定义刚刚更新' });
    expect(saver.pending()).toHaveLength(1);
  });

  it('a reload of the definition that fails is retried like a failed save, and bounded', async () => {
    const reloadDefinition = vi.fn(async () => {
      throw new SaveFailure('network', 'Failed to fetch');
    });
    const { saver, server, clock } = setUp({ reloadDefinition }, fakeServer(fail('definition')));
    saver.edit('r:1', '1', 2, { cases: 2 });
    await clock.tick(800);
    expect(saver.status).toMatchObject({ state: 'offline', failures: 1 });
    await clock.tick(60 * 60_000);
    expect(saver.status.state).toBe('held');
    expect(server.calls.length).toBeLessThanOrEqual(3);
  });
});

describe('GridSaver: across a reload of the page', () => {
  it('restores unsent changes, the batch in flight included, and sends them', async () => {
    const store = memoryStore();
    const server = fakeServer();
    server.answer(() => new Promise<SaveResult[]>(() => undefined)); // the page closes before the answer
    const before = setUp({ store }, server);
    before.saver.edit('n:a', null, null, { cases: 1 });
    await before.clock.tick(800);
    before.saver.edit('r:9', '9', 1, { cases: 2 });
    await settle();
    before.saver.stop();
    expect(store.saved.map((c) => c.key)).toEqual(['n:a', 'r:9']);

    const after = setUp({ store }, server);
    expect(after.saver.pending().map((c) => [c.key, c.op])).toEqual([
      ['n:a', 'INSERT'],
      ['r:9', 'UPDATE'],
    ]);
    after.saver.schedule(0); // the grid asks once its rows are loaded
    await after.clock.tick(0);
    // the insert in flight at the reload goes again under its own key: saved once whatever became of it
    expect(server.calls[1]).toEqual([
      { op: 'INSERT', clientKey: server.calls[0][0].clientKey, values: { cases: 1 } },
      { op: 'UPDATE', id: '9', version: 1, values: { cases: 2 } },
    ]);
    await settle();
    expect(store.saved).toEqual([]);
  });

  it('asks the server again about changes held before the reload (their reasons were not kept)', async () => {
    const store = memoryStore();
    store.saved = [{ key: 'r:1', op: 'UPDATE', id: '1', version: 2, values: { cases: -1 }, held: 'rejected' }];
    const server = fakeServer(() => [{ status: 'REJECTED', errors: [{ path: 'cases', message: '不能小于 0' }] }]);
    const { saver, clock } = setUp({ store }, server);
    saver.schedule(0);
    await clock.tick(0);
    expect(server.calls).toHaveLength(1);
    expect(saver.rejection('r:1')?.errors[0].message).toBe('不能小于 0');
    await clock.tick(60_000);
    expect(server.calls).toHaveLength(1);
  });

  it('once stopped sends nothing, but an answer still in flight settles the stored queue', async () => {
    const store = memoryStore();
    const server = fakeServer();
    const answer = deferred<SaveResult[]>();
    server.answer(() => answer.promise);
    const onAnswer = vi.fn();
    const { saver, clock } = setUp({ store, onAnswer }, server);
    saver.edit('n:a', null, null, { cases: 1 });
    await clock.tick(800);
    saver.stop();
    saver.edit('r:2', '2', 1, { cases: 2 });
    answer.resolve([{ status: 'SAVED', row: { id: '5', version: 1, values: {} } }]);
    await clock.tick(60_000);
    expect(server.calls).toHaveLength(1);
    expect(onAnswer).not.toHaveBeenCalled();
    expect(store.saved.map((c) => c.key)).toEqual(['r:2']);
  });
});
