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

export interface PublicBaseUrl {
  url: string | null;
  source: 'SETTING' | 'ENVIRONMENT' | 'NONE';
  environmentUrl: string | null;
  updatedAt: string | null;
}

export const PUBLIC_BASE_URL = gql`
  query PublicBaseUrl {
    publicBaseUrl {
      url
      source
      environmentUrl
      updatedAt
    }
  }
`;

export const SET_PUBLIC_BASE_URL = gql`
  mutation SetPublicBaseUrl($url: String) {
    setPublicBaseUrl(url: $url) {
      url
      source
      environmentUrl
      updatedAt
    }
  }
`;

/** A unit's public survey address: `<base>/s/<code>`, naming the ledger when there is more than one survey. */
export function surveyUrl(base: string, unitCode: string, ledger: string | null): string {
  return `${base.replace(/\/+$/, '')}/s/${encodeURIComponent(unitCode)}${ledger ? `?ledger=${encodeURIComponent(ledger)}` : ''}`;
}

/**
 * Whether phones outside the office network probably cannot reach this address: loopback, private
 * and link-local IPv4 and IPv6, `.local`/`.lan`/`.internal`/`.localdomain` names, and bare host
 * names without a dot (an intranet name). An address that does not parse counts as internal.
 */
export function looksInternal(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return true;
  }
  if (host.startsWith('[')) {
    const v6 = host.slice(1, -1);
    return v6 === '::1' || v6 === '::' || /^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6);
  }
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (ipv4) {
    const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT
    );
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/\.(local|lan|internal|intranet|localdomain|home\.arpa)$/.test(host)) return true;
  return !host.includes('.');
}

/** How a QR code is drawn (SVG); the same options make the same code (the browser test checks it). */
export const QR_OPTIONS = { type: 'svg', margin: 1, errorCorrectionLevel: 'M' } as const;

/** The poster sizes a hall takes, as CSS @page names them. */
export const POSTER_SIZES = ['A4', 'A3'] as const;
export type PosterSize = (typeof POSTER_SIZES)[number];

/** An address cut into pieces that each end where a line may break: after / ? & = and before a dot-less long run. */
export function urlBreakPieces(url: string): string[] {
  return url.split(/(?<=[/?&=])/).filter((piece) => piece !== '');
}
