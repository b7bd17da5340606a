import { Module } from '@nestjs/common';
import { SettingsResolver } from './settings.resolver';
import { SettingsService } from './settings.service';

/** Admin settings stored in PostgreSQL (app_settings). */
@Module({
  providers: [SettingsService, SettingsResolver],
  // the Excel export links attachment cells to the public address
  exports: [SettingsService],
})
export class SettingsModule {}
