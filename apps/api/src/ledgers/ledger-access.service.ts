import { Injectable } from '@nestjs/common';
import { unitFills } from '@taizhang/ledger-core';
import { seesAllUnits } from '../identity/access-policy';
import { AuthException } from '../identity/auth.exception';
import { unitOf, type Principal } from '../identity/principal';
import { LedgerRegistry, type PublishedLedger } from './ledger-registry.service';
import { LedgersException } from './ledgers.exception';

/** Which ledgers a caller may see: admins and leaders every one, a clerk those their unit fills. */
@Injectable()
export class LedgerAccess {
  constructor(private readonly registry: LedgerRegistry) {}

  async visibleLedgers(principal: Principal): Promise<PublishedLedger[]> {
    const narrowed = principal.apiToken?.ledgers;
    const all = (await this.registry.all()).filter((ledger) => !narrowed || narrowed.includes(ledger.definition.key));
    if (seesAllUnits(principal)) return all;
    if (principal.unitId === null) return [];
    const unit = unitOf(principal);
    return all.filter((ledger) => unit !== null && unitFills(ledger.definition, unit));
  }

  async readableLedger(principal: Principal, key: string): Promise<PublishedLedger> {
    const ledger = await this.registry.find(key);
    if (!ledger) throw LedgersException.notFound(key);
    // an API token narrowed to some ledgers (identity/token-scopes.ts) reads those only
    if (principal.apiToken?.ledgers && !principal.apiToken.ledgers.includes(key)) throw AuthException.forbidden();
    if (seesAllUnits(principal)) return ledger;
    const unit = unitOf(principal);
    if (!unit || !unitFills(ledger.definition, unit)) throw LedgersException.notAssigned(key);
    return ledger;
  }
}
