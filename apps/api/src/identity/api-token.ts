import { createHash, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** Every API token starts so: a bearer token that does not is a session's. */
export const API_TOKEN_PREFIX = 'tz_';

/** `tz_` and 32 random bytes in base64url: shown once, stored only as its SHA-256. */
export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function isApiToken(bearer: string): boolean {
  return bearer.startsWith(API_TOKEN_PREFIX);
}

/** An address as a client's socket gives it: an IPv4 address mapped into IPv6 becomes plain IPv4. */
export function plainAddress(address: string | undefined | null): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** An address (`10.1.2.3`, `2001:db8::1`) or a block (`10.1.0.0/16`), or the reason it is not. */
export function parseAllowedAddress(text: string): { address: string; prefix: number | null } | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return null;
  if (prefixText === undefined) return { address, prefix: null };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  return { address, prefix };
}

/** Whether a client address is one of the allowed addresses or blocks. */
export function addressAllowed(client: string | null, allowed: readonly string[]): boolean {
  const address = plainAddress(client);
  if (address === null || isIP(address) === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const parsed = parseAllowedAddress(entry);
    if (!parsed) continue;
    const type = isIP(parsed.address) === 4 ? 'ipv4' : 'ipv6';
    if (parsed.prefix === null) list.addAddress(parsed.address, type);
    else list.addSubnet(parsed.address, parsed.prefix, type);
  }
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}
