import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '@taizhang/domain';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  /** Stored in lower case; sign-in ignores case. */
  @Column({ type: 'text', unique: true })
  username: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ type: 'text' })
  role: Role;

  /** Required for clerks (a CHECK in the migration); optional for admins and leaders. */
  @Column({ name: 'unit_id', type: 'integer', nullable: true })
  unitId: number | null;

  /** scrypt, in the format of password-hasher.ts. Never leaves the server. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** A contact phone (mobile or landline with area code), as the phone field type stores it. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  /** Unused since sign-ins are throttled (sign-in/sign-in-throttle.ts); kept for old rows. */
  @Column({ name: 'failed_sign_ins', type: 'integer', default: 0 })
  failedSignIns: number;

  /** Unused since sign-ins are throttled (sign-in/sign-in-throttle.ts); kept for old rows. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /**
   * The user must choose a new password before anything else (after an admin set it; demo users
   * in production): their session may only change it, read `me` and sign out.
   */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
