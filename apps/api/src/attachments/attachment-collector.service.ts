import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/time/clock';
import { MinuteJob } from '../common/time/minute-job';
import { AttachmentPartsService } from './attachment-parts.service';
import { CONTENT_LOCK } from './attachment-thumbnails';
import { PENDING_CORRECTION_HOLDS } from './attachments.service';
import { AttachmentsService } from './attachments.service';

/** An upload no row took within this long is collected. */
export const UNLINKED_MAX_AGE_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/**
 * The collect job (docs/attachments.md, "Collect"), hourly: an upload that no row ever held and
 * that is a day old is removed, then every content no upload refers to, from the database and the
 * store. A handle a row holds or held (a link, current or in history) is never touched, nor its
 * content. `collect(now)` is the whole job, for the tests.
 */
@Injectable()
export class AttachmentCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AttachmentCollector.name);
  private readonly job = new MinuteJob(
    'attachment collection',
    this.logger,
    () => this.collect(this.clock.now()),
    HOUR_MS,
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly attachments: AttachmentsService,
    private readonly parts: AttachmentPartsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onModuleDestroy(): void {
    this.job.stop();
  }

  async collect(now: Date): Promise<{ uploads: number; contents: number }> {
    const before = new Date(now.getTime() - UNLINKED_MAX_AGE_MS);
    // the system reads every unit: row-level security is forced on these tables, for their owner too
    const uploads = await this.db.transaction(async (m) => {
      await m.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
      // TypeORM answers a DELETE with [rows, count]
      const [, removed] = (await m.query(
        `DELETE FROM attachments a
          WHERE a.linked_at IS NULL AND a.uploaded_at < $1
            AND NOT EXISTS (SELECT 1 FROM attachment_links l WHERE l.handle = a.handle)
            AND NOT EXISTS (${PENDING_CORRECTION_HOLDS})
          RETURNING a.handle`,
        [before],
      )) as [unknown[], number];
      return removed;
    });
    const orphans = (await this.db.query(
      `SELECT b.sha256 FROM attachment_blobs b WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)`,
    )) as { sha256: string }[];
    let contents = 0;
    for (const { sha256 } of orphans) {
      // under the content's lock, which an upload of the same bytes takes before it puts the file:
      // checked again, then the row and the files removed. A crash before the commit may leave the
      // row without its files; harmless, as no upload names it and the next upload of the same
      // bytes puts the file back (the store puts whatever it does not have)
      const gone = await this.db.transaction(async (m) => {
        await m.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
        await m.query(`SELECT pg_advisory_xact_lock(${CONTENT_LOCK}, hashtext($1))`, [sha256]);
        const [, removed] = (await m.query(
          `DELETE FROM attachment_blobs b WHERE b.sha256 = $1
              AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256) RETURNING b.sha256`,
          [sha256],
        )) as [unknown[], number];
        if (removed > 0) await this.attachments.store.remove(sha256);
        return removed > 0;
      });
      if (gone) contents += 1;
    }
    // uploads in parts abandoned for a day (never finished: no row can name them)
    const abandoned = await this.parts.sweep(now);
    if (uploads + contents + abandoned > 0)
      this.logger.log(
        `collected ${uploads} unused uploads, ${contents} contents and ${abandoned} unfinished uploads in parts`,
      );
    return { uploads, contents };
  }
}
