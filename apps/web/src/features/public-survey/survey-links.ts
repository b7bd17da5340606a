import { gql } from '@apollo/client';

export interface UnitWithCode {
  id: string;
  code: string;
  name: string;
  kind: string;
  active: boolean;
}

export const UNITS_TO_PICK_WITH_CODES = gql`
  query UnitsWithCodes {
    units {
      id
      code
      name
      kind
      active
    }
  }
`;
