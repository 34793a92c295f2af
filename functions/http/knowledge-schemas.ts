/** Wire shapes of knowledge bases, documents, search and knowledge gaps (see common-schemas.ts). */
import * as z from 'zod';
import { MAX_CORRECTION_CHARS } from '#lib/domain/limits/messages';
import { MAX_DOCUMENT_TITLE_CHARS, MAX_SEARCH_QUERY_CHARS, MAX_SEARCH_TOP_K } from '#lib/domain/limits/knowledge';
import { MAX_NAME_CHARS, MAX_URL_CHARS } from '#lib/domain/limits/setup';
import { timestamp } from '#functions/http/common-schemas';

export const createKnowledgeBaseBody = z.object({ name: z.string().trim().min(1).max(MAX_NAME_CHARS) }).strict();

export const knowledgeBaseResponse = z.object({
  id: z.string(),
  name: z.string(),
  document_count: z.number().int().describe('Documents in the base, whatever their status.'),
  created_at: timestamp,
  updated_at: timestamp,
});

/** A file from a multipart upload, as the router hands it over. */
const uploadedFile = z
  .object({
    filename: z.string().min(1).max(255),
    content_type: z.string().max(255),
    data: z.instanceof(Uint8Array),
  })
  .describe('The file (multipart/form-data field `file`): PDF, DOCX, TXT, MD, HTML or CSV.');

const INLINE_TYPES = ['text/plain', 'text/markdown', 'text/html'] as const;

/**
 * One schema for the three ways to add a document, so that errors name the field at fault:
 * exactly one of `content` (with `content_type`), `url` and `file` must be given.
 */
export const addDocumentBody = z
  .object({
    title: z
      .string()
      .trim()
      .min(1)
      .max(MAX_DOCUMENT_TITLE_CHARS)
      .optional()
      .describe('Shown in citations. Uploading a document with the same title (or file name, or URL) replaces it.'),
    content: z.string().min(1).optional().describe('The document itself, as text, Markdown or HTML.'),
    content_type: z.enum(INLINE_TYPES).optional().describe('What `content` is written in; text/plain by default.'),
    url: z
      .url({ protocol: /^https?$/ })
      .max(MAX_URL_CHARS)
      .optional()
      .describe('A public web page or file to fetch (up to 10 MB).'),
    file: uploadedFile.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const given = (['content', 'url', 'file'] as const).filter((field) => body[field] !== undefined);
    if (given.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'give the content, a url, or a file' });
    }
    for (const field of given.slice(1)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `give only one of content, url and file` });
    }
    if (body.content_type !== undefined && body.content === undefined) {
      ctx.addIssue({ code: 'custom', path: ['content_type'], message: 'only goes with content' });
    }
  });

export const documentResponse = z.object({
  document_id: z.string(),
  knowledge_base_id: z.string(),
  title: z.string(),
  status: z.enum(['queued', 'ready', 'failed']),
  error: z.string().optional().describe('Why the document failed, when it did.'),
  chunk_count: z.number().int().describe('Passages the document was cut into (0 until ready).'),
  source: z.object({
    kind: z.enum(['text', 'file', 'url']),
    content_type: z.string().optional(),
    filename: z.string().optional(),
    url: z.string().optional(),
  }),
  bytes: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const searchBody = z
  .object({
    query: z.string().trim().min(1).max(MAX_SEARCH_QUERY_CHARS),
    top_k: z.number().int().min(1).max(MAX_SEARCH_TOP_K).optional(),
  })
  .strict();

export const searchResponse = z.object({
  data: z.array(
    z.object({
      text: z.string(),
      score: z.number().describe('Higher is better; comparable within one search only.'),
      document_id: z.string(),
      title: z.string(),
      heading_path: z.array(z.string()).describe('The headings the passage sits under, outermost first.'),
    }),
  ),
});

export const knowledgeGapResponse = z.object({
  id: z.string(),
  reason: z.enum(['escalated', 'ungrounded', 'rated_down']),
  question: z.string(),
  ai_id: z.string(),
  conversation_id: z.string(),
  message_id: z.string(),
  created_at: timestamp,
});

export const answerGapBody = z
  .object({
    answer: z
      .string()
      .trim()
      .min(1)
      .max(MAX_CORRECTION_CHARS)
      .describe("The answer to the gap's question: later answers to close questions use it first."),
  })
  .strict();

/** An answered gap: closed (no longer listed), with the correction its answer became. */
export const answeredGapResponse = knowledgeGapResponse.extend({
  status: z.literal('closed'),
  closed_at: timestamp,
  correction: z.object({
    correction_id: z.string(),
    ai_id: z.string(),
    question: z.string(),
    answer: z.string(),
    created_at: timestamp,
  }),
});
