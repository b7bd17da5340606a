import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import { checkPassword, PASSWORD_PROBLEM_MESSAGES, type LocalizedText, type Role } from '@taizhang/domain';
import { checkPhoneNumber } from '@taizhang/ledger-core';
import { hashPassword, passwordTooLong } from '../identity/password-hasher';
import { UnitsService } from '../units/units.service';
import { UserEntity } from './user.entity';
import { UsersException } from './users.exception';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{1,31}$/;

export interface UserInput {
  username?: string;
  displayName?: string;
  role?: Role;
  unitId?: number | null;
  active?: boolean;
  password?: string;
  /** A contact phone; null or blank: none. */
  phone?: string | null;
}

export type UserForSignIn = UserEntity & { unitActive: boolean };

type Problem = { path: string; message: LocalizedText };

/** A contact phone as stored: the phone field type's form of it (139-1234-5678 → 13912345678), null for none. */
const phoneOf = (input: string | null | undefined): string | null => checkPhoneNumber(input ?? '').value;

/** Passwords are judged by the shared policy; each broken rule becomes one problem on `path`. */
export function passwordProblems(password: string, path = 'password'): Problem[] {
  // judged without spreading a huge string into characters; nothing longer is ever hashed
  if (passwordTooLong(password)) return [{ path, message: PASSWORD_PROBLEM_MESSAGES.too_long }];
  return checkPassword(password).map((problem) => ({ path, message: PASSWORD_PROBLEM_MESSAGES[problem] }));
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
  ) {}

  async findForSignIn(username: string): Promise<UserForSignIn | null> {
    const found = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .leftJoin('units', 'un', 'un.id = u.unit_id')
      .addSelect('coalesce(un.active, true)', 'unit_active')
      .where('u.username = :username', { username })
      .getRawAndEntities();
    const user = found.entities[0];
    if (!user) return null;
    return Object.assign(user, { unitActive: Boolean(found.raw[0]?.unit_active) });
  }

  async findPasswordHash(id: number): Promise<string | null> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    return user?.passwordHash ?? null;
  }

  async findById(id: number): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw UsersException.notFound(String(id));
    return user;
  }

  /** Users of the given units (null: all), admins and leaders first, then by unit order. */
  async list(unitIds: number[] | null): Promise<UserEntity[]> {
    const query = this.users
      .createQueryBuilder('u')
      .leftJoin('units', 'un', 'un.id = u.unit_id')
      .orderBy('un.sort_order', 'ASC', 'NULLS FIRST')
      .addOrderBy('u.username', 'ASC');
    if (unitIds !== null) query.where({ unitId: In(unitIds) });
    return query.getMany();
  }

  async create(
    input: Required<Pick<UserInput, 'username' | 'displayName' | 'role' | 'password'>> & UserInput,
  ): Promise<UserEntity> {
    const username = input.username.trim().toLowerCase();
    await this.check({ ...input, username }, null);
    if (await this.users.existsBy({ username })) throw UsersException.usernameTaken(username);
    const passwordHash = await hashPassword(input.password);
    const result = await this.users.insert({
      username,
      displayName: input.displayName.trim(),
      role: input.role,
      unitId: input.unitId ?? null,
      active: input.active ?? true,
      phone: phoneOf(input.phone),
      passwordHash,
    });
    return this.findById(Number(result.identifiers[0].id));
  }

  /** `actingUserId`: an admin cannot deactivate or demote themselves and lock everyone out. */
  async update(id: number, input: UserInput, actingUserId?: number): Promise<UserEntity> {
    const current = await this.findById(id);
    if (id === actingUserId && (input.active === false || (input.role !== undefined && input.role !== current.role))) {
      throw UsersException.invalid([
        {
          path: input.active === false ? 'active' : 'role',
          message: {
            'zh-CN': '不能停用自己的账号或更改自己的角色',
            en: 'You cannot deactivate yourself or change your own role',
          },
        },
      ]);
    }
    await this.check(input, current);
    await this.users.update(
      { id },
      {
        ...(input.displayName !== undefined && { displayName: input.displayName.trim() }),
        ...(input.role !== undefined && { role: input.role }),
        ...(input.unitId !== undefined && { unitId: input.unitId }),
        ...(input.active !== undefined && { active: input.active }),
        ...(input.phone !== undefined && { phone: phoneOf(input.phone) }),
      },
    );
    return this.findById(id);
  }

  /**
   * `mustChange`: whether the user must choose a new password at their next sign-in (true after
   * an admin set it: the admin knows it; false when the user chose it).
   */
  async setPassword(id: number, password: string, path: string, options: { mustChange: boolean }): Promise<void> {
    const problems = passwordProblems(password, path);
    if (problems.length > 0) throw UsersException.invalid(problems);
    await this.users.update(
      { id },
      { passwordHash: await hashPassword(password), mustChangePassword: options.mustChange },
    );
  }

  /**
   * An admin set a new password: guesses at the old one no longer slow the account down (the
   * counters of sign-in/sign-in-throttle.ts kept under its name; an address's own stay).
   */
  async forgetSignInFailures(id: number): Promise<void> {
    await this.db.query(`DELETE FROM sign_in_throttle WHERE username = (SELECT username FROM users WHERE id = $1)`, [
      id,
    ]);
  }

  private async check(input: UserInput, current: UserEntity | null): Promise<void> {
    const problems: Problem[] = [];
    if (input.username !== undefined && !USERNAME_PATTERN.test(input.username)) {
      problems.push({
        path: 'username',
        message: {
          'zh-CN': '用户名须为 2–32 位小写字母、数字、下划线、点或连字符',
          en: 'The username must be 2–32 lower-case letters, digits, _ . or -',
        },
      });
    }
    if (input.displayName !== undefined && !/^.{1,50}$/u.test(input.displayName.trim())) {
      problems.push({
        path: 'displayName',
        message: { 'zh-CN': '姓名须为 1–50 个字符', en: 'The display name must have 1–50 characters' },
      });
    }
    if (input.password !== undefined) problems.push(...passwordProblems(input.password));
    const phone = checkPhoneNumber(input.phone ?? '');
    if (phone.problem) problems.push({ path: 'phone', message: phone.problem });
    const role = input.role ?? current?.role;
    const unitId = input.unitId !== undefined ? input.unitId : (current?.unitId ?? null);
    if (role === 'clerk' && unitId === null) {
      problems.push({
        path: 'unitId',
        message: { 'zh-CN': '填报员必须属于一个单位', en: 'A clerk must belong to a unit' },
      });
    }
    if (input.unitId !== undefined && input.unitId !== null && !(await this.units.exists(input.unitId))) {
      problems.push({ path: 'unitId', message: { 'zh-CN': '单位不存在', en: 'No such unit' } });
    }
    if (problems.length > 0) throw UsersException.invalid(problems);
  }
}
