import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { UnitEntity } from './unit.entity';

@ObjectType('Unit', { description: 'A unit that keeps ledgers.' })
export class UnitModel {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Short and stable; used in public survey links (/s/<code>).' })
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'township_centre, bureau_section or service_window' })
  kind: string;

  @Field(() => ID, { nullable: true })
  parentId: string | null;

  @Field(() => Boolean)
  active: boolean;

  static of(entity: UnitEntity): UnitModel {
    return Object.assign(new UnitModel(), {
      id: String(entity.id),
      code: entity.code,
      name: entity.name,
      kind: entity.kind,
      parentId: entity.parentId === null ? null : String(entity.parentId),
      active: entity.active,
    });
  }
}
