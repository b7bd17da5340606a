import type { Logger } from '@nestjs/common';

/**
 * A check the product runs by itself once a minute (notices, scheduled 催报): started with the
 * application, stopped with it, never overlapping itself (a run still under way on a slow database
 * is not doubled), its failure logged rather than thrown. The job's `run` is what tests call
 * directly, on a fixed clock.
 */
export class MinuteJob {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly run: () => Promise<unknown>,
    private readonly everyMs = 60_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.run();
    } catch (error) {
      this.logger.error(`${this.what} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
