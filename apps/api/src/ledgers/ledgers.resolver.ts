import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { localeOf } from '../common/graphql/request-locale';
import { LedgerAccess } from './ledger-access.service';
import { LedgerPublisher } from './ledger-publisher.service';
import { LedgerRegistry } from './ledger-registry.service';
import {
  DefinitionProblemModel,
  KeptValueModel,
  LedgerFileProblemModel,
  LedgerModelType,
  LedgerVersionModel,
  PublishPreviewModel,
} from './ledger.model';
import { ledgerVersionReport } from './version-report';
import { keptValues } from './kept-values';
import { Clock } from '../common/time/clock';
import { checkLedgerDefinition } from './definition-checks';
import { LedgersException } from './ledgers.exception';
import { SchemaFiles } from './schema-files.service';
import { AdminAction } from '../common/admin-audit';

@Resolver(() => LedgerModelType)
export class LedgersResolver {
  constructor(
    private readonly registry: LedgerRegistry,
    private readonly access: LedgerAccess,
    private readonly publisher: LedgerPublisher,
    private readonly files: SchemaFiles,
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  @Query(() => [LedgerModelType], {
    description: 'The ledgers the caller may see: a clerk those assigned to their unit.',
  })
  async ledgers(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
  ): Promise<LedgerModelType[]> {
    const visible = await this.access.visibleLedgers(principal);
    return visible.map((ledger) => LedgerModelType.of(ledger, localeOf(context)));
  }

  @Query(() => LedgerModelType)
  async ledger(
    @CurrentPrincipal() principal: Principal,
    @Args('key', { type: () => String }) key: string,
    @Context() context: GraphQLContext,
  ): Promise<LedgerModelType> {
    return LedgerModelType.of(await this.access.readableLedger(principal, key), localeOf(context));
  }

  @ResolveField(() => [LedgerVersionModel])
  async versions(@Parent() ledger: LedgerModelType): Promise<LedgerVersionModel[]> {
    return this.registry.versions(ledger.key);
  }

  @Roles('admin')
  @AdminAction({
    action: 'ledger_published',
    target: 'ledger',
    targetId: (_, ledger) => (ledger as LedgerModelType | undefined)?.key,
    detail: (_, ledger) => ({ version: (ledger as LedgerModelType | undefined)?.version ?? null }),
  })
  @Mutation(() => LedgerModelType, {
    description:
      'Publishes a ledger definition (as a schemas/ file would): a new version, the table reshaped, nothing lost.',
  })
  async publishLedger(
    @CurrentPrincipal() principal: Principal,
    @Args('definition', { type: () => GraphQLJSON }) definition: unknown,
    @Context() context: GraphQLContext,
  ): Promise<LedgerModelType> {
    const outcome = await this.publisher.publish(definition, { source: 'api', actorId: principal.userId });
    const ledger = await this.registry.find(outcome.key);
    if (!ledger) throw LedgersException.notFound(outcome.key);
    return LedgerModelType.of(ledger, localeOf(context));
  }

  @Roles('admin')
  @Query(() => [DefinitionProblemModel], {
    description:
      'Every problem of a definition at once — its shape, its meaning, and what only the database knows (referenced ledgers, units, seed rows) — as publishLedger would find them; [] when publishable. Changes nothing.',
  })
  async checkLedger(
    @Args('definition', { type: () => GraphQLJSON }) definition: unknown,
    @Context() context: GraphQLContext,
  ): Promise<DefinitionProblemModel[]> {
    const locale = localeOf(context);
    const problems = await checkLedgerDefinition(this.db, definition);
    return problems.map((p) => ({ path: p.path, message: p.message[locale] }));
  }

  @Roles('admin')
  @Query(() => PublishPreviewModel, {
    description:
      "What publishing this definition would do to the data, found by publishing it on the real rows in a transaction that is rolled back: the table changes with the values a retype would not convert (with examples), and the rows a new or changed rule or a newly required field would now refuse. Changes nothing; holds the ledger's publish lock while it runs.",
  })
  async publishPreview(
    @CurrentPrincipal() principal: Principal,
    @Args('definition', { type: () => GraphQLJSON }) definition: unknown,
    @Context() context: GraphQLContext,
  ): Promise<PublishPreviewModel> {
    const locale = localeOf(context);
    const preview = await this.publisher.preview(definition, principal.userId, this.clock.now());
    return {
      problems: preview.problems.map((p) => ({ path: p.path, message: p.message[locale] })),
      changes: preview.outcome?.changed ?? false,
      report: preview.outcome?.changed ? ledgerVersionReport(preview.outcome.actions, preview.outcome) : null,
      rejected: preview.rejected.map((r) => ({ ...r, message: r.message[locale] })),
    };
  }

  @Roles('admin')
  @Query(() => [LedgerVersionModel], {
    description:
      "A ledger's published versions, oldest first: who and when, the definition, what the publish did to the data.",
  })
  async ledgerVersions(@Args('key', { type: () => String }) key: string): Promise<LedgerVersionModel[]> {
    const versions = await this.registry.versions(key);
    if (versions.length === 0) throw LedgersException.notFound(key);
    return versions;
  }

  @Roles('admin')
  @Query(() => [KeptValueModel], {
    description:
      "The live rows (every unit's) that have a value in a column a publish kept old values in — a retyped field's old values, a removed field's — as the versions' reports name it (keptAs).",
  })
  async keptValues(
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('column', { type: () => String }) column: string,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<KeptValueModel[]> {
    const versions = await this.registry.versions(ledger);
    if (versions.length === 0) throw LedgersException.notFound(ledger);
    return keptValues(this.db, ledger, versions, column, first);
  }

  @Roles('admin')
  @Query(() => [LedgerFileProblemModel], { description: 'Files in schemas/ that were refused, with every problem.' })
  ledgerFileProblems(@Context() context: GraphQLContext): LedgerFileProblemModel[] {
    const locale = localeOf(context);
    return this.files.currentProblems().map((p) => ({ file: p.file, path: p.path, message: p.message[locale] }));
  }
}
