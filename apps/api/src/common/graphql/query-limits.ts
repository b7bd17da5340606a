import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ParseOptions,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

/**
 * Limits that refuse a query before it runs: too deep, too many aliases (a validation rule: both
 * are properties of the document alone), too costly (a plugin: the cost depends on the page sizes
 * asked for, which a query may pass as variables, and only the request has their values).
 * Each refusal carries code BAD_USER_INPUT and a reason (QUERY_TOO_DEEP, TOO_MANY_ALIASES,
 * QUERY_TOO_COMPLEX) that graphql-errors.ts turns into a message in the caller's language.
 */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 20_000, maxAliases: 30 };

/**
 * How a document is parsed, over HTTP and on the live socket: a document of millions of tokens
 * would hold the event loop for seconds while parsed; real ones are a few hundred (row values
 * travel as variables).
 */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: 50_000 };

/** A list field's cost is multiplied by the page size it asks for. */
const PAGE_ARGUMENTS = ['first', 'last', 'limit'];
/** The page counted when its size is not known before the query runs (a value that is no Int). */
const DEFAULT_PAGE = 100;
/** GraphQL's Int: a larger value is refused by graphql-js's coercion, in its own words. */
const MAX_INT = 2 ** 31 - 1;

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

/** What the measure knows besides the document: the schema (argument defaults) and the variables. */
interface Surroundings {
  fragments: Map<string, FragmentDefinitionNode>;
  limits: QueryLimits;
  schema: GraphQLSchema | null;
  /**
   * The request's variables, as sent; null while validating (the document alone), when a page
   * given by a variable counts as 1: the least the document can cost, whatever the variables.
   */
  variables: Readonly<Record<string, unknown>> | null;
  /** The operation's variable definitions' defaults, by name. */
  variableDefaults: Map<string, ValueNode>;
  /** Each fragment's measure, made on its first spread. */
  fragmentMeasures: Map<string, Measure>;
}

function refusal(reason: string, message: string, status?: number): GraphQLError {
  const http = status === undefined ? {} : { http: { status } };
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason, ...http } });
}

function literalPage(value: ValueNode): number | null {
  return value.kind === Kind.INT ? Number(value.value) : null;
}

/** A variable's value as the query will run with it; null when it is not an Int (coercion refuses it). */
function variablePage(name: string, around: Surroundings): number | null | undefined {
  if (around.variables === null) return 1;
  const value = around.variables[name];
  if (value === undefined) {
    const fallback = around.variableDefaults.get(name);
    return fallback ? literalPage(fallback) : undefined;
  }
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_INT ? value : null;
}

/** The schema's definition of a field of `parent`, when known. */
function fieldDefinition(parent: GraphQLNamedType | null, name: string): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

/**
 * The page a list field asks for, as it will run: the argument's literal, else its variable's
 * value, else that variable's default, else the argument's default in the schema. A value that is
 * no Int counts as DEFAULT_PAGE (graphql-js refuses it before anything runs).
 */
function pageSize(field: FieldNode, parent: GraphQLNamedType | null, around: Surroundings): number {
  const definition = fieldDefinition(parent, field.name.value);
  const defined = definition?.args.filter((arg) => PAGE_ARGUMENTS.includes(arg.name));
  const schemaDefault = (name: string) => {
    const value = defined?.find((arg) => arg.name === name)?.defaultValue;
    return typeof value === 'number' ? value : DEFAULT_PAGE;
  };
  const given = field.arguments?.find(
    (arg) => PAGE_ARGUMENTS.includes(arg.name.value) && (!defined || defined.some((d) => d.name === arg.name.value)),
  );
  if (given) {
    const name = given.name.value;
    const size =
      given.value.kind === Kind.VARIABLE ? variablePage(given.value.name.value, around) : literalPage(given.value);
    // an absent variable without a default leaves the argument to its default
    return Math.max(1, size ?? (size === undefined ? schemaDefault(name) : DEFAULT_PAGE));
  }
  // not given: the argument's default page, when the field takes one
  return defined && defined.length > 0 ? Math.max(1, schemaDefault(defined[0].name)) : 1;
}

function measure(
  set: SelectionSetNode,
  parent: GraphQLNamedType | null,
  visiting: Set<string>,
  around: Surroundings,
): Measure {
  let depth = 0;
  let cost = 0;
  let aliases = 0;
  const { schema, fragments, limits } = around;
  for (const selection of set.selections) {
    let inner: Measure | null = null;
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) aliases += 1;
      const definition = fieldDefinition(parent, selection.name.value);
      const type = definition ? getNamedType(definition.type) : null;
      const child = selection.selectionSet
        ? measure(selection.selectionSet, type, visiting, around)
        : { depth: 0, cost: 0, aliases: 0 };
      const multiplier = selection.selectionSet ? pageSize(selection, parent, around) : 1;
      depth = Math.max(depth, child.depth + 1);
      cost += 1 + multiplier * child.cost;
      aliases += child.aliases;
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition
        ? (schema?.getType(selection.typeCondition.name.value) ?? null)
        : parent;
      inner = measure(selection.selectionSet, condition, visiting, around);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A cycle or an unknown fragment is reported by graphql-js's own rules.
      if (!fragment || visiting.has(name)) continue;
      // a fragment measures the same wherever it is spread: once per document, so that a
      // fragment bomb (F0 spreads F1 twice, F1 spreads F2 twice, …) costs its size, not 2^depth
      inner = around.fragmentMeasures.get(name) ?? null;
      if (!inner) {
        visiting.add(name);
        const type = schema?.getType(fragment.typeCondition.name.value) ?? null;
        inner = measure(fragment.selectionSet, type, visiting, around);
        visiting.delete(name);
        around.fragmentMeasures.set(name, inner);
      }
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
    aliases += inner.aliases;
    // Stop early on absurd documents rather than walking them whole.
    if (cost > limits.maxCost * 10) break;
  }
  return { depth, cost, aliases };
}

function fragmentsOf(definitions: readonly { kind: string }[]): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = definition as FragmentDefinitionNode;
      fragments.set(fragment.name.value, fragment);
    }
  }
  return fragments;
}

function rootType(schema: GraphQLSchema | null, operation: OperationDefinitionNode): GraphQLNamedType | null {
  if (!schema) return null;
  return schema.getRootType(operation.operation) ?? null;
}

/**
 * What an operation costs as it will run with these variables: each field 1, a field with a
 * selection its selection's cost times the page it asks for (`first`, `last`, `limit`: written in
 * the query, passed as a variable, that variable's default, or the argument's default).
 */
export function operationCost(
  schema: GraphQLSchema | null,
  fragments: Map<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): number {
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const around: Surroundings = { fragments, limits, schema, variables, variableDefaults, fragmentMeasures: new Map() };
  return measure(operation.selectionSet, rootType(schema, operation), new Set(), around).cost;
}

/**
 * Depth and aliases, the document's own properties, refused while validating; and a document
 * that costs too much whatever its variables (each page given by a variable counted as 1), so that
 * a huge document is refused by the check aimed at it before graphql-js's own rules walk it. The
 * cost with the request's variables is checked once they are known (queryCostPlugin).
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument().definitions);
    const schema = context.getSchema();
    return {
      OperationDefinition(operation) {
        const around: Surroundings = {
          fragments,
          limits,
          schema,
          variables: null,
          variableDefaults: new Map(),
          fragmentMeasures: new Map(),
        };
        const { depth, aliases, cost } = measure(
          operation.selectionSet,
          rootType(schema, operation),
          new Set(),
          around,
        );
        if (depth > limits.maxDepth) {
          context.reportError(refusal('QUERY_TOO_DEEP', `depth ${depth} exceeds the limit of ${limits.maxDepth}`));
        }
        if (aliases > limits.maxAliases) {
          context.reportError(
            refusal('TOO_MANY_ALIASES', `${aliases} aliases exceed the limit of ${limits.maxAliases}`),
          );
        }
        if (cost > limits.maxCost) {
          context.reportError(refusal('QUERY_TOO_COMPLEX', `cost ${cost} exceeds the limit of ${limits.maxCost}`));
        }
        return false;
      },
    };
  };
}

/** Our validation rules, on top of graphql-js's: Apollo's `validationRules` and the live socket's. */
export function queryValidationRules(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule[] {
  return [queryLimitsRule(limits)];
}

/** The refusal of an operation too costly with these variables (null: within the limit). */
function costRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  limits: QueryLimits,
  status?: number,
): GraphQLError | null {
  const cost = operationCost(schema, fragmentsOf(document.definitions), operation, variables, limits);
  return cost > limits.maxCost
    ? refusal('QUERY_TOO_COMPLEX', `cost ${cost} exceeds the limit of ${limits.maxCost}`, status)
    : null;
}

/**
 * The cost limit, once Apollo knows which operation runs and before it runs: the request's
 * variables are known here (a validation rule sees the document alone, and Apollo validates each
 * distinct document once). Refused with 400, as a validation error would be.
 */
export function queryCostPlugin(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const refused = costRefusal(schema, document, operation, request.variables ?? {}, limits, 400);
          if (refused) throw refused;
        },
      };
    },
  };
}

/** An operation as a client sends it (graphql-ws's subscribe payload, Apollo's request body). */
export interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

/**
 * What Apollo does before an operation over HTTP, for an operation on the live socket (graphql-ws
 * parses and validates with graphql-js's defaults alone): parsed with PARSE_OPTIONS, validated
 * with graphql-js's rules and ours, its cost checked with its variables. The document to run, or
 * the errors that refuse it, coded as Apollo codes them (graphql-errors.ts maps the codes).
 */
export function checkOperation(
  schema: GraphQLSchema,
  request: OperationRequest,
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(request.query, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { errors: [coded(error, 'GRAPHQL_PARSE_FAILED')] };
  }
  const invalid = validate(schema, document, [...specifiedRules, ...queryValidationRules(limits)]);
  if (invalid.length > 0) return { errors: invalid.map((error) => coded(error, 'GRAPHQL_VALIDATION_FAILED')) };
  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (operation) {
    const refused = costRefusal(schema, document, operation, request.variables ?? {}, limits);
    if (refused) return { errors: [refused] };
  }
  return { document };
}

/** graphql-js's error with Apollo's code for its kind, unless it has a code of its own (our rules'). */
function coded(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
