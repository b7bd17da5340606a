import type { UnitKind } from '@taizhang/domain';

/**
 * The demo units, in the order the seed document addresses them (各乡镇行政审批服务中心、
 * 局属各股室、县政务服务中心各窗口单位). The clerks are numbered in this order: clerk01 is the
 * first unit's. Township and window names are plausible inventions for 获嘉县.
 */
export interface DemoUnit {
  code: string;
  name: string;
  kind: UnitKind;
  /** The code of the parent unit. */
  parent?: string;
}

const TOWNSHIPS = [
  '城关镇',
  '亢村镇',
  '照镜镇',
  '黄堤镇',
  '中和镇',
  '徐营镇',
  '冯庄镇',
  '位庄乡',
  '大新庄乡',
  '太山乡',
];

const SECTIONS = ['行政审批股', '数据资源股', '政务服务股', '党政办'];

/** The county service centre's windows: managed by 政务服务股 (gs03). */
const WINDOWS = [
  '综合受理窗口',
  '“有诉即办”窗口',
  '市场监管局窗口',
  '人社局窗口',
  '医保局窗口',
  '不动产登记窗口',
  '公安户政窗口',
  '税务窗口',
  '住建局窗口',
  '公积金窗口',
];

const pad = (n: number) => String(n).padStart(2, '0');

export const DEMO_UNITS: DemoUnit[] = [
  ...TOWNSHIPS.map((town, i) => ({
    code: `xz${pad(i + 1)}`,
    name: `${town}行政审批服务中心`,
    kind: 'township_centre' as const,
  })),
  ...SECTIONS.map((section, i) => ({ code: `gs${pad(i + 1)}`, name: section, kind: 'bureau_section' as const })),
  ...WINDOWS.map((window, i) => ({
    code: `ck${pad(i + 1)}`,
    name: `县政务服务中心${window}`,
    kind: 'service_window' as const,
    parent: 'gs03',
  })),
];

export const DEMO_PASSWORD = 'Taizhang@2026';

export interface DemoUser {
  username: string;
  displayName: string;
  role: 'admin' | 'clerk' | 'leader';
  /** The unit's code. */
  unit?: string;
  /** A made-up contact phone (the board shows the missing units' clerks with theirs). */
  phone?: string;
}

/** Plausible, made-up numbers: a mobile for some clerks, the unit's landline (Xinxiang, 0373) for others. */
const demoPhone = (i: number) =>
  i % 3 === 2
    ? `0373-5${String(210_000 + i * 1_237).slice(-6)}`
    : `13${8 + (i % 2)}0373${String(1_000 + i * 37).slice(-4)}`;

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', unit: 'gs02' },
  { username: 'leader', displayName: '局领导', role: 'leader' },
  ...DEMO_UNITS.map((unit, i) => ({
    username: `clerk${pad(i + 1)}`,
    displayName: `${unit.name.replace(/^县政务服务中心/, '')}填报员`,
    role: 'clerk' as const,
    unit: unit.code,
    phone: demoPhone(i),
  })),
];
