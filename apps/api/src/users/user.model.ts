import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Role } from '@taizhang/domain';
import { UnitModel } from '../units/unit.model';
import type { UserEntity } from './user.entity';

/** GraphQL's Role enum (ADMIN, CLERK, LEADER) over the stored lower-case roles. */
export const RoleEnum = { ADMIN: 'admin', CLERK: 'clerk', LEADER: 'leader' } as const satisfies Record<string, Role>;
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  username: string;

  @Field(() => String)
  displayName: string;

  @Field(() => RoleEnum)
  role: Role;

  @Field(() => UnitModel, { nullable: true })
  unit: UnitModel | null;

  @Field(() => Boolean)
  active: boolean;

  @Field(() => Date, {
    nullable: true,
    deprecationReason: 'Accounts are no longer locked: failed sign-ins are slowed per address (always null).',
  })
  lockedUntil: Date | null;

  @Field(() => Boolean, {
    description:
      'The user must choose a new password before anything else (set by an admin, or a demo account in production).',
  })
  mustChangePassword: boolean;

  /** Resolved by UsersResolver.phone (who may read it); not a field of its own. */
  phoneNumber: string | null;

  /** Resolved by UsersResolver.unit. */
  unitId: number | null;

  static of(entity: UserEntity): UserModel {
    return Object.assign(new UserModel(), {
      id: String(entity.id),
      username: entity.username,
      displayName: entity.displayName,
      role: entity.role,
      unitId: entity.unitId,
      active: entity.active,
      phoneNumber: entity.phone ?? null,
      lockedUntil: null,
      mustChangePassword: entity.mustChangePassword,
    });
  }
}
