import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AUTH_EVENT_KINDS = ['sign_in', 'sign_in_failed', 'account_locked', 'sign_out'] as const;
export type AuthEventKind = (typeof AUTH_EVENT_KINDS)[number];

/** Who signed in (or tried), when, from where, and whether it worked. Append-only. */
@Entity({ name: 'auth_events' })
export class AuthEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'text' })
  event: AuthEventKind;

  /** The name that was typed, even when no such user exists. */
  @Column({ type: 'text' })
  username: string;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @Column({ type: 'boolean' })
  success: boolean;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  /** Why a failure failed (wrong_password, unknown_user, locked, inactive); never a password. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;
}
