import { unitFills } from '@taizhang/ledger-core';
import { Injectable } from '@nestjs/common';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import { RowWriter } from '../ledger-data/row-writer.service';
import { UnitsService } from '../units/units.service';
import type { UnitEntity } from '../units/unit.entity';
import { PublicAnswersException } from './public-answers.exception';
import type { PublicSurveyModel } from './public-answers.model';
import { RateLimiter } from './rate-limiter';

/** Answers per client address per minute: a hall's shared Wi-Fi still gets a queue's worth. */
const ANSWERS_PER_MINUTE = 20;

/**
 * The public survey (attachment 4): anyone with a unit's link answers into that unit's public
 * ledger. Only ledgers marked public, only active units that take them, inserts only, checked
 * like every row, limited per address; nothing can be read back.
 */
@Injectable()
export class PublicAnswersService {
  private readonly limiter = new RateLimiter(ANSWERS_PER_MINUTE, 60_000);

  constructor(
    private readonly registry: LedgerRegistry,
    private readonly units: UnitsService,
    private readonly writer: RowWriter,
  ) {}

  async survey(unitCode: string, ledgerKey: string | null): Promise<PublicSurveyModel> {
    const { ledger, unit } = await this.find(unitCode, ledgerKey);
    return { ledgerKey: ledger.key, unitCode: unit.code, unitName: unit.name, definition: ledger.definition };
  }

  /** `clientKey`: the form's own key for this answer; sent again, the answer is kept once (row-receipts.ts). */
  async answer(
    ledgerKey: string,
    unitCode: string,
    values: unknown,
    address: string,
    clientKey: string | null = null,
  ): Promise<boolean> {
    const wait = this.limiter.take(address);
    if (wait !== null) throw PublicAnswersException.tooMany(wait);
    const { ledger, unit } = await this.find(unitCode, ledgerKey);
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw PublicAnswersException.invalidAnswer([
        {
          path: 'values',
          message: { 'zh-CN': '答案应为按题目键名的对象', en: 'Answers must be an object keyed by question' },
        },
      ]);
    }
    // nobody signed in: no author, and the history says it came from the public survey
    const [outcome] = await this.writer.saveAs(
      ledger,
      { actor: null, unitId: unit.id, source: 'public' },
      { changes: [{ op: 'INSERT', values, clientKey }], allOrNothing: true },
    );
    if (outcome.status !== 'SAVED') throw PublicAnswersException.invalidAnswer(outcome.errors ?? []);
    return true;
  }

  /** The public ledger (the first public one the unit takes, unless named) and the unit, or NOT_FOUND. */
  private async find(
    unitCode: string,
    ledgerKey: string | null,
  ): Promise<{ ledger: PublishedLedger; unit: UnitEntity }> {
    const unit = (await this.units.list(null)).find((u) => u.code === unitCode && u.active);
    if (!unit) throw PublicAnswersException.noSuchSurvey();
    const ledger = (await this.registry.all()).find(
      (l) =>
        l.definition.public === true && (ledgerKey === null || l.key === ledgerKey) && unitFills(l.definition, unit),
    );
    if (!ledger) throw PublicAnswersException.noSuchSurvey();
    return { ledger, unit };
  }
}
