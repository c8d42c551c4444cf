import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpsAgent } from 'node:https';
import type { MailMessage } from './mail-message.js';

/**
 * Everything that touches the SES SDK, in one file that SesMailer imports on its first mail, so
 * that neither a cold start nor a bundle's start-up parses the SES client unless mail is sent.
 */

const clients = new Map<string, SESv2Client>();

/**
 * The process's one SES client for a region (a Lambda container keeps it, and its TLS
 * connection, across invocations): keep-alive, bounded timeouts, a few retries.
 */
export function sesClient(region: string): SESv2Client {
  let client = clients.get(region);
  if (!client) {
    client = new SESv2Client({
      region,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: 2_000,
        requestTimeout: 5_000,
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
      }),
    });
    clients.set(region, client);
  }
  return client;
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
  const charset = 'UTF-8';
  const { MessageId } = await sesClient(region).send(
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
