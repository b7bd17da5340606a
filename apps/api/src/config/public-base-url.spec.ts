import { describe, expect, it } from 'vitest';
import { parsePublicBaseUrl } from './public-base-url';

describe('parsePublicBaseUrl', () => {
  it('keeps an http(s) origin with an optional path, without the trailing slash', () => {
    expect(parsePublicBaseUrl(' https://tz.example.gov.cn/ ')).toEqual({ url: 'https://tz.example.gov.cn' });
    expect(parsePublicBaseUrl('http://zwfw.gov.cn:8080/taizhang/')).toEqual({
      url: 'http://zwfw.gov.cn:8080/taizhang',
    });
    expect(parsePublicBaseUrl('HTTPS://TZ.Example.GOV.cn')).toEqual({ url: 'https://tz.example.gov.cn' });
  });

  it('refuses what a phone could not open or a QR code should not carry', () => {
    for (const bad of [
      'tz.example.gov.cn',
      'ftp://tz.example.gov.cn',
      'https://a:b@tz.gov.cn',
      'https://tz.gov.cn/?x=1',
      'https://tz.gov.cn/#top',
      '',
    ]) {
      const result = parsePublicBaseUrl(bad);
      expect('problem' in result, bad).toBe(true);
    }
    expect(parsePublicBaseUrl('ftp://x.cn')).toMatchObject({
      problem: { 'zh-CN': '网址须以 http:// 或 https:// 开头' },
    });
  });
});
