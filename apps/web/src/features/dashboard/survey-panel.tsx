import { useQuery } from '@apollo/client';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { SURVEY_RESULTS, type SurveyResults } from './dashboard.graphql';
import { EChart, type ChartOption } from './echart';
import type { Scope } from './indicator-panel';

type Question = SurveyResults['questions'][number];

function questionChart(question: Question, kind: 'bar' | 'pie'): ChartOption {
  const data = question.options.map((o) => ({ name: o.label, value: o.count }));
  if (kind === 'pie')
    return {
      // a function, not a '{b}' template: ECharts escapes a template's values as HTML, which a
      // text tooltip would show as &lt;…
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number; percent: number }) => `${p.name}：${p.value}（${p.percent}%）`,
      },
      series: [{ type: 'pie', radius: ['30%', '65%'], data, label: { formatter: '{b} {d}%' } }],
    };
  return {
    grid: { left: 110, right: 24, top: 8, bottom: 24 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: data.map((d) => d.name),
      inverse: true,
      axisLabel: { width: 100, overflow: 'truncate' },
    },
    series: [{ type: 'bar', data: data.map((d) => d.value), label: { show: true, position: 'right' } }],
  };
}

/** The survey: per question, each option's count and share, as bars or pies, with a table. */
export function SurveyPanel({ ledgerKey, title, scope }: { ledgerKey: string; title: string; scope: Scope }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'bar' | 'pie'>('bar');
  const { data, error } = useQuery<{ surveyResults: SurveyResults }>(SURVEY_RESULTS, {
    variables: { ledger: ledgerKey, ...scope },
    fetchPolicy: 'network-only',
  });
  const results = data?.surveyResults;
  return (
    <article className="panel wide" data-testid={`survey-${ledgerKey}`}>
      <h4>
        {title} · {t('dashboard.responses')} <span data-testid="survey-responses">{results?.responses ?? 0}</span>
        <span className="chart-switch">
          <button type="button" aria-pressed={kind === 'bar'} onClick={() => setKind('bar')}>
            {t('dashboard.bars')}
          </button>
          <button type="button" aria-pressed={kind === 'pie'} onClick={() => setKind('pie')}>
            {t('dashboard.pies')}
          </button>
        </span>
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      <div className="question-grid">
        {results?.questions.map((question) => (
          <section key={question.field} className="question" data-question={question.field}>
            <h5>
              {question.title} <span className="muted">（{question.answered}）</span>
            </h5>
            <EChart option={questionChart(question, kind)} height={220} label={question.title} />
            <table className="data-table">
              <tbody>
                {question.options.map((option) => (
                  <tr key={option.value} data-option={option.value}>
                    <td>{option.label}</td>
                    <td className="num">{option.count}</td>
                    <td className="num">{option.share === null ? '—' : `${(option.share * 100).toFixed(1)}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </article>
  );
}
