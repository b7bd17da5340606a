import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Validation rules that refuse a query before it runs: too deep, too costly, too many aliases.
 * Each error carries code BAD_USER_INPUT and a reason (QUERY_TOO_DEEP, QUERY_TOO_COMPLEX,
 * TOO_MANY_ALIASES) that graphql-errors.ts turns into a message in the caller's language.
 */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 20_000, maxAliases: 30 };

/** A list field's cost is multiplied by the page size it asks for. */
const PAGE_ARGUMENTS = ['first', 'last', 'limit'];
const DEFAULT_PAGE = 100;

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

function refuse(context: ValidationContext, reason: string, message: string): void {
  context.reportError(new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason } }));
}

function pageSize(args: readonly { name: { value: string }; value: { kind: string } }[] | undefined): number {
  for (const arg of args ?? []) {
    if (!PAGE_ARGUMENTS.includes(arg.name.value)) continue;
    const value = arg.value as { kind: string; value?: string };
    if (value.kind === Kind.INT && value.value !== undefined) return Math.max(1, Number(value.value));
    return DEFAULT_PAGE; // a variable: assume the default page
  }
  return 1;
}

function measure(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  visiting: Set<string>,
  limits: QueryLimits,
): Measure {
  let depth = 0;
  let cost = 0;
  let aliases = 0;
  for (const selection of set.selections) {
    let inner: Measure | null = null;
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) aliases += 1;
      const child = selection.selectionSet
        ? measure(selection.selectionSet, fragments, visiting, limits)
        : { depth: 0, cost: 0, aliases: 0 };
      const multiplier = selection.selectionSet ? pageSize(selection.arguments) : 1;
      depth = Math.max(depth, child.depth + 1);
      cost += 1 + multiplier * child.cost;
      aliases += child.aliases;
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(selection.selectionSet, fragments, visiting, limits);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A cycle or an unknown fragment is reported by graphql-js's own rules.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      inner = measure(fragment.selectionSet, fragments, visiting, limits);
      visiting.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
    aliases += inner.aliases;
    // Stop early on absurd documents rather than walking them whole.
    if (cost > limits.maxCost * 10) break;
  }
  return { depth, cost, aliases };
}

export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const { depth, cost, aliases } = measure(operation.selectionSet, fragments, new Set(), limits);
        if (depth > limits.maxDepth) {
          refuse(context, 'QUERY_TOO_DEEP', `depth ${depth} exceeds the limit of ${limits.maxDepth}`);
        }
        if (cost > limits.maxCost) {
          refuse(context, 'QUERY_TOO_COMPLEX', `cost ${cost} exceeds the limit of ${limits.maxCost}`);
        }
        if (aliases > limits.maxAliases) {
          refuse(context, 'TOO_MANY_ALIASES', `${aliases} aliases exceed the limit of ${limits.maxAliases}`);
        }
        return false;
      },
    };
  };
}
