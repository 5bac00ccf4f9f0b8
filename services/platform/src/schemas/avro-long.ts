/**
 * The largest magnitude an Avro `long` carries as a JavaScript number: avsc encodes a number only
 * within ±(2^53 - 2), one short of Number.MAX_SAFE_INTEGER. Amounts and balances are longs, so a
 * request or a decision past it would be refused by the encoder after it was accepted.
 */
export const MAX_AVRO_LONG_NUMBER = 9_007_199_254_740_990;
