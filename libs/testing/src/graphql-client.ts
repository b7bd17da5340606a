import http from 'node:http';
/** A small GraphQL-over-HTTP client for tests: what another system would send. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; reason?: string; errors?: { path: string; message: string }[]; stacktrace?: unknown };
  }[];
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  cookie?: string;
  language?: string;
  headers?: Record<string, string>;
}

export async function postGraphQL<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  return postRaw<T>(baseUrl, JSON.stringify({ query, variables }), options);
}

export async function postRaw<T = Record<string, unknown>>(
  baseUrl: string,
  body: string,
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.language) headers['accept-language'] = options.language;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: { data?: T; errors?: GraphQLResponse<T>['errors'] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  return { status: response.status, data: parsed.data, errors: parsed.errors, headers: response.headers };
}

/** A POST on a kept-alive connection; status 0 when no answer came (refused, reset, 30 s without one). */
export function postJson(
  agent: http.Agent,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        timeout: 30_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', (error) => resolve({ status: 0, body: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer in 30 s')));
    request.on('error', (error) => resolve({ status: 0, body: error.message }));
    request.end(body);
  });
}

/**
 * GraphQL over node:http on one kept-alive connection, as a server-to-server client would talk
 * to the API. Benchmarks use it: Node's fetch (undici) costs 1–2 ms more per request on this
 * machine, time that is the client's, not the API's.
 */
export function keepAliveGraphQL(baseUrl: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const endpoint = new URL('/graphql', baseUrl);
  return {
    async post<T = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown> = {},
      token?: string,
    ): Promise<{ status: number; data?: T | null; errors?: GraphQLResponse<T>['errors'] }> {
      const answer = await postJson(
        agent,
        endpoint,
        JSON.stringify({ query, variables }),
        token ? { authorization: `Bearer ${token}` } : {},
      );
      const parsed = JSON.parse(answer.body) as { data?: T; errors?: GraphQLResponse<T>['errors'] };
      return { status: answer.status, data: parsed.data, errors: parsed.errors };
    },
    close: () => agent.destroy(),
  };
}
