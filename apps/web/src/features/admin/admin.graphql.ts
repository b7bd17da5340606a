import { gql } from '@apollo/client';

export interface AdminUnit {
  id: string;
  code: string;
  name: string;
  kind: string;
  active: boolean;
}

export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  role: 'ADMIN' | 'CLERK' | 'LEADER';
  active: boolean;
  lockedUntil: string | null;
  /** A contact phone, shown on the submission board to those who 催报. */
  phone: string | null;
  unit: { id: string; name: string } | null;
}

export const ADMIN_UNITS = gql`
  query AdminUnits {
    units {
      id
      code
      name
      kind
      active
    }
  }
`;

export const ADMIN_USERS = gql`
  query AdminUsers($unitId: ID) {
    users(unitId: $unitId) {
      id
      username
      displayName
      role
      active
      lockedUntil
      phone
      unit {
        id
        name
      }
    }
  }
`;

export const CREATE_UNIT = gql`
  mutation CreateUnit($input: CreateUnitInput!) {
    createUnit(input: $input) {
      id
    }
  }
`;

export const UPDATE_UNIT = gql`
  mutation UpdateUnit($id: ID!, $input: UpdateUnitInput!) {
    updateUnit(id: $id, input: $input) {
      id
      active
    }
  }
`;

export const CREATE_USER = gql`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
    }
  }
`;

export const UPDATE_USER = gql`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      active
    }
  }
`;

export const RESET_PASSWORD = gql`
  mutation ResetPassword($userId: ID!, $newPassword: String!) {
    resetPassword(userId: $userId, newPassword: $newPassword)
  }
`;

export interface AuditEntry {
  at: string;
  kind: 'ROW' | 'SHEET' | 'AUTH' | 'ADMIN';
  action: string;
  username: string | null;
  displayName: string | null;
  /** A row change made by another system: its API token's name (username: the admin who made the token). */
  apiToken?: string | null;
  unitId: string | null;
  unitName: string | null;
  ledgerKey: string | null;
  rowId: string | null;
  period: string | null;
  detail: Record<string, unknown> | null;
}

export const AUDIT_LOG = gql`
  query AuditLog($userId: ID, $unitId: ID, $ledger: String, $from: String, $to: String, $before: DateTime) {
    auditLog(userId: $userId, unitId: $unitId, ledger: $ledger, from: $from, to: $to, before: $before, first: 100) {
      at
      kind
      action
      username
      displayName
      apiToken
      unitId
      unitName
      ledgerKey
      rowId
      period
      detail
    }
  }
`;
