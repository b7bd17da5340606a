import { describe, expect, it } from 'vitest';
import { shortNames, valueAxisOf } from './format';

const TOWNS = ['城关镇', '亢村镇', '照镜镇', '黄堤镇', '中和镇', '大新庄乡', '太山乡', '位庄乡'].map(
  (n) => `${n}行政审批服务中心`,
);
const WINDOWS = ['综合受理窗口', '“有诉即办”窗口', '市场监管局窗口', '人社局窗口'].map((n) => `县政务服务中心${n}`);

describe('shortNames', () => {
  it('cuts what most names share, keeping each name’s own part', () => {
    const short = shortNames([...TOWNS, ...WINDOWS, '行政审批股']);
    expect(short.get('城关镇行政审批服务中心')).toBe('城关镇');
    // 乡行政审批服务中心 is shared by three, 行政审批服务中心 by eight: the more common one is cut
    expect(short.get('大新庄乡行政审批服务中心')).toBe('大新庄乡');
    expect(short.get('县政务服务中心综合受理窗口')).toBe('综合受理窗口');
    expect(short.get('行政审批股')).toBe('行政审批股');
  });

  it('keeps names whole when few share anything, or when cutting would make two alike', () => {
    expect(shortNames(['行政审批股', '数据资源股', '政务服务股', '党政办']).get('数据资源股')).toBe('数据资源股');
    const alike = shortNames(['甲乡服务中心大厅', '甲乡服务中心', '乙乡服务中心', '丙乡服务中心']);
    expect(alike.get('乙乡服务中心')).toBe('乙乡');
  });
});

describe('valueAxisOf', () => {
  it('always reaches the target and starts below the lowest value, saying so', () => {
    expect(valueAxisOf([0.4, 0.5], 1, true, false)).toEqual({ min: expect.any(Number), max: 1, zoomed: true });
    const axis = valueAxisOf([0.968, 0.992, null], 1, true, false);
    expect(axis.max).toBe(1);
    expect(axis.min).toBeGreaterThan(0.8);
    expect(axis.min).toBeLessThan(0.968);
    expect(axis.zoomed).toBe(true);
  });

  it('starts at 0 when asked, when a value is near 0, or without values', () => {
    expect(valueAxisOf([0.97], 1, true, true)).toEqual({ min: 0, max: 1, zoomed: false });
    expect(valueAxisOf([0.02, 0.9], 1, true, false)).toMatchObject({ min: 0, zoomed: false });
    expect(valueAxisOf([null], 1, true, false)).toEqual({ min: 0, max: 1, zoomed: false });
  });
});
