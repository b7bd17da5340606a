import { gql } from '@apollo/client';

export type TokenScope = 'STATISTICS_READ' | 'ROWS_READ' | 'UNIT_WRITE';
export const TOKEN_SCOPES: TokenScope[] = ['STATISTICS_READ', 'ROWS_READ', 'UNIT_WRITE'];

export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
  unitId: string | null;
  unitName: string | null;
  ledgers: string[] | null;
  allowedAddresses: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revoked: boolean;
  createdAt: string;
  createdBy: string | null;
}

const FIELDS = `id name scope unitId unitName ledgers allowedAddresses expiresAt lastUsedAt revoked createdAt createdBy`;

export const API_TOKENS = gql`
  query ApiTokens {
    apiTokens { ${FIELDS} }
    units { id name active }
    ledgers { key definition }
  }
`;

export const CREATE_API_TOKEN = gql`
  mutation CreateApiToken($input: ApiTokenInput!) {
    createApiToken(input: $input) { token apiToken { ${FIELDS} } }
  }
`;

export const REVOKE_API_TOKEN = gql`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id)
  }
`;
