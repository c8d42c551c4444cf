import { MessageRejected } from '@aws-sdk/client-sesv2';
import { randomUUID } from 'node:crypto';
import { MailDeliveryError } from './mail-delivery.error.js';
import { sesClient } from './ses-client.js';
import { SesMailer } from './ses.mailer.js';
import { captureLogs, type LogLine } from './testing/captured-logs.js';
import { tokenLink, VERIFY_EMAIL_PATH } from './templates/links.js';
import { verifyEmailMail } from './templates/verify-email.template.js';

/** What the SDK would have put on the wire, captured after serialization. */
interface SentRequest {
  readonly command: string | undefined;
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON
}

const REGION = 'eu-west-1';

describe('SesMailer', () => {
  const sent: SentRequest[] = [];
  /** What the stubbed SES answers: an output, or an error to throw. */
  let answer: () => { MessageId: string } = () => ({ MessageId: 'stub-message-id' });
  let logs: LogLine[];
  const savedEnv = { ...process.env };

  const token = 'tok_' + randomUUID().replaceAll('-', '');
  const link = tokenLink('https://app.example.com', VERIFY_EMAIL_PATH, token);
  const message = { to: 'grace@example.com', ...verifyEmailMail(link, 86_400) };

  beforeAll(async () => {
    // The SDK resolves credentials before it builds a request: give it some that need no network.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    // The real client of the process, stubbed at its last step before the network: the request
    // is recorded as serialized and signed-to-be, and answered here.
    (await sesClient(REGION)).middlewareStack.add(
      (_next, context) => (args) => {
        const request = args.request as {
          method: string;
          hostname: string;
          path: string;
          body: string | Uint8Array;
        };
        sent.push({
          command: context.commandName,
          method: request.method,
          hostname: request.hostname,
          path: request.path,
          body: JSON.parse(
            typeof request.body === 'string'
              ? request.body
              : new TextDecoder().decode(request.body),
          ),
        });
        return Promise.resolve({ output: { ...answer(), $metadata: {} }, response: {} });
      },
      { step: 'build', priority: 'low', name: 'captureAndAnswer' },
    );
  });
  afterAll(() => {
    process.env = savedEnv;
  });
  beforeEach(() => {
    sent.length = 0;
    answer = () => ({ MessageId: 'stub-message-id' });
    logs = captureLogs();
  });

  describe('send', () => {
    it('calls SES v2 SendEmail in its region with From, To, Subject and both bodies', async () => {
      await new SesMailer({ region: REGION, from: 'no-reply@example.com' }).send(message);

      expect(sent).toHaveLength(1);
      const [request] = sent;
      expect(request).toMatchObject({
        command: 'SendEmailCommand',
        method: 'POST',
        hostname: `email.${REGION}.amazonaws.com`,
        path: '/v2/email/outbound-emails',
      });
      expect(request.body).toEqual({
        FromEmailAddress: 'no-reply@example.com',
        Destination: { ToAddresses: ['grace@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Verify your email address', Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              Html: { Data: message.html, Charset: 'UTF-8' },
            },
          },
        },
      });
      expect(request.body.Content.Simple.Body.Text.Data).toContain(link);
      expect(request.body.Content.Simple.Body.Html.Data).toContain(`href="${link}"`);
    });

    it('logs one line, with the SES message id and nothing of the message', async () => {
      await new SesMailer({ region: REGION, from: 'no-reply@example.com' }).send(message);

      expect(logs).toEqual([
        {
          level: 'log',
          message: { event: 'mail.sent', transport: 'ses', messageId: 'stub-message-id' },
        },
      ]);
      for (const secret of [token, message.to]) expect(JSON.stringify(logs)).not.toContain(secret);
    });

    it('uses one SES client per process, whichever mailer sends', async () => {
      const first = new SesMailer({ region: REGION, from: 'no-reply@example.com' });
      const second = new SesMailer({ region: REGION, from: 'no-reply@example.com' });
      await first.send(message);
      await second.send(message);
      // Both requests went through the stub installed on the process's client.
      expect(sent).toHaveLength(2);
      expect(await sesClient(REGION)).toBe(await sesClient(REGION));
    });

    it('rejects with MailDeliveryError named after the SES error, logged without the address', async () => {
      answer = () => {
        throw new MessageRejected({
          message: `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${message.to}`,
          $metadata: { httpStatusCode: 400 },
        });
      };
      const error = await new SesMailer({ region: REGION, from: 'no-reply@example.com' })
        .send(message)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MailDeliveryError);
      expect(error).toMatchObject({ transport: 'ses', reason: 'MessageRejected HTTP 400' });
      expect((error as Error).cause).toBeInstanceOf(MessageRejected);
      expect(logs).toEqual([
        {
          level: 'error',
          message: { event: 'mail.failed', transport: 'ses', reason: 'MessageRejected HTTP 400' },
        },
      ]);
      for (const secret of [token, message.to]) expect(JSON.stringify(logs)).not.toContain(secret);
    });
  });
});
