/** One mail to one recipient, in plain text and HTML (sent as multipart/alternative). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}
