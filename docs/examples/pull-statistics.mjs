#!/usr/bin/env node
/* global process, console, fetch */
// Pulls yesterday's figures of the daily report (政务服务大回访日报台账) for every unit with a
// STATISTICS_READ API token, and prints them as CSV. Node 20 or later, no dependencies.
//
//   TAIZHANG_URL=https://tz.example.gov.cn TAIZHANG_TOKEN=tz_… node pull-statistics.mjs > yesterday.csv
//
// TAIZHANG_DATE=2026-12-06 asks for another day (YYYY-MM-DD). "Yesterday" is Beijing time.
// See docs/integration.md; an integration test runs this very file (apps/api/test/api-tokens.int-spec.ts).

const url = process.env.TAIZHANG_URL?.replace(/\/+$/, '');
const token = process.env.TAIZHANG_TOKEN;
if (!url || !token) {
  console.error('Set TAIZHANG_URL (e.g. https://tz.example.gov.cn) and TAIZHANG_TOKEN (tz_…).');
  process.exit(2);
}

const dayInShanghai = (date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(date);
const day = process.env.TAIZHANG_DATE || dayInShanghai(new Date(Date.now() - 24 * 60 * 60 * 1000));

const query = `query ($ledger: String!, $measures: [String!]!, $from: String, $to: String) {
  statistics(ledger: $ledger, measures: $measures, groupBy: ["unit"], from: $from, to: $to) {
    rows { keys { dimension value label } values { measure title value } }
    totals { measure title value }
  }
}`;
const variables = {
  ledger: 'daily_followup',
  measures: ['reports', 'cases', 'follow_ups', 'followup_rate', 'dissatisfied'],
  from: day,
  to: day,
};

const response = await fetch(`${url}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': 'zh-CN' },
  body: JSON.stringify({ query, variables }),
});
const answer = await response.json().catch(() => ({}));
if (!response.ok || answer.errors) {
  const error = answer.errors?.[0];
  console.error(
    `Refused (HTTP ${response.status}): ${error?.message ?? 'no answer'} ${error?.extensions?.reason ?? ''}`,
  );
  if (response.status === 429) console.error(`Try again in ${response.headers.get('retry-after')} s.`);
  process.exit(1);
}

const cell = (value) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const { rows, totals } = answer.data.statistics;
const titles = totals.map((t) => t.title);
console.log(['date', 'unit_id', 'unit', ...titles].map(cell).join(','));
for (const row of rows) {
  const unit = row.keys.find((k) => k.dimension === 'unit');
  console.log([day, unit?.value, unit?.label, ...row.values.map((v) => v.value)].map(cell).join(','));
}
console.log([day, '', '合计', ...totals.map((t) => t.value)].map(cell).join(','));
