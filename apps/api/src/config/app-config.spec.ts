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
});
