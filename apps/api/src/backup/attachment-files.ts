import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type pg from 'pg';
import { blobKey, LocalAttachmentStore, type BlobVariant, type WorkingStore } from '../attachments/attachment-store';
import { attachmentStoreFor, S3AttachmentStore } from '../attachments/s3-attachment-store';
import type { AttachmentS3Settings } from '../config/attachment-s3';
import { BackupError, type Cleanup } from './backup-error';

/**
 * The attachment files of a backup (docs/attachments.md, "Backup"; docs/operations.md): beside
 * `<file>` a folder `<file>.attachments/` holds the blobs and thumbnails in the store's own
 * layout, and `MANIFEST` lists `sha256  size` per blob, one a line, sorted. The database says
 * which blobs there are (`attachment_blobs`); the files say nothing of themselves but their bytes.
 *
 * The product's side is its store, whichever it is (attachmentStoreFor: the folder under DATA_DIR,
 * or the ATTACHMENT_S3_* bucket): a backup reads the files from the bucket into the folder beside
 * the dump, so that a backup is whole by itself; a restore puts them into the bucket the
 * environment names. The backup's own folder is always local.
 */
export const MANIFEST = 'MANIFEST';

export interface Blob {
  sha256: string;
  size: number;
  thumbnail: boolean;
}

export const attachmentsFolder = (dumpFile: string) => `${dumpFile}.attachments`;

/**
 * The product's attachment store as the environment chooses it (DATA_DIR, or ATTACHMENT_S3_*),
 * for the length of `work`: a bucket is asked first whether it answers, so that a backup or a
 * restore against a wrong one stops at once, saying why.
 */
export async function withAttachmentStore<T>(
  config: { dataDir: string; attachmentS3: AttachmentS3Settings | null },
  work: (store: WorkingStore) => Promise<T>,
): Promise<T> {
  const store = attachmentStoreFor(config);
  try {
    if (store instanceof S3AttachmentStore) {
      await store.ready().catch((error: Error) => {
        throw new BackupError(error.message);
      });
    }
    return await work(store);
  } finally {
    if (store instanceof S3AttachmentStore) store.close();
  }
}

/** The blobs a database holds, sorted; none when it predates attachments (no such table). */
export async function readBlobs(client: pg.Client): Promise<Blob[]> {
  const [{ present }] = (
    await client.query<{ present: boolean }>(`SELECT to_regclass('public.attachment_blobs') IS NOT NULL AS present`)
  ).rows;
  if (!present) return [];
  const rows = await client.query<{ sha256: string; size: string; thumbnail: boolean }>(
    'SELECT sha256, size::text AS size, thumbnail FROM public.attachment_blobs ORDER BY sha256',
  );
  return rows.rows.map((r) => ({ sha256: r.sha256, size: Number(r.size), thumbnail: r.thumbnail }));
}

export const formatManifest = (blobs: Blob[]) => blobs.map((b) => `${b.sha256}  ${b.size}\n`).join('');

/** `sha256  size` lines back into a map; a line of another shape is an error naming its number. */
export function parseManifest(text: string): Map<string, number> {
  const entries = new Map<string, number>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const match = /^([0-9a-f]{64}) {2}(\d+)$/.exec(line);
    if (!match) throw new BackupError(`${MANIFEST} line ${index + 1} is not "<sha256>  <size>": ${line.slice(0, 80)}`);
    entries.set(match[1], Number(match[2]));
  });
  return entries;
}

/** Copies `from` (a file, or a store's stream) to `to` (a new file, fsynced), hashing the bytes as they pass; their SHA-256 and count. */
async function copyHashed(from: string | Readable, to: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await fs.mkdir(path.dirname(to), { recursive: true });
  await pipeline(typeof from === 'string' ? createReadStream(from) : from, tap, createWriteStream(to, { flags: 'wx' }));
  const handle = await fs.open(to, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}

async function hashOf(file: string | Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(typeof file === 'string' ? createReadStream(file) : file, hash);
  return hash.digest('hex');
}

/** A content's place in a store, for messages: its path, or its key in the bucket. */
const placeOf = (store: WorkingStore, sha256: string, variant: BlobVariant) =>
  store instanceof LocalAttachmentStore ? store.pathOf(sha256, variant) : `${store.where}: ${blobKey(sha256, variant)}`;

const exists = (file: string) =>
  fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** At most this many names in a message; the count says the rest. */
const named = (names: string[], max = 10) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

/**
 * Copies every blob the backed-up snapshot holds (and its thumbnail) from the store (the folder
 * under DATA_DIR, or the bucket) into `<file>.attachments.partial/`, checking each file's SHA-256 on the way, writes the manifest,
 * then renames the folder into place. A blob missing or damaged in the store fails the backup,
 * naming it: a backup that cannot bring a file back must not look whole.
 */
export async function backupAttachmentFiles(
  blobs: Blob[],
  source: WorkingStore,
  dumpFile: string,
  cleanup: Cleanup,
): Promise<{ folder: string; bytes: number } | null> {
  if (blobs.length === 0) return null;
  const folder = attachmentsFolder(dumpFile);
  if (await fs.stat(folder).catch(() => null)) throw new BackupError(`${folder} exists already: name another file`);
  const partial = `${folder}.partial`;
  await fs.rm(partial, { recursive: true, force: true });
  const keepPartial = cleanup.add(`remove ${partial}`, () => fs.rm(partial, { recursive: true, force: true }));
  const target = new LocalAttachmentStore(partial);
  const problems: string[] = [];
  let bytes = 0;
  for (const blob of blobs) {
    const from = placeOf(source, blob.sha256, 'file');
    const stream = await source.open(blob.sha256, 'file');
    if (!stream) {
      problems.push(`${from} is missing`);
      continue;
    }
    const copied = await copyHashed(stream, target.pathOf(blob.sha256, 'file'));
    if (copied.sha256 !== blob.sha256) problems.push(`${from} has SHA-256 ${copied.sha256}`);
    else if (copied.size !== blob.size) problems.push(`${from} has ${copied.size} bytes, not ${blob.size}`);
    bytes += copied.size;
    if (blob.thumbnail) {
      const thumb = await source.open(blob.sha256, 'thumbnail');
      if (thumb) bytes += (await copyHashed(thumb, target.pathOf(blob.sha256, 'thumbnail'))).size;
      else problems.push(`${placeOf(source, blob.sha256, 'thumbnail')} is missing`);
    }
  }
  if (problems.length > 0) {
    const which = source instanceof LocalAttachmentStore ? "is DATA_DIR the product's?" : 'is it the product’s bucket?';
    throw new BackupError(
      `${problems.length} attachment files of the database are not whole in ${source.where} (${which}): ${named(problems)}`,
    );
  }
  await fs.writeFile(path.join(partial, MANIFEST), formatManifest(blobs));
  await fs.rename(partial, folder);
  keepPartial();
  return { folder, bytes };
}

/**
 * Checks the backup's files against the restored `attachment_blobs` (count, manifest, and every
 * file's SHA-256 and size) while copying them into temp files under DATA_DIR; only when every one
 * is right are they put into the store (the folder under DATA_DIR, or the bucket), so a failed
 * check adds nothing to the store. A file already in the store with the same bytes stays as it is;
 * one that differs is replaced.
 */
export async function restoreAttachmentFiles(
  blobs: Blob[],
  store: WorkingStore,
  dumpFile: string,
  cleanup: Cleanup,
): Promise<{ files: number; copied: number; where: string } | null> {
  const folder = attachmentsFolder(dumpFile);
  const hasFolder = (await fs.stat(folder).catch(() => null))?.isDirectory() ?? false;
  if (blobs.length === 0 && !hasFolder) return null;
  if (!hasFolder) {
    throw new BackupError(
      `the database holds ${blobs.length} attachment files and ${folder} (written beside the dump by npm run backup) is missing`,
    );
  }
  const manifestText = await fs.readFile(path.join(folder, MANIFEST), 'utf8').catch(() => null);
  if (manifestText === null) throw new BackupError(`${path.join(folder, MANIFEST)} is missing`);
  const manifest = parseManifest(manifestText);
  const problems: string[] = [];
  const inDatabase = new Set(blobs.map((b) => b.sha256));
  const notRestored = [...manifest.keys()].filter((sha) => !inDatabase.has(sha));
  if (manifest.size !== blobs.length || notRestored.length > 0) {
    problems.push(
      `${MANIFEST} lists ${manifest.size} files and attachment_blobs ${blobs.length}` +
        (notRestored.length > 0 ? ` (only in ${MANIFEST}: ${named(notRestored, 3)})` : ''),
    );
  }

  const backup = new LocalAttachmentStore(folder);
  const tempDir = path.join(store.tempDir, `restore-${process.pid}-${Date.now()}`);
  const dropTemp = cleanup.add(`remove ${tempDir}`, () => fs.rm(tempDir, { recursive: true, force: true }));
  const moves: { from: string; sha256: string; variant: BlobVariant }[] = [];
  let copied = 0;
  for (const blob of blobs) {
    const relative = path.relative(folder, backup.pathOf(blob.sha256, 'file'));
    const listed = manifest.get(blob.sha256);
    if (listed === undefined) problems.push(`${relative} is not in ${MANIFEST}`);
    else if (listed !== blob.size)
      problems.push(`${relative}: ${MANIFEST} says ${listed} bytes, the database ${blob.size}`);
    const from = backup.pathOf(blob.sha256, 'file');
    if (!(await exists(from))) {
      problems.push(`${relative} is missing`);
      continue;
    }
    const variants = blob.thumbnail ? (['file', 'thumbnail'] as const) : (['file'] as const);
    for (const variant of variants) {
      const source = backup.pathOf(blob.sha256, variant);
      if (variant === 'thumbnail' && !(await exists(source))) {
        problems.push(`${path.relative(folder, source)} is missing`);
        continue;
      }
      const temp = path.join(tempDir, path.basename(source));
      const written = await copyHashed(source, temp);
      if (variant === 'file') {
        if (written.sha256 !== blob.sha256) {
          problems.push(`${relative} differs (its SHA-256 is ${written.sha256})`);
          continue;
        }
        if (written.size !== blob.size) {
          problems.push(`${relative} has ${written.size} bytes, the database says ${blob.size}`);
          continue;
        }
      }
      moves.push({ from: temp, sha256: blob.sha256, variant });
    }
  }
  if (problems.length > 0) {
    throw new BackupError(
      `the attachment files in ${folder} do not match the restored database, nothing was restored: ${named(problems)}`,
    );
  }
  for (const move of moves) {
    // a content already in the store stays when it is whole (same bytes, by their hash)
    const present = await store.open(move.sha256, move.variant);
    if (present) {
      if ((await hashOf(present)) === (await hashOf(move.from))) continue;
      // damaged in the store: the backup's bytes take its place (a store puts only what it lacks)
      await store.remove(move.sha256, move.variant);
    }
    await store.put(move.from, move.sha256, move.variant);
    if (move.variant === 'file') copied += 1;
  }
  await fs.rm(tempDir, { recursive: true, force: true });
  dropTemp();
  return { files: blobs.length, copied, where: store.where };
}
