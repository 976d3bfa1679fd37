export { createTwilioSource, twilioHttpPolicy, TwilioSource } from './source';
export { parseTwilioConfig, twilioConfigSchema, TWILIO_LINE_MODES } from './config';
export type { TwilioConfig, TwilioConfigInput } from './config';
export { selectBilledCategories } from './categories';
export { usageLines } from './usage-lines';
