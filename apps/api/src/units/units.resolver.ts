import { Args, Field, ID, InputType, Mutation, Query, Resolver } from '@nestjs/graphql';
import { assertCanReadUnit, readableUnitIds } from '../identity/access-policy';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import { parseId, parseOptionalId } from '../common/graphql/ids';
import { UnitModel } from './unit.model';
import { UnitsService } from './units.service';
import { AdminAction } from '../common/admin-audit';

@InputType()
class CreateUnitInput {
  @Field(() => String) code: string;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'township_centre, bureau_section or service_window' }) kind: string;
  @Field(() => ID, { nullable: true }) parentId?: string | null;
}

@InputType()
class UpdateUnitInput {
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) kind?: string;
  @Field(() => ID, { nullable: true }) parentId?: string | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean;
}

@Resolver(() => UnitModel)
export class UnitsResolver {
  constructor(
    private readonly unitsService: UnitsService,
    private readonly sessions: SessionsService,
  ) {}

  @Query(() => [UnitModel], { description: 'Admins and leaders: every unit. Clerks: their own.' })
  async units(@CurrentPrincipal() principal: Principal): Promise<UnitModel[]> {
    return (await this.unitsService.list(readableUnitIds(principal))).map(UnitModel.of);
  }

  @Query(() => UnitModel)
  async unit(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<UnitModel> {
    const unitId = parseId(id, 'id');
    assertCanReadUnit(principal, unitId);
    return UnitModel.of(await this.unitsService.findById(unitId));
  }

  @Roles('admin')
  @AdminAction({ action: 'unit_created', target: 'unit', targetId: (_, unit) => (unit as UnitModel | undefined)?.id })
  @Mutation(() => UnitModel)
  async createUnit(@Args('input', { type: () => CreateUnitInput }) input: CreateUnitInput): Promise<UnitModel> {
    const parentId = parseOptionalId(input.parentId, 'parentId');
    return UnitModel.of(await this.unitsService.create({ ...input, parentId }));
  }

  @Roles('admin')
  @AdminAction({ action: 'unit_changed', target: 'unit', targetId: (args) => args.id })
  @Mutation(() => UnitModel, {
    description: 'Change a unit; active: false deactivates it (its users can no longer sign in).',
  })
  async updateUnit(
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateUnitInput }) input: UpdateUnitInput,
  ): Promise<UnitModel> {
    const parentId = parseOptionalId(input.parentId, 'parentId');
    const updated = await this.unitsService.update(parseId(id, 'id'), { ...input, parentId });
    // its users' sessions carry the unit's kind and state
    this.sessions.authChanged();
    return UnitModel.of(updated);
  }
}
