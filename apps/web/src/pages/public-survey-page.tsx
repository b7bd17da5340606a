import { useMutation, useQuery } from '@apollo/client';
import { fieldProblems } from '../features/auth/graphql-error';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { modelOf, textOf, validateRow } from '@taizhang/ledger-core';
import { LanguageSwitch } from '../components/language-switch';
import {
  PUBLIC_SURVEY,
  SUBMIT_PUBLIC_ANSWER,
  type PublicSurvey,
} from '../features/public-survey/public-survey.graphql';
import { Question } from '../features/public-survey/question';
import { useI18n } from '../i18n/i18n';

/** The server's reasons per question, from a BAD_USER_INPUT answer. */
function serverProblems(error: unknown): Record<string, string> {
  return Object.fromEntries(fieldProblems(error).map((p) => [p.path, p.message]));
}

/**
 * The public survey behind a unit's link and QR code (/s/<unit code>): no sign-in, made for a
 * phone, its questions generated from the public ledger's definition and checked by the same
 * rules the API applies.
 */
export function PublicSurveyPage() {
  const { unitCode = '' } = useParams();
  const [search] = useSearchParams();
  const { t, locale } = useI18n();
  const { data, loading, error } = useQuery<{ publicSurvey: PublicSurvey }>(PUBLIC_SURVEY, {
    variables: { unitCode, ledger: search.get('ledger') },
  });
  const survey = data?.publicSurvey;
  const model = useMemo(() => (survey ? modelOf(survey.definition) : null), [survey]);
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [submit, submitting] = useMutation(SUBMIT_PUBLIC_ANSWER);
  const [done, setDone] = useState(false);

  if (loading) return <p className="centered muted">{t('common.loading')}</p>;
  if (error || !survey || !model)
    return (
      <main className="public-survey">
        <p className="form-error" role="alert">
          {error?.message ?? t('survey.notFound')}
        </p>
      </main>
    );

  async function send() {
    const answered = Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null && v !== undefined));
    const checked = validateRow(model!, answered, { input: 'json' });
    const local = Object.fromEntries(checked.errors.map((p) => [p.field, p.message[locale]]));
    setProblems(local);
    if (checked.errors.length > 0) return;
    try {
      await submit({ variables: { ledger: survey!.ledgerKey, unitCode: survey!.unitCode, values: answered } });
      setDone(true);
    } catch (failure) {
      setProblems(serverProblems(failure));
    }
  }

  return (
    <main className="public-survey">
      <header>
        <LanguageSwitch />
        <h1>{textOf(survey.definition.title, locale)}</h1>
        <p className="survey-unit" data-testid="survey-unit">
          {survey.unitName}
        </p>
      </header>
      {done ? (
        <p className="thanks" data-testid="survey-thanks" role="status">
          {t('survey.thanks')}
        </p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          {survey.definition.description && <p className="muted">{textOf(survey.definition.description, locale)}</p>}
          {model.editable.map((field, i) => (
            <Question
              key={field.key}
              field={field}
              number={i + 1}
              value={answers[field.key] ?? null}
              error={problems[field.key] ?? null}
              locale={locale}
              onChange={(value) => {
                setAnswers((now) => ({ ...now, [field.key]: value }));
                setProblems(({ [field.key]: _answered, ...rest }) => rest);
              }}
            />
          ))}
          {submitting.error && Object.keys(serverProblems(submitting.error)).length === 0 && (
            <p className="form-error" role="alert">
              {submitting.error.message}
            </p>
          )}
          <button
            type="submit"
            className="primary submit-survey"
            disabled={submitting.loading}
            data-testid="submit-survey"
          >
            {submitting.loading ? t('survey.sending') : t('survey.send')}
          </button>
        </form>
      )}
    </main>
  );
}
