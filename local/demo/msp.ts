/**
 * The demo MSP ("Northwind Managed IT") shared by every sandbox fixture, the workbench and tests.
 * Each client has the name the PSA knows and the (sometimes different) names its vendors use, so that
 * fuzzy matching has real work to do: accents, legal suffixes, punctuation, a formula-looking name,
 * HTML in a name, and clients that exist at only one vendor or only in the PSA.
 */
export interface DemoClient {
  /** Stable short id used to derive vendor and PSA ids in fixtures. */
  id: string;
  /** Name in the PSA (Autotask company / Halo client). Null: not in the PSA yet (a "create missing" case). */
  psaName: string | null;
  /** Name at the cloud marketplace source (null: not its customer). */
  marketplaceName: string | null;
  /** Name of the client's account at the usage-billed source (null: no account there). */
  usageName: string | null;
  /** That account's status. */
  usageStatus?: 'active' | 'suspended' | 'closed';
}

export const DEMO_MSP_NAME = 'Northwind Managed IT';

export const DEMO_CLIENTS: DemoClient[] = [
  {
    id: 'c01',
    psaName: 'Acme Dental Group',
    marketplaceName: 'Acme Dental Group, LLC',
    usageName: 'Acme Dental',
  },
  { id: 'c02', psaName: 'Bäckerei Müller', marketplaceName: 'Backerei Muller GmbH', usageName: null },
  {
    id: 'c03',
    psaName: 'Blue Harbor Logistics',
    marketplaceName: 'Blue Harbor Logistics Inc.',
    usageName: 'Blue Harbor Logistics',
  },
  { id: 'c04', psaName: 'Cedar & Pine Law', marketplaceName: 'Cedar and Pine Law PLLC', usageName: null },
  {
    id: 'c05',
    psaName: 'Crestview Veterinary',
    marketplaceName: 'Crestview Veterinary Clinic',
    usageName: 'Crestview Vet',
  },
  { id: 'c06', psaName: 'Delta Engineering', marketplaceName: 'Delta Engineering Ltd', usageName: null },
  {
    id: 'c07',
    psaName: 'Évora Consulting',
    marketplaceName: 'Evora Consulting S.A.',
    usageName: 'Evora Consulting',
  },
  {
    id: 'c08',
    psaName: 'Fairway Golf Club',
    marketplaceName: 'Fairway Golf Club',
    usageName: 'Fairway Golf Club',
  },
  {
    id: 'c09',
    psaName: 'Granite Peak Realty',
    marketplaceName: 'Granite Peak Realty Pty Ltd',
    usageName: null,
  },
  {
    id: 'c10',
    psaName: 'Harborview Medical',
    marketplaceName: 'HarborView Medical, Inc.',
    usageName: 'Harborview Medical',
    usageStatus: 'suspended',
  },
  { id: 'c11', psaName: 'Ironclad Security', marketplaceName: 'Ironclad Security Corp', usageName: null },
  {
    id: 'c12',
    psaName: 'Juniper Schools Trust',
    marketplaceName: 'Juniper Schools Trust',
    usageName: 'Juniper Schools',
  },
  { id: 'c13', psaName: 'Kestrel Aviation', marketplaceName: 'Kestrel Aviation Ltd.', usageName: null },
  {
    id: 'c14',
    psaName: 'Lakeside Accounting',
    marketplaceName: 'Lakeside Accounting LLP',
    usageName: 'Lakeside Accounting',
  },
  {
    id: 'c15',
    psaName: 'Maple Leaf Foods Co-op',
    marketplaceName: 'Maple Leaf Foods Co-op',
    usageName: null,
  },
  {
    id: 'c16',
    psaName: 'Northstar Architects',
    marketplaceName: 'North Star Architects',
    usageName: 'Northstar Architects',
  },
  { id: 'c17', psaName: "O'Brien Plumbing", marketplaceName: 'OBrien Plumbing Inc', usageName: null },
  {
    id: 'c18',
    psaName: 'Pinnacle Insurance',
    marketplaceName: 'Pinnacle Insurance Agency',
    usageName: 'Pinnacle Insurance',
    usageStatus: 'closed',
  },
  { id: 'c19', psaName: 'Quantum Labs', marketplaceName: 'Quantum Labs GmbH', usageName: null },
  {
    id: 'c20',
    psaName: 'Riverside Church',
    marketplaceName: 'Riverside Church',
    usageName: 'Riverside Church',
  },
  {
    id: 'c21',
    psaName: 'Summit Physiotherapy',
    marketplaceName: 'Summit Physiotherapy Ltd',
    usageName: null,
  },
  {
    id: 'c22',
    psaName: 'Tidewater Marine',
    marketplaceName: 'Tidewater Marine Services',
    usageName: 'Tidewater Marine',
  },
  { id: 'c23', psaName: 'Union Street Bakery', marketplaceName: 'Union St. Bakery', usageName: null },
  {
    id: 'c24',
    psaName: 'Valley Credit Union',
    marketplaceName: 'Valley Credit Union',
    usageName: 'Valley CU',
  },
  { id: 'c25', psaName: 'Willow Creek Farms', marketplaceName: 'Willow Creek Farms, Inc.', usageName: null },
  {
    id: 'c26',
    psaName: 'Xavier Hotels',
    marketplaceName: 'Xavier Hotels S.A.R.L.',
    usageName: 'Xavier Hotels',
  },
  {
    id: 'c27',
    psaName: 'Yellowstone Outfitters',
    marketplaceName: 'Yellowstone Outfitters',
    usageName: null,
  },
  { id: 'c28', psaName: 'Zenith Dental', marketplaceName: 'Zenith Dental Care', usageName: 'Zenith Dental' },
  { id: 'c29', psaName: 'Ångström Optics', marketplaceName: 'Angstrom Optics AB', usageName: null },
  {
    id: 'c30',
    psaName: 'Brightside Pediatrics',
    marketplaceName: 'Brightside Pediatrics, P.C.',
    usageName: 'Brightside Pediatrics',
  },
  { id: 'c31', psaName: 'Coastal Freight', marketplaceName: 'Coastal Freight Ltd', usageName: null },
  { id: 'c32', psaName: 'Summit Partners', marketplaceName: 'Summit Partner', usageName: null },
  { id: 'c33', psaName: 'Summit Partners Group', marketplaceName: null, usageName: null },
  { id: 'c34', psaName: '=SUM Accounting', marketplaceName: '=SUM Accounting', usageName: null },
  {
    id: 'c35',
    psaName: 'Hacker Test Co',
    marketplaceName: null,
    usageName: '<img src=x onerror=alert(1)> Test Co',
  },
  { id: 'c36', psaName: null, marketplaceName: 'Greenfield Startups Ltd', usageName: null },
  { id: 'c37', psaName: null, marketplaceName: null, usageName: 'Orchard Call Center' },
  {
    id: 'c38',
    psaName: 'Meridian Health',
    marketplaceName: 'Meridian Health Partners',
    usageName: 'Meridian Health',
  },
  {
    id: 'c39',
    psaName: 'Sunrise Senior Living',
    marketplaceName: 'Sunrise Senior Living LLC',
    usageName: null,
  },
  {
    id: 'c40',
    psaName: 'Westgate Retail',
    marketplaceName: 'West Gate Retail',
    usageName: 'Westgate Retail',
  },
  { id: 'c41', psaName: 'Internal - Northwind', marketplaceName: null, usageName: null },
];

/** The billing month the demo data is built around (the month before "today" in the demo). */
export const DEMO_MONTH = '2026-10';

/**
 * "Today" when a fresh workbench starts: a few days into the month after DEMO_MONTH, when finance staff
 * bill the month just ended. The emulator clock runs on from here, so the suggested month, a contract
 * created in the setup wizard and the schedule's next run fit the demo data whatever the real date is.
 */
export const DEMO_TODAY = '2026-11-05T14:00:00Z';
