import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to port 3000, an embedded database and demo data', () => {
    const config = loadConfig({}, '/srv/tz');
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: null,
      dataDir: '/srv/tz/.data',
      seedDemo: true,
      production: false,
      cookieSecure: false,
    });
  });

  it('turns on secure cookies in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).cookieSecure).toBe(true);
  });

  it('reads PUBLIC_BASE_URL as an http(s) address without a trailing slash, and refuses another', () => {
    expect(loadConfig({}).publicBaseUrl).toBeNull();
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://tz.example.gov.cn/' }).publicBaseUrl).toBe(
      'https://tz.example.gov.cn',
    );
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'tz.example.gov.cn' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('lists every problem of a bad environment at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x@y/z', SEED_DEMO: 'maybe' });
      expect.unreachable('a bad environment must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('SEED_DEMO');
    }
  });
  it('keeps attachment files under DATA_DIR unless ATTACHMENT_S3_* names a bucket', () => {
    expect(loadConfig({}).attachmentS3).toBeNull();
    expect(
      loadConfig({
        ATTACHMENT_S3_ENDPOINT: 'http://10.0.0.5:9000/',
        ATTACHMENT_S3_BUCKET: 'taizhang-files',
        ATTACHMENT_S3_ACCESS_KEY_ID: 'key',
        ATTACHMENT_S3_SECRET_ACCESS_KEY: 'secret',
        ATTACHMENT_S3_FORCE_PATH_STYLE: 'true',
      }).attachmentS3,
    ).toEqual({
      endpoint: 'http://10.0.0.5:9000',
      bucket: 'taizhang-files',
      region: 'us-east-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    // Amazon S3 itself: no endpoint, the SDK's credentials
    expect(loadConfig({ ATTACHMENT_S3_BUCKET: 'tz.files', ATTACHMENT_S3_REGION: 'cn-north-1' }).attachmentS3).toEqual({
      endpoint: null,
      bucket: 'tz.files',
      region: 'cn-north-1',
      accessKeyId: null,
      secretAccessKey: null,
      forcePathStyle: false,
    });
  });

  it('names every wrong ATTACHMENT_S3_* setting at start', () => {
    try {
      loadConfig({
        ATTACHMENT_S3_ENDPOINT: 'ftp://files',
        ATTACHMENT_S3_ACCESS_KEY_ID: 'key',
        ATTACHMENT_S3_FORCE_PATH_STYLE: 'sometimes',
      });
      expect.unreachable('a bad bucket setting must be refused');
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/ATTACHMENT_S3_ENDPOINT must start with http/);
      expect(problems.join('\n')).toMatch(/ATTACHMENT_S3_BUCKET is needed/);
      expect(problems.join('\n')).toMatch(
        /ATTACHMENT_S3_ACCESS_KEY_ID and ATTACHMENT_S3_SECRET_ACCESS_KEY go together/,
      );
      expect(problems.join('\n')).toMatch(/ATTACHMENT_S3_FORCE_PATH_STYLE must be 1 or 0/);
    }
    expect(() => loadConfig({ ATTACHMENT_S3_BUCKET: 'Tai_Zhang' })).toThrow(
      /ATTACHMENT_S3_BUCKET must be a bucket name/,
    );
    expect(() => loadConfig({ ATTACHMENT_S3_BUCKET: 'tz-files', ATTACHMENT_S3_ENDPOINT: 'http://u:p@h' })).toThrow(
      /must not hold credentials/,
    );
  });
});
