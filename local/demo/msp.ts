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
  /** Name at Pax8 (null: not a Pax8 customer). */
  pax8Name: string | null;
  /** Twilio subaccount friendly name (null: no subaccount). */
  twilioName: string | null;
  /** Subaccount status at Twilio. */
  twilioStatus?: 'active' | 'suspended' | 'closed';
}

export const DEMO_MSP_NAME = 'Northwind Managed IT';

export const DEMO_CLIENTS: DemoClient[] = [
  { id: 'c01', psaName: 'Acme Dental Group', pax8Name: 'Acme Dental Group, LLC', twilioName: 'Acme Dental' },
  { id: 'c02', psaName: 'Bäckerei Müller', pax8Name: 'Backerei Muller GmbH', twilioName: null },
  {
    id: 'c03',
    psaName: 'Blue Harbor Logistics',
    pax8Name: 'Blue Harbor Logistics Inc.',
    twilioName: 'Blue Harbor Logistics',
  },
  { id: 'c04', psaName: 'Cedar & Pine Law', pax8Name: 'Cedar and Pine Law PLLC', twilioName: null },
  {
    id: 'c05',
    psaName: 'Crestview Veterinary',
    pax8Name: 'Crestview Veterinary Clinic',
    twilioName: 'Crestview Vet',
  },
  { id: 'c06', psaName: 'Delta Engineering', pax8Name: 'Delta Engineering Ltd', twilioName: null },
  {
    id: 'c07',
    psaName: 'Évora Consulting',
    pax8Name: 'Evora Consulting S.A.',
    twilioName: 'Evora Consulting',
  },
  { id: 'c08', psaName: 'Fairway Golf Club', pax8Name: 'Fairway Golf Club', twilioName: 'Fairway Golf Club' },
  { id: 'c09', psaName: 'Granite Peak Realty', pax8Name: 'Granite Peak Realty Pty Ltd', twilioName: null },
  {
    id: 'c10',
    psaName: 'Harborview Medical',
    pax8Name: 'HarborView Medical, Inc.',
    twilioName: 'Harborview Medical',
    twilioStatus: 'suspended',
  },
  { id: 'c11', psaName: 'Ironclad Security', pax8Name: 'Ironclad Security Corp', twilioName: null },
  {
    id: 'c12',
    psaName: 'Juniper Schools Trust',
    pax8Name: 'Juniper Schools Trust',
    twilioName: 'Juniper Schools',
  },
  { id: 'c13', psaName: 'Kestrel Aviation', pax8Name: 'Kestrel Aviation Ltd.', twilioName: null },
  {
    id: 'c14',
    psaName: 'Lakeside Accounting',
    pax8Name: 'Lakeside Accounting LLP',
    twilioName: 'Lakeside Accounting',
  },
  { id: 'c15', psaName: 'Maple Leaf Foods Co-op', pax8Name: 'Maple Leaf Foods Co-op', twilioName: null },
  {
    id: 'c16',
    psaName: 'Northstar Architects',
    pax8Name: 'North Star Architects',
    twilioName: 'Northstar Architects',
  },
  { id: 'c17', psaName: "O'Brien Plumbing", pax8Name: 'OBrien Plumbing Inc', twilioName: null },
  {
    id: 'c18',
    psaName: 'Pinnacle Insurance',
    pax8Name: 'Pinnacle Insurance Agency',
    twilioName: 'Pinnacle Insurance',
    twilioStatus: 'closed',
  },
  { id: 'c19', psaName: 'Quantum Labs', pax8Name: 'Quantum Labs GmbH', twilioName: null },
  { id: 'c20', psaName: 'Riverside Church', pax8Name: 'Riverside Church', twilioName: 'Riverside Church' },
  { id: 'c21', psaName: 'Summit Physiotherapy', pax8Name: 'Summit Physiotherapy Ltd', twilioName: null },
  {
    id: 'c22',
    psaName: 'Tidewater Marine',
    pax8Name: 'Tidewater Marine Services',
    twilioName: 'Tidewater Marine',
  },
  { id: 'c23', psaName: 'Union Street Bakery', pax8Name: 'Union St. Bakery', twilioName: null },
  { id: 'c24', psaName: 'Valley Credit Union', pax8Name: 'Valley Credit Union', twilioName: 'Valley CU' },
  { id: 'c25', psaName: 'Willow Creek Farms', pax8Name: 'Willow Creek Farms, Inc.', twilioName: null },
  { id: 'c26', psaName: 'Xavier Hotels', pax8Name: 'Xavier Hotels S.A.R.L.', twilioName: 'Xavier Hotels' },
  { id: 'c27', psaName: 'Yellowstone Outfitters', pax8Name: 'Yellowstone Outfitters', twilioName: null },
  { id: 'c28', psaName: 'Zenith Dental', pax8Name: 'Zenith Dental Care', twilioName: 'Zenith Dental' },
  { id: 'c29', psaName: 'Ångström Optics', pax8Name: 'Angstrom Optics AB', twilioName: null },
  {
    id: 'c30',
    psaName: 'Brightside Pediatrics',
    pax8Name: 'Brightside Pediatrics, P.C.',
    twilioName: 'Brightside Pediatrics',
  },
  { id: 'c31', psaName: 'Coastal Freight', pax8Name: 'Coastal Freight Ltd', twilioName: null },
  { id: 'c32', psaName: 'Summit Partners', pax8Name: 'Summit Partner', twilioName: null },
  { id: 'c33', psaName: 'Summit Partners Group', pax8Name: null, twilioName: null },
  { id: 'c34', psaName: '=SUM Accounting', pax8Name: '=SUM Accounting', twilioName: null },
  {
    id: 'c35',
    psaName: 'Hacker Test Co',
    pax8Name: null,
    twilioName: '<img src=x onerror=alert(1)> Test Co',
  },
  { id: 'c36', psaName: null, pax8Name: 'Greenfield Startups Ltd', twilioName: null },
  { id: 'c37', psaName: null, pax8Name: null, twilioName: 'Orchard Call Center' },
  {
    id: 'c38',
    psaName: 'Meridian Health',
    pax8Name: 'Meridian Health Partners',
    twilioName: 'Meridian Health',
  },
  { id: 'c39', psaName: 'Sunrise Senior Living', pax8Name: 'Sunrise Senior Living LLC', twilioName: null },
  { id: 'c40', psaName: 'Westgate Retail', pax8Name: 'West Gate Retail', twilioName: 'Westgate Retail' },
  { id: 'c41', psaName: 'Internal - Northwind', pax8Name: null, twilioName: null },
];

/** The billing month the demo data is built around (the month before "today" in the demo). */
export const DEMO_MONTH = '2026-10';

/**
 * "Today" when a fresh workbench starts: a few days into the month after DEMO_MONTH, when finance staff
 * bill the month just ended. The emulator clock runs on from here, so the suggested month, a contract
 * created in the setup wizard and the schedule's next run fit the demo data whatever the real date is.
 */
export const DEMO_TODAY = '2026-11-05T14:00:00Z';
