import { Injectable } from '@nestjs/common';
import { unitFills } from '@taizhang/ledger-core';
import { seesAllUnits } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { UnitsService } from '../units/units.service';
import { LedgerRegistry, type PublishedLedger } from './ledger-registry.service';
import { LedgersException } from './ledgers.exception';

/** Which ledgers a caller may see: admins and leaders every one, a clerk those their unit fills. */
@Injectable()
export class LedgerAccess {
  constructor(
    private readonly registry: LedgerRegistry,
    private readonly units: UnitsService,
  ) {}

  async visibleLedgers(principal: Principal): Promise<PublishedLedger[]> {
    const all = await this.registry.all();
    if (seesAllUnits(principal)) return all;
    if (principal.unitId === null) return [];
    const unit = await this.units.findById(principal.unitId);
    return all.filter((ledger) => unitFills(ledger.definition, unit));
  }

  async readableLedger(principal: Principal, key: string): Promise<PublishedLedger> {
    const ledger = await this.registry.find(key);
    if (!ledger) throw LedgersException.notFound(key);
    if (seesAllUnits(principal)) return ledger;
    const unit = principal.unitId === null ? null : await this.units.findById(principal.unitId);
    if (!unit || !unitFills(ledger.definition, unit)) throw LedgersException.notAssigned(key);
    return ledger;
  }
}
