import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './app-config';
import { APP_CONFIG } from './config.token';
import { parsePublicBaseUrl } from './public-base-url';
import { SettingsException } from './settings.exception';

const PUBLIC_BASE_URL = 'public_base_url';

export type PublicBaseUrlSource = 'SETTING' | 'ENVIRONMENT' | 'NONE';

export interface PublicBaseUrlState {
  /** The address in use: the admin's setting, else PUBLIC_BASE_URL, else null (the browser's own origin). */
  url: string | null;
  source: PublicBaseUrlSource;
  /** PUBLIC_BASE_URL as the server was started with it. */
  environmentUrl: string | null;
  /** When the admin's setting was last saved; null without one. */
  updatedAt: Date | null;
}

/** Admin settings kept in `app_settings` (key → jsonb): for now the public address for QR codes. */
@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async publicBaseUrl(): Promise<PublicBaseUrlState> {
    const [row] = (await this.db.query(`SELECT value, updated_at FROM app_settings WHERE key = $1`, [
      PUBLIC_BASE_URL,
    ])) as { value: unknown; updated_at: Date }[];
    const environmentUrl = this.config.publicBaseUrl;
    if (row && typeof row.value === 'string')
      return { url: row.value, source: 'SETTING', environmentUrl, updatedAt: new Date(row.updated_at) };
    return { url: environmentUrl, source: environmentUrl ? 'ENVIRONMENT' : 'NONE', environmentUrl, updatedAt: null };
  }

  /** Saves the admin's address (validated, normalised); null or blank removes the setting. */
  async setPublicBaseUrl(raw: string | null): Promise<PublicBaseUrlState> {
    if (raw === null || raw.trim() === '') {
      await this.db.query(`DELETE FROM app_settings WHERE key = $1`, [PUBLIC_BASE_URL]);
      return this.publicBaseUrl();
    }
    const parsed = parsePublicBaseUrl(raw);
    if ('problem' in parsed) throw SettingsException.invalidPublicBaseUrl(parsed.problem);
    await this.db.query(
      `INSERT INTO app_settings (key, value, updated_at) VALUES ($1, to_jsonb($2::text), now())
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [PUBLIC_BASE_URL, parsed.url],
    );
    return this.publicBaseUrl();
  }
}
