import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { shanghaiDate } from '@taizhang/ledger-core';
import { shanghaiDateTime } from '../common/time/shanghai';
import { Clock } from '../common/time/clock';
import { RowWriter } from '../ledger-data/row-writer.service';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import type { RowChange } from '../ledger-tables/row-write';

/** The demo's days of daily reports, up to today. */
const DAYS = 30;

/** A small seeded generator: the same demo every time (mulberry32). */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface DemoUnit {
  id: number;
  kind: string;
  code: string;
  clerkId: number;
  clerk: string;
}

const dayBefore = (today: string, days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * Rows for the demo (npm start on a new database, DEMO_ROWS unset or 1): a month of window
 * cases of every township centre and window with their follow-up visits (a dissatisfied one
 * opens a rectification, as the ledger says), and the month's daily reports whose counts derive
 * from them — most submitted on time, a few late, a few days missing, today's half done, one
 * figure overridden with a reason, two units with a case entered after yesterday's submission
 * (reconciliation shows them) — and survey answers. Written the
 * way a clerk writes them, through RowWriter (checked, versioned, audited); only the past
 * days' submissions are set directly, with the times they would have had.
 */
export async function seedDemoRows(app: INestApplicationContext): Promise<number> {
  const db = app.get(DataSource);
  const writer = app.get(RowWriter);
  const registry = app.get(LedgerRegistry);
  const today = shanghaiDate(app.get(Clock).now());
  const random = randomFrom(2023_03_01);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const units = (await db.query(
    `SELECT u.id, u.kind, u.code, c.id AS "clerkId", c.username AS clerk
       FROM units u JOIN LATERAL (SELECT id, username FROM users WHERE unit_id = u.id AND role = 'clerk' ORDER BY id LIMIT 1) c ON true
      WHERE u.kind IN ('township_centre', 'service_window') ORDER BY u.sort_order`,
  )) as DemoUnit[];
  let saved = 0;
  const write = async (unit: DemoUnit, ledger: string, values: Record<string, unknown>[]) => {
    // as if the unit's clerk had entered them, and the history says they are demo data
    const published = await registry.find(ledger);
    if (!published) return [];
    const changes: RowChange[] = values.map((v) => ({ op: 'INSERT', values: v }));
    const outcomes = await writer.saveAs(
      published,
      { actor: unit.clerkId, unitId: unit.id, source: 'seed' },
      { changes },
    );
    saved += outcomes.filter((o) => o.status === 'SAVED').length;
    return outcomes;
  };

  const time = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  for (const [index, unit] of units.entries()) {
    // a month of window cases, each day's completed ones followed up: the daily report's counts
    // are derived from them (schemas/daily_followup.json, `derive`)
    const caseOf = (day: string, i: number, done: boolean, result: string) => {
      const accepted = 8 * 60 + 30 + i * 25;
      return {
        case_no: `${unit.id}-${day.replaceAll('-', '')}-${i + 1}`,
        accepted_at: shanghaiDateTime(day, time(accepted)),
        service_item: pick(['营业执照办理', '社保参保登记', '不动产登记', '户籍迁移', '医保报销', '公积金提取']),
        applicant: pick(['张', '王', '李', '赵', '刘', '陈']) + pick(['伟', '芳', '娜', '敏', '静', '强']),
        phone: `138${String(10_000_000 + Math.floor(random() * 89_999_999)).slice(0, 8)}`,
        channel: pick(['窗口', '窗口', '网上', '自助']),
        status: done ? '办结' : '办理中',
        promised_days: 3,
        ...(done ? { completed_at: shanghaiDateTime(day, time(accepted + 40)) } : {}),
        ...(done && result
          ? {
              visited_at: shanghaiDateTime(day, time(accepted + 40 + 30 + Math.floor(random() * 60))),
              visit_method: pick(['电话', '短信', '微信']),
              visit_result: result,
            }
          : {}),
      };
    };
    const cases: Record<string, unknown>[] = [];
    for (let back = DAYS - 1; back >= 0; back -= 1) {
      const day = dayBefore(today, back);
      const count = 3 + Math.floor(random() * 8);
      for (let i = 0; i < count; i += 1) {
        const done = back > 0 || i < count / 2;
        // now and then a case not followed up yet; a dissatisfied one opens a rectification
        const visited = random() > 0.08;
        const result =
          index % 6 === 2 && back % 9 === 1 && i === 0
            ? '不太满意'
            : visited
              ? pick(['非常满意', '非常满意', '比较满意', '一般'])
              : '';
        cases.push(caseOf(day, i, done, result));
      }
    }
    await write(unit, 'window_case', cases);

    const reports: Record<string, unknown>[] = [];
    for (let back = DAYS - 1; back >= 0; back -= 1) {
      if (back === 0 ? index % 2 === 1 : (index * 7 + back) % 23 === 0) continue; // not reported (yet)
      reports.push({ report_date: dayBefore(today, back), qr_good_reviews: Math.floor(random() * 6) });
    }
    const written = await write(unit, 'daily_followup', reports);
    const daily = await registry.find('daily_followup');
    if (index === 3 && daily) {
      // a unit that handled two cases off-system on one day says so
      const row = written.find((o) => o.row?.values.report_date === dayBefore(today, 2))?.row;
      if (row)
        await writer.saveAs(
          daily,
          { actor: unit.clerkId, unitId: unit.id, source: 'seed' },
          {
            changes: [
              {
                op: 'UPDATE',
                id: String(row.id),
                version: row.version,
                values: { cases: Number(row.values.cases) + 2 },
                reasons: { cases: '系统停电期间线下受理 2 件，已补登纸质台账' },
              },
            ],
          },
        );
    }
    // the past days' sheets were submitted, most before the 17:00 deadline
    for (const report of reports) {
      const day = report.report_date as string;
      if (day === today) continue;
      const late = random() < 0.08;
      const at = shanghaiDateTime(day, `${late ? '18' : '16'}:${String(Math.floor(random() * 60)).padStart(2, '0')}`);
      await db.query(
        `INSERT INTO sheets (ledger_key, unit_id, period, state, submitted_at, submitted_by, late)
         VALUES ('daily_followup', $1, $2, 'submitted', $3, $4, $5)
         ON CONFLICT (ledger_key, unit_id, period) DO UPDATE SET state = 'submitted', submitted_at = $3, submitted_by = $4, late = $5`,
        [unit.id, day, at, unit.clerkId, late],
      );
    }

    // the month's cases were entered as they were completed, not at seeding: each keeps the time it
    // would have had (so that reconciliation names only the cases entered after a submission)
    await db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
      await tx.query(
        `UPDATE ledger_window_case SET created_at = least(now(), coalesce(completed_at, accepted_at) + interval '5 minutes'),
                updated_at = least(now(), coalesce(visited_at, completed_at, accepted_at) + interval '5 minutes')
          WHERE unit_id = $1`,
        [unit.id],
      );
    });
    // cases entered late, after yesterday's sheet was submitted: reconciliation shows them
    if (index === 1 || index === 4)
      await write(unit, 'window_case', [caseOf(dayBefore(today, 1), 20, true, '比较满意')]);

    if (unit.kind === 'township_centre') {
      const answers = Array.from({ length: 12 }, () => ({
        q1: pick(['A', 'A', 'A', 'B', 'B', 'C']),
        q2: pick(['A', 'A', 'B', 'C']),
        q3: pick(['A', 'A', 'B']),
        q4: pick(['A', 'B', 'C', 'D']),
        q7: [...new Set([pick(['A', 'B', 'C']), pick(['A', 'D', 'E'])])],
        q8: pick(['A', 'A', 'B', 'C']),
        q9: pick(['A', 'B', 'B', 'C']),
      }));
      await write(unit, 'survey', answers);
    }
  }
  return saved;
}
