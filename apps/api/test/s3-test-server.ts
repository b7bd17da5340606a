import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { AttachmentS3Settings } from '../src/config/attachment-s3';

/**
 * A real S3-compatible HTTP server for the tests (s3rver: S3's REST API in Node, storing on disk
 * in a folder of its own), on a free loopback port, with one bucket. Every request it answers is
 * logged (`METHOD path?query`), so a test can tell what the store asked of the bucket.
 */
export interface S3TestServer {
  /** The ATTACHMENT_S3_* environment that points the API at it. */
  env: Record<string, string>;
  settings: AttachmentS3Settings;
  /** Requests so far, oldest first: "PUT /taizhang-files/attachments/ab/cd/…", "HEAD …", "POST …?uploads". */
  requests: string[];
  /** s3rver's folder: the bucket's objects live below `<directory>/<bucket>/`. */
  directory: string;
  close(): Promise<void>;
}

export const TEST_BUCKET = 'taizhang-files';

export async function startS3TestServer(): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 'taizhang-s3rver-'));
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: [{ name: TEST_BUCKET, configs: [] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      ATTACHMENT_S3_ENDPOINT: endpoint,
      ATTACHMENT_S3_BUCKET: TEST_BUCKET,
      ATTACHMENT_S3_REGION: 'us-east-1',
      ATTACHMENT_S3_ACCESS_KEY_ID: 'S3RVER',
      ATTACHMENT_S3_SECRET_ACCESS_KEY: 'S3RVER',
      ATTACHMENT_S3_FORCE_PATH_STYLE: '1',
    },
    settings: {
      endpoint,
      bucket: TEST_BUCKET,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    requests,
    directory,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
