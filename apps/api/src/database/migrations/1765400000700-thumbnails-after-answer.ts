import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20, uploads at the speed of the disk: an image's thumbnail is made after the upload has
 * answered (apps/api/src/attachments/attachment-thumbnails.ts), so `attachment_blobs.thumbnail`
 * gets a third state: null, still to make; true, made; false, none (not an image, HEIC, or an
 * image that does not decode).
 */
export class ThumbnailsAfterAnswer1765400000700 implements MigrationInterface {
  name = 'ThumbnailsAfterAnswer1765400000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE attachment_blobs ALTER COLUMN thumbnail DROP NOT NULL, ALTER COLUMN thumbnail DROP DEFAULT`,
    );
    await db.query(
      `COMMENT ON COLUMN attachment_blobs.thumbnail IS 'null: still to make; true: made; false: none (not an image, HEIC, or it does not decode)'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE attachment_blobs SET thumbnail = false WHERE thumbnail IS NULL`);
    await db.query(
      `ALTER TABLE attachment_blobs ALTER COLUMN thumbnail SET DEFAULT false, ALTER COLUMN thumbnail SET NOT NULL`,
    );
    await db.query(`COMMENT ON COLUMN attachment_blobs.thumbnail IS NULL`);
  }
}
