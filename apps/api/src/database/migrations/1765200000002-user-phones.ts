import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 28, the board at 16:50: a user's contact phone (optional), so that a leader looking at the
 * units still missing sees whom to call. Checked by the phone field type's rules in UsersService;
 * the length check keeps the column from holding anything but a number.
 */
export class UserPhones1765200000002 implements MigrationInterface {
  name = 'UserPhones1765200000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN phone text CHECK (char_length(phone) <= 30)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN phone`);
  }
}
