import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageIsWhole, type ImageFormat } from './image-wholeness';

/** The file in chunks of `size` bytes, as a stream would give it. */
async function* chunked(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Checked whole at several chunk sizes: 1 byte, odd small ones, 64 KB, the whole file at once. */
async function wholeAtEverySize(format: ImageFormat, bytes: Buffer): Promise<boolean[]> {
  const answers: boolean[] = [];
  for (const size of [1, 3, 7, 4099, 65_536, bytes.length])
    answers.push(await imageIsWhole(format, chunked(bytes, size), bytes.length, bytes.subarray(0, 4096)));
  return answers;
}

const noisy = (width: number, height: number) =>
  sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });

let jpeg: Buffer;
let progressive: Buffer;
let png: Buffer;
let webp: Buffer;

beforeAll(async () => {
  jpeg = await noisy(400, 300).jpeg({ quality: 85 }).withMetadata().toBuffer();
  progressive = await noisy(400, 300).jpeg({ quality: 85, progressive: true }).toBuffer();
  png = await noisy(200, 150).png().toBuffer();
  webp = await noisy(200, 150).webp().toBuffer();
});

describe('imageIsWhole', () => {
  it('takes whole JPEG (baseline and progressive), PNG and WebP files, whatever the chunks', async () => {
    for (const [format, bytes] of [
      ['jpeg', jpeg],
      ['jpeg', progressive],
      ['png', png],
      ['webp', webp],
    ] as const)
      expect(await wholeAtEverySize(format, bytes), format).toEqual([true, true, true, true, true, true]);
  });

  it('refuses a JPEG, PNG or WebP cut off anywhere after its first bytes', async () => {
    for (const [format, bytes] of [
      ['jpeg', jpeg],
      ['jpeg', progressive],
      ['png', png],
      ['webp', webp],
    ] as const) {
      // every tenth of the file, and one byte or two short of the end
      const cuts = [...Array.from({ length: 10 }, (_, i) => Math.floor((bytes.length * i) / 10) + 20)];
      cuts.push(bytes.length - 1, bytes.length - 2);
      for (const cut of cuts) {
        const part = bytes.subarray(0, cut);
        expect(await wholeAtEverySize(format, part), `${format} cut at ${cut} of ${bytes.length}`).toEqual([
          false,
          false,
          false,
          false,
          false,
          false,
        ]);
      }
    }
  });

  it('takes what follows the end (a motion photo video after a JPEG, bytes after IEND)', async () => {
    const motion = Buffer.concat([jpeg, Buffer.from('....ftypmp42'), randomBytes(50_000)]);
    expect(await wholeAtEverySize('jpeg', motion)).toEqual([true, true, true, true, true, true]);
    expect(await wholeAtEverySize('png', Buffer.concat([png, randomBytes(100)]))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('refuses a file that is not the format it starts like', async () => {
    const notJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01]), randomBytes(1000)]);
    expect(await imageIsWhole('jpeg', chunked(notJpeg, 100), notJpeg.length, notJpeg)).toBe(false);
    const noSignature = Buffer.concat([Buffer.from('PNG?'), png.subarray(4)]);
    expect(await imageIsWhole('png', chunked(noSignature, 100), noSignature.length, noSignature)).toBe(false);
  });

  it('walks HEIC boxes: whole when they end at the end of the file, cut off when a box runs past it', async () => {
    const box = (type: string, body: Buffer) => {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(8 + body.length);
      header.write(type, 4, 'latin1');
      return Buffer.concat([header, body]);
    };
    const largeBox = (type: string, body: Buffer) => {
      const header = Buffer.alloc(16);
      header.writeUInt32BE(1);
      header.write(type, 4, 'latin1');
      header.writeBigUInt64BE(BigInt(16 + body.length), 8);
      return Buffer.concat([header, body]);
    };
    const heic = Buffer.concat([
      box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1')),
      box('meta', randomBytes(300)),
      largeBox('mdat', randomBytes(20_000)),
    ]);
    expect(await wholeAtEverySize('heic', heic)).toEqual([true, true, true, true, true, true]);
    for (const cut of [4, 30, 400, heic.length - 1])
      expect(await wholeAtEverySize('heic', heic.subarray(0, cut)), `heic cut at ${cut}`).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
  });
});
