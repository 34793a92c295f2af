/**
 * A Parley webhook receiver with nothing but Node: verifies the Standard Webhooks signature with
 * the AI's whsec_ secret, refuses stale timestamps (replays), dedupes on webhook-id (retries), and
 * prints each verified event as one line: `verified <type> <webhook-id> <body>`.
 *
 *   PARLEY_WEBHOOK_SECRET=whsec_… PORT=9999 node receiver.mjs
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REMEMBERED_IDS = 10_000;

const secretText = process.env.PARLEY_WEBHOOK_SECRET ?? '';
if (!secretText.startsWith('whsec_')) {
  process.stderr.write('Set PARLEY_WEBHOOK_SECRET to the AI webhook_secret (whsec_…).\n');
  process.exit(1);
}
const secret = Buffer.from(secretText.slice('whsec_'.length), 'base64');
/** Ids already handled, oldest first; a Set keeps insertion order, so the oldest go first when full. */
const seen = new Set();

/** Why the request is not a genuine, fresh Parley webhook, or undefined when it is. */
function rejectionOf(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return 'missing webhook-* headers';
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
    return 'timestamp too old or too new';
  }
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? undefined : 'bad signature';
}

const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const rejection = req.method === 'POST' ? rejectionOf(req.headers, body) : 'not a POST';
    if (rejection) {
      process.stderr.write(`rejected: ${rejection}\n`);
      res.writeHead(401).end();
      return;
    }
    const id = req.headers['webhook-id'];
    if (!seen.has(id)) {
      seen.add(id);
      if (seen.size > MAX_REMEMBERED_IDS) seen.delete(seen.values().next().value);
      const event = JSON.parse(body);
      // Hand the event to your own code here (send event.reply to event.contact_email, …).
      process.stdout.write(`verified ${event.type} ${id} ${body}\n`);
    }
    // A 2xx tells Parley it arrived; a duplicate is acknowledged so the retries stop.
    res.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT ?? 9999), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  process.stdout.write(`Listening on http://${address}:${port}/\n`);
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
