import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AttachmentS3Settings } from '../config/attachment-s3';
import { blobKey, LocalAttachmentStore, type BlobVariant, type WorkingStore } from './attachment-store';

/** Above this, a content goes up in parts of this size (S3's multipart upload), two at a time. */
export const S3_PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** The SDK's error shape, as far as it is read here. */
interface S3Failure {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  message?: string;
}

const statusOf = (error: unknown) => (error as S3Failure)?.$metadata?.httpStatusCode;
const isMissing = (error: unknown) =>
  statusOf(error) === 404 || ['NotFound', 'NoSuchKey'].includes((error as S3Failure)?.name ?? '');
/** 412: `If-None-Match: *` found the key taken; 409: another conditional write of it under way. */
const isTaken = (error: unknown) => statusOf(error) === 412 || statusOf(error) === 409;

type Sdk = typeof import('@aws-sdk/client-s3');
type Upload = (typeof import('@aws-sdk/lib-storage'))['Upload'];

/** The SDK, its multipart helper and a client of the bucket, loaded once the store is first used. */
interface Connection {
  sdk: Sdk;
  Upload: Upload;
  client: S3Client;
}

/** The client of a bucket: plain requests, which every S3-compatible server takes. */
export function s3ClientFor(sdk: Sdk, settings: AttachmentS3Settings): S3Client {
  return new sdk.S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    // recent SDKs add CRC checksums in a chunked body by default, which S3-compatible servers
    // (MinIO before 2025, Ceph, s3rver …) do not all take; S3 asks for them only where required
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000 },
  });
}

/**
 * The attachment files in an S3-compatible bucket (docs/attachments.md, "Files"), for several API
 * servers: keys `attachments/<sha[0..2]>/<sha[2..4]>/<sha256>` and `….thumb.webp`, the local
 * layout. Uploads are still received into temp files under DATA_DIR/attachments/tmp (hashed,
 * sniffed and checked there, as with the local store), and uploads in parts keep their parts under
 * DATA_DIR/attachments/parts; only a finished content goes to the bucket, streamed from its temp
 * file (in parts above S3_PART_SIZE, never whole in memory), with `If-None-Match: *` so a content
 * already there is not written again, also when two servers put it at once.
 */
export class S3AttachmentStore implements WorkingStore {
  private readonly local: LocalAttachmentStore;
  private connection: Promise<Connection> | null = null;

  constructor(
    private readonly settings: AttachmentS3Settings,
    /** DATA_DIR/attachments: the local working folder (tmp/, parts/). */
    readonly root: string,
  ) {
    this.local = new LocalAttachmentStore(root);
  }

  /**
   * The SDK is loaded here, on first use, not when this file is: it takes ~200 ms and some
   * 20 MB, which an API without a bucket (and `npm run backup` with none) does not pay.
   */
  private connect(): Promise<Connection> {
    this.connection ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(
      ([sdk, storage]) => ({ sdk, Upload: storage.Upload, client: s3ClientFor(sdk, this.settings) }),
    );
    return this.connection;
  }

  get where(): string {
    return `s3://${this.settings.bucket}/attachments` + (this.settings.endpoint ? ` at ${this.settings.endpoint}` : '');
  }

  get tempDir(): string {
    return this.local.tempDir;
  }

  tempPath(): Promise<string> {
    return this.local.tempPath();
  }

  sweepTemp(olderThanMs: number, now?: number): Promise<number> {
    return this.local.sweepTemp(olderThanMs, now);
  }

  keyOf(sha256: string, variant: BlobVariant): string {
    return `attachments/${blobKey(sha256, variant)}`;
  }

  /** The bucket answers a HEAD with these keys, or the start stops with what is wrong. */
  async ready(): Promise<void> {
    await this.local.ready();
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (error) {
      const status = statusOf(error);
      const reason =
        status === 404
          ? 'the bucket does not exist (create it first)'
          : status === 403 || status === 401
            ? 'access denied (check ATTACHMENT_S3_ACCESS_KEY_ID and ATTACHMENT_S3_SECRET_ACCESS_KEY)'
            : status === 301 || status === 400
              ? `the server refused the request (${status}: is ATTACHMENT_S3_REGION or ATTACHMENT_S3_FORCE_PATH_STYLE right?)`
              : `no answer (${(error as S3Failure)?.code ?? (error as S3Failure)?.name ?? 'error'}: ${(error as S3Failure)?.message ?? String(error)})`;
      throw new Error(`the attachment store ${this.where} cannot be used: ${reason}`, { cause: error });
    }
  }

  async put(tempPath: string, sha256: string, variant: BlobVariant): Promise<void> {
    const Key = this.keyOf(sha256, variant);
    try {
      if (await this.has(sha256, variant)) return;
      const { sdk, Upload, client } = await this.connect();
      const { size } = await stat(tempPath);
      const params = {
        Bucket: this.settings.bucket,
        Key,
        ContentType: variant === 'thumbnail' ? 'image/webp' : 'application/octet-stream',
        // the key is taken: another server stored the same bytes meanwhile (412), and they stay
        IfNoneMatch: '*',
      };
      try {
        if (size <= S3_PART_SIZE) {
          await client.send(
            new sdk.PutObjectCommand({ ...params, Body: createReadStream(tempPath), ContentLength: size }),
          );
        } else {
          const upload = new Upload({
            client,
            params: { ...params, Body: createReadStream(tempPath, { highWaterMark: 1024 * 1024 }) },
            partSize: S3_PART_SIZE,
            queueSize: QUEUE_SIZE,
            leavePartsOnError: false,
          });
          await upload.done();
        }
      } catch (error) {
        if (isTaken(error) && (await this.has(sha256, variant))) return;
        throw error;
      }
    } finally {
      // stored, or there already: the temp copy goes either way (as the local store's rename)
      await unlink(tempPath).catch(() => undefined);
    }
  }

  async open(sha256: string, variant: BlobVariant): Promise<Readable | null> {
    const { sdk, client } = await this.connect();
    try {
      const answer = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(sha256, variant) }),
      );
      return (answer.Body as Readable | undefined) ?? null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async has(sha256: string, variant: BlobVariant): Promise<boolean> {
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(sha256, variant) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async remove(sha256: string, variant?: BlobVariant): Promise<void> {
    const { sdk, client } = await this.connect();
    const variants: BlobVariant[] = variant ? [variant] : ['file', 'thumbnail'];
    for (const one of variants) {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(sha256, one) }));
    }
  }

  /** The client's sockets closed (the API's shutdown, the end of a backup). */
  close(): void {
    void this.connection?.then(({ client }) => client.destroy()).catch(() => undefined);
  }
}

/** The store the settings choose: the bucket when ATTACHMENT_S3_* is set, else the folder under DATA_DIR. */
export function attachmentStoreFor(config: {
  dataDir: string;
  attachmentS3: AttachmentS3Settings | null;
}): WorkingStore {
  const root = path.join(config.dataDir, 'attachments');
  return config.attachmentS3 ? new S3AttachmentStore(config.attachmentS3, root) : new LocalAttachmentStore(root);
}
