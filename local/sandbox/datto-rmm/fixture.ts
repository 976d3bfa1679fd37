/**
 * Demo data for the Datto RMM sandbox: the demo MSP's managed sites (names as Datto RMM knows them, close to
 * but not the PSA's, see local/demo/msp.ts) and their devices, in Datto RMM API v2's field names.
 */
export interface DattoDevice {
  id: number;
  uid: string;
  siteId: number;
  siteUid: string;
  siteName: string;
  hostname: string;
  /** Datto: device | printer | esxihost | rmmnetworkdevice | unknown (treated as open text). */
  deviceClass: string;
  deviceType: { category: string; type: string } | null;
  operatingSystem: string | null;
  online: boolean;
  suspended: boolean;
  deleted: boolean;
  creationDate: number;
}

export interface DattoSite {
  id: number;
  uid: string;
  accountUid: string;
  name: string;
  onDemand: boolean;
  autotaskCompanyName: string | null;
  autotaskCompanyId: string | null;
}

export interface DattoFixture {
  apiKey: string;
  apiSecret: string;
  /** Largest `max` honoured per page. */
  maxPageSize: number;
  /** How the last page says there is no next one: null or an empty string (both seen in clients). */
  lastPageLink: 'null' | 'empty';
  /** Requests a minute before 429 (with Retry-After). */
  requestsPerMinute: number;
  sites: DattoSite[];
  devices: DattoDevice[];
}

export const DEMO_API_KEY = 'DRMM-DEMO-KEY-41C7';
export const DEMO_API_SECRET = 'drmm-demo-secret-9b2e5d';

const OCT_1 = Date.UTC(2026, 8, 15);

export function demoFixture(over: Partial<DattoFixture> = {}): DattoFixture {
  const sites: DattoSite[] = [
    ['site-acme-hq', 'Acme Dental - HQ'],
    ['site-acme-north', 'Acme Dental - North clinic'],
    ['site-backerei', 'Backerei Muller'],
    ['site-blueharbor', 'Blue Harbor Logistics'],
    ['site-crestview', 'Crestview Vet'],
    ['site-northwind', 'Northwind internal'],
  ].map(([uid, name], i) => ({
    id: 300 + i,
    uid,
    accountUid: 'acct-northwind',
    name,
    onDemand: false,
    autotaskCompanyName: null,
    autotaskCompanyId: null,
  }));
  const devices: DattoDevice[] = [];
  let n = 0;
  const add = (
    siteUid: string,
    count: number,
    deviceClass: string,
    category: string | null,
    extra: Partial<DattoDevice> = {},
  ) => {
    const site = sites.find((s) => s.uid === siteUid)!;
    for (let i = 0; i < count; i++) {
      n += 1;
      devices.push({
        id: 5000 + n,
        uid: `dev-${String(n).padStart(4, '0')}`,
        siteId: site.id,
        siteUid,
        siteName: site.name,
        hostname: `${siteUid.replace('site-', '').toUpperCase()}-${String(n).padStart(3, '0')}`,
        deviceClass,
        deviceType: category ? { category, type: category } : null,
        operatingSystem: category === 'Server' ? 'Windows Server 2022' : category ? 'Windows 11 Pro' : null,
        online: i % 5 !== 0,
        suspended: false,
        deleted: false,
        creationDate: OCT_1 + n * 3600_000,
        ...extra,
      });
    }
  };
  add('site-acme-hq', 18, 'device', 'Desktop');
  add('site-acme-hq', 4, 'device', 'Laptop');
  add('site-acme-hq', 2, 'device', 'Server');
  add('site-acme-hq', 3, 'rmmnetworkdevice', null);
  add('site-acme-hq', 1, 'device', 'Desktop', { deleted: true });
  add('site-acme-north', 6, 'device', 'Laptop');
  add('site-acme-north', 1, 'esxihost', 'ESXi Host');
  add('site-acme-north', 2, 'printer', 'Printer');
  add('site-backerei', 9, 'device', 'Desktop');
  add('site-blueharbor', 38, 'device', 'Laptop');
  add('site-blueharbor', 4, 'device', 'Server');
  add('site-blueharbor', 6, 'rmmnetworkdevice', null);
  add('site-crestview', 14, 'device', 'Desktop');
  add('site-crestview', 1, 'device', 'Desktop', { suspended: true });
  add('site-northwind', 5, 'device', 'Laptop');
  return {
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    maxPageSize: 250,
    lastPageLink: 'null',
    requestsPerMinute: 600,
    sites,
    devices,
    ...over,
  };
}
