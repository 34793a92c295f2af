/**
 * How well grounded the model judged a reply: in its structured answer, on the stored message and
 * in the API's responses. A low-confidence reply that cites no knowledge counts as ungrounded.
 */
export const CONFIDENCE_LEVELS = ['high', 'medium', 'low'] as const;

export type ConfidenceLevel = (typeof CONFIDENCE_LEVELS)[number];
