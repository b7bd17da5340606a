import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type pg from 'pg';
import { LocalAttachmentStore } from '../attachments/attachment-store';
import { BackupError, type Cleanup } from './backup-error';

/**
 * The attachment files of a backup (docs/attachments.md, "Backup"; docs/operations.md): beside
 * `<file>` a folder `<file>.attachments/` holds the blobs and thumbnails in the store's own
 * layout, and `MANIFEST` lists `sha256  size` per blob, one a line, sorted. The database says
 * which blobs there are (`attachment_blobs`); the files say nothing of themselves but their bytes.
 */
export const MANIFEST = 'MANIFEST';

export interface Blob {
  sha256: string;
  size: number;
  thumbnail: boolean;
}

export const attachmentsFolder = (dumpFile: string) => `${dumpFile}.attachments`;
export const storeRoot = (dataDir: string) => path.join(dataDir, 'attachments');

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

/** Copies `from` to `to` (a new file, fsynced), hashing the bytes as they pass; their SHA-256 and count. */
async function copyHashed(from: string, to: string): Promise<{ sha256: string; size: number }> {
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
  await pipeline(createReadStream(from), tap, createWriteStream(to, { flags: 'wx' }));
  const handle = await fs.open(to, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}

async function hashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const exists = (file: string) =>
  fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** At most this many names in a message; the count says the rest. */
const named = (names: string[], max = 10) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

/**
 * Copies every blob the backed-up snapshot holds (and its thumbnail) from the store into
 * `<file>.attachments.partial/`, checking each file's SHA-256 on the way, writes the manifest,
 * then renames the folder into place. A blob missing or damaged in the store fails the backup,
 * naming it: a backup that cannot bring a file back must not look whole.
 */
export async function backupAttachmentFiles(
  blobs: Blob[],
  dataDir: string,
  dumpFile: string,
  cleanup: Cleanup,
): Promise<{ folder: string; bytes: number } | null> {
  if (blobs.length === 0) return null;
  const folder = attachmentsFolder(dumpFile);
  if (await fs.stat(folder).catch(() => null)) throw new BackupError(`${folder} exists already: name another file`);
  const partial = `${folder}.partial`;
  await fs.rm(partial, { recursive: true, force: true });
  const keepPartial = cleanup.add(`remove ${partial}`, () => fs.rm(partial, { recursive: true, force: true }));
  const source = new LocalAttachmentStore(storeRoot(dataDir));
  const target = new LocalAttachmentStore(partial);
  const problems: string[] = [];
  let bytes = 0;
  for (const blob of blobs) {
    const from = source.pathOf(blob.sha256, 'file');
    if (!(await exists(from))) {
      problems.push(`${from} is missing`);
      continue;
    }
    const copied = await copyHashed(from, target.pathOf(blob.sha256, 'file'));
    if (copied.sha256 !== blob.sha256) problems.push(`${from} has SHA-256 ${copied.sha256}`);
    else if (copied.size !== blob.size) problems.push(`${from} has ${copied.size} bytes, not ${blob.size}`);
    bytes += copied.size;
    if (blob.thumbnail) {
      const thumb = source.pathOf(blob.sha256, 'thumbnail');
      if (await exists(thumb)) bytes += (await copyHashed(thumb, target.pathOf(blob.sha256, 'thumbnail'))).size;
      else problems.push(`${thumb} is missing`);
    }
  }
  if (problems.length > 0) {
    throw new BackupError(
      `${problems.length} attachment files of the database are not whole in ${storeRoot(dataDir)} ` +
        `(is DATA_DIR the product's?): ${named(problems)}`,
    );
  }
  await fs.writeFile(path.join(partial, MANIFEST), formatManifest(blobs));
  await fs.rename(partial, folder);
  keepPartial();
  return { folder, bytes };
}

/**
 * Checks the backup's files against the restored `attachment_blobs` (count, manifest, and every
 * file's SHA-256 and size) while copying them into the store under DATA_DIR through temp files;
 * only when every one is right are they renamed into place, so a failed check adds nothing to the
 * store. A file already in the store with the same bytes stays as it is; one that differs is replaced.
 */
export async function restoreAttachmentFiles(
  blobs: Blob[],
  dataDir: string,
  dumpFile: string,
  cleanup: Cleanup,
): Promise<{ files: number; copied: number } | null> {
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
  const store = new LocalAttachmentStore(storeRoot(dataDir));
  const tempDir = path.join(store.tempDir, `restore-${process.pid}-${Date.now()}`);
  const dropTemp = cleanup.add(`remove ${tempDir}`, () => fs.rm(tempDir, { recursive: true, force: true }));
  const moves: { from: string; to: string; variant: 'file' | 'thumbnail' }[] = [];
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
      const destination = store.pathOf(blob.sha256, variant);
      if (variant === 'thumbnail' && !(await exists(source))) {
        problems.push(`${path.relative(folder, source)} is missing`);
        continue;
      }
      const temp = path.join(tempDir, path.basename(destination));
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
      moves.push({ from: temp, to: destination, variant });
    }
  }
  if (problems.length > 0) {
    throw new BackupError(
      `the attachment files in ${folder} do not match the restored database, nothing was restored: ${named(problems)}`,
    );
  }
  for (const move of moves) {
    // a content already in the store stays when it is whole (same bytes, by their hash)
    if ((await exists(move.to)) && (await hashOf(move.to)) === (await hashOf(move.from))) continue;
    await fs.mkdir(path.dirname(move.to), { recursive: true });
    await fs.rename(move.from, move.to);
    if (move.variant === 'file') copied += 1;
  }
  await fs.rm(tempDir, { recursive: true, force: true });
  dropTemp();
  return { files: blobs.length, copied };
}
