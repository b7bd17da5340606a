import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { kindName, type AttachmentKind, type AttachmentRef, type FileLimits } from '@taizhang/ledger-core';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.token';
import { seesAllUnits } from '../identity/access-policy';
import type { Principal } from '../identity/principal';
import { RowAccess } from '../ledger-data/row-access.service';
import { inUnitScope, readInUnitScope, type UnitScope } from '../ledger-tables/row-scope';
import { LedgerAccess } from '../ledgers/ledger-access.service';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import { AttachmentsException } from './attachments.exception';
import type { BlobVariant, WorkingStore } from './attachment-store';
import { AttachmentThumbnails, CONTENT_LOCK } from './attachment-thumbnails';
import { kindOfReceived, receiveUpload, type ReceivedFile } from './attachment-upload';
import { imageIsWhole, type ImageFormat } from './image-wholeness';
import { attachmentStoreFor } from './s3-attachment-store';

/** How old a temp file must be for the sweep at start to take it for a crash's leftover. */
export const TEMP_MAX_AGE_MS = 3_600_000;

const HANDLE = /^[A-Za-z0-9_-]{22}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A correction request waiting for an admin (申请更正, sheet_corrections) that proposes the file
 * `a.handle` for its unit: the file is kept (the collect job skips it) and shown to whoever sees
 * that unit, so the admin can look at it before approving. A condition on `a` (attachments).
 */
export const PENDING_CORRECTION_HOLDS = `SELECT 1 FROM sheet_corrections c
   WHERE c.state = 'REQUESTED' AND c.unit_id = a.unit_id AND jsonb_typeof(c.new_value) = 'array'
     AND c.new_value @> jsonb_build_array(jsonb_build_object('handle', a.handle))`;

/** What a file is served with. */
export interface ServedFile {
  name: string;
  size: number;
  kind: AttachmentKind;
  mime: string;
  stream: Readable;
}

/** Where an upload goes: the ledger, the unit (null: an admin's, for any unit), the field's limits. */
export interface UploadTarget {
  ledger: PublishedLedger;
  unitId: number | null;
  limits: FileLimits;
}

const both = (kinds: AttachmentKind[], locale: 'zh' | 'en') =>
  kinds.map((kind) => kindName(kind, locale)).join(locale === 'zh' ? '、' : ', ');

/**
 * Uploads and downloads of attachment files (docs/attachments.md): an upload is streamed to a temp
 * file, its kind decided from its content, an image checked whole by its structure, stored by its
 * SHA-256 and recorded under a random handle, its thumbnail made after the answer; a download is
 * served only where the caller's units see a row (or a history entry, or a waiting correction
 * request) holding the handle, or to its uploader before any row holds it.
 */
@Injectable()
export class AttachmentsService implements OnModuleInit {
  /** The files: under DATA_DIR, or in the bucket ATTACHMENT_S3_* names (temp files and parts stay under DATA_DIR). */
  readonly store: WorkingStore;
  readonly thumbnails: AttachmentThumbnails;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly access: RowAccess,
    private readonly ledgers: LedgerAccess,
  ) {
    this.store = attachmentStoreFor(config);
    this.thumbnails = new AttachmentThumbnails(db, this.store);
  }

  /**
   * Temp files of uploads cut short by a crash (never named by the database) are removed at start;
   * an hour's margin leaves alone the uploads of another server sharing DATA_DIR.
   */
  async onModuleInit(): Promise<void> {
    // a bucket that does not answer stops the start, saying why (not the first upload)
    await this.store.ready();
    await this.store.sweepTemp(TEMP_MAX_AGE_MS);
  }

  /**
   * The ledger, the unit the upload is for (null: an admin's, for any unit) and the field's limits;
   * refused unless the field is an attachment field and the caller may write a unit of the ledger.
   */
  async target(
    principal: Principal,
    ledgerKey: string,
    fieldKey: string,
    unitId: string | undefined,
  ): Promise<UploadTarget> {
    let ledger: PublishedLedger;
    let unit: number | null;
    if (principal.role === 'admin' && !unitId) {
      ledger = await this.ledgers.readableLedger(principal, ledgerKey);
      unit = null;
    } else {
      ({ ledger, unitId: unit } = await this.access.forWrite(principal, ledgerKey, unitId));
    }
    const field = ledger.model.byKey.get(fieldKey);
    const limits = field ? ledger.model.spec(field).files?.(field) : undefined;
    if (!field || !limits) throw AttachmentsException.notAFileField(ledgerKey, fieldKey);
    return { ledger, unitId: unit, limits };
  }

  async upload(
    principal: Principal,
    query: { ledger?: string; field?: string; unitId?: string },
    req: Request,
    res: Response,
  ): Promise<AttachmentRef> {
    let target: UploadTarget;
    try {
      target = await this.target(principal, query.ledger ?? '', query.field ?? '', query.unitId || undefined);
    } catch (refusal) {
      // the body is read and dropped, so that the client hears the answer
      req.resume();
      throw refusal;
    }
    const received = await receiveUpload(req, res, this.store, target.limits.maxFileSize);
    return this.accept(principal, target, query.field ?? '', received);
  }

  /**
   * A received file (a one-shot upload's, or the parts of one joined: attachment-parts.service.ts)
   * judged and stored: not empty, its kind from its content and one the field takes, an image
   * whole by its format's structure (image-wholeness.ts: a file cut off is refused here), the
   * content stored by its SHA-256 and recorded under a new handle; an image's thumbnail is made
   * after the answer (attachment-thumbnails.ts). The temp file is gone afterwards, stored or refused.
   */
  async accept(
    principal: Principal,
    target: UploadTarget,
    fieldKey: string,
    received: ReceivedFile,
  ): Promise<AttachmentRef> {
    const { ledger, unitId, limits } = target;
    try {
      if (received.size === 0) throw AttachmentsException.empty();
      const sniffed = await kindOfReceived(received);
      if (!sniffed.ok) throw AttachmentsException.kindFound(sniffed.found);
      if (!limits.kinds.includes(sniffed.kind))
        throw AttachmentsException.kindNotAllowed(
          { zh: kindName(sniffed.kind, 'zh'), en: kindName(sniffed.kind, 'en') },
          { zh: both(limits.kinds, 'zh'), en: both(limits.kinds, 'en') },
        );
      if (sniffed.kind === 'image') {
        const chunks = createReadStream(received.tempPath, { highWaterMark: 1024 * 1024 });
        const whole = await imageIsWhole(sniffed.format as ImageFormat, chunks, received.size, received.head);
        if (!whole) throw AttachmentsException.brokenImage();
      }
      // HEIC has no decoder in sharp's prebuilt binaries: it is kept, without a thumbnail
      const thumbnail = sniffed.kind === 'image' && sniffed.format !== 'heic' ? null : false;
      const handle = randomBytes(16).toString('base64url');
      const scope: UnitScope = unitId === null ? { all: true } : { units: [unitId] };
      // the temp file's fsync (started when it was received) done before it is moved into place
      await received.durable;
      if (!SHA256_HEX.test(received.sha256)) throw new Error(`not a SHA-256: ${received.sha256}`);
      await inUnitScope(
        this.db,
        scope,
        async (tx) => {
          // the files in place first, then the rows: a crash between leaves a file no row names
          await this.store.put(received.tempPath, received.sha256, 'file');
          // the blob and the upload in one statement (one round trip before the commit)
          await tx.query(
            `WITH blob AS (
               INSERT INTO attachment_blobs (sha256, size, kind, mime, thumbnail) VALUES ($2, $4, $5, $11, $12)
               ON CONFLICT (sha256) DO NOTHING)
             INSERT INTO attachments (handle, sha256, name, size, kind, ledger_key, field_key, unit_id, uploaded_by, by_admin)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
              handle,
              received.sha256,
              received.name,
              received.size,
              sniffed.kind,
              ledger.key,
              fieldKey,
              unitId,
              principal.userId,
              principal.role === 'admin',
              sniffed.mime,
              thumbnail,
            ],
          );
        },
        // the content's lock, which the collect job takes too (it never removes a content being
        // stored again), sent with the BEGIN: a SHA-256 in hex, checked above, inlined
        `SELECT pg_advisory_xact_lock(${CONTENT_LOCK}, hashtext('${received.sha256}'))`,
      );
      if (thumbnail === null) this.thumbnails.soon(received.sha256);
      return { handle, name: received.name, size: received.size, kind: sniffed.kind, sha256: received.sha256 };
    } finally {
      // gone already once stored; a refused upload's temp file goes here
      await unlink(received.tempPath).catch(() => undefined);
    }
  }

  /**
   * A file (or its thumbnail) for the caller: a row or a history entry of the caller's units holds
   * it, or the caller uploaded it and no row holds it yet, or a correction request of a unit the
   * caller sees proposes it (PENDING_CORRECTION_HOLDS). Anything else is "not found", whether the
   * handle exists or not.
   */
  async open(principal: Principal, handle: string, variant: BlobVariant): Promise<ServedFile> {
    if (!HANDLE.test(handle)) throw AttachmentsException.notFound();
    let scope: UnitScope;
    if (seesAllUnits(principal)) scope = { all: true };
    else if (principal.unitId !== null) scope = { units: [principal.unitId] };
    else throw AttachmentsException.notFound();
    const ledgers = principal.apiToken?.ledgers ?? null;
    const [found] = await readInUnitScope(this.db, scope, (tx) =>
      tx.query<{
        name: string;
        size: string;
        kind: AttachmentKind;
        mime: string;
        sha256: string;
        thumbnail: boolean | null;
      }>(
        `SELECT a.name, a.size, a.kind, b.mime, a.sha256, b.thumbnail
           FROM attachments a JOIN attachment_blobs b ON b.sha256 = a.sha256
          WHERE a.handle = $1
            AND (EXISTS (SELECT 1 FROM attachment_links l
                          WHERE l.handle = a.handle AND ($3::text[] IS NULL OR l.ledger_key = ANY ($3::text[])))
                 OR (a.linked_at IS NULL AND a.uploaded_by = $2)
                 OR (a.linked_at IS NULL AND ($3::text[] IS NULL OR a.ledger_key = ANY ($3::text[]))
                     AND EXISTS (${PENDING_CORRECTION_HOLDS})))`,
        [handle, principal.userId, ledgers],
      ),
    );
    if (!found) throw AttachmentsException.notFound();
    // a thumbnail still to make (asked for before it was made, or its process stopped) is made now
    if (variant === 'thumbnail' && !(found.thumbnail ?? (await this.thumbnails.make(found.sha256))))
      throw AttachmentsException.notFound();
    const stream = await this.store.open(found.sha256, variant);
    if (!stream) throw AttachmentsException.notFound();
    return variant === 'file'
      ? { name: found.name, size: Number(found.size), kind: found.kind, mime: found.mime, stream }
      : { name: `${found.name}.webp`, size: -1, kind: found.kind, mime: 'image/webp', stream };
  }
}
