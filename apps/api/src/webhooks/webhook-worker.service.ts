import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/time/clock';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.token';
import { WEBHOOKS_CHANNEL } from '../database/notice-channels';
import { NoticeListener } from '../database/notice-listener';
import { resolveAllowed, type UrlPolicy } from './url-policy';
import { signatureHeader } from './webhook-signature';

/** After a failed attempt, the wait before the next (10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h); then failed, about 21 h after the first. */
export const RETRY_DELAYS_S = [10, 60, 300, 1_800, 7_200, 21_600, 43_200];
/** A receiver has this long to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is kept for the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 2_048;
/** Deliveries due without a NOTIFY (a retry's time come, a notice missed) are found this often. */
const POLL_MS = 5_000;
/** Deliveries sent at once by one process (a slow receiver does not hold up the others). */
const LANES = 4;

interface Claimed {
  id: string;
  event: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

type Outcome = { status: number; body: string } | { error: string };

/**
 * Sends the outbox's deliveries (docs/integration.md, Webhooks). Every API process runs one: each delivery is
 * claimed with FOR UPDATE SKIP LOCKED in a transaction held while it is sent, so two processes never
 * send the same one, and a process that dies mid-send leaves it pending for the next. Woken by the
 * NOTIFY an outbox write sends on commit, and by a poll. `deliverDue()` is the whole job, for tests.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookWorker.name);
  private listener: NoticeListener | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new NoticeListener(
      this.db,
      WEBHOOKS_CHANNEL,
      'taizhang-webhooks',
      { notice: () => this.kick(), listening: () => this.kick(), lost: () => undefined },
      this.logger,
    );
    await this.listener.start();
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.stop();
    await this.running?.catch(() => undefined);
  }

  /** The URL policy as it stands: the allow-list, and this API's own addresses. */
  policy(): UrlPolicy {
    const ownOrigins: string[] = [];
    if (this.config.publicBaseUrl) ownOrigins.push(this.config.publicBaseUrl);
    const address = this.adapterHost.httpAdapter?.getHttpServer?.()?.address?.();
    const port = address && typeof address === 'object' ? address.port : this.config.port;
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    ownOrigins.push(`http://${host}:${port}`, `https://${host}:${port}`);
    return { allowedHosts: this.config.webhookAllowedHosts, ownOrigins };
  }

  /** Starts sending what is due, unless already sending (then it looks again when done). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue()
      .catch((error) =>
        this.logger.error(`webhook delivery failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Sends every delivery due now, in a few lanes; resolves when none is left. */
  async deliverDue(): Promise<void> {
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (!this.stopped && (await this.deliverOne())) {
          /* next */
        }
      }),
    );
  }

  /** Claims one due delivery and sends it; false when none is due (or all are being sent). */
  private async deliverOne(): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const now = this.clock.now();
      const [claimed] = (await runner.query(
        `SELECT d.id, d.event, d.payload, d.attempts, w.url, w.secret
           FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.state = 'pending' AND d.next_attempt_at <= $1
          ORDER BY d.next_attempt_at LIMIT 1
          FOR UPDATE OF d SKIP LOCKED`,
        [now],
      )) as Claimed[];
      if (!claimed) {
        await runner.commitTransaction();
        return false;
      }
      const outcome = await this.send(claimed);
      const at = this.clock.now();
      const attempts = claimed.attempts + 1;
      const delivered = 'status' in outcome && outcome.status >= 200 && outcome.status < 300;
      const delay = RETRY_DELAYS_S[attempts - 1];
      const state = delivered ? 'delivered' : delay === undefined ? 'failed' : 'pending';
      await runner.query(
        `UPDATE webhook_deliveries SET state = $2, attempts = $3, last_attempt_at = $4, next_attempt_at = $5,
                response_status = $6, response_body = $7, error = $8
          WHERE id = $1`,
        [
          claimed.id,
          state,
          attempts,
          at,
          state === 'pending' ? new Date(at.getTime() + delay! * 1000) : null,
          'status' in outcome ? outcome.status : null,
          'status' in outcome ? outcome.body : null,
          'error' in outcome ? outcome.error : null,
        ],
      );
      await runner.commitTransaction();
      return true;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** One POST, to an address checked now (a host that changed its address since creation is refused). */
  private async send(delivery: Claimed): Promise<Outcome> {
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return { error: 'invalid URL' };
    }
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const resolved = await resolveAllowed(host, this.policy());
    if ('refused' in resolved) return { error: resolved.refused.en };
    const { addresses } = resolved;
    // the connection goes to the addresses just checked, not to a second, different answer
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    };
    const body = delivery.payload;
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'Taizhang-Webhooks/1',
      'x-taizhang-event': delivery.event,
      'x-taizhang-delivery': delivery.id,
      'x-taizhang-signature': signatureHeader(delivery.secret, body, this.clock.now()),
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const done = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = client.request(url, { method: 'POST', headers, lookup: pinned }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          done({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8'),
          }),
        );
        response.on('error', (error) => done({ error: error.message }));
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`));
      }, DELIVERY_TIMEOUT_MS);
      request.on('error', (error) => done({ error: error.message }));
      request.end(body);
    });
  }
}
