import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { RequestMeta } from '../identity/principal';
import { AuthEventEntity, type AuthEventKind } from './auth-event.entity';

/** Writes the sign-in audit trail: every sign-in, failure, lock and sign-out. */
@Injectable()
export class AuthAuditService {
  constructor(@InjectRepository(AuthEventEntity) private readonly events: Repository<AuthEventEntity>) {}

  async record(
    event: AuthEventKind,
    entry: { username: string; userId: number | null; success: boolean; reason?: string },
    meta: RequestMeta,
  ): Promise<void> {
    await this.events.insert({
      event,
      occurredAt: new Date(),
      username: entry.username.slice(0, 100),
      userId: entry.userId,
      success: entry.success,
      reason: entry.reason ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
  }
}
