import { FilesException } from './files.exception';

/**
 * How many imports run at once: `perUser` for one user, `perServer` for the whole process. An
 * import past either is refused at once (RATE_LIMITED), not queued: a queue would hold the
 * uploads' bytes and the callers' connections while they wait, and the client can try again.
 */
export class ImportGate {
  private readonly byUser = new Map<number, number>();
  private running = 0;

  constructor(
    private readonly perUser: number,
    private readonly perServer: number,
  ) {}

  /** A place for the user's import, or the refusal; the function returned gives the place back (once). */
  enter(userId: number): () => void {
    const ofUser = this.byUser.get(userId) ?? 0;
    if (ofUser >= this.perUser) throw FilesException.importInProgress();
    if (this.running >= this.perServer) throw FilesException.importsBusy();
    this.byUser.set(userId, ofUser + 1);
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      const now = (this.byUser.get(userId) ?? 1) - 1;
      if (now > 0) this.byUser.set(userId, now);
      else this.byUser.delete(userId);
    };
  }
}
