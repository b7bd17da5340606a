import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '../common/time/clock';
import type { AppConfig } from './app-config';
import { APP_CONFIG } from './config.token';

/** The validated environment and the clock, for every module. */
@Global()
@Module({})
export class ConfigModule {
  static of(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
