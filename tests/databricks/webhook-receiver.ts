/**
 * The rehearsal's alert webhook: an https server, as a deployment's webhook must be (databricks mode
 * refuses http and loopback addresses: lib/alerts/webhook.ts). It listens on this machine's first
 * non-loopback IPv4 address with a self-signed certificate made for that address, which the app
 * trusts through NODE_EXTRA_CA_CERTS, and appends every POST it receives (path and JSON body) to a
 * file the spec reads. Its path holds a fresh secret, as a real webhook's does, so the log scan can
 * look for it. Without such an address (a machine with loopback only) there is no receiver.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

export interface WebhookReceiver {
  url: string;
  /** The certificate the app must trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** One JSON line per POST received: `{ path, body }`. */
  receivedFile: string;
  stop(): Promise<void>;
}

function outwardAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
  }
  return undefined;
}

export async function startWebhookReceiver(dir: string, port: number): Promise<WebhookReceiver | undefined> {
  const address = outwardAddress();
  if (!address) return undefined;
  const keyFile = path.join(dir, 'webhook-key.pem');
  const caFile = path.join(dir, 'webhook-cert.pem');
  const receivedFile = path.join(dir, 'webhook-received.jsonl');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dqx-rehearsal-webhook', '-addext', `subjectAltName=IP:${address}`, '-keyout', keyFile, '-out', caFile],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make the webhook's certificate: ${made.stderr}`);
  fs.writeFileSync(receivedFile, '');
  const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(caFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        let body: unknown = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = null;
        }
        fs.appendFileSync(receivedFile, JSON.stringify({ path: req.url, body }) + '\n');
      }
      res.writeHead(req.method === 'POST' ? 204 : 405);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, resolve);
  });
  return {
    url: `https://${address}:${port}/hooks/rehearsal-webhook-${randomBytes(12).toString('hex')}`,
    caFile,
    receivedFile,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
