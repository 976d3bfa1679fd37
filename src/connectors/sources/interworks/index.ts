export { createInterworksSource, interworksHttpPolicy, InterworksSource } from './source';
export type { InterworksDeps, InterworksTenantFacts } from './source';
export { interworksConfigSchema, interworksCredentialsSchema, parseInterworksConfig } from './config';
export type { InterworksConfig, InterworksCredentials } from './config';
export { descriptor as interworksDescriptor, interworksProbes } from './descriptor';
