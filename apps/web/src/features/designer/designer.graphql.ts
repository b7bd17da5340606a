import { gql } from '@apollo/client';
import type { LedgerDefinition } from '@taizhang/ledger-core';

export interface AdminLedger {
  key: string;
  title: string;
  version: number;
  period: string;
  definition: LedgerDefinition;
}

export const ADMIN_LEDGERS = gql`
  query AdminLedgers {
    ledgers {
      key
      title
      version
      period
      definition
    }
  }
`;

export const PUBLISH_LEDGER = gql`
  mutation PublishLedger($definition: JSON!) {
    publishLedger(definition: $definition) {
      key
      version
      definition
    }
  }
`;

/** Every problem of a definition, as publishing would find them (the database's too); [] when publishable. */
export const CHECK_LEDGER = gql`
  query CheckLedger($definition: JSON!) {
    checkLedger(definition: $definition) {
      path
      message
    }
  }
`;

/** What a publish did to the data (the API's version-report.ts). */
export interface VersionReport {
  added: string[];
  renamed: { from: string; to: string }[];
  retyped: { field: string; from: string; to: string; keptAs: string; unconverted: number; examples?: string[] }[];
  hidden: { field: string; keptAs: string }[];
  restored: string[];
  seededRows: number;
  /** Other ledgers that named a renamed field, published again with its new name (absent before 2026-12-08). */
  followed?: { ledger: string; version: number }[];
  /** Published by another ledger's publish, whose renamed field this ledger names. */
  renamedBy?: { ledger: string; version: number } | null;
}

export interface LedgerVersion {
  version: number;
  publishedAt: string;
  publishedBy: string | null;
  source: string;
  definition: LedgerDefinition;
  report: VersionReport | null;
}

export const LEDGER_VERSIONS = gql`
  query LedgerVersions($key: String!) {
    ledgerVersions(key: $key) {
      version
      publishedAt
      publishedBy
      source
      definition
      report
    }
  }
`;

/** The rows that have a value in a column a publish kept old values in (a retyped or removed field's). */
export const KEPT_VALUES = gql`
  query KeptValues($ledger: String!, $column: String!) {
    keptValues(ledger: $ledger, column: $column, first: 50) {
      rowId
      unitName
      value
    }
  }
`;

export interface PublishPreview {
  problems: { path: string; message: string }[];
  changes: boolean;
  report: VersionReport | null;
  rejected: {
    kind: 'rule' | 'required';
    key: string;
    level: 'error' | 'warning';
    message: string;
    rows: number | null;
  }[];
}

/** What publishing would do to the data, tried on the real rows and rolled back. */
export const PUBLISH_PREVIEW = gql`
  query PublishPreview($definition: JSON!) {
    publishPreview(definition: $definition) {
      problems {
        path
        message
      }
      changes
      report
      rejected {
        kind
        key
        level
        message
        rows
      }
    }
  }
`;
