import { useMutation, useQuery } from '@apollo/client';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { modelOf, textOf, validateRow, type LedgerModel, type Locale, type Message } from '@taizhang/ledger-core';
import { LanguageSwitch } from '../components/language-switch';
import { fieldProblems } from '../features/auth/graphql-error';
import { formFieldsOf, formInputs, startingInputs, type HeldInput } from '../features/forms/form-inputs';
import {
  PUBLIC_SURVEY,
  SUBMIT_PUBLIC_ANSWER,
  type PublicSurvey,
} from '../features/public-survey/public-survey.graphql';
import { Question } from '../features/public-survey/question';
import { useI18n } from '../i18n/i18n';
import { randomUuid } from '../random-uuid';

/** Why answers are refused, by question key ("" for the form as a whole): ours to translate, or the server's words. */
type Problems = Record<string, (Message | string)[]>;

function problemsByField(problems: { field: string; message: Message | string }[]): Problems {
  const byField: Problems = {};
  for (const { field, message } of problems) (byField[field] ??= []).push(message);
  return byField;
}

const wordsOf = (problems: (Message | string)[] | undefined, locale: Locale) =>
  (problems ?? []).map((p) => (typeof p === 'string' ? p : p[locale]));

/**
 * The public survey behind a unit's link and QR code (/s/<unit code>, `?ledger=<key>` for a
 * unit that takes more than one): no sign-in, made for a phone, its questions generated from the
 * public ledger's definition and checked by the same rules the API applies.
 */
export function PublicSurveyPage() {
  const { unitCode = '' } = useParams();
  const [search] = useSearchParams();
  const { t } = useI18n();
  const { data, loading, error } = useQuery<{ publicSurvey: PublicSurvey }>(PUBLIC_SURVEY, {
    variables: { unitCode, ledger: search.get('ledger') },
  });
  const survey = data?.publicSurvey;
  const model = useMemo(() => (survey ? modelOf(survey.definition) : null), [survey]);

  if (loading) return <p className="centered muted">{t('common.loading')}</p>;
  if (error || !survey || !model)
    return (
      <main className="public-survey">
        <p className="form-error" role="alert">
          {error?.message ?? t('survey.notFound')}
        </p>
      </main>
    );
  return <SurveyForm key={survey.ledgerKey} survey={survey} model={model} />;
}

function SurveyForm({ survey, model }: { survey: PublicSurvey; model: LedgerModel }) {
  const { t, locale, p } = useI18n();
  const fields = useMemo(() => formFieldsOf(model.editable, locale), [model, locale]);
  const [held, setHeld] = useState<Record<string, HeldInput>>(() => startingInputs(fields, locale));
  const [problems, setProblems] = useState<Problems>({});
  const [submit, submitting] = useMutation(SUBMIT_PUBLIC_ANSWER);
  const [done, setDone] = useState(false);
  // this answer's own key: a second tap after an answer that did not come back keeps it once
  const [clientKey] = useState(randomUuid);
  const asked = new Set(fields.map(({ field }) => field.key));
  // what the questions cannot show: the form's own problems, and rules on fields not asked
  const general = Object.entries(problems)
    .filter(([key]) => !asked.has(key))
    .flatMap(([, list]) => wordsOf(list, locale));

  async function send() {
    // read as the grid reads typed text: each type's parse, the suffix beside a box included
    const checked = validateRow(model, formInputs(fields, held), { input: 'text' });
    setProblems(problemsByField(checked.errors));
    if (checked.errors.length > 0) {
      document.querySelector('.question-card.has-error')?.scrollIntoView({ block: 'center' });
      return;
    }
    const values = Object.fromEntries(fields.map(({ field }) => [field.key, checked.values[field.key] ?? null]));
    try {
      await submit({ variables: { ledger: survey.ledgerKey, unitCode: survey.unitCode, values, clientKey } });
      setDone(true);
    } catch (failure) {
      setProblems(problemsByField(fieldProblems(failure).map((p) => ({ field: p.path, message: p.message }))));
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
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          {survey.definition.description && <p className="muted">{textOf(survey.definition.description, locale)}</p>}
          {fields.map(({ field, form }, i) => (
            <Question
              key={field.key}
              field={field}
              form={form}
              number={i + 1}
              value={held[field.key] ?? null}
              errors={wordsOf(problems[field.key], locale)}
              onChange={(value) => {
                setHeld((now) => ({ ...now, [field.key]: value }));
                setProblems(({ [field.key]: _answered, ...rest }) => rest);
              }}
            />
          ))}
          {general.length > 0 && (
            <p className="form-error" role="alert" data-testid="survey-problems">
              {general.join(p.semi)}
            </p>
          )}
          {submitting.error && fieldProblems(submitting.error).length === 0 && (
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
