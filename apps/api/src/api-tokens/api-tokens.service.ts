import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LocalizedText } from '@taizhang/domain';
import { hashApiToken, newApiToken, parseAllowedAddress } from '../identity/api-token';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { ApiTokensException } from './api-tokens.exception';
import { TokenScope, type ApiTokenInput, type ApiTokenModel } from './api-token.model';

/** A token lives a year unless its admin says otherwise. */
const DEFAULT_LIFETIME_DAYS = 365;
const MAX_ADDRESSES = 50;

interface TokenRow {
  id: string;
  name: string;
  scope: TokenScope;
  unit_id: number | null;
  unit_name: string | null;
  ledgers: string[] | null;
  allowed_addresses: string[] | null;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
  created_by: string | null;
}

const SELECT = `SELECT t.id, t.name, t.scope, t.unit_id, un.name AS unit_name, t.ledgers, t.allowed_addresses, t.expires_at,
                       t.last_used_at, t.revoked_at, t.created_at, u.username AS created_by
                  FROM api_tokens t LEFT JOIN units un ON un.id = t.unit_id LEFT JOIN users u ON u.id = t.created_by`;

function modelOf(row: TokenRow): ApiTokenModel {
  return {
    id: String(row.id),
    name: row.name,
    scope: row.scope,
    unitId: row.unit_id === null ? null : String(row.unit_id),
    unitName: row.unit_name,
    ledgers: row.ledgers,
    allowedAddresses: row.allowed_addresses ?? [],
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revoked: row.revoked_at !== null,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/**
 * API tokens for other systems (docs/integration.md): made and revoked by admins; the token is
 * answered once and stored only as its SHA-256. Using one is identity/api-token-auth.ts's.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledgers: LedgerRegistry,
  ) {}

  async list(): Promise<ApiTokenModel[]> {
    const rows = (await this.db.query(
      `${SELECT} ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC`,
    )) as TokenRow[];
    return rows.map(modelOf);
  }

  async create(input: ApiTokenInput, createdBy: number): Promise<{ token: string; apiToken: ApiTokenModel }> {
    const problems: { path: string; message: LocalizedText }[] = [];
    const problem = (path: string, zh: string, en: string) => problems.push({ path, message: { 'zh-CN': zh, en } });
    const name = (input.name ?? '').trim();
    if (name.length === 0) problem('name', '名称：请填写令牌用于哪个系统', 'name: say which system the token is for');
    else if ([...name].length > 60) problem('name', '名称：最多 60 个字', 'name: at most 60 characters');

    let unitId: number | null = null;
    if (input.scope === TokenScope.UNIT_WRITE) {
      if (!input.unitId)
        problem('unitId', '单位：「读写一个单位」的令牌须选择单位', 'unitId: a UNIT_WRITE token needs a unit');
      else {
        const id = /^\d{1,10}$/.test(input.unitId) ? Number(input.unitId) : NaN;
        const [unit] = Number.isSafeInteger(id)
          ? ((await this.db.query(`SELECT id, active FROM units WHERE id = $1`, [id])) as {
              id: number;
              active: boolean;
            }[])
          : [];
        if (!unit) problem('unitId', `单位：编号 ${input.unitId} 的单位不存在`, `unitId: no unit ${input.unitId}`);
        else if (!unit.active) problem('unitId', '单位：该单位已停用', 'unitId: the unit is deactivated');
        else unitId = unit.id;
      }
    } else if (input.unitId) {
      problem('unitId', '单位：只有「读写一个单位」的令牌可以指定单位', 'unitId: only a UNIT_WRITE token names a unit');
    }

    const ledgers = [...new Set((input.ledgers ?? []).map((key) => key.trim()).filter(Boolean))];
    if (input.scope === TokenScope.ROWS_READ && ledgers.length === 0) {
      problem(
        'ledgers',
        '台账：「读取台账数据」的令牌须至少选择一个台账',
        'ledgers: a ROWS_READ token needs at least one ledger',
      );
    }
    for (const key of ledgers) {
      if (!(await this.ledgers.find(key))) problem('ledgers', `台账：「${key}」不存在`, `ledgers: no ledger "${key}"`);
    }

    let expiresAt = input.expiresAt ?? null;
    if (expiresAt && !(expiresAt.getTime() > Date.now())) {
      problem('expiresAt', '有效期：须是将来的时间', 'expiresAt: must be in the future');
    }
    expiresAt ??= new Date(Date.now() + DEFAULT_LIFETIME_DAYS * 86_400_000);

    const addresses = [...new Set((input.allowedAddresses ?? []).map((a) => a.trim()).filter(Boolean))];
    if (addresses.length > MAX_ADDRESSES) {
      problem('allowedAddresses', `允许的地址：最多 ${MAX_ADDRESSES} 个`, `allowedAddresses: at most ${MAX_ADDRESSES}`);
    }
    for (const address of addresses) {
      if (!parseAllowedAddress(address)) {
        problem(
          'allowedAddresses',
          `允许的地址：「${address}」不是 IP 地址或网段（如 10.1.2.3、10.1.0.0/16）`,
          `allowedAddresses: "${address}" is not an IP address or block (e.g. 10.1.2.3, 10.1.0.0/16)`,
        );
      }
    }
    if (problems.length > 0) throw ApiTokensException.invalid(problems);

    const token = newApiToken();
    const [{ id }] = (await this.db.query(
      `INSERT INTO api_tokens (name, scope, unit_id, ledgers, allowed_addresses, token_hash, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        name,
        input.scope,
        unitId,
        ledgers.length ? ledgers : null,
        addresses.length ? addresses : null,
        hashApiToken(token),
        createdBy,
        expiresAt,
      ],
    )) as { id: string }[];
    return { token, apiToken: await this.find(id) };
  }

  /** Revoked at once: every API process looks the token up on each request. */
  async revoke(id: string): Promise<boolean> {
    const tokenId = /^\d{1,18}$/.test(id) ? id : null;
    const rows = tokenId
      ? ((await this.db.query(
          `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id`,
          [tokenId],
        )) as unknown[][])
      : [];
    // TypeORM answers an UPDATE … RETURNING as [rows, count]
    const changed = Array.isArray(rows[0]) ? rows[0] : rows;
    if (changed.length === 0) throw ApiTokensException.notFound(id);
    return true;
  }

  private async find(id: string): Promise<ApiTokenModel> {
    const rows = (await this.db.query(`${SELECT} WHERE t.id = $1`, [id])) as TokenRow[];
    if (!rows[0]) throw ApiTokensException.notFound(id);
    return modelOf(rows[0]);
  }
}
