/** One reply request the chat model adapters' tests share: a sales AI asked a question by e-mail. */
import type { ReplyRequest } from '#lib/domain/reply';

export const REQUEST_NOW = '2025-03-04T10:00:00.000Z';

export const SALES_EMAIL_REQUEST: ReplyRequest = {
  ai: { name: 'Ava', type: 'sales', instructions: 'Always mention the free trial.' },
  contact: { firstName: 'Anna' },
  channel: 'email',
  outputFormat: 'text',
  history: [],
  pending: [{ role: 'prospect', text: 'Do you ship to Canada?', at: REQUEST_NOW }],
  now: REQUEST_NOW,
};
