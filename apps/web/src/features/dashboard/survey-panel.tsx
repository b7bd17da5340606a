import { useQuery } from '@apollo/client';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { bracketed, type Punctuation } from '../../i18n/punctuation';
import { SURVEY_RESULTS, type SurveyResults } from './dashboard.graphql';
import { EChart, type ChartOption } from './echart';
import type { Scope } from './indicator-panel';

type Question = SurveyResults['questions'][number];

function questionChart(question: Question, kind: 'bar' | 'pie', marks: Punctuation): ChartOption {
  const data = question.options.map((o) => ({ name: o.label, value: o.count }));
  if (kind === 'pie')
    return {
      // a function, not a '{b}' template: ECharts escapes a template's values as HTML, which a
      // text tooltip would show as &lt;…
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number; percent: number }) =>
          `${p.name}${marks.colon}${p.value}${bracketed(marks, `${p.percent}%`)}`,
      },
      series: [{ type: 'pie', radius: ['30%', '65%'], data, label: { formatter: '{b} {d}%' } }],
    };
  return {
    // long option labels wrap (never cut off): the label column is as wide as it needs, up to 150px
    grid: { left: 8, right: 32, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number }[]) => {
        const option = question.options[params[0]?.dataIndex ?? 0];
        return option ? `${option.label}${marks.colon}${option.count}` : '';
      },
    },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: data.map((d) => d.name),
      inverse: true,
      axisLabel: { width: 150, overflow: 'break', lineHeight: 14, fontSize: 12 },
    },
    series: [{ type: 'bar', data: data.map((d) => d.value), label: { show: true, position: 'right' } }],
  };
}

/** A question's chart height: room for each option's label, wrapped over two lines when long. */
const chartHeight = (question: Question) =>
  Math.max(
    160,
    question.options.reduce((h, o) => h + (o.label.length > 11 ? 40 : 26), 40),
  );

/**
 * The survey: per question answered in the range, each option's count and share, as bars or
 * pies, with a table; questions nobody answered are left out (named in one line), not drawn as
 * empty axes.
 */
export function SurveyPanel({ ledgerKey, title, scope }: { ledgerKey: string; title: string; scope: Scope }) {
  const { t, p } = useI18n();
  const [kind, setKind] = useState<'bar' | 'pie'>('bar');
  const { data, error } = useQuery<{ surveyResults: SurveyResults }>(SURVEY_RESULTS, {
    variables: { ledger: ledgerKey, ...scope },
    fetchPolicy: 'network-only',
  });
  const results = data?.surveyResults;
  const answered = results?.questions.filter((q) => q.answered > 0) ?? [];
  const unanswered = results?.questions.filter((q) => q.answered === 0) ?? [];
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
        {answered.map((question) => (
          <section key={question.field} className="question" data-question={question.field}>
            <h5>
              {question.title}{' '}
              <span className="muted">{t('dashboard.withN').replace('{n}', String(question.answered))}</span>
            </h5>
            <EChart
              option={questionChart(question, kind, p)}
              height={kind === 'pie' ? 220 : chartHeight(question)}
              label={question.title}
            />
            <table className="data-table survey-table">
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
      {results && answered.length === 0 && <p className="muted">{t('dashboard.noAnswers')}</p>}
      {unanswered.length > 0 && answered.length > 0 && (
        <p className="muted" data-testid="unanswered">
          {t('dashboard.unanswered')}
          {unanswered.map((q) => q.title).join(p.list)}
        </p>
      )}
    </article>
  );
}
