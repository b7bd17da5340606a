import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * graphql-jit's errors inherit from graphql-js's but leave `extensions` out when empty, which
 * Apollo's error formatting reads: the same error as graphql-js would have made it.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
  if (error.locations) Object.assign(copy, { locations: error.locations });
  return copy;
}

/** Queries compiled per parsed document: Apollo keeps one DocumentNode per distinct query text. */
type Compiled = CompiledQuery | null;

/**
 * Executes queries with graphql-jit: each distinct query is compiled once into a function that
 * builds its answer directly, instead of graphql-js walking the selection for every field of
 * every row (a page of 500 rows is 2,500 fields, about 1 ms of graphql-js). Everything before
 * execution stays Apollo's and graphql-js's: parsing, validation with our rules (query-limits),
 * and the coercion of variables, whose errors are graphql-js's own. Mutations, and a query
 * graphql-jit cannot compile, run on graphql-js as before.
 *
 * Apollo Server takes another executor only through its gateway interface, so this is one: it
 * serves the schema NestJS built (`capture` is given to NestJS's transformSchema) and the executor.
 */
export class CompiledExecution {
  private schema: GraphQLSchema | null = null;
  private readonly compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();

  /** For NestJS's `transformSchema`: the schema to serve. */
  readonly capture = (schema: GraphQLSchema): GraphQLSchema => {
    this.schema = schema;
    return schema;
  };

  /** The schema NestJS built (for the live socket's checks, live/live-connection.ts). */
  readonly schemaOf = (): GraphQLSchema => {
    if (!this.schema) throw new Error('the GraphQL schema was not built before Apollo Server started');
    return this.schema;
  };

  /** For Apollo Server's `gateway` option. */
  gateway(): GatewayInterface {
    const schemaOf = this.schemaOf;
    return {
      onSchemaLoadOrUpdate: (callback) => {
        callback({ apiSchema: schemaOf(), coreSupergraphSdl: '' });
        return () => undefined;
      },
      load: async () => ({ schema: schemaOf(), executor: this.executor }),
      stop: async () => undefined,
    };
  }

  private readonly executor: GatewayExecutor = async (request) => {
    const schema = this.schema!;
    const { document, operation, operationName, context } = request;
    const variables = request.request.variables ?? {};
    // no operation when the document names none to run (several, and no operationName):
    // graphql-js says so, in its words
    const resolved = operation as OperationDefinitionNode | undefined;
    const compiled =
      resolved?.operation === 'query' ? this.compiledOf(schema, document, resolved, operationName) : null;
    if (!compiled) {
      return (await execute({
        schema,
        document,
        operationName,
        variableValues: variables,
        contextValue: context,
      })) as ExecutionResult;
    }
    // graphql-js judges the variables, so their errors read as before; the compiled query
    // coerces the same (valid) values again
    const coerced = getVariableValues(schema, resolved!.variableDefinitions ?? [], variables);
    if (coerced.errors) return { errors: coerced.errors };
    const result = (await compiled.query(undefined, context, variables)) as ExecutionResult;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  private compiledOf(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operationName: string | null,
  ): Compiled {
    let byName = this.compiled.get(document);
    if (!byName) this.compiled.set(document, (byName = new Map()));
    const key = operationName ?? operation.name?.value ?? '';
    if (!byName.has(key)) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      byName.set(key, isCompiledQuery(result) ? result : null);
    }
    return byName.get(key)!;
  }
}
