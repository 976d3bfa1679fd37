/**
 * The slice of Twilio's usage-category catalogue the sandbox serves. Like the real API, a usage list
 * returns every category (most at zero), and roll-up categories carry the sum of their parts:
 * `calls` = `calls-inbound` + `calls-outbound` + …, and `totalprice` = everything.
 */
export interface CategoryInfo {
  category: string;
  description: string;
  /** Roll-up this category is part of (besides totalprice). */
  parent?: string;
  countUnit: string;
  usageUnit: string;
  /** List price per usage unit (USD), used to build realistic demo amounts. */
  rate?: number;
}

export const CATALOGUE: CategoryInfo[] = [
  { category: 'totalprice', description: 'Total Price', countUnit: '', usageUnit: 'usd' },
  { category: 'calls', description: 'Voice Minutes', countUnit: 'calls', usageUnit: 'minutes' },
  {
    category: 'calls-inbound',
    description: 'Inbound Voice Minutes',
    parent: 'calls',
    countUnit: 'calls',
    usageUnit: 'minutes',
  },
  {
    category: 'calls-inbound-local',
    description: 'Inbound Local Voice Minutes',
    parent: 'calls-inbound',
    countUnit: 'calls',
    usageUnit: 'minutes',
    rate: 0.0085,
  },
  {
    category: 'calls-inbound-tollfree',
    description: 'Inbound Toll-Free Voice Minutes',
    parent: 'calls-inbound',
    countUnit: 'calls',
    usageUnit: 'minutes',
    rate: 0.022,
  },
  {
    category: 'calls-outbound',
    description: 'Outbound Voice Minutes',
    parent: 'calls',
    countUnit: 'calls',
    usageUnit: 'minutes',
    rate: 0.014,
  },
  {
    category: 'calls-client',
    description: 'Client Voice Minutes',
    parent: 'calls',
    countUnit: 'calls',
    usageUnit: 'minutes',
    rate: 0.004,
  },
  { category: 'sms', description: 'SMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  {
    category: 'sms-inbound',
    description: 'Inbound SMS Messages',
    parent: 'sms',
    countUnit: 'messages',
    usageUnit: 'messages',
  },
  {
    category: 'sms-inbound-longcode',
    description: 'Inbound Longcode SMS Messages',
    parent: 'sms-inbound',
    countUnit: 'messages',
    usageUnit: 'messages',
    rate: 0.0083,
  },
  {
    category: 'sms-outbound',
    description: 'Outbound SMS Messages',
    parent: 'sms',
    countUnit: 'messages',
    usageUnit: 'messages',
  },
  {
    category: 'sms-outbound-longcode',
    description: 'Outbound Longcode SMS Messages',
    parent: 'sms-outbound',
    countUnit: 'messages',
    usageUnit: 'messages',
    rate: 0.0083,
  },
  {
    category: 'sms-messages-carrierfees',
    description: 'SMS Carrier Fees',
    parent: 'sms',
    countUnit: 'messages',
    usageUnit: 'messages',
    rate: 0.003,
  },
  { category: 'mms', description: 'MMS Messages', countUnit: 'messages', usageUnit: 'messages' },
  {
    category: 'mms-outbound',
    description: 'Outbound MMS Messages',
    parent: 'mms',
    countUnit: 'messages',
    usageUnit: 'messages',
  },
  {
    category: 'mms-outbound-longcode',
    description: 'Outbound Longcode MMS Messages',
    parent: 'mms-outbound',
    countUnit: 'messages',
    usageUnit: 'messages',
    rate: 0.02,
  },
  {
    category: 'phonenumbers',
    description: 'Phone Numbers',
    countUnit: 'phone-numbers',
    usageUnit: 'phone-numbers',
  },
  {
    category: 'phonenumbers-local',
    description: 'Local Phone Numbers',
    parent: 'phonenumbers',
    countUnit: 'phone-numbers',
    usageUnit: 'phone-numbers',
    rate: 1.15,
  },
  {
    category: 'phonenumbers-tollfree',
    description: 'Toll-Free Phone Numbers',
    parent: 'phonenumbers',
    countUnit: 'phone-numbers',
    usageUnit: 'phone-numbers',
    rate: 2.15,
  },
  {
    category: 'recordings',
    description: 'Recordings',
    countUnit: 'recordings',
    usageUnit: 'minutes',
    rate: 0.0025,
  },
  {
    category: 'recordingstorage',
    description: 'Recording Storage',
    countUnit: 'minutes',
    usageUnit: 'minutes',
    rate: 0.0005,
  },
  {
    category: 'transcriptions',
    description: 'Transcriptions',
    countUnit: 'transcriptions',
    usageUnit: 'minutes',
    rate: 0.05,
  },
  // Roll-ups whose parts do not carry their name (see src/connectors/sources/twilio/SOURCES.md).
  { category: 'lookups', description: 'Lookups', countUnit: 'lookups', usageUnit: 'lookups' },
  {
    category: 'calleridlookups',
    description: 'Caller Name Lookups',
    parent: 'lookups',
    countUnit: 'lookups',
    usageUnit: 'lookups',
    rate: 0.01,
  },
  {
    category: 'carrier-lookups',
    description: 'Carrier Lookups',
    parent: 'lookups',
    countUnit: 'lookups',
    usageUnit: 'lookups',
    rate: 0.005,
  },
  { category: 'pv', description: 'Programmable Video', countUnit: 'minutes', usageUnit: 'minutes' },
  {
    category: 'group-rooms',
    description: 'Group Rooms',
    parent: 'pv',
    countUnit: 'participant-minutes',
    usageUnit: 'participant-minutes',
    rate: 0.004,
  },
  {
    category: 'video-recordings',
    description: 'Video Recordings',
    parent: 'pv',
    countUnit: 'minutes',
    usageUnit: 'minutes',
    rate: 0.004,
  },
  { category: 'channels', description: 'Channels', countUnit: 'messages', usageUnit: 'messages' },
  {
    category: 'channels-messaging',
    description: 'Channels Messaging',
    parent: 'channels',
    countUnit: 'messages',
    usageUnit: 'messages',
  },
  {
    category: 'channels-messaging-outbound',
    description: 'Outbound Channels Messages',
    parent: 'channels-messaging',
    countUnit: 'messages',
    usageUnit: 'messages',
    rate: 0.005,
  },
  {
    category: 'failed-message-processing-fee',
    description: 'Failed Message Processing Fee',
    parent: 'channels-messaging',
    countUnit: 'messages',
    usageUnit: 'messages',
    rate: 0.001,
  },
  { category: 'conversations', description: 'Conversations', countUnit: 'users', usageUnit: 'users' },
  {
    category: 'verify-push',
    description: 'Verify Push',
    countUnit: 'verifications',
    usageUnit: 'verifications',
  },
  { category: 'wireless', description: 'Wireless', countUnit: 'sims', usageUnit: 'sims' },
];

export const CATEGORY = new Map(CATALOGUE.map((c) => [c.category, c]));

/** Every roll-up a leaf counts towards, nearest first, ending with totalprice. */
export function ancestorsOf(category: string): string[] {
  const out: string[] = [];
  for (let p = CATEGORY.get(category)?.parent; p; p = CATEGORY.get(p)?.parent) out.push(p);
  if (category !== 'totalprice') out.push('totalprice');
  return out;
}
