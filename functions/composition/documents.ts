/**
 * What indexing a document takes besides storage: the parsers and the URL fetcher. Only the
 * ingester composes them, so only its bundle carries the parsers.
 */
import type { Config } from '#lib/config';
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { SafeUrlFetcher } from '#lib/adapters/http/url-fetcher';
import type { IngestionDeps } from '#lib/app/knowledge/ingest-document';

export function composeDocumentTools(config: Config): Pick<IngestionDeps, 'reader' | 'fetcher'> {
  return {
    reader: new LibraryDocumentReader(),
    fetcher: new SafeUrlFetcher({ policy: config.webhookTargets, allowHttp: config.allowHttpWebhooks }),
  };
}
