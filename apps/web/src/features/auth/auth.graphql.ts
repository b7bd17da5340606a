import { gql } from '@apollo/client';
import type { Role } from '@taizhang/domain';

export interface CurrentUser {
  id: string;
  username: string;
  displayName: string;
  role: 'ADMIN' | 'CLERK' | 'LEADER';
  unit: { id: string; code: string; name: string; kind: string } | null;
  /** Until the user chooses a new password, the API answers nothing but me, changePassword and signOut. */
  mustChangePassword: boolean;
}

export function roleOf(user: CurrentUser): Role {
  return user.role.toLowerCase() as Role;
}

const USER_FIELDS = `id username displayName role unit { id code name kind } mustChangePassword`;

export const ME = gql`
  query Me {
    me { ${USER_FIELDS} }
  }
`;

export const SIGN_IN = gql`
  mutation SignIn($username: String!, $password: String!) {
    signIn(username: $username, password: $password) {
      expiresAt
      user { ${USER_FIELDS} }
    }
  }
`;

export const SIGN_OUT = gql`
  mutation SignOut {
    signOut
  }
`;

export const CHANGE_PASSWORD = gql`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`;
