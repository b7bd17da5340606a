import { ApolloError } from '@apollo/client';

/** The message to show for a failed request: the server's (already in the user's language). */
export function errorMessage(error: ApolloError, networkFallback: string): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return networkFallback;
}

export function isUnauthenticated(error: ApolloError | undefined): boolean {
  return Boolean(error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED'));
}

/** A BAD_USER_INPUT answer's problems, one per field ({ path, message }); none for anything else. */
export function fieldProblems(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ApolloError)) return [];
  return (error.graphQLErrors[0]?.extensions?.errors ?? []) as { path: string; message: string }[];
}
