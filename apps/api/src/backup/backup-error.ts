/** A failure the CLI reports as one line and exit code 1: the message says what went wrong and what to do. */
export class BackupError extends Error {}

/**
 * Things to undo when the command ends, however it ends (success, failure, Ctrl-C): a child
 * tool to stop, a half-written file or a half-restored database to remove, an embedded server
 * we started. Undone last-in first-out, each once.
 */
export class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> | void }[] = [];

  /** Adds a step; the function returned drops it again (the thing no longer needs undoing). */
  add(label: string, run: () => Promise<void> | void): () => void {
    const step = { label, run };
    this.steps.push(step);
    return () => {
      const index = this.steps.indexOf(step);
      if (index >= 0) this.steps.splice(index, 1);
    };
  }

  async runAll(warn: (message: string) => void): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        warn(`could not ${step.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
