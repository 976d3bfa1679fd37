/**
 * Ingram Micro Xvantage demo fixture for the demo MSP: hardware and subscription orders placed in the
 * demo month for a handful of clients (end users), shaped exactly as the vendored spec's
 * OrderDetailB2B and InvoiceDetailsv6.1Response (specs/ingram_xvantage_resellers.json), so the sandbox
 * can serve them as they are. Blue Harbor has three orders (three new invoices, one per order); Évora
 * buys in EUR; Juniper has a subscription line; one order is cancelled; hardware lines carry serials.
 * Ids and amounts are deterministic.
 */
import { fnv1a64 } from '../../../src/core/hash';
import { DEMO_MONTH } from '../../demo/msp';

export interface IngramAddress {
  contact?: string;
  companyName?: string;
  addressLine1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryCode?: string;
}

export interface IngramOrderLine {
  subOrderNumber: string;
  ingramOrderLineNumber: string;
  customerLineNumber?: string;
  lineStatus: string;
  ingramPartNumber: string;
  vendorPartNumber: string;
  vendorName: string;
  partDescription: string;
  unitPrice: number;
  extendedPrice: number;
  taxAmount: number;
  currencyCode: string;
  quantityOrdered: number;
  quantityConfirmed: number;
  quantityBackOrdered: number;
  shipmentDetails?: Array<{
    quantity: number;
    deliveryNumber: string;
    shippedDate: string;
    invoiceNumber: string;
    invoiceDate: string;
    carrierDetails: Array<{
      carrierCode: string;
      carrierName: string;
      quantity: number;
      shippedDate: string;
      trackingDetails: Array<{ trackingNumber: string; serialNumbers: Array<{ serialNumber: string }> }>;
    }>;
  }>;
  serviceContractInfo?: {
    subscriptions?: {
      subscriptionId: string;
      subscriptionTerm: string;
      renewalTerm?: string;
      billingModel: string;
      subcriptionStartDate: string;
      subcriptionEndDate: string;
    };
  };
}

/** An order as GET /resellers/v6.1/orders/{ordernumber} serves it. */
export interface IngramOrder {
  ingramOrderNumber: string;
  ingramOrderDate: string;
  orderType: string;
  customerOrderNumber: string;
  endCustomerOrderNumber?: string;
  vendorSalesOrderNumber?: string;
  orderStatus: string;
  orderTotal: number;
  orderSubTotal: number;
  freightCharges: number;
  totalTax: number;
  currencyCode: string;
  paymentTerms: string;
  billToInfo: IngramAddress;
  shipToInfo?: IngramAddress;
  endUserInfo?: IngramAddress;
  lines: IngramOrderLine[];
}

export interface IngramInvoiceLine {
  ingramLineNumber: string;
  customerLineNumber: string;
  ingramPartNumber: string;
  vendorPartNumber: string;
  vendorName: string;
  productDescription: string;
  quantity: number;
  unitPrice: number;
  unitOfMeasure: string;
  currencyCode: string;
  extendedPrice: number;
  taxAmount: number;
  serialNumbers: Array<{ serialNumber: string }>;
  quantityOrdered: number;
  quantityShipped: number;
}

/** An invoice as GET /resellers/v6.1/invoices/{invoiceNumber} serves it (with includeSerialNumbers=true). */
export interface IngramInvoice {
  invoiceNumber: string;
  invoiceStatus: string;
  invoiceDate: string;
  invoiceDueDate: string;
  invoiceType: string;
  customerOrderNumber: string;
  endCustomerOrderNumber?: string;
  orderNumber: string;
  ingramOrderNumber: string;
  orderDate: string;
  customerNumber: string;
  billToID: string;
  lines: IngramInvoiceLine[];
  summary: { totals: { netInvoiceAmount: number; totalTaxAmount: number; invoicedAmountDue: number } };
}

/**
 * Behaviour the documentation leaves open; every test runs the source under each value.
 * - emptySearch: a search that finds nothing answers 204 No Content (listed in the spec) or 200 with [].
 * - oversizePage: pageSize above the documented 100 is refused (400) or quietly capped at 100.
 * - numbersAsText: recordsFound/pageSize/pageNumber as the spec's example shows them ("123") instead of
 *   the schema's integers (the variant is for the client's parser; the spec check allows it only here).
 * - badCredentials: the token endpoint answers a wrong secret with the spec's 400 { message } or an
 *   Apigee-style 401 { fault }.
 */
export interface IngramVariants {
  emptySearch: '204' | '200';
  oversizePage: 'reject' | 'cap';
  numbersAsText: boolean;
  badCredentials: '400' | '401';
}

export const DEFAULT_VARIANTS: IngramVariants = {
  emptySearch: '204',
  oversizePage: 'reject',
  numbersAsText: false,
  badCredentials: '400',
};

export interface IngramFixture {
  clients: Array<{ clientId: string; clientSecret: string }>;
  /** The reseller account: IM-CustomerNumber and IM-CountryCode must name it. */
  customerNumber: string;
  countryCode: string;
  tokenTtlSeconds: number;
  tokens: Array<{ token: string; expiresAt: number }>;
  orders: IngramOrder[];
  invoices: IngramInvoice[];
  /** Records served as they are (malformed on purpose): orders by number, invoice by number. */
  rawOrders?: Array<{ ingramOrderNumber: string; ingramOrderDate: string; record: unknown }>;
  variants: IngramVariants;
  limits?: { requestsPerSecond?: number };
}

// The hash's low digits: similar seeds share their high digits.
const hex = (seed: string, n: number) => fnv1a64(seed).slice(-n).toUpperCase();
/** Ingram order numbers look like "20-RD3QV": branch prefix, dash, five letters/digits. */
export const orderNumberOf = (seed: string): string => `20-${hex(`ingram-order:${seed}`, 5)}`;
const serialOf = (seed: string): string => `SN${hex(`ingram-serial:${seed}`, 10)}`;
const cents = (n: number) => Math.round(n * 100) / 100;

interface Product {
  ingramPartNumber: string;
  vendorPartNumber: string;
  vendorName: string;
  partDescription: string;
  unitPrice: number;
  /** Serialised hardware: serial numbers when shipped. */
  serialised: boolean;
  subscription?: { term: string; billingModel: string; months: number };
}

const PRODUCTS: Record<string, Product> = {
  laptop: {
    ingramPartNumber: '8VQ421',
    vendorPartNumber: '20XW004JUS',
    vendorName: 'LENOVO - NOTEBOOKS',
    partDescription: 'THINKPAD T14 G4 I5-1335U 16GB 512GB W11P',
    unitPrice: 1089.42,
    serialised: true,
  },
  dock: {
    ingramPartNumber: '4KD771',
    vendorPartNumber: '40AY0090US',
    vendorName: 'LENOVO - ACCESSORIES',
    partDescription: 'THINKPAD UNIVERSAL USB-C DOCK 90W',
    unitPrice: 172.15,
    serialised: false,
  },
  switch: {
    ingramPartNumber: '1RK228',
    vendorPartNumber: 'MS120-24P-HW',
    vendorName: 'CISCO MERAKI - HW',
    partDescription: 'MERAKI MS120-24P 1G L2 CLOUD MANAGED 24X GIGE POE SWITCH',
    unitPrice: 1344.0,
    serialised: true,
  },
  merakiLicence: {
    ingramPartNumber: '1RK229',
    vendorPartNumber: 'LIC-MS120-24P-1YR',
    vendorName: 'CISCO MERAKI - LICENSES',
    partDescription: 'MERAKI MS120-24P ENTERPRISE LICENSE AND SUPPORT 1YR',
    unitPrice: 96.8,
    serialised: false,
    subscription: { term: '12 Months', billingModel: 'Upfront', months: 12 },
  },
  monitor: {
    ingramPartNumber: '7MN310',
    vendorPartNumber: '210-BDZP',
    vendorName: 'DELL - MONITORS',
    partDescription: 'DELL P2423D 24IN QHD MONITOR',
    unitPrice: 211.99,
    serialised: true,
  },
  ups: {
    ingramPartNumber: '2UP118',
    vendorPartNumber: 'SMT1500RM2UC',
    vendorName: 'APC - UPS',
    partDescription: 'APC SMART-UPS 1500VA LCD RM 2U 120V SMARTCONNECT',
    unitPrice: 1156.5,
    serialised: true,
  },
};

interface OrderPlan {
  seed: string;
  /** The end user's name as the reseller typed it on the order (Ingram keeps it upper-case). */
  endUser: string | null;
  day: number;
  currency: 'USD' | 'EUR';
  status: string;
  lines: Array<{ product: keyof typeof PRODUCTS; qty: number; shipped?: boolean; status?: string }>;
  po: string;
}

/** Three orders for Blue Harbor (the "one invoice per order" case), one each for several others. */
const PLANS: OrderPlan[] = [
  {
    seed: 'c03-a',
    endUser: 'BLUE HARBOR LOGISTICS INC',
    day: 3,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-1001',
    lines: [
      { product: 'laptop', qty: 3 },
      { product: 'dock', qty: 3 },
    ],
  },
  {
    seed: 'c03-b',
    endUser: 'BLUE HARBOR LOGISTICS INC',
    day: 12,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-1007',
    lines: [{ product: 'monitor', qty: 2 }],
  },
  {
    seed: 'c03-c',
    endUser: 'BLUE HARBOR LOGISTICS INC',
    day: 27,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-1015',
    lines: [{ product: 'ups', qty: 1 }],
  },
  {
    seed: 'c01-a',
    endUser: 'ACME DENTAL GROUP LLC',
    day: 6,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-1003',
    lines: [
      { product: 'switch', qty: 1 },
      { product: 'merakiLicence', qty: 1 },
    ],
  },
  {
    seed: 'c12-a',
    endUser: 'JUNIPER SCHOOLS TRUST',
    day: 9,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-1005',
    lines: [
      { product: 'switch', qty: 2 },
      { product: 'merakiLicence', qty: 2 },
    ],
  },
  {
    seed: 'c07-a',
    endUser: 'EVORA CONSULTING S.A.',
    day: 14,
    currency: 'EUR',
    status: 'SHIPPED',
    po: 'NW-1009',
    lines: [{ product: 'laptop', qty: 1 }],
  },
  {
    seed: 'c34-a',
    endUser: '=SUM ACCOUNTING',
    day: 20,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-1011',
    lines: [{ product: 'dock', qty: 2 }],
  },
  {
    seed: 'c16-a',
    endUser: 'NORTH STAR ARCHITECTS',
    day: 22,
    currency: 'USD',
    status: 'CANCELLED',
    po: 'NW-1012',
    lines: [{ product: 'laptop', qty: 4, shipped: false, status: 'Cancelled' }],
  },
  {
    seed: 'c22-a',
    endUser: 'TIDEWATER MARINE SERVICES',
    day: 24,
    currency: 'USD',
    status: 'PROCESSING',
    po: 'NW-1013',
    lines: [
      { product: 'monitor', qty: 4, shipped: true },
      { product: 'dock', qty: 1, shipped: true, status: 'Cancelled' },
    ],
  },
  // The month before and after: a pull of the demo month must leave them out.
  {
    seed: 'c03-prev',
    endUser: 'BLUE HARBOR LOGISTICS INC',
    day: -1,
    currency: 'USD',
    status: 'SHIPPED',
    po: 'NW-0990',
    lines: [{ product: 'dock', qty: 1 }],
  },
  {
    seed: 'c03-next',
    endUser: 'BLUE HARBOR LOGISTICS INC',
    day: 32,
    currency: 'USD',
    status: 'PROCESSING',
    po: 'NW-1020',
    lines: [{ product: 'dock', qty: 5, shipped: false }],
  },
];

const EUR_RATE = 0.92;

function dateIn(month: string, day: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1, day));
  return d.toISOString().slice(0, 10);
}

function addMonths(iso: string, months: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

const RESELLER: IngramAddress = {
  contact: 'ACCOUNTS PAYABLE',
  companyName: 'NORTHWIND MANAGED IT',
  addressLine1: '1 HARBOR WAY',
  city: 'PORTLAND',
  state: 'OR',
  postalCode: '97201',
  countryCode: 'US',
};

export function buildOrder(
  plan: OrderPlan,
  month = DEMO_MONTH,
): { order: IngramOrder; invoice?: IngramInvoice } {
  const number = orderNumberOf(`${month}:${plan.seed}`);
  const date = dateIn(month, plan.day);
  const invoiceNumber = `${number.replace('-', '')}11`;
  const rate = plan.currency === 'EUR' ? EUR_RATE : 1;
  const lines: IngramOrderLine[] = plan.lines.map((l, i) => {
    const p = PRODUCTS[l.product];
    const unitPrice = cents(p.unitPrice * rate);
    const lineNo = String(i + 1).padStart(3, '0');
    const cancelled = l.status === 'Cancelled';
    const shipped = !cancelled && (l.shipped ?? plan.status === 'SHIPPED');
    const line: IngramOrderLine = {
      subOrderNumber: `${number}-11`,
      ingramOrderLineNumber: lineNo,
      customerLineNumber: lineNo,
      lineStatus: cancelled ? 'Cancelled' : shipped ? 'Shipped' : 'In Progress',
      ingramPartNumber: p.ingramPartNumber,
      vendorPartNumber: p.vendorPartNumber,
      vendorName: p.vendorName,
      partDescription: p.partDescription,
      unitPrice,
      extendedPrice: cents(unitPrice * l.qty),
      taxAmount: 0,
      currencyCode: plan.currency,
      quantityOrdered: l.qty,
      quantityConfirmed: cancelled ? 0 : l.qty,
      quantityBackOrdered: 0,
    };
    if (shipped) {
      const serials = p.serialised
        ? Array.from({ length: l.qty }, (_, k) => ({ serialNumber: serialOf(`${number}:${lineNo}:${k}`) }))
        : [];
      line.shipmentDetails = [
        {
          quantity: l.qty,
          deliveryNumber: String(80000000 + (Number.parseInt(hex(`${number}:${lineNo}`, 6), 16) % 9999999)),
          shippedDate: dateIn(month, plan.day + 1),
          invoiceNumber,
          invoiceDate: dateIn(month, plan.day + 1),
          carrierDetails: [
            {
              carrierCode: 'UP',
              carrierName: 'UPS GROUND',
              quantity: l.qty,
              shippedDate: dateIn(month, plan.day + 1),
              trackingDetails: [
                { trackingNumber: `1Z${hex(`trk:${number}:${lineNo}`, 16)}`, serialNumbers: serials },
              ],
            },
          ],
        },
      ];
    }
    if (p.subscription) {
      line.serviceContractInfo = {
        subscriptions: {
          subscriptionId: `SUB-${hex(`ingram-sub:${number}:${lineNo}`, 8)}`,
          subscriptionTerm: p.subscription.term,
          renewalTerm: p.subscription.term,
          billingModel: p.subscription.billingModel,
          subcriptionStartDate: date,
          subcriptionEndDate: addMonths(date, p.subscription.months),
        },
      };
    }
    return line;
  });
  const billable = lines.filter((l) => l.lineStatus !== 'Cancelled');
  const subTotal = cents(billable.reduce((s, l) => s + l.extendedPrice, 0));
  const endUser: IngramAddress | undefined = plan.endUser
    ? {
        contact: 'IT MANAGER',
        companyName: plan.endUser,
        addressLine1: '100 MAIN ST',
        city: 'PORTLAND',
        countryCode: 'US',
      }
    : undefined;
  const order: IngramOrder = {
    ingramOrderNumber: number,
    ingramOrderDate: `${date}T09:30:00-07:00`,
    orderType: 'S',
    customerOrderNumber: plan.po,
    endCustomerOrderNumber: plan.endUser ? `EU-${plan.po}` : undefined,
    orderStatus: plan.status,
    orderTotal: subTotal,
    orderSubTotal: subTotal,
    freightCharges: 0,
    totalTax: 0,
    currencyCode: plan.currency,
    paymentTerms: 'NET 30 DAYS',
    billToInfo: RESELLER,
    shipToInfo: endUser ?? RESELLER,
    ...(endUser ? { endUserInfo: endUser } : {}),
    lines,
  };
  if (!order.endCustomerOrderNumber) delete order.endCustomerOrderNumber;
  const shippedLines = lines.filter((l) => l.shipmentDetails);
  if (shippedLines.length === 0) return { order };
  const invoiceDate = dateIn(month, plan.day + 1);
  const invoice: IngramInvoice = {
    invoiceNumber,
    invoiceStatus: 'Open',
    invoiceDate,
    invoiceDueDate: dateIn(month, plan.day + 31),
    invoiceType: 'Invoice',
    customerOrderNumber: plan.po,
    ...(order.endCustomerOrderNumber ? { endCustomerOrderNumber: order.endCustomerOrderNumber } : {}),
    orderNumber: number,
    ingramOrderNumber: number,
    orderDate: date,
    customerNumber: DEMO_CUSTOMER_NUMBER,
    billToID: '20222222',
    lines: shippedLines.map((l) => ({
      ingramLineNumber: l.ingramOrderLineNumber,
      customerLineNumber: l.customerLineNumber ?? '0',
      ingramPartNumber: l.ingramPartNumber,
      vendorPartNumber: l.vendorPartNumber,
      vendorName: l.vendorName,
      productDescription: l.partDescription,
      quantity: l.quantityConfirmed,
      unitPrice: l.unitPrice,
      unitOfMeasure: 'EA',
      currencyCode: l.currencyCode,
      extendedPrice: l.extendedPrice,
      taxAmount: 0,
      serialNumbers: l.shipmentDetails!.flatMap((s) =>
        s.carrierDetails.flatMap((c) => c.trackingDetails.flatMap((t) => t.serialNumbers)),
      ),
      quantityOrdered: l.quantityOrdered,
      quantityShipped: l.quantityConfirmed,
    })),
    summary: { totals: { netInvoiceAmount: 0, totalTaxAmount: 0, invoicedAmountDue: 0 } },
  };
  const net = cents(invoice.lines.reduce((s, l) => s + l.extendedPrice, 0));
  invoice.summary.totals = { netInvoiceAmount: net, totalTaxAmount: 0, invoicedAmountDue: net };
  return { order, invoice };
}

export const DEMO_CUSTOMER_NUMBER = '20-222222';
export const DEMO_CLIENT = { clientId: 'nwIngramClient01', clientSecret: 'ingram-sandbox-secret-7f3a9c' };

function fixtureOf(plans: OrderPlan[], month = DEMO_MONTH): IngramFixture {
  const built = plans.map((p) => buildOrder(p, month));
  const numbers = new Set(built.map((b) => b.order.ingramOrderNumber));
  if (numbers.size !== built.length)
    throw new Error('Ingram fixture: two orders share a number; change a seed');
  return {
    clients: [DEMO_CLIENT],
    customerNumber: DEMO_CUSTOMER_NUMBER,
    countryCode: 'US',
    tokenTtlSeconds: 86399,
    tokens: [],
    orders: built.map((b) => b.order),
    invoices: built.flatMap((b) => (b.invoice ? [b.invoice] : [])),
    variants: { ...DEFAULT_VARIANTS },
  };
}

export function demoFixture(): IngramFixture {
  return fixtureOf(PLANS);
}

/**
 * Malformed records beside good ones: an order line without a price, an order with no end user, an
 * order in a currency BillGrid does not bill, an order whose detail is not an object at all.
 */
export function badFixture(): IngramFixture {
  const f = fixtureOf(PLANS.filter((p) => p.seed === 'c03-a' || p.seed === 'c01-a'));
  const noPrice = buildOrder({ ...PLANS[1], seed: 'bad-price' }).order;
  delete (noPrice.lines[0] as Partial<IngramOrderLine>).unitPrice;
  const noEndUser = buildOrder({ ...PLANS[2], seed: 'bad-enduser', endUser: null }).order;
  const yen = buildOrder({ ...PLANS[2], seed: 'bad-currency' }).order;
  yen.currencyCode = 'JPY';
  for (const l of yen.lines) l.currencyCode = 'JPY';
  f.orders.push(noPrice, noEndUser, yen);
  const junk = orderNumberOf('bad-junk');
  f.rawOrders = [
    {
      ingramOrderNumber: junk,
      ingramOrderDate: `${dateIn(DEMO_MONTH, 15)}T10:00:00-07:00`,
      record: ['not an order'],
    },
  ];
  return f;
}

/** `count` single-line orders for one client in the month (paging past one page). */
export function bigFixture(count: number, month = DEMO_MONTH): IngramFixture {
  const plans: OrderPlan[] = Array.from({ length: count }, (_, i) => ({
    seed: `big-${i}`,
    endUser: `CLIENT ${String(i % 7).padStart(2, '0')} LTD`,
    day: 1 + (i % 28),
    currency: 'USD',
    status: 'SHIPPED',
    po: `BIG-${i}`,
    lines: [{ product: 'dock', qty: 1 + (i % 3) }],
  }));
  return fixtureOf(plans, month);
}
