import { Module } from '@nestjs/common';
import { SettingsResolver } from './settings.resolver';
import { SettingsService } from './settings.service';

/** Admin settings stored in PostgreSQL (app_settings). */
@Module({
  providers: [SettingsService, SettingsResolver],
})
export class SettingsModule {}
