/**
 * The credential scope of a SigV4-signed request (access key id, date, region, service), from the
 * `Authorization` header or a presigned URL's `X-Amz-Credential`. The signature itself is not
 * checked: the proxy only needs to know who is calling.
 */

/** `<AKID>/<date>/<region>/<service>/aws4_request`, taken apart. */
export interface SigV4Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const HEADER_CREDENTIAL = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)/;

/** The request's credential scope, or undefined if it is not SigV4-signed. */
export function readSigV4Credential(authorization: string | undefined, path: string): SigV4Credential | undefined {
  const scope =
    HEADER_CREDENTIAL.exec(authorization ?? '')?.[1] ??
    new URLSearchParams(path.split('?')[1] ?? '').get('X-Amz-Credential') ??
    undefined;
  const [accessKeyId, date, region, service, terminator] = scope?.split('/') ?? [];
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
}

/** The `Authorization` header with its access key id replaced (for an emulator that knows only its own key). */
export function replaceAccessKeyId(authorization: string, accessKeyId: string): string {
  return authorization.replace(/(Credential=)[^/]+/, `$1${accessKeyId}`);
}
