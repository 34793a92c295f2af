import { Logger } from '@aws-lambda-powertools/logger';
import { RedactingLogFormatter } from '#functions/log-redaction';

/**
 * The one structured logger (JSON, with the Lambda context). Message bodies and secrets are never
 * passed to it, and its formatter redacts them and hashes conversation ids should a call slip;
 * log level from POWERTOOLS_LOG_LEVEL.
 */
export const logger = new Logger({ serviceName: 'parley', logFormatter: new RedactingLogFormatter() });
