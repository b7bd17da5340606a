/**
 * The events a webhook may subscribe to, in the order the admin's form lists them — one list for
 * the API (which writes and checks them) and the web app (which offers them). Their payloads are
 * in docs/integration.md, Webhooks, the catalogue.
 */
export const WEBHOOK_EVENTS = [
  'row.saved',
  'sheet.submitted',
  'sheet.late',
  'sheet.returned',
  'reminder.issued',
  'rectification.overdue',
] as const;

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];
