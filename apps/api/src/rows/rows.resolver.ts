import { Args, Context, ID, Info, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { localeOf } from '../common/graphql/request-locale';
import { selectsField } from '../common/graphql/selected-fields';
import {
  DeletedRowModel,
  FieldValuesModel,
  DrillArgs,
  OrderInputType,
  ReferenceOptionModel,
  RowChangeInput,
  RowConnectionModel,
  RowEdgeModel,
  RowHistoryEntryModel,
  RowLinkModel,
  RowModel,
  RowResultModel,
  SaveRowsResultModel,
} from './row.model';
import { RowWriter } from '../ledger-data/row-writer.service';
import { encodeCursor, MAX_VALUES, RowsService, type Drill } from './rows.service';
import { RowLinks } from './row-links.service';

/** The drill-down arguments as the rows service takes them. */
const drillOf = (args: DrillArgs): Drill => ({
  from: args.from ?? null,
  to: args.to ?? null,
  measure: args.measure ?? null,
  part: args.measurePart ?? null,
});

/**
 * An edge of a page: its cursor is written only if the query asks for it (a grid scrolling reads
 * nodes; 500 cursors are 500 base64 strings made for nothing). The node is the row as read.
 */
const EDGE = {
  get cursor(): string {
    return encodeCursor((this as unknown as { position: number }).position);
  },
};
const edgeOf = (position: number, node: RowModel): RowEdgeModel =>
  Object.assign(Object.create(EDGE) as RowEdgeModel & { position: number }, { position, node });

@Resolver()
export class RowsResolver {
  constructor(
    private readonly rowsService: RowsService,
    private readonly writer: RowWriter,
    private readonly links: RowLinks,
  ) {}

  @Query(() => [ReferenceOptionModel], {
    description:
      "The rows a reference field may point at, searched by what they say (the target's display field, then its first text fields): exact, then prefix, then contains; newest first.",
  })
  referenceOptions(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('field', { type: () => String }) field: string,
    @Args('search', { type: () => String }) search: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
  ): Promise<ReferenceOptionModel[]> {
    return this.links.referenceOptions(principal, { ledger, field, search, unitId, first });
  }

  @Query(() => [RowLinkModel], {
    description:
      'The rows that follow-ups made from a row (each shows it as its origin), in ledgers the caller may read.',
  })
  followUpRows(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RowLinkModel[]> {
    return this.links.followUpRows(principal, ledger, id);
  }

  @Query(() => RowConnectionModel, {
    description: "A page of a ledger's rows: a clerk's unit's, or any unit's for admins and leaders.",
  })
  async rows(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
    @Args('filter', { type: () => GraphQLJSON, nullable: true }) filter: unknown,
    @Args('orderBy', { type: () => [OrderInputType], nullable: true }) orderBy: OrderInputType[] | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args() drillArgs: DrillArgs,
    @Info() info: GraphQLResolveInfo,
    @Args('offset', {
      type: () => Int,
      nullable: true,
      description: "The position of the page's first row in this ordering (0: the first row); wins over after.",
    })
    offset: number | null,
    @Args('search', {
      type: () => String,
      nullable: true,
      description:
        'Only rows whose text fields (text, long text, phone) contain this, case aside; combined with filter, period and unit. At most 100 characters.',
    })
    search: string | null,
  ): Promise<RowConnectionModel> {
    const drill = drillOf(drillArgs);
    const page = await this.rowsService.page(principal, {
      ledger,
      unitId,
      period,
      filter,
      orderBy,
      first,
      after,
      offset,
      drill,
      search,
      // counting every matching row is work of its own: done only when the query asks for it
      withTotal: selectsField(info, 'totalCount'),
    });
    return {
      // null only when not asked for, and then never read
      totalCount: page.totalCount ?? 0,
      edges: page.rows.map((row, i) => edgeOf(page.offset + i + 1, row)),
      pageInfo: {
        endCursor: page.rows.length > 0 ? encodeCursor(page.offset + page.rows.length) : null,
        hasNextPage: page.hasNextPage,
      },
    };
  }

  @Query(() => Int, {
    nullable: true,
    description:
      'Where a row stands (0: the first) among the rows of this sort and filter, as rows numbers them (its offset); null when it is not among them.',
  })
  rowPosition(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('id', { type: () => ID }) id: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
    @Args('filter', { type: () => GraphQLJSON, nullable: true }) filter: unknown,
    @Args('orderBy', { type: () => [OrderInputType], nullable: true }) orderBy: OrderInputType[] | null,
    @Args('search', { type: () => String, nullable: true, description: 'As rows takes it.' }) search: string | null,
  ): Promise<number | null> {
    return this.rowsService.position(principal, { ledger, id, unitId, period, filter, orderBy, search });
  }

  @Query(() => FieldValuesModel, {
    description: "A column's distinct values with their counts, under the same scope and filter as rows.",
  })
  fieldValues(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('field', { type: () => String }) field: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
    @Args('filter', { type: () => GraphQLJSON, nullable: true }) filter: unknown,
    @Args('first', { type: () => Int, nullable: true, defaultValue: MAX_VALUES }) first: number,
    @Args() drillArgs: DrillArgs,
    @Args('search', { type: () => String, nullable: true, description: 'As rows takes it.' }) search: string | null,
  ): Promise<FieldValuesModel> {
    const drill = drillOf(drillArgs);
    return this.rowsService.fieldValues(principal, { ledger, field, unitId, period, filter, first, drill, search });
  }

  @Mutation(() => SaveRowsResultModel, {
    description:
      'Saves a batch of inserts, updates and deletes in one transaction; valid rows are kept unless allOrNothing.',
  })
  async saveRows(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
    @Args('changes', { type: () => [RowChangeInput] }) changes: RowChangeInput[],
    @Args('allOrNothing', { type: () => Boolean, nullable: true, defaultValue: false }) allOrNothing: boolean,
  ): Promise<SaveRowsResultModel> {
    const outcomes = await this.writer.save(principal, { ledger, unitId, period, changes, allOrNothing });
    const locale = localeOf(context);
    return {
      // made only if the mutation asks for them: a paste of 10,000 rows often wants the counts alone
      get results() {
        return outcomes.map((o) => RowResultModel.of(o, locale));
      },
      saved: outcomes.filter((o) => o.status === 'SAVED').length,
      rejected: outcomes.filter((o) => o.status === 'REJECTED').length,
      conflicts: outcomes.filter((o) => o.status === 'CONFLICT').length,
    };
  }

  @Query(() => [RowHistoryEntryModel], { description: 'Who changed a row, when, and from what to what.' })
  rowHistory(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RowHistoryEntryModel[]> {
    return this.rowsService.history(principal, ledger, id);
  }

  @Query(() => [DeletedRowModel], {
    description: "The recycle bin: a unit's deleted rows, the latest deletions first (a clerk's own unit).",
  })
  deletedRows(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number,
  ): Promise<DeletedRowModel[]> {
    return this.rowsService.deleted(principal, { ledger, unitId, period, first });
  }

  @Mutation(() => RowModel, { description: 'Brings back a deleted row.' })
  async restoreRow(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RowModel> {
    return this.writer.restore(principal, { ledger, unitId, id });
  }
}
