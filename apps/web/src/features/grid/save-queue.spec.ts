import { describe, expect, it } from 'vitest';
import { SaveQueue, type PendingChange, type QueueStore } from './save-queue';

function memoryStore(): QueueStore & { saved: PendingChange[] } {
  const store = {
    saved: [] as PendingChange[],
    read: () => structuredClone(store.saved),
    write: (changes: PendingChange[]) => (store.saved = structuredClone(changes)),
  };
  return store;
}
const all = () => true;
const saved = (id: string, version: number) => ({ status: 'SAVED' as const, row: { id, version, values: {} } });

describe('SaveQueue', () => {
  it('merges edits of one row into one change and sends it once', () => {
    const queue = new SaveQueue();
    queue.edit('r:1', '1', 3, { cases: 10 });
    queue.edit('r:1', '1', 3, { follow_ups: 8 });
    const batch = queue.take(all);
    expect(batch).toEqual([{ key: 'r:1', op: 'UPDATE', id: '1', version: 3, values: { cases: 10, follow_ups: 8 } }]);
    expect(queue.take(all)).toEqual([]); // one batch at a time
    queue.settle([saved('1', 4)]);
    expect(queue.size).toBe(0);
    expect(queue.busy).toBe(false);
  });

  it('turns edits made while an insert is in flight into an update of the saved row', () => {
    const queue = new SaveQueue();
    queue.edit('n:a', null, null, { cases: 1 });
    expect(queue.take(all)[0].op).toBe('INSERT');
    queue.edit('n:a', null, null, { cases: 2 });
    expect(queue.take(all)).toEqual([]); // waits for the id
    queue.settle([saved('77', 1)]);
    expect(queue.take(all)).toEqual([{ key: 'n:a', op: 'UPDATE', id: '77', version: 1, values: { cases: 2 } }]);
  });

  it('forgets an insert deleted before it was sent, and a new row deleted untouched', () => {
    const queue = new SaveQueue();
    queue.edit('n:a', null, null, { cases: 1 });
    queue.remove('n:a', null, null);
    queue.remove('n:b', null, null);
    expect(queue.size).toBe(0);
  });

  it('deletes a row whose insert is on its way once it has an id', () => {
    const queue = new SaveQueue();
    queue.edit('n:a', null, null, { cases: 1 });
    queue.take(all);
    queue.remove('n:a', null, null);
    queue.settle([saved('5', 1)]);
    expect(queue.take(all)).toEqual([{ key: 'n:a', op: 'DELETE', id: '5', version: 1, values: {} }]);
  });

  it('keeps a failed batch, under the edits made since, and resends it', () => {
    const queue = new SaveQueue();
    queue.edit('r:1', '1', 2, { cases: 5 });
    queue.take(all);
    queue.edit('r:1', '1', 2, { follow_ups: 4 });
    queue.fail();
    expect(queue.take(all)).toEqual([
      { key: 'r:1', op: 'UPDATE', id: '1', version: 2, values: { cases: 5, follow_ups: 4 }, held: undefined },
    ]);
  });

  it('holds rejected and conflicting changes until the user acts', () => {
    const queue = new SaveQueue();
    queue.edit('r:1', '1', 2, { cases: -1 });
    queue.edit('r:2', '2', 5, { cases: 3 });
    queue.take(all);
    queue.settle([
      { status: 'REJECTED', errors: [{ path: 'cases', message: '不能小于 0' }] },
      { status: 'CONFLICT', current: { id: '2', version: 6, values: { cases: 9 } } },
    ]);
    expect(queue.size).toBe(2);
    expect(queue.take(all)).toEqual([]);
    queue.release('r:2', 6); // keep mine, on the current version
    expect(queue.take(all)).toEqual([{ key: 'r:2', op: 'UPDATE', id: '2', version: 6, values: { cases: 3 } }]);
    queue.edit('r:1', '1', 2, { cases: 1 }); // fixing the cell releases it
    queue.settle([saved('2', 7)]);
    expect(queue.take(all)[0]).toMatchObject({ key: 'r:1', values: { cases: 1 }, held: undefined });
  });

  it('survives a reload through its store, the batch in flight included', async () => {
    const store = memoryStore();
    const queue = new SaveQueue(store);
    queue.edit('n:a', null, null, { cases: 1 });
    queue.take(all);
    queue.edit('r:9', '9', 1, { cases: 2 });
    await Promise.resolve(); // written at the end of the task
    const reloaded = new SaveQueue(store);
    expect(reloaded.all().map((c) => [c.key, c.op])).toEqual([
      ['n:a', 'INSERT'],
      ['r:9', 'UPDATE'],
    ]);
    reloaded.take(all);
    reloaded.settle([saved('10', 1), saved('9', 2)]);
    await Promise.resolve();
    expect(store.saved).toEqual([]);
  });

  it('writes a burst of edits to its store once', async () => {
    const store = memoryStore();
    let writes = 0;
    const counting = { read: store.read, write: (changes: PendingChange[]) => ((writes += 1), store.write(changes)) };
    const queue = new SaveQueue(counting);
    for (let i = 0; i < 5000; i += 1) queue.edit(`n:${i}`, null, null, { cases: i });
    await Promise.resolve();
    expect(writes).toBe(1);
    expect(store.saved).toHaveLength(5000);
  });

  it('sends only what `ready` accepts (rows with errors stay)', () => {
    const queue = new SaveQueue();
    queue.edit('n:a', null, null, { cases: 'abc' });
    queue.edit('n:b', null, null, { cases: 3 });
    expect(queue.take((c) => c.key !== 'n:a').map((c) => c.key)).toEqual(['n:b']);
    expect(queue.size).toBe(1);
  });

  it('sends no change holding a file kept offline until its upload puts the stored file in its place, or takes it out', async () => {
    const store = memoryStore();
    const queue = new SaveQueue(store);
    const standIn = { handle: 'local_abcdefghijklmnop', name: '整改前.jpg', size: 10, kind: 'image', sha256: '' };
    const refused = { handle: 'local_qrstuvwxyz012345', name: '整改后.jpg', size: 20, kind: 'image', sha256: '' };
    queue.edit('n:1', null, null, { description: '座椅破损', photos_before: [standIn], photos_after: [refused] });
    queue.edit('n:2', null, null, { description: '另一行' });
    expect(queue.take(all).map((c) => c.key)).toEqual(['n:2']);
    queue.settle([saved('2', 1)]);
    expect(queue.take(all)).toEqual([]);

    const stored = {
      handle: 'AbCdEfGhIjKlMnOpQrStUv',
      name: '整改前.jpg',
      size: 10,
      kind: 'image' as const,
      sha256: 'a'.repeat(64),
    };
    expect(queue.replaceFile(standIn.handle, stored)).toBe(true);
    // still one file to go
    expect(queue.take(all)).toEqual([]);
    expect(queue.replaceFile(refused.handle, null)).toBe(true);
    expect(queue.replaceFile('local_nothingheld00000', null)).toBe(false);
    const [change] = queue.take(all);
    expect(change.values).toEqual({ description: '座椅破损', photos_before: [stored], photos_after: null });
    await Promise.resolve();
    expect(store.saved[0].values.photos_before).toEqual([stored]);
  });
});
