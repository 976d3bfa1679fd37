import { z } from 'zod';

export const tokenSchema = z.lazy(() =>
  z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }),
);

export const pageDetailsSchema = z.lazy(() =>
  z.object({
    count: z.number().int().nullish(),
    totalCount: z.number().int().nullish(),
    nextPageUrl: z.string().nullish(),
  }),
);

export const sitesPageSchema = z.lazy(() =>
  z.object({ pageDetails: pageDetailsSchema, sites: z.array(z.unknown()) }),
);
export const devicesPageSchema = z.lazy(() =>
  z.object({ pageDetails: pageDetailsSchema, devices: z.array(z.unknown()) }),
);

export const siteSchema = z.lazy(() =>
  z.object({
    uid: z.string().min(1),
    name: z.string().min(1),
    onDemand: z.boolean().nullish(),
  }),
);
export type DattoSite = z.infer<typeof siteSchema>;

/** deviceClass is open text: Datto's own enum is not reliable (pncit/datto-rmm-api-client notes). */
export const deviceSchema = z.lazy(() =>
  z.object({
    uid: z.string().min(1),
    hostname: z.string().nullish(),
    deviceClass: z.string().min(1),
    deviceType: z.object({ category: z.string().nullish(), type: z.string().nullish() }).nullish(),
    deleted: z.boolean().nullish(),
  }),
);
export type DattoDevice = z.infer<typeof deviceSchema>;
