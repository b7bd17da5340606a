import { gql } from '@apollo/client';

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  ledger: string | null;
  filter: string | null;
  active: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export const WEBHOOKS = gql`
  query Webhooks {
    webhooks {
      id
      url
      events
      ledger
      filter
      active
      createdAt
    }
    ledgers {
      key
      title
    }
  }
`;

export const WEBHOOK_DELIVERIES = gql`
  query WebhookDeliveries($webhookId: ID!) {
    webhookDeliveries(webhookId: $webhookId, first: 50) {
      id
      event
      state
      attempts
      createdAt
      lastAttemptAt
      nextAttemptAt
      responseStatus
      responseBody
      error
    }
  }
`;

export const CREATE_WEBHOOK = gql`
  mutation CreateWebhook($input: WebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        id
        url
      }
    }
  }
`;

export const DELETE_WEBHOOK = gql`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`;

export const RESEND_DELIVERY = gql`
  mutation ResendDelivery($id: ID!) {
    resendDelivery(id: $id) {
      id
      state
    }
  }
`;
