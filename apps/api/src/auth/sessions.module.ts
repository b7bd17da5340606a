import { Module } from '@nestjs/common';
import { SessionCache } from './session-cache';
import { SessionsService } from './sessions.service';

@Module({ providers: [SessionsService, SessionCache], exports: [SessionsService] })
export class SessionsModule {}
