/* global process, console, Buffer -- Node 20 */
// A tiny Taizhang webhook receiver (docs/integration.md, Webhooks): Node 20, no dependencies.
//
//   WEBHOOK_SECRET=whsec_… PORT=8787 node docs/examples/webhook-receiver.mjs
//
// It checks every delivery's X-Taizhang-Signature (HMAC-SHA256 of "<t>.<raw body>", at most five
// minutes old, compared in constant time), answers 401 to one that does not verify, and prints a
// 催报 (reminder.issued) as the text messages an SMS or WeChat-work gateway would send.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
const TOLERANCE_SECONDS = 5 * 60;
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the secret shown when the webhook was created.');
  process.exit(1);
}

/** Whether the header signs this raw body with our secret, and is recent. */
function verify(rawBody, header) {
  const parts = Object.fromEntries(
    String(header ?? '')
      .split(',')
      .map((part) => part.split('=', 2)),
  );
  const t = Number(parts.t);
  if (!Number.isSafeInteger(t) || typeof parts.v1 !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - t) > TOLERANCE_SECONDS) return false; // a replayed old delivery
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** "17:00" of an ISO instant, in Beijing time. */
const beijingTime = (iso) =>
  new Date(iso).toLocaleTimeString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8'); // verify the bytes as received, before parsing
    if (req.method !== 'POST' || !verify(raw, req.headers['x-taizhang-signature'])) {
      console.log(`REFUSED ${req.headers['x-taizhang-delivery'] ?? '-'}: bad or old signature`);
      res.writeHead(401).end('bad signature');
      return;
    }
    const { id, event, data } = JSON.parse(raw);
    if (event === 'reminder.issued') {
      const by = data.deadline ? `请于${beijingTime(data.deadline)}前报送` : '请尽快报送';
      for (const { unit, clerks } of data.units)
        for (const clerk of clerks)
          if (clerk.phone)
            console.log(
              `SMS to ${clerk.phone}: ${by}「${data.ledgerTitle}」${data.period}（${unit.name}，${clerk.name}）`,
            );
          else console.log(`NO PHONE for ${clerk.name} of ${unit.name}: call the unit`);
    } else {
      console.log(`${event} ${id} ${data.ledger ?? ''} ${data.unit?.name ?? ''} ${data.period ?? ''}`.trim());
    }
    // answer fast (within 10 s) with a 2xx; do slow work after, or it is sent again
    res.writeHead(200).end('ok');
  });
});
server.listen(port, host, () => console.log(`webhook receiver listening on http://${host}:${port}`));
