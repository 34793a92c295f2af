/**
 * S3's REST API, path-style (`/<bucket>/<key>`) or virtual-hosted (`<bucket>.s3….` or
 * `<bucket>.localhost`): object calls on `arn:aws:s3:::<bucket>/<key>` (the key URL-decoded), bucket
 * calls on `arn:aws:s3:::<bucket>`. Multipart uploads are s3:PutObject, a copy is also s3:GetObject
 * on its source, a multi-object delete is s3:DeleteObject on each key. A sub-resource not listed
 * here (`?policy`, `?retention`, …) is unrecognised.
 */
import { type AuthorizationCheck, type AwsEnvironment, type AwsHttpRequest, unrecognisedCheck } from './aws-request.ts';
import type { RequestContext } from './iam-policy.ts';
import { headerOf, splitPath } from './request-parts.ts';

/** Query parameters that shape a call without changing what it is authorised as. */
const PLAIN_PARAMETERS = new Set([
  'x-id',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'marker',
  'partNumber',
  'versionId',
]);

/** The checks for one S3 call. */
export function describeS3Request(request: AwsHttpRequest, environment: AwsEnvironment): AuthorizationCheck[] {
  const { pathname, query } = splitPath(request);
  const { bucket, key } = locate(pathname, headerOf(request, 'host') ?? '');
  const method = request.method.toUpperCase();
  const subresources = [...query.keys()].filter(
    (name) => !PLAIN_PARAMETERS.has(name) && !/^(response-|x-amz-)/i.test(name),
  );
  const sub = subresources.join('&');
  const versioned = query.has('versionId');
  const bucketArn = `arn:${environment.partition}:s3:::${bucket}`;
  const on = (action: string, resource: string, context: RequestContext = {}): AuthorizationCheck => ({
    action: `s3:${action}`,
    resource,
    context,
  });
  const unrecognised = () =>
    unrecognisedCheck(`s3:${method}${sub ? `?${sub}` : ''}`, `no mapping for ${method} ${request.path}`);

  if (!bucket) return method === 'GET' ? [on('ListAllMyBuckets', '*')] : [unrecognised()];

  if (key === undefined) {
    if ((method === 'GET' || method === 'HEAD') && sub === '') return [on('ListBucket', bucketArn, listContext(query))];
    if (method === 'GET' && sub === 'location') return [on('GetBucketLocation', bucketArn)];
    if (method === 'GET' && sub === 'versions') return [on('ListBucketVersions', bucketArn, listContext(query))];
    if (method === 'GET' && sub === 'uploads') return [on('ListBucketMultipartUploads', bucketArn)];
    if (method === 'PUT' && sub === '') return [on('CreateBucket', bucketArn)];
    if (method === 'DELETE' && sub === '') return [on('DeleteBucket', bucketArn)];
    if (method === 'POST' && sub === 'delete') {
      return deletedObjects(request.body).map((object) =>
        on(object.versioned ? 'DeleteObjectVersion' : 'DeleteObject', `${bucketArn}/${object.key}`),
      );
    }
    return [unrecognised()];
  }

  const objectArn = `${bucketArn}/${key}`;
  const read = versioned ? 'GetObjectVersion' : 'GetObject';
  if (method === 'GET' || method === 'HEAD') {
    if (sub === '') return [on(read, objectArn)];
    if (method === 'GET' && sub === 'uploadId') return [on('ListMultipartUploadParts', objectArn)];
    if (method === 'GET' && sub === 'tagging')
      return [on(versioned ? 'GetObjectVersionTagging' : 'GetObjectTagging', objectArn)];
    if (method === 'GET' && sub === 'acl') return [on(versioned ? 'GetObjectVersionAcl' : 'GetObjectAcl', objectArn)];
    if (method === 'GET' && sub === 'attributes')
      return [on(versioned ? 'GetObjectVersionAttributes' : 'GetObjectAttributes', objectArn)];
    return [unrecognised()];
  }
  if (method === 'PUT') {
    if (sub === 'tagging') return [on(versioned ? 'PutObjectVersionTagging' : 'PutObjectTagging', objectArn)];
    if (sub === 'acl') return [on(versioned ? 'PutObjectVersionAcl' : 'PutObjectAcl', objectArn)];
    if (sub !== '' && sub !== 'uploadId') return [unrecognised()];
    const checks = [on('PutObject', objectArn)];
    const copySource = headerOf(request, 'x-amz-copy-source');
    if (copySource) checks.push(copySourceCheck(copySource, environment));
    return checks;
  }
  if (method === 'POST' && (sub === 'uploads' || sub === 'uploadId')) return [on('PutObject', objectArn)];
  if (method === 'DELETE') {
    if (sub === 'uploadId') return [on('AbortMultipartUpload', objectArn)];
    if (sub === 'tagging') return [on(versioned ? 'DeleteObjectVersionTagging' : 'DeleteObjectTagging', objectArn)];
    if (sub === '') return [on(versioned ? 'DeleteObjectVersion' : 'DeleteObject', objectArn)];
  }
  return [unrecognised()];
}

/** The bucket and (URL-decoded) key, from the Host header when it is virtual-hosted, else from the path. */
function locate(pathname: string, host: string): { bucket: string | undefined; key: string | undefined } {
  const hostname = host.replace(/:\d+$/, '');
  const virtualBucket = /^(.+)\.(?:localhost|s3[.-].+)$/.exec(hostname)?.[1];
  const segments = pathname.replace(/^\//, '');
  if (virtualBucket) return { bucket: virtualBucket, key: segments === '' ? undefined : decodeURIComponent(segments) };
  const slash = segments.indexOf('/');
  if (segments === '') return { bucket: undefined, key: undefined };
  if (slash < 0) return { bucket: decodeURIComponent(segments), key: undefined };
  const key = segments.slice(slash + 1);
  return {
    bucket: decodeURIComponent(segments.slice(0, slash)),
    key: key === '' ? undefined : decodeURIComponent(key),
  };
}

/** ListObjects' `s3:prefix`, `s3:delimiter` and `s3:max-keys`, where the call gives them. */
function listContext(query: URLSearchParams): RequestContext {
  const context: Record<string, string> = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) {
    const value = query.get(name);
    if (value !== null) context[`s3:${name}`] = value;
  }
  return context;
}

/** `x-amz-copy-source: [/]<bucket>/<key>[?versionId=…]`, URL-encoded: the read a copy makes. */
function copySourceCheck(copySource: string, environment: AwsEnvironment): AuthorizationCheck {
  const [path = '', version] = copySource.split('?versionId=');
  const source = decodeURIComponent(path.replace(/^\//, ''));
  return {
    action: version === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
    resource: `arn:${environment.partition}:s3:::${source}`,
    context: {},
  };
}

/** The objects named in a DeleteObjects body (`<Delete><Object><Key>…</Key>[<VersionId>…]</Object>…`). */
function deletedObjects(body: Buffer): { key: string; versioned: boolean }[] {
  const objects = [...body.toString('utf8').matchAll(/<Object>([\s\S]*?)<\/Object>/g)];
  return objects.map(([, inner = '']) => ({
    key: decodeXml(/<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1] ?? ''),
    versioned: /<VersionId>/.test(inner),
  }));
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[\da-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? '';
  });
}
