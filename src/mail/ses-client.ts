import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailMessage } from './mail-message.js';

/**
 * Everything that touches the SES SDK. The SDK itself is imported on the first mail, by package
 * name, so that neither a cold start nor a bundle's start-up loads it unless mail is sent, and a
 * bundler may leave it out (external) or put it in a chunk of its own.
 */

const clients = new Map<string, Promise<SESv2Client>>();

/**
 * The process's one SES client for a region (a Lambda container keeps it, and its TLS
 * connection, across invocations): keep-alive, bounded timeouts, a few retries.
 */
export function sesClient(region: string): Promise<SESv2Client> {
  let client = clients.get(region);
  if (!client) {
    client = createClient(region);
    // A failed load is not kept: the next mail tries again.
    client.catch(() => clients.delete(region));
    clients.set(region, client);
  }
  return client;
}

async function createClient(region: string): Promise<SESv2Client> {
  const [{ SESv2Client }, { NodeHttpHandler }, { Agent }] = await Promise.all([
    import('@aws-sdk/client-sesv2'),
    import('@smithy/node-http-handler'),
    import('node:https'),
  ]);
  return new SESv2Client({
    region,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      httpsAgent: new Agent({ keepAlive: true, maxSockets: 16 }),
    }),
  });
}

/**
 * SES v2 SendEmail with simple content: SES builds the MIME (multipart/alternative), so only
 * `ses:SendEmail` is needed, never `ses:SendRawEmail`. Returns SES's message id.
 */
export async function sendWithSes(
  region: string,
  from: string,
  message: MailMessage,
): Promise<string | undefined> {
  const [{ SendEmailCommand }, client] = await Promise.all([
    import('@aws-sdk/client-sesv2'),
    sesClient(region),
  ]);
  const charset = 'UTF-8';
  const { MessageId } = await client.send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: charset },
          Body: {
            Text: { Data: message.text, Charset: charset },
            Html: { Data: message.html, Charset: charset },
          },
        },
      },
    }),
  );
  return MessageId;
}
