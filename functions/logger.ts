import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger (JSON, with the Lambda context). Message bodies and secrets are never
 * passed to it; log level from POWERTOOLS_LOG_LEVEL.
 */
export const logger = new Logger({ serviceName: 'parley' });
