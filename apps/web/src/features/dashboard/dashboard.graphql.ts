import { gql } from '@apollo/client';
import type { SheetState } from '../ledgers/ledgers.graphql';
import type { LedgerDefinition } from '@taizhang/ledger-core';

export interface DashboardLedger {
  key: string;
  title: string;
  period: 'none' | 'daily' | 'weekly' | 'monthly';
  definition: LedgerDefinition;
}

export const DASHBOARD_LEDGERS = gql`
  query DashboardLedgers {
    ledgers {
      key
      title
      period
      definition
    }
  }
`;

export type { SheetState } from '../ledgers/ledgers.graphql';

export interface BoardSheet {
  unit: { id: string; name: string };
  state: SheetState;
  submittedAt: string | null;
  remindedAt: string | null;
  /** When a clerk of the unit first read the reminder's notice. */
  reminderReadAt: string | null;
  overdue: boolean;
  withdrawnCount: number;
  withdrawnAt: string | null;
  submittedWarnings: number | null;
  /** Its derived figures (docs/ledger-language.md, "Figures from another ledger"). */
  figures: SheetFigure[];
  /** Correction requests (申请更正) waiting, and corrections applied since submission. */
  pendingCorrections: number;
  appliedCorrections: number;
  /** The unit's active clerks with their phones: for admins and leaders; null for a clerk. */
  clerks: { name: string; phone: string | null }[] | null;
  /** The last 催报: when, by whom. */
  lastReminder: { at: string; by: string | null } | null;
}

/** What a derived figure of a sheet says (Sheet.figures, FigureDifference.figure). */
const FIGURE_FIELDS = 'field title value live difference overridden reason';

export interface SheetFigure {
  field: string;
  title: string;
  value: number | null;
  live: number;
  difference: number | null;
  overridden: boolean;
  reason: string | null;
}

/** Reconciliation: a submitted figure its source ledger now contradicts, with the source rows changed since. */
export interface FigureDifference {
  unit: { id: string; name: string };
  period: string;
  figure: SheetFigure;
  changedRows: { ledger: string; id: string; label: string | null }[];
}

export const RECONCILIATION = gql`
  query Reconciliation($ledger: String!, $from: String!, $to: String!) {
    reconciliation(ledger: $ledger, from: $from, to: $to) {
      unit {
        id
        name
      }
      period
      figure { ${FIGURE_FIELDS} }
      changedRows {
        ledger
        id
        label
      }
    }
  }
`;

export interface Board {
  period: string;
  counts: {
    notStarted: number;
    draft: number;
    submitted: number;
    submittedLate: number;
    returned: number;
    overdue: number;
    withdrawn: number;
  };
  sheets: BoardSheet[];
}

export const BOARD = gql`
  query DashboardBoard($ledger: String!, $period: String!) {
    submissionBoard(ledger: $ledger, period: $period) {
      period
      counts {
        notStarted
        draft
        submitted
        submittedLate
        returned
        overdue
        withdrawn
      }
      sheets {
        unit {
          id
          name
        }
        state
        submittedAt
        remindedAt
        reminderReadAt
        overdue
        withdrawnCount
        withdrawnAt
        submittedWarnings
        figures { ${FIGURE_FIELDS} }
        pendingCorrections
        appliedCorrections
        clerks {
          name
          phone
        }
        lastReminder {
          at
          by
        }
      }
    }
  }
`;

export interface Reminder {
  remindedAt: string;
  /** Webhooks the reminder.issued event went to (an SMS gateway): docs/integration.md, Webhooks. */
  webhooks: number;
  units: {
    unit: { name: string };
    state: SheetState;
    clerks: { displayName: string; username: string; phone: string | null }[];
  }[];
}

export const REMIND_MISSING = gql`
  mutation RemindMissing($ledger: String!, $period: String!, $unitIds: [ID!]) {
    remindMissing(ledger: $ledger, period: $period, unitIds: $unitIds) {
      remindedAt
      webhooks
      units {
        unit {
          name
        }
        state
        clerks {
          displayName
          username
          phone
        }
      }
    }
  }
`;

export interface StatValue {
  measure: string;
  title: string;
  value: number | null;
  target: number | null;
  met: boolean | null;
}

/** A correction (更正) applied after submission to a row the statistics count (docs/api.md). */
export interface StatOverride {
  unitId: string;
  unitName: string;
  period: string;
  field: string;
  fieldTitle: string;
  measures: string[];
  value: unknown;
  derived: unknown;
  reason: string;
}

export interface StatCorrection {
  id: string;
  unitId: string;
  unitName: string;
  day: string | null;
  field: string;
  fieldTitle: string;
  measures: string[];
  oldValue: unknown;
  newValue: unknown;
  reason: string;
}

export interface Statistics {
  rows: { keys: { dimension: string; value: string | null; label: string }[]; values: StatValue[] }[];
  totals: StatValue[];
  corrections: StatCorrection[];
  /** Derived figures set by hand in the rows counted (StatOverride). */
  overrides: StatOverride[];
}

export const STATISTICS = gql`
  query DashboardStatistics(
    $ledger: String!
    $measures: [String!]!
    $groupBy: [String!]!
    $from: String
    $to: String
    $unitIds: [ID!]
  ) {
    statistics(ledger: $ledger, measures: $measures, groupBy: $groupBy, from: $from, to: $to, unitIds: $unitIds) {
      rows {
        keys {
          dimension
          value
          label
        }
        values {
          measure
          title
          value
          target
          met
        }
      }
      totals {
        measure
        title
        value
        target
        met
      }
      corrections {
        id
        unitId
        unitName
        day
        field
        fieldTitle
        measures
        oldValue
        newValue
        reason
      }
      overrides {
        unitId
        unitName
        period
        field
        fieldTitle
        measures
        value
        derived
        reason
      }
    }
  }
`;

export interface SurveyResults {
  responses: number;
  questions: {
    field: string;
    title: string;
    type: string;
    answered: number;
    options: { value: string; label: string; count: number; share: number | null }[];
  }[];
}

export const SURVEY_RESULTS = gql`
  query DashboardSurvey($ledger: String!, $from: String, $to: String, $unitIds: [ID!]) {
    surveyResults(ledger: $ledger, from: $from, to: $to, unitIds: $unitIds) {
      responses
      questions {
        field
        title
        type
        answered
        options {
          value
          label
          count
          share
        }
      }
    }
  }
`;
