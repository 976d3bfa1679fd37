/** Demo data for the IT Glue sandbox: the demo MSP's documented organisations and their configurations. */
export interface ItgOrganization {
  id: string;
  name: string;
  organizationStatusName: string;
}

export interface ItgConfiguration {
  id: string;
  organizationId: string;
  name: string;
  configurationTypeId: number;
  configurationTypeName: string;
  archived: boolean;
}

export interface ItgFixture {
  apiKey: string;
  maxPageSize: number;
  organizations: ItgOrganization[];
  configurations: ItgConfiguration[];
}

export const DEMO_ITG_KEY = 'ITG.demo-key.3f9a0c7d21';

export const TYPE = {
  managedWorkstation: 101,
  managedServer: 102,
  managedNetwork: 103,
  printer: 104,
} as const;

export function demoFixture(over: Partial<ItgFixture> = {}): ItgFixture {
  const organizations: ItgOrganization[] = [
    { id: '3300412', name: 'Cedar & Pine Law', organizationStatusName: 'Active' },
    { id: '3300413', name: 'Fairway Golf Club', organizationStatusName: 'Active' },
    { id: '3300414', name: 'Granite Peak Realty', organizationStatusName: 'Inactive' },
  ];
  const configurations: ItgConfiguration[] = [];
  let n = 0;
  const add = (org: string, count: number, type: number, typeName: string, archived = false) => {
    for (let i = 0; i < count; i++) {
      n += 1;
      configurations.push({
        id: String(9_000_000 + n),
        organizationId: org,
        name: `${typeName} ${n}`,
        configurationTypeId: type,
        configurationTypeName: typeName,
        archived,
      });
    }
  };
  add('3300412', 55, TYPE.managedWorkstation, 'Managed Workstation');
  add('3300412', 3, TYPE.managedServer, 'Managed Server');
  add('3300412', 2, TYPE.managedWorkstation, 'Managed Workstation', true);
  add('3300412', 4, TYPE.printer, 'Printer');
  add('3300413', 12, TYPE.managedWorkstation, 'Managed Workstation');
  add('3300413', 2, TYPE.managedNetwork, 'Managed Network Device');
  return { apiKey: DEMO_ITG_KEY, maxPageSize: 1000, organizations, configurations, ...over };
}
