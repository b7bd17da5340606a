import { Args, Field, ID, InputType, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Role } from '@taizhang/domain';
import { assertCanReadUnit, readableUnitIds, seesAllUnits } from '../identity/access-policy';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import { SessionsService } from '../identity/sessions.service';
import type { Principal } from '../identity/principal';
import { parseId, parseOptionalId } from '../common/graphql/ids';
import { UnitModel } from '../units/unit.model';
import { UnitsService } from '../units/units.service';
import { RoleEnum, UserModel } from './user.model';
import { UsersService } from './users.service';
import { AdminAction } from '../common/admin-audit';

@InputType()
class CreateUserInput {
  @Field(() => String) username: string;
  @Field(() => String) displayName: string;
  @Field(() => RoleEnum) role: Role;
  @Field(() => ID, { nullable: true }) unitId?: string | null;
  @Field(() => String) password: string;
  @Field(() => String, {
    nullable: true,
    description: 'A contact phone: a mainland mobile or a landline with its area code (as a phone field takes it).',
  })
  phone?: string | null;
}

@InputType()
class UpdateUserInput {
  @Field(() => String, { nullable: true }) displayName?: string;
  @Field(() => RoleEnum, { nullable: true }) role?: Role;
  @Field(() => ID, { nullable: true }) unitId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'false deactivates the account: it can no longer sign in.' })
  active?: boolean;
  @Field(() => String, { nullable: true, description: 'A contact phone, as in createUser; "" clears it.' })
  phone?: string | null;
}

/** A phone is for those who call the user: the county (admins, leaders), the user, their unit. */
export function mayReadPhone(principal: Principal, user: { id: string; unitId: number | null }): boolean {
  return (
    seesAllUnits(principal) ||
    String(principal.userId) === user.id ||
    (principal.unitId !== null && principal.unitId === user.unitId)
  );
}

@Resolver(() => UserModel)
export class UsersResolver {
  constructor(
    private readonly usersService: UsersService,
    private readonly unitsService: UnitsService,
    private readonly sessions: SessionsService,
  ) {}

  @Query(() => [UserModel], {
    description: "Admins and leaders: every user, or one unit's. Clerks: their own unit's only.",
  })
  async users(
    @CurrentPrincipal() principal: Principal,
    @Args('unitId', { type: () => ID, nullable: true }) unitId?: string | null,
  ): Promise<UserModel[]> {
    let unitIds = readableUnitIds(principal);
    if (unitId) {
      const id = parseId(unitId, 'unitId');
      assertCanReadUnit(principal, id);
      unitIds = [id];
    }
    return (await this.usersService.list(unitIds)).map(UserModel.of);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      "A contact phone: readable by admins and leaders, by the user, and by the clerks of the user's own unit (null to others).",
  })
  phone(@CurrentPrincipal() principal: Principal | undefined, @Parent() user: UserModel): string | null {
    return principal && mayReadPhone(principal, user) ? user.phoneNumber : null;
  }

  @ResolveField(() => UnitModel, { nullable: true })
  async unit(@Parent() user: UserModel): Promise<UnitModel | null> {
    return user.unitId === null ? null : UnitModel.of(await this.unitsService.findById(user.unitId));
  }

  @Roles('admin')
  @AdminAction({ action: 'user_created', target: 'user', targetId: (_, user) => (user as UserModel | undefined)?.id })
  @Mutation(() => UserModel)
  async createUser(@Args('input', { type: () => CreateUserInput }) input: CreateUserInput): Promise<UserModel> {
    const unitId = parseOptionalId(input.unitId, 'unitId');
    return UserModel.of(await this.usersService.create({ ...input, unitId }));
  }

  @Roles('admin')
  @AdminAction({ action: 'user_changed', target: 'user', targetId: (args) => args.id })
  @Mutation(() => UserModel)
  async updateUser(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateUserInput }) input: UpdateUserInput,
  ): Promise<UserModel> {
    const userId = parseId(id, 'id');
    const unitId = parseOptionalId(input.unitId, 'unitId');
    const updated = await this.usersService.update(userId, { ...input, unitId }, principal.userId);
    if (input.active === false) await this.sessions.revokeAllOf(userId);
    // sessions carry the user's role and unit
    else this.sessions.authChanged();
    return UserModel.of(updated);
  }

  @Roles('admin')
  @AdminAction({ action: 'password_reset', target: 'user', targetId: (args) => args.userId, detail: () => null })
  @Mutation(() => Boolean, {
    description:
      "Sets a user's password (e.g. a forgotten one) and ends their sessions; the user must choose a new one at their next sign-in.",
  })
  async resetPassword(
    @Args('userId', { type: () => ID }) userId: string,
    @Args('newPassword', { type: () => String }) newPassword: string,
  ): Promise<boolean> {
    const id = parseId(userId, 'userId');
    await this.usersService.findById(id);
    await this.usersService.setPassword(id, newPassword, 'newPassword', { mustChange: true });
    await this.usersService.forgetSignInFailures(id);
    await this.sessions.revokeAllOf(id);
    return true;
  }
}
