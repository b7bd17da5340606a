/** A message in both interface languages (the same shape as @taizhang/domain's LocalizedText). */
export interface Message {
  'zh-CN': string;
  en: string;
}

export function message(zh: string, en: string): Message {
  return { 'zh-CN': zh, en };
}
