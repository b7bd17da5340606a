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

  /** Set while the account is locked after failed sign-ins. */
  @Field(() => Date, { nullable: true })
  lockedUntil: Date | null;

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
      lockedUntil: entity.lockedUntil && entity.lockedUntil > new Date() ? entity.lockedUntil : null,
    });
  }
}
