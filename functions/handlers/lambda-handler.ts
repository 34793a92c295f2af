import type { Context } from 'aws-lambda';

/**
 * What a handler factory returns: the function Lambda calls, and the local runtime calls the same
 * way (an event and a context, a promise of the result).
 */
export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;
