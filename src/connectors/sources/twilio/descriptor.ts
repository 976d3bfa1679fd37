/** Twilio as a registered source: Connect fields, URL prefixes, HTTP manners and the factory. */
import type { SourceDescriptor } from '../../descriptor';
import { twilioCredentialsSchema, type TwilioCredentials } from './config';
import { createTwilioSource, twilioHttpPolicy } from './source';
import { twilioProbes } from './probes';

export const descriptor: SourceDescriptor<TwilioCredentials> = {
  id: 'twilio',
  kind: 'source',
  displayName: 'Twilio',
  credentials: twilioCredentialsSchema,
  fields: [
    {
      name: 'accountSid',
      label: 'Account SID',
      exposure: 'identifier',
      input: 'text',
      hint: 'Your top-level account; BillGrid walks every subaccount.',
    },
    {
      name: 'authToken',
      label: 'Auth Token',
      exposure: 'secret',
      input: 'password',
      hint: 'Or leave blank and give an API key below.',
      optional: true,
    },
    {
      name: 'apiKeySid',
      label: 'API key SID',
      exposure: 'identifier',
      input: 'text',
      hint: 'A Main API key (SK…), which Twilio recommends over the Auth Token.',
      optional: true,
    },
    { name: 'apiKeySecret', label: 'API key secret', exposure: 'secret', input: 'password', optional: true },
  ],
  urlPrefixes: ['https://api.twilio.com/'],
  http: { reads: twilioHttpPolicy() },
  create: (c, deps) =>
    createTwilioSource(
      {
        accountSid: c.accountSid,
        authToken: c.authToken,
        apiKeySid: c.apiKeySid,
        apiKeySecret: c.apiKeySecret,
      },
      deps.http(twilioHttpPolicy()),
    ),
  probes: twilioProbes,
};
