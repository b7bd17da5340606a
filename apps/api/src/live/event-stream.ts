/** How many events a subscriber may leave unread before it is ended as too slow. */
export const MAX_UNREAD = 1_000;

/**
 * The events of one subscription as an async iterator (what a GraphQL subscription resolver
 * returns): pushed by the process's listener, pulled by graphql-ws as the socket drains. Ended by
 * the client (`return`), or by the server with a reason (`end`): the reason is the last value, an
 * Error the resolver's `resolve` throws, so the client gets it as a GraphQL error in the
 * contract's shape and then the subscription's completion. `closed` runs once either way.
 */
export class EventStream<T> implements AsyncIterableIterator<T | Error> {
  private readonly unread: (T | Error)[] = [];
  private waiting: ((result: IteratorResult<T | Error>) => void) | null = null;
  private ending = false;
  private done = false;

  constructor(private readonly closed: () => void) {}

  get open(): boolean {
    return !this.ending && !this.done;
  }

  push(value: T): void {
    if (!this.open) return;
    this.send(value);
    if (this.unread.length > MAX_UNREAD) this.end(new Error('subscriber too slow'));
  }

  /** Ends the subscription with a reason the client is told, after what it has not read yet. */
  end(reason: Error): void {
    if (!this.open) return;
    this.ending = true;
    this.closed();
    this.send(reason);
  }

  private send(value: T | Error): void {
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting({ value, done: false });
    } else this.unread.push(value);
  }

  next(): Promise<IteratorResult<T | Error>> {
    if (this.unread.length > 0) return Promise.resolve({ value: this.unread.shift()!, done: false });
    if (this.ending || this.done) {
      this.done = true;
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T | Error>> {
    if (this.open) this.closed();
    this.done = true;
    this.unread.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T | Error> {
    return this;
  }
}
