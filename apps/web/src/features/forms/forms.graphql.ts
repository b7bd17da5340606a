import { gql } from '@apollo/client';

interface FieldProblem {
  path: string;
  message: string;
}

export interface SaveRowAnswer {
  saveRows: {
    results: {
      status: 'SAVED' | 'REJECTED' | 'CONFLICT';
      row: { id: string } | null;
      errors: FieldProblem[] | null;
      warnings: FieldProblem[] | null;
    }[];
  };
}

/** One new row, through the same saveRows as the grid. */
export const SAVE_ROW = gql`
  mutation SaveFormRow($ledger: String!, $unitId: ID, $period: String, $values: JSON!) {
    saveRows(ledger: $ledger, unitId: $unitId, period: $period, changes: [{ op: INSERT, values: $values }]) {
      results {
        status
        row {
          id
        }
        errors {
          path
          message
        }
        warnings {
          path
          message
        }
      }
    }
  }
`;

export interface UnitForForm {
  id: string;
  code: string;
  name: string;
  kind: string;
  active: boolean;
}

/** An admin fills a row in for a unit: the units to choose from. */
export const UNITS_FOR_FORM = gql`
  query UnitsForForm {
    units {
      id
      code
      name
      kind
      active
    }
  }
`;

/** The sheet's derived figures as their sources give them now (Sheet.derived), shown on the phone form. */
export const SHEET_FIGURES = gql`
  query SheetFigures($ledger: String!, $unitId: ID, $period: String!) {
    sheet(ledger: $ledger, unitId: $unitId, period: $period) {
      derived
    }
  }
`;
