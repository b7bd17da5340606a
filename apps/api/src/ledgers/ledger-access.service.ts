import { Injectable } from '@nestjs/common';
import { unitFills } from '@taizhang/ledger-core';
import { seesAllUnits } from '../identity/access-policy';
import { unitOf, type Principal } from '../identity/principal';
import { LedgerRegistry, type PublishedLedger } from './ledger-registry.service';
import { LedgersException } from './ledgers.exception';

/** Which ledgers a caller may see: admins and leaders every one, a clerk those their unit fills. */
@Injectable()
export class LedgerAccess {
  constructor(private readonly registry: LedgerRegistry) {}

  async visibleLedgers(principal: Principal): Promise<PublishedLedger[]> {
    const all = await this.registry.all();
    if (seesAllUnits(principal)) return all;
    if (principal.unitId === null) return [];
    const unit = unitOf(principal);
    return all.filter((ledger) => unit !== null && unitFills(ledger.definition, unit));
  }

  async readableLedger(principal: Principal, key: string): Promise<PublishedLedger> {
    const ledger = await this.registry.find(key);
    if (!ledger) throw LedgersException.notFound(key);
    if (seesAllUnits(principal)) return ledger;
    const unit = unitOf(principal);
    if (!unit || !unitFills(ledger.definition, unit)) throw LedgersException.notAssigned(key);
    return ledger;
  }
}
