import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import {
  FIELD_TYPES,
  isComputedField,
  specOf,
  textOf,
  type ChoiceOption,
  type FieldDefinition,
  type Locale,
} from '@taizhang/ledger-core';
import type { PublishedLedger } from './ledger-registry.service';

@ObjectType('LedgerField')
export class LedgerFieldModel {
  @Field(() => String) key: string;
  @Field(() => String) title: string;
  @Field(() => String, {
    description: `One of the registered field types: ${FIELD_TYPES.join(', ')}`,
  })
  type: string;
  @Field(() => Boolean) required: boolean;
  @Field(() => Boolean, { description: 'Computed fields are read-only.' }) readOnly: boolean;
  @Field(() => [GraphQLJSON], {
    nullable: true,
    description: "The definition's options (choice types): { value, label }.",
  })
  options: { value: string; label: string }[] | null;
  @Field(() => GraphQLJSON, { description: 'The field exactly as the ledger definition states it.' })
  definition: FieldDefinition;
  @Field(() => String, { nullable: true }) help: string | null;
  @Field(() => GraphQLJSON, { description: "How the grid shows the column (ledger-core's GridColumnSpec)." })
  grid: unknown;

  static of(field: FieldDefinition, locale: Locale): LedgerFieldModel {
    const spec = specOf(field);
    const options: ChoiceOption[] | undefined = 'options' in field ? field.options : undefined;
    return Object.assign(new LedgerFieldModel(), {
      key: field.key,
      title: textOf(field.title, locale),
      type: field.type,
      required: Boolean(field.required),
      readOnly: isComputedField(field),
      options: options
        ? options.map((o) => ({ value: o.value, label: o.label ? textOf(o.label, locale) : o.value }))
        : null,
      definition: field,
      help: field.help ? textOf(field.help, locale) : null,
      grid: spec.grid(field, locale),
    });
  }
}

@ObjectType('LedgerVersion')
export class LedgerVersionModel {
  @Field(() => Int) version: number;
  @Field(() => String, { description: 'file or api' }) source: string;
  @Field(() => Date) publishedAt: Date;
  @Field(() => String, { nullable: true, description: "The publishing admin's name; null for a schemas/ file." })
  publishedBy: string | null;
  @Field(() => GraphQLJSON, { description: 'The definition as published.' }) definition: unknown;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'What the publish did to the data: { added, renamed, retyped: [{ field, from, to, keptAs, unconverted, examples }], hidden: [{ field, keptAs }], restored, seededRows, followed: [{ ledger, version }], renamedBy: { ledger, version } | null } (followed: other ledgers that named a renamed field, published again with its new name; renamedBy: the publish that did so to this one) (docs/designer.md "Versions").',
  })
  report: unknown;
}

@ObjectType('PublishRejection')
export class PublishRejectionModel {
  @Field(() => String, { description: 'rule (new or changed) or required (a field newly required)' }) kind: string;
  @Field(() => String, { description: "The rule's key or the field's." }) key: string;
  @Field(() => String, { description: 'error or warning' }) level: string;
  @Field(() => String, { description: "The rule's message or the field's title, in the caller's language." })
  message: string;
  @Field(() => Int, {
    nullable: true,
    description: 'Live rows of every unit it now refuses; null for a rule that compares periods (not counted).',
  })
  rows: number | null;
}

@ObjectType('PublishPreview')
export class PublishPreviewModel {
  @Field(() => [DefinitionProblemModel], { description: 'As checkLedger; when any, nothing was tried.' })
  problems: DefinitionProblemModel[];
  @Field(() => Boolean, { description: 'Whether publishing would make a new version.' }) changes: boolean;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'What publishing would do to the data, as LedgerVersion.report says it after.',
  })
  report: unknown;
  @Field(() => [PublishRejectionModel]) rejected: PublishRejectionModel[];
}

@ObjectType('KeptValue')
export class KeptValueModel {
  @Field(() => ID) rowId: string;
  @Field(() => ID) unitId: string;
  @Field(() => String) unitName: string;
  @Field(() => String, { description: 'The value kept, as text.' }) value: string;
}

@ObjectType('DefinitionProblem')
export class DefinitionProblemModel {
  @Field(() => String, { description: 'A JSON pointer into the definition, e.g. /fields/3/type.' }) path: string;
  @Field(() => String, { description: "In the caller's language." }) message: string;
}

@ObjectType('Ledger')
export class LedgerModelType {
  @Field(() => String) key: string;
  @Field(() => String) title: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Int) version: number;
  @Field(() => String, { description: 'none, daily, weekly, monthly' }) period: string;
  @Field(() => String, { nullable: true, description: 'The date field that decides a row’s period.' }) periodField:
    string | null;
  @Field(() => String, { nullable: true, description: '"17:00" local time (Asia/Shanghai), or null' }) deadline:
    string | null;
  @Field(() => Boolean, { description: 'Citizens may answer through a unit’s public link.' }) public: boolean;
  @Field(() => [LedgerFieldModel]) fields: LedgerFieldModel[];
  @Field(() => GraphQLJSON, { description: 'The whole current definition, as published.' }) definition: unknown;
  /** Resolved by LedgersResolver.versions. */
  @Field(() => [LedgerVersionModel]) versions?: LedgerVersionModel[];

  static of(ledger: PublishedLedger, locale: Locale): LedgerModelType {
    const d = ledger.definition;
    return Object.assign(new LedgerModelType(), {
      key: d.key,
      title: textOf(d.title, locale),
      description: d.description ? textOf(d.description, locale) : null,
      version: ledger.version,
      period: d.period ?? 'none',
      periodField: d.periodField ?? null,
      deadline: d.deadline ?? null,
      public: Boolean(d.public),
      fields: d.fields.map((f) => LedgerFieldModel.of(f, locale)),
      definition: d,
    });
  }
}

@ObjectType('LedgerFileProblem', { description: 'Why a file in schemas/ was not published.' })
export class LedgerFileProblemModel {
  @Field(() => String) file: string;
  @Field(() => String, { description: 'A JSON pointer into the file.' }) path: string;
  @Field(() => String) message: string;
}
