import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { isUnitKind, UNIT_CODE_PATTERN, type LocalizedText, type UnitKind } from '@taizhang/domain';
import { UnitEntity } from './unit.entity';
import { UnitsException } from './units.exception';

export interface UnitInput {
  code?: string;
  name?: string;
  kind?: string;
  parentId?: number | null;
  active?: boolean;
}

@Injectable()
export class UnitsService {
  constructor(@InjectRepository(UnitEntity) private readonly units: Repository<UnitEntity>) {}

  /** Units in the seed's order; null: every unit. */
  list(ids: number[] | null): Promise<UnitEntity[]> {
    return this.units.find({
      where: ids === null ? {} : { id: In(ids) },
      order: { sortOrder: 'ASC', id: 'ASC' },
    });
  }

  async findById(id: number): Promise<UnitEntity> {
    const unit = await this.units.findOneBy({ id });
    if (!unit) throw UnitsException.notFound(String(id));
    return unit;
  }

  exists(id: number): Promise<boolean> {
    return this.units.existsBy({ id });
  }

  async create(input: Required<Pick<UnitInput, 'code' | 'name' | 'kind'>> & UnitInput): Promise<UnitEntity> {
    const code = input.code.trim().toLowerCase();
    const name = input.name.trim();
    await this.check({ ...input, code, name }, null);
    const last = await this.units.maximum('sortOrder');
    const result = await this.units.insert({
      code,
      name,
      kind: input.kind as UnitKind,
      parentId: input.parentId ?? null,
      active: input.active ?? true,
      sortOrder: (last ?? 0) + 1,
    });
    return this.findById(Number(result.identifiers[0].id));
  }

  /** The code is the unit's public identity (survey links, printed QR codes): it never changes. */
  async update(id: number, input: Omit<UnitInput, 'code'>): Promise<UnitEntity> {
    const current = await this.findById(id);
    const name = input.name?.trim();
    await this.check({ ...input, name }, current);
    await this.units.update(
      { id },
      {
        ...(name !== undefined && { name }),
        ...(input.kind !== undefined && { kind: input.kind as UnitKind }),
        ...(input.parentId !== undefined && { parentId: input.parentId }),
        ...(input.active !== undefined && { active: input.active }),
      },
    );
    return this.findById(id);
  }

  private async check(input: UnitInput, current: UnitEntity | null): Promise<void> {
    const problems: { path: string; message: LocalizedText }[] = [];
    if (input.code !== undefined && !UNIT_CODE_PATTERN.test(input.code)) {
      problems.push({
        path: 'code',
        message: {
          'zh-CN': '代码须为 2–16 位小写字母、数字或连字符，以字母开头',
          en: 'The code must be 2–16 lower-case letters, digits or hyphens, starting with a letter',
        },
      });
    }
    if (input.name !== undefined && (input.name.length < 1 || input.name.length > 100)) {
      problems.push({
        path: 'name',
        message: { 'zh-CN': '名称须为 1–100 个字符', en: 'The name must have 1–100 characters' },
      });
    }
    if (input.kind !== undefined && !isUnitKind(input.kind)) {
      problems.push({
        path: 'kind',
        message: { 'zh-CN': `未知的单位类型「${input.kind}」`, en: `Unknown unit kind "${input.kind}"` },
      });
    }
    if (input.parentId !== undefined && input.parentId !== null) {
      if (!(await this.exists(input.parentId))) {
        problems.push({
          path: 'parentId',
          message: { 'zh-CN': '上级单位不存在', en: 'The parent unit does not exist' },
        });
      } else if (current && (await this.isAncestorOrSelf(current.id, input.parentId))) {
        problems.push({
          path: 'parentId',
          message: { 'zh-CN': '上级单位不能是本单位或其下级', en: 'A unit cannot be its own ancestor' },
        });
      }
    }
    if (problems.length > 0) throw UnitsException.invalid(problems);
    for (const path of ['code', 'name'] as const) {
      const value = input[path];
      if (value === undefined) continue;
      const other = await this.units.findOneBy({ [path]: value });
      if (other && other.id !== current?.id) throw UnitsException.taken(path, value);
    }
  }

  /** Whether `unitId` lies on the parent chain that starts at `candidate`: making it the parent would close a cycle. */
  private async isAncestorOrSelf(unitId: number, candidate: number): Promise<boolean> {
    const seen = new Set<number>();
    let cursor: number | null = candidate;
    while (cursor !== null && !seen.has(cursor)) {
      if (cursor === unitId) return true;
      seen.add(cursor);
      const parent: UnitEntity | null = await this.units.findOneBy({ id: cursor });
      cursor = parent?.parentId ?? null;
    }
    return false;
  }
}
