import { describe, expect, it } from 'vitest';
import { looksInternal, surveyUrl, urlBreakPieces } from './survey-links';

describe('looksInternal', () => {
  it('flags addresses a phone outside the office network cannot reach', () => {
    for (const url of [
      'http://localhost:3000',
      'http://127.0.0.1:3923',
      'http://10.1.2.3',
      'http://172.16.0.5',
      'http://172.31.255.1',
      'http://192.168.1.20:8080',
      'http://169.254.1.1',
      'http://taizhang-server:3000',
      'http://taizhang.local',
      'http://tz.corp.internal',
      'http://[::1]:3000',
      'http://[fd12:3456::1]',
      'not a url',
    ])
      expect(looksInternal(url), url).toBe(true);
  });

  it('lets public names and addresses through', () => {
    for (const url of [
      'https://tz.example.gov.cn',
      'http://172.32.0.1',
      'http://172.15.0.1',
      'http://8.8.8.8',
      'https://zwfw.example.gov.cn/taizhang',
      'http://[2001:db8::1]',
    ])
      expect(looksInternal(url), url).toBe(false);
  });
});

describe('survey addresses', () => {
  it('joins the base, the unit code and the ledger when named', () => {
    expect(surveyUrl('https://tz.example.gov.cn/', 'ck01', null)).toBe('https://tz.example.gov.cn/s/ck01');
    expect(surveyUrl('https://tz.example.gov.cn/p', 'ck01', 'window_survey')).toBe(
      'https://tz.example.gov.cn/p/s/ck01?ledger=window_survey',
    );
  });

  it('breaks an address only after / ? & =, and the pieces make it whole again', () => {
    const url = 'https://tz.example.gov.cn/s/ck01?ledger=window_survey';
    const pieces = urlBreakPieces(url);
    expect(pieces.join('')).toBe(url);
    expect(pieces).toEqual(['https:/', '/', 'tz.example.gov.cn/', 's/', 'ck01?', 'ledger=', 'window_survey']);
  });
});
