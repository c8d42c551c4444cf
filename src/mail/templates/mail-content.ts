/** What a template produces: everything of a mail but its addresses. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}
