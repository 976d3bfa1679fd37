/**
 * The workbench's demo workbook starts with the two sample vendor exports (./samples, two layouts, see
 * ./profiles.ts) imported for the demo month with their profiles: the Import screen lists both remembered
 * profiles, and the month's pull brings their rows. The files go as the sidebar sends a small upload.
 */
import { DEMO_MONTH } from '../../demo/msp';
import type { DemoSeed } from '../module';
import { DICKER_PROFILE, SHERWEB_PROFILE, sampleBytes } from './profiles';

export const DEMO_SAMPLES = [
  { file: 'sherweb-2026-10.csv', profile: SHERWEB_PROFILE },
  { file: 'dicker-data-2026-10.csv', profile: DICKER_PROFILE },
] as const;

export const demoSeed: DemoSeed = {
  label: `the two sample vendor exports (${DEMO_SAMPLES.map((s) => s.profile.name).join(', ')})`,
  calls: () =>
    DEMO_SAMPLES.map((s) => ({
      fn: 'importFile',
      args: [
        {
          file: { name: s.file, base64: Buffer.from(sampleBytes(s.file)).toString('base64') },
          month: DEMO_MONTH,
          profile: s.profile,
        },
      ],
    })),
};
