import { Injectable } from '@nestjs/common';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import { seesAllUnits } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import type { UnitEntity } from '../units/unit.entity';
import { UnitsService } from '../units/units.service';
import { LedgerRegistry, type PublishedLedger } from './ledger-registry.service';
import { LedgersException } from './ledgers.exception';

/** Whether a unit fills a ledger: its kind or its code is among the fillers (none named: every unit). */
export function unitFills(definition: LedgerDefinition, unit: Pick<UnitEntity, 'kind' | 'code'>): boolean {
  const fillers = definition.fillers;
  if (!fillers || (!fillers.unitKinds?.length && !fillers.units?.length)) return true;
  return Boolean(fillers.unitKinds?.includes(unit.kind) || fillers.units?.includes(unit.code));
}

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
