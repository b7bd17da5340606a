import { ApolloError, useMutation, useQuery } from '@apollo/client';
import { fieldProblems } from '../features/auth/graphql-error';
import { useState, type FormEvent } from 'react';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog';
import { useToasts } from '../components/toast';
import { UNIT_KINDS, type Role } from '@taizhang/domain';
import {
  ADMIN_UNITS,
  ADMIN_USERS,
  CREATE_UNIT,
  CREATE_USER,
  RESET_PASSWORD,
  UPDATE_UNIT,
  UPDATE_USER,
  type AdminUnit,
  type AdminUser,
} from '../features/admin/admin.graphql';
import { ResetPasswordDialog } from '../features/admin/reset-password-dialog';
import { useI18n } from '../i18n/i18n';
import type { Punctuation } from '../i18n/punctuation';

/** The API's reasons, one line each (field problems first). */
function reasons(error: unknown, marks: Punctuation): string {
  if (!(error instanceof ApolloError)) return String(error);
  const problems = fieldProblems(error);
  return problems.length > 0 ? problems.map((p) => p.message).join(marks.semi) : error.message;
}

/**
 * Admins: units (create, deactivate) and each unit's users (create, deactivate, reset a
 * password). Which ledgers a unit fills is set in each ledger's definition (fillers), in the designer.
 */
export function AdminUnitsPage() {
  const { t, tf, unitKindLabel, roleLabel, p } = useI18n();
  const units = useQuery<{ units: AdminUnit[] }>(ADMIN_UNITS, { fetchPolicy: 'network-only' });
  const [unitId, setUnitId] = useState<string | null>(null);
  const users = useQuery<{ users: AdminUser[] }>(ADMIN_USERS, {
    variables: { unitId },
    skip: !unitId,
    fetchPolicy: 'network-only',
  });
  const { toasts, notify } = useToasts();
  const [asking, setAsking] = useState<ConfirmRequest | null>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const [createUnit] = useMutation(CREATE_UNIT);
  const [updateUnit] = useMutation(UPDATE_UNIT);
  const [createUser] = useMutation(CREATE_USER);
  const [updateUser] = useMutation(UPDATE_USER);
  const [resetPassword] = useMutation(RESET_PASSWORD);

  /** Does it, says what was done (or the API's reason), reads the lists again; true when it worked. */
  async function run(work: () => Promise<unknown>, done: string, succeeded?: () => void): Promise<void> {
    try {
      await work();
    } catch (error) {
      notify('error', reasons(error, p));
      return;
    }
    // the form is emptied as the toast says it worked, not after the lists are read again
    succeeded?.();
    notify('success', done);
    await Promise.all([units.refetch(), unitId ? users.refetch() : null]);
  }

  /** A form that added something is emptied (no second add by a second click); a refused one keeps what was typed. */
  async function submit(
    event: FormEvent<HTMLFormElement>,
    work: (form: FormData) => Promise<unknown>,
    done: (form: FormData) => string,
  ) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    await run(
      () => work(form),
      done(form),
      () => element.reset(),
    );
  }

  function toggleUnit(unit: AdminUnit) {
    const work = () => updateUnit({ variables: { id: unit.id, input: { active: !unit.active } } });
    if (!unit.active) {
      void run(work, tf('admin.unitActivated', { name: unit.name }));
      return;
    }
    setAsking({
      title: t('admin.confirmUnitTitle'),
      message: tf('admin.confirmUnit', { name: unit.name }),
      confirm: t('admin.deactivate'),
      danger: true,
      onConfirm: () => void run(work, tf('admin.unitDeactivated', { name: unit.name })),
    });
  }

  function toggleUser(user: AdminUser) {
    const work = () => updateUser({ variables: { id: user.id, input: { active: !user.active } } });
    const who = { name: user.displayName, username: user.username };
    if (!user.active) {
      void run(work, tf('admin.userActivated', who));
      return;
    }
    setAsking({
      title: t('admin.confirmUserTitle'),
      message: tf('admin.confirmUser', who),
      confirm: t('admin.deactivate'),
      danger: true,
      onConfirm: () => void run(work, tf('admin.userDeactivated', who)),
    });
  }

  /** A user's contact phone, as the board shows it to those who 催报; blank clears it. */
  function savePhone(event: FormEvent<HTMLFormElement>, user: AdminUser) {
    event.preventDefault();
    const phone = String(new FormData(event.currentTarget).get('phone') ?? '').trim();
    const who = { name: user.displayName, username: user.username };
    void run(
      () => updateUser({ variables: { id: user.id, input: { phone } } }),
      phone ? tf('admin.phoneSaved', { ...who, phone }) : tf('admin.phoneCleared', who),
    );
  }

  const selected = units.data?.units.find((u) => u.id === unitId) ?? null;
  return (
    <section className="admin-units" aria-labelledby="admin-units-title">
      <h2 id="admin-units-title">{t('admin.unitsTitle')}</h2>
      {toasts}
      <ConfirmDialog request={asking} onClose={() => setAsking(null)} />
      <ResetPasswordDialog
        user={resetting}
        onClose={() => setResetting(null)}
        onReset={async (password) => {
          const user = resetting!;
          try {
            await resetPassword({ variables: { userId: user.id, newPassword: password } });
          } catch (error) {
            return reasons(error, p);
          }
          notify('success', tf('admin.passwordReset', { name: user.displayName, username: user.username }));
          return null;
        }}
      />
      <div className="admin-columns">
        <div>
          <table className="data-table">
            <thead>
              <tr>
                <th>{t('admin.unit')}</th>
                <th>{t('admin.code')}</th>
                <th>{t('admin.kind')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {units.data?.units.map((unit) => (
                <tr key={unit.id} data-unit={unit.code} className={unit.active ? undefined : 'inactive'}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setUnitId(unit.id)}>
                      {unit.name}
                    </button>
                  </td>
                  <td>{unit.code}</td>
                  <td>{unitKindLabel(unit.kind)}</td>
                  <td>
                    <button type="button" onClick={() => toggleUnit(unit)}>
                      {unit.active ? t('admin.deactivate') : t('admin.activate')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="admin-form"
            data-testid="new-unit"
            onSubmit={(event) =>
              void submit(
                event,
                (form) =>
                  createUnit({
                    variables: { input: { code: form.get('code'), name: form.get('name'), kind: form.get('kind') } },
                  }),
                (form) => tf('admin.unitCreated', { name: String(form.get('name')) }),
              )
            }
          >
            <strong>{t('admin.newUnit')}</strong>
            <input name="code" placeholder={t('admin.code')} required />
            <input name="name" placeholder={t('admin.unit')} required />
            <select name="kind">
              {UNIT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {unitKindLabel(kind)}
                </option>
              ))}
            </select>
            <button type="submit">{t('designer.add')}</button>
          </form>
        </div>
        <div>
          {selected ? (
            <>
              <h3>
                {selected.name} · {t('admin.users')}
              </h3>
              <table className="data-table" data-testid="unit-users">
                <tbody>
                  {users.data?.users.map((user) => (
                    <tr key={user.id} data-user={user.username} className={user.active ? undefined : 'inactive'}>
                      <td>
                        {user.displayName} <span className="muted">{user.username}</span>
                      </td>
                      <td>{roleLabel(user.role.toLowerCase() as Role)}</td>
                      <td>
                        <form className="inline-form" onSubmit={(event) => savePhone(event, user)}>
                          <input
                            name="phone"
                            type="tel"
                            key={user.phone ?? ''}
                            defaultValue={user.phone ?? ''}
                            placeholder={t('admin.phone')}
                            aria-label={tf('admin.phoneOf', { name: user.displayName })}
                          />
                          <button type="submit">{t('admin.savePhone')}</button>
                        </form>
                      </td>
                      <td>
                        <button type="button" onClick={() => toggleUser(user)}>
                          {user.active ? t('admin.deactivate') : t('admin.activate')}
                        </button>
                        <button type="button" onClick={() => setResetting(user)}>
                          {t('admin.resetPassword')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <form
                className="admin-form"
                data-testid="new-user"
                onSubmit={(event) =>
                  void submit(
                    event,
                    (form) =>
                      createUser({
                        variables: {
                          input: {
                            username: form.get('username'),
                            displayName: form.get('displayName'),
                            role: form.get('role'),
                            unitId: selected.id,
                            password: form.get('password'),
                            phone: String(form.get('phone') ?? '').trim() || null,
                          },
                        },
                      }),
                    (form) =>
                      tf('admin.userCreated', {
                        name: String(form.get('displayName')),
                        username: String(form.get('username')),
                      }),
                  )
                }
              >
                <strong>{t('admin.newUser')}</strong>
                <input name="username" placeholder={t('signIn.username')} required />
                <input name="displayName" placeholder={t('admin.displayName')} required />
                <input name="phone" type="tel" placeholder={t('admin.phoneOptional')} aria-label={t('admin.phone')} />
                <select name="role" defaultValue="CLERK">
                  {(['CLERK', 'LEADER', 'ADMIN'] as const).map((role) => (
                    <option key={role} value={role}>
                      {roleLabel(role.toLowerCase() as Role)}
                    </option>
                  ))}
                </select>
                <input
                  name="password"
                  type="password"
                  placeholder={t('signIn.password')}
                  required
                  autoComplete="new-password"
                />
                <button type="submit">{t('designer.add')}</button>
              </form>
            </>
          ) : (
            <p className="muted">{t('admin.pickUnit')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
