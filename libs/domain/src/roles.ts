import type { LocalizedText } from './locale';

/** Who a user is to Taizhang. Stored lowercase; the GraphQL enum is the uppercase name. */
export const ROLES = ['admin', 'clerk', 'leader'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, LocalizedText> = {
  admin: { 'zh-CN': '管理员', en: 'Administrator' },
  clerk: { 'zh-CN': '填报员', en: 'Clerk' },
  leader: { 'zh-CN': '领导', en: 'Leader' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
