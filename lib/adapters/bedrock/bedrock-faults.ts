/**
 * Bedrock's errors, sorted into what the generator does with them: wait (ModelBusyError, backed
 * off off the Lambda and then escalated), escalate at once (ModelUnavailableError, which only an
 * operator can fix), or fail as any other error. Sorted by the error's name and status, so the SDK
 * is not imported to classify.
 */
import { ModelBusyError, ModelUnavailableError } from '#lib/domain/reply';

/**
 * Faults that clear up by themselves: rate and token limits (a daily token quota included), the
 * service or the model overloaded, still loading, timing out or failing on its side.
 * Source: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors (2026-12-02).
 */
const BUSY_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'ModelErrorException',
  // The SDK's own, when the request timeout passes with no answer.
  'TimeoutError',
  'RequestTimeout',
]);

/**
 * Faults no retry helps: the role may not call the model, model access is not enabled (or the
 * use-case form not submitted) in this region, the model id is unknown or needs an inference
 * profile, the credentials are missing, expired or refused.
 */
const UNAVAILABLE_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

/**
 * A ValidationException about the model rather than the conversation: an unknown model id, one
 * that must be called through an inference profile, or a model without (forced) tool use. Any
 * other (a conversation too long for the model, say) is not an operator's to fix, and fails as it is.
 */
const MODEL_VALIDATION =
  /model identifier|model id|inference profile|on-demand throughput|tool ?use|toolChoice|doesn't support|does not support|not supported/i;

/** Connection failures where nothing came back. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Rethrows a Bedrock call's error as ModelBusyError or ModelUnavailableError where it is one, else
 * as it is. Bedrock's message (which names the model, never a secret) is kept in the new message,
 * since it says what to fix (enable model access, use an inference profile).
 */
export function rethrowBedrockFault(error: unknown): never {
  const { name = '', message = '', code, $metadata } = (error ?? {}) as SdkErrorShape;
  const status = $metadata?.httpStatusCode;
  const said = `Bedrock answered ${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
  if (
    UNAVAILABLE_ERRORS.has(name) ||
    (name === 'ValidationException' && MODEL_VALIDATION.test(message)) ||
    /region is missing/i.test(message)
  ) {
    throw new ModelUnavailableError(said, { cause: error });
  }
  if (BUSY_ERRORS.has(name) || (status !== undefined && (status === 429 || status >= 500))) {
    throw new ModelBusyError(said, { cause: error });
  }
  // The SDK may wrap a socket error as "AWS SDK error wrapper for Error: connect ECONNREFUSED …".
  const networkCode = code ?? /\b(E[A-Z_]{3,})\b/.exec(message)?.[1];
  if (status === undefined && networkCode !== undefined && NETWORK_CODES.has(networkCode)) {
    throw new ModelBusyError(`Bedrock could not be reached (${networkCode})`, { cause: error });
  }
  throw error;
}
