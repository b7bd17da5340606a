import { Injectable } from '@nestjs/common';
import { assertCanReadUnit, seesAllUnits } from '../identity/access-policy';
import { AuthException } from '../identity/auth.exception';
import { unitOf, type Principal } from '../identity/principal';
import { parseId } from '../common/graphql/ids';
import { unitFills } from '@taizhang/ledger-core';
import { LedgerAccess } from '../ledgers/ledger-access.service';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import { LedgersException } from '../ledgers/ledgers.exception';
import { UnitsService } from '../units/units.service';
import type { UnitScope } from '../ledger-tables/row-scope';
import { RowsException } from '../ledger-tables/rows.exception';
import { problem, type RowProblemText } from '../ledger-tables/row-write';

/** A unit writes a ledger's rows only if the definition's fillers include it. */
export function assertUnitFills(ledger: PublishedLedger, unit: { kind: string; code: string }): void {
  if (!unitFills(ledger.definition, unit)) throw LedgersException.notAssigned(ledger.key);
}

/**
 * Which ledger and which units a rows request may touch. The unit of a clerk is always the
 * session's: a clerk naming another unit is refused, never served.
 */
@Injectable()
export class RowAccess {
  constructor(
    private readonly ledgers: LedgerAccess,
    private readonly units: UnitsService,
  ) {}

  async forRead(
    principal: Principal,
    ledgerKey: string,
    unitId: string | null | undefined,
  ): Promise<{ ledger: PublishedLedger; scope: UnitScope }> {
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    if (unitId !== null && unitId !== undefined) {
      const id = parseId(unitId, 'unitId');
      assertCanReadUnit(principal, id);
      return { ledger, scope: { units: [id] } };
    }
    if (seesAllUnits(principal)) return { ledger, scope: { all: true } };
    if (principal.unitId === null) throw AuthException.forbidden();
    return { ledger, scope: { units: [principal.unitId] } };
  }

  /**
   * `deferUnit`: the caller checks, in its transaction, that a unit other than the caller's own
   * exists and fills the ledger (`unitChecked` false: the row writer reads the unit with its write
   * guard, one round trip fewer than looking it up here).
   */
  async forWrite(
    principal: Principal,
    ledgerKey: string,
    unitId: string | null | undefined,
    deferUnit = false,
  ): Promise<{ ledger: PublishedLedger; unitId: number; unitChecked: boolean }> {
    if (principal.role === 'leader') throw RowsException.readOnlyRole();
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    let target: number;
    if (principal.role === 'clerk') {
      if (principal.unitId === null) throw AuthException.forbidden();
      if (unitId !== null && unitId !== undefined && parseId(unitId, 'unitId') !== principal.unitId)
        throw AuthException.otherUnit();
      target = principal.unitId;
    } else {
      if (unitId === null || unitId === undefined) throw RowsException.unitRequired();
      target = parseId(unitId, 'unitId');
    }
    // the caller's own unit is known from the session; another (an admin's choice) is looked up
    const own = unitOf(principal);
    if (own?.id !== target && deferUnit) return { ledger, unitId: target, unitChecked: false };
    const unit = own?.id === target ? own : await this.units.findById(target);
    assertUnitFills(ledger, unit);
    return { ledger, unitId: target, unitChecked: true };
  }

  /**
   * A batch whose changes name their units (RowChangeInput.unitId): each change's unit, or why it
   * may not be written there. The mutation's unitId keeps its meaning (the unit of a change that
   * names none; a clerk naming another unit there is refused as a whole, as for any save); a
   * change naming a unit the caller may not write (a clerk's other unit, an unknown unit, one that
   * does not fill the ledger) is refused by itself, the others kept.
   */
  async forWriteAcross(
    principal: Principal,
    ledgerKey: string,
    unitId: string | null | undefined,
    named: (string | null | undefined)[],
  ): Promise<{ ledger: PublishedLedger; units: (number | RowProblemText)[] }> {
    if (principal.role === 'leader') throw RowsException.readOnlyRole();
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    const clerk = principal.role === 'clerk';
    if (clerk && principal.unitId === null) throw AuthException.forbidden();
    let fallback: number | null = clerk ? principal.unitId : null;
    if (unitId !== null && unitId !== undefined) {
      const id = parseId(unitId, 'unitId');
      if (clerk && id !== principal.unitId) throw AuthException.otherUnit();
      fallback = id;
    }
    const wanted = named.map((given) => {
      if (given === null || given === undefined) return fallback;
      const id = Number(given);
      return /^\d{1,10}$/.test(given) && Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : given;
    });
    const ids = [...new Set(wanted.filter((w): w is number => typeof w === 'number'))];
    const own = unitOf(principal);
    const others = ids.filter((id) => id !== own?.id && !clerk);
    const found = new Map<number, { kind: string; code: string }>(
      (others.length > 0 ? await this.units.list(others) : []).map((u) => [u.id, u]),
    );
    if (own) found.set(own.id, own);
    const units = wanted.map((w): number | RowProblemText => {
      if (w === null) return problem('unitId', '请指定这一行的单位（unitId）', "Name this row's unit (unitId)");
      if (typeof w === 'string') return problem('unitId', `无效的单位编号「${w}」`, `Invalid unit id "${w}"`);
      if (clerk && w !== principal.unitId)
        return problem(
          'unitId',
          `只能写入本单位的行，不能写入单位 ${w}`,
          `You can only write rows of your own unit, not of unit ${w}`,
        );
      const unit = found.get(w);
      if (!unit) return problem('unitId', `单位 ${w} 不存在`, `Unit ${w} does not exist`);
      if (!unitFills(ledger.definition, unit))
        return problem(
          'unitId',
          `台账「${ledgerKey}」未分配给单位 ${w}`,
          `The ledger "${ledgerKey}" is not assigned to unit ${w}`,
        );
      return w;
    });
    return { ledger, units };
  }
}
