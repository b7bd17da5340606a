import { describe, expect, it } from 'vitest';
import { AttachmentUploads } from './attachment-uploads';
import type { AttachmentRef } from './attachment-value';
import { UploadFailed, UploadRefused, type UploadOptions } from './upload-client';

/** An upload the test finishes by hand: resolve, refuse or fail each call. */
class ManualUpload {
  calls: { name: string; options: UploadOptions; resolve(ref: AttachmentRef): void; reject(e: Error): void }[] = [];
  upload = (_file: Blob, name: string, options: UploadOptions) =>
    new Promise<AttachmentRef>((resolve, reject) => {
      this.calls.push({ name, options, resolve, reject });
    });
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const photo = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type: 'image/jpeg' });
const refOf = (handle: string, name: string): AttachmentRef => ({ handle, name, size: 4, kind: 'image', sha256: 'x' });

function setUp() {
  const manual = new ManualUpload();
  const added: [string, string, AttachmentRef][] = [];
  const uploads = new AttachmentUploads(
    { ledger: 'rectification', locale: 'zh-CN' },
    (rowKey, field, ref) => added.push([rowKey, field, ref]),
    manual.upload,
  );
  return { manual, added, uploads };
}

describe('the uploads of a sheet', () => {
  it("adds each finished file to its own row's cell, and sends the row's unit and the field", async () => {
    const { manual, added, uploads } = setUp();
    uploads.add('r:1', 'photos_before', 'u7', [photo('a.jpg'), photo('b.jpg')]);
    expect(manual.calls.map((c) => [c.name, c.options.field, c.options.unitId, c.options.ledger])).toEqual([
      ['a.jpg', 'photos_before', 'u7', 'rectification'],
      ['b.jpg', 'photos_before', 'u7', 'rectification'],
    ]);
    expect(uploads.busy()).toBe(true);
    manual.calls[1]!.resolve(refOf('h-b', 'b.jpg'));
    await settle();
    expect(added).toEqual([['r:1', 'photos_before', refOf('h-b', 'b.jpg')]]);
    manual.calls[0]!.resolve(refOf('h-a', 'a.jpg'));
    await settle();
    expect(added.map(([, , ref]) => ref.handle)).toEqual(['h-b', 'h-a']);
  });

  it("keeps a refused file listed with the server's reason and adds nothing", async () => {
    const { manual, added, uploads } = setUp();
    uploads.add('r:1', 'photos_after', null, [photo('virus.jpg')]);
    const call = manual.calls[0]!;
    call.options.onState?.({ state: 'refused', status: 415, reason: '不支持的文件类型：可执行程序' });
    call.reject(new UploadRefused(415, '不支持的文件类型：可执行程序'));
    await settle();
    expect(added).toEqual([]);
    expect(uploads.of('r:1', 'photos_after').map((e) => e.state)).toEqual([
      { state: 'refused', status: 415, reason: '不支持的文件类型：可执行程序' },
    ]);
    expect(uploads.busy()).toBe(false);
    uploads.retry(uploads.of('r:1', 'photos_after')[0]!.id);
    expect(manual.calls).toHaveLength(1); // a refusal is not retried: the same bytes get the same answer
  });

  it('tries a failed upload again when asked, and adds it once it is through', async () => {
    const { manual, added, uploads } = setUp();
    uploads.add('r:2', 'photos_before', null, [photo('a.jpg')]);
    manual.calls[0]!.options.onState?.({ state: 'failed', reason: null });
    manual.calls[0]!.reject(new UploadFailed(null));
    await settle();
    const [entry] = uploads.of('r:2', 'photos_before');
    expect(entry!.state).toEqual({ state: 'failed', reason: null });
    uploads.retry(entry!.id);
    expect(manual.calls).toHaveLength(2);
    manual.calls[1]!.resolve(refOf('h-a', 'a.jpg'));
    await settle();
    expect(added.map(([rowKey, , ref]) => [rowKey, ref.handle])).toEqual([['r:2', 'h-a']]);
  });

  it('cancels an upload on its way when dismissed, so it never reaches the cell', async () => {
    const { manual, added, uploads } = setUp();
    uploads.add('r:3', 'photos_before', null, [photo('a.jpg')]);
    const signal = manual.calls[0]!.options.signal!;
    uploads.dismiss(uploads.of('r:3', 'photos_before')[0]!.id);
    expect(signal.aborted).toBe(true);
    expect(uploads.of('r:3', 'photos_before')).toEqual([]);
    manual.calls[0]!.resolve(refOf('late', 'a.jpg'));
    await settle();
    expect(added).toEqual([]);
  });
});
