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

  async forWrite(
    principal: Principal,
    ledgerKey: string,
    unitId: string | null | undefined,
  ): Promise<{ ledger: PublishedLedger; unitId: number }> {
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
    const unit = own?.id === target ? own : await this.units.findById(target);
    if (!unitFills(ledger.definition, unit)) throw LedgersException.notAssigned(ledgerKey);
    return { ledger, unitId: target };
  }
}
