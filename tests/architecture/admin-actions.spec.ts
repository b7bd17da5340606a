import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every mutation only admins may call is in the audit log: it says `@AdminAction(…)` beside its
 * `@Mutation` (common/admin-audit.ts), or it is listed here with the record that already keeps it.
 */
const RECORDED_ELSEWHERE: Record<string, string> = {
  returnSheet: 'sheet_events (kind SHEET, action returned, with the reason)',
  correctRow: 'row_history with detail.correction (kind ROW)',
  approveCorrection: 'row_history with detail.correction (kind ROW)',
  rejectCorrection: 'sheet_corrections (decided_by, reason), shown with the sheet',
  resendDelivery: "the webhook's delivery log (attempts, last try)",
};

const API = path.resolve(__dirname, '../../apps/api/src');

function resolverFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return resolverFiles(full);
    return entry.name.endsWith('.resolver.ts') ? [full] : [];
  });
}

/** Each admin-only mutation's name and whether its decorators include @AdminAction. */
export function adminMutations(source: string): { name: string; audited: boolean }[] {
  const found: { name: string; audited: boolean }[] = [];
  // a member's decorators: from the end of the member before it to its name and "("
  const members = source.split(/\n(?=\s*@Roles\()/);
  for (const member of members) {
    const roles = /^\s*@Roles\(([^)]*)\)/.exec(member);
    if (!roles || !/@Mutation\(/.test(member)) continue;
    if (roles[1].replace(/\s/g, '') !== "'admin'") continue;
    const name = /\n\s*(?:async\s+)?([a-zA-Z]+)\(\s*\n?/.exec(member.slice(member.indexOf('@Mutation(')));
    const decorators = member.slice(0, name ? member.indexOf(name[0]) : member.length);
    found.push({ name: name?.[1] ?? '?', audited: decorators.includes('@AdminAction(') });
  }
  return found;
}

describe('admin actions', () => {
  it('finds an admin mutation and whether it says @AdminAction', () => {
    const source = `
  @Roles('admin')
  @AdminAction({ action: 'unit_created', target: 'unit', targetId: (_, u) => u })
  @Mutation(() => UnitModel)
  async createUnit(@Args('input') input: X) {}

  @Roles('admin')
  @Mutation(() => Boolean)
  forgotten(@Args('id') id: string) {}

  @Roles('leader', 'admin')
  @Mutation(() => Boolean)
  remind() {}
`;
    expect(adminMutations(source)).toEqual([
      { name: 'createUnit', audited: true },
      { name: 'forgotten', audited: false },
    ]);
  });

  it('are each in the audit log, or recorded elsewhere as listed', () => {
    const mutations = resolverFiles(API).flatMap((file) => adminMutations(fs.readFileSync(file, 'utf8')));
    expect(mutations.length).toBeGreaterThan(10);
    const unaudited = mutations.filter((m) => !m.audited && !(m.name in RECORDED_ELSEWHERE)).map((m) => m.name);
    expect(unaudited, 'add @AdminAction(…) beside these mutations').toEqual([]);
    // the list holds no name that is audited or gone
    const names = new Map(mutations.map((m) => [m.name, m.audited]));
    for (const name of Object.keys(RECORDED_ELSEWHERE)) expect(names.get(name), name).toBe(false);
  });
});
