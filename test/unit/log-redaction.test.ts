import { createHash } from 'node:crypto';
import { REDACTED, redactAttributes } from '#functions/log-redaction';
import { CONVERSATION_REF_CHARS, conversationRef } from '#lib/domain/conversation-ref';

describe('conversationRef', () => {
  it('is the first characters of sha256 over the tenant id, a newline and the conversation id', () => {
    const expected = createHash('sha256')
      .update('ten_1\nada@example.com')
      .digest('hex')
      .slice(0, CONVERSATION_REF_CHARS);

    expect(conversationRef('ten_1', 'ada@example.com')).toBe(expected);
  });

  it('differs between tenants for the same conversation id', () => {
    expect(conversationRef('ten_1', 'ada@example.com')).not.toBe(conversationRef('ten_2', 'ada@example.com'));
  });
});

describe('redactAttributes', () => {
  it('replaces a conversation id with its ref, scoped by the tenant id beside it', () => {
    const redacted = redactAttributes({ tenantId: 'ten_1', conversationId: 'ada@example.com', outcome: 'answered' });

    expect(redacted).toEqual({
      tenantId: 'ten_1',
      conversationRef: conversationRef('ten_1', 'ada@example.com'),
      outcome: 'answered',
    });
  });

  it('redacts contact details, message text and secrets at any depth, whatever their case', () => {
    const redacted = redactAttributes({
      contact: { email: 'ada@example.com' },
      nested: [{ Email: 'ada@example.com', phone: '+15550100', text: 'hello', webhook_secret: 'whsec_x' }],
      apiKey: 'prly_secret',
    });

    expect(JSON.stringify(redacted)).not.toMatch(/ada@example|15550100|hello|whsec_x|prly_secret/);
    expect(redacted).toEqual({
      contact: REDACTED,
      nested: [{ Email: REDACTED, phone: REDACTED, text: REDACTED, webhook_secret: REDACTED }],
      apiKey: REDACTED,
    });
  });

  it('keeps only the origin of a URL, whose path and query may hold a token', () => {
    expect(redactAttributes({ url: 'https://hooks.zapier.com/hooks/catch/123/abc?token=t' })).toEqual({
      url: 'https://hooks.zapier.com',
    });
  });

  it('leaves errors to the formatter and keeps ids and outcomes', () => {
    const error = new Error('boom');

    expect(redactAttributes({ deliveryId: 'dlv_1', error, statusCode: 500 })).toEqual({
      deliveryId: 'dlv_1',
      error,
      statusCode: 500,
    });
  });
});
