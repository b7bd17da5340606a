import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

@InputType('ViewInput')
export class ViewInput {
  @Field(() => String, { description: 'The ledger the view is of (cannot change once saved).' })
  ledger: string;
  @Field(() => String, { description: '1 to 60 characters.' })
  name: string;
  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Shared with everyone who may read the ledger (admins only); else personal.',
  })
  shared: boolean;
  @Field(() => GraphQLJSON, {
    description:
      '{ filter, orderBy, hidden, order, frozen, rowHeight }, checked against the ledger (docs/views.md); missing keys take their defaults.',
  })
  config: unknown;
}

@ObjectType('View', { description: "A saved view of a ledger's grid: filter, sort and column layout (docs/views.md)." })
export class ViewModel {
  @Field(() => ID) id: string;
  @Field(() => String) ledger: string;
  @Field(() => String) name: string;
  @Field(() => Boolean) shared: boolean;
  @Field(() => GraphQLJSON, {
    description: '{ filter, orderBy, hidden, order, frozen, rowHeight } with every key present.',
  })
  config: unknown;
  @Field(() => Boolean, {
    description:
      "Marked default: a shared view, the ledger's default for everyone; a personal view, its owner's own default.",
  })
  isDefault: boolean;
  @Field(() => Boolean, {
    description:
      "The one view the caller's grid opens with: their personal default if they marked one, else the ledger's shared default.",
  })
  opensByDefault: boolean;
  @Field(() => Boolean, {
    description: 'The caller may change and delete it (the owner, or an admin for a shared view).',
  })
  editable: boolean;
  @Field(() => String, { description: 'Who saved it (display name).' })
  owner: string;
  @Field(() => Date) updatedAt: Date;
}
