/**
 * The "auto-create" product mode is offered for a PSA that can create products (the optional
 * CreatesProducts interface), discovered on the connected target, never by its name.
 */
import { sidebarApi } from '../../src/api';
import type { ServerApi } from '../../src/api';
import { PSAS } from '../../src/connectors/registry';
import { createsProducts } from '../../src/core/psa';
import { connectedPsa } from '../../src/jobs/connections';
import { demoCredentials } from '../../local/demo/credentials';
import { installFakeGas } from './fake-gas';

const api = sidebarApi as unknown as {
  [K in keyof ServerApi]: (...args: unknown[]) => ReturnType<ServerApi[K]>;
};
const OWNER = 'owner@northwind.example';

describe('the auto-create product mode in Defaults', () => {
  beforeEach(() => installFakeGas({ user: OWNER, editors: [OWNER] }));

  it('is not offered while no PSA is connected', () => {
    expect(api.getDefaults().canAutoCreate).toBe(false);
  });

  it.each(PSAS.map((p) => [p.displayName, p.id]))(
    'is offered for %s exactly when its target can create products',
    (_name, id) => {
      api.saveConnection(id, demoCredentials()[id]);
      const target = connectedPsa().target;
      expect(api.getDefaults().canAutoCreate).toBe(createsProducts(target));
      // Every registered PSA creates the products it is pushed in auto-create mode.
      expect(createsProducts(target)).toBe(true);
      const d = api.getDefaults();
      const saved = api.saveDefaults({
        ...d.settings,
        global: { ...d.settings.global, productLifecycle: 'auto-create' },
      });
      expect(saved.settings.global.productLifecycle).toBe('auto-create');
    },
  );

  it('is neither offered nor saved for a PSA whose target cannot create products', () => {
    const psa = PSAS[0];
    const create = psa.create.bind(psa);
    // The same PSA without the interface: what a PSA that cannot create products looks like to the API.
    const spy = jest.spyOn(psa, 'create').mockImplementation((creds, deps) => {
      const t = create(creds, deps);
      return new Proxy(t, { get: (o, k) => (k === 'findProducts' ? undefined : Reflect.get(o, k, o)) });
    });
    try {
      api.saveConnection(psa.id, demoCredentials()[psa.id]);
      const d = api.getDefaults();
      expect(d.canAutoCreate).toBe(false);
      expect(() =>
        api.saveDefaults({
          ...d.settings,
          global: { ...d.settings.global, productLifecycle: 'auto-create' },
        }),
      ).toThrow(/cannot create products/);
      expect(api.getDefaults().settings.global.productLifecycle).not.toBe('auto-create');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the default service for recurring lines in Defaults', () => {
  beforeEach(() => installFakeGas({ user: OWNER, editors: [OWNER] }));

  it.each(PSAS.map((p) => [p.displayName, p.id]))(
    'is asked for on %s exactly when its capabilities say recurring lines need one',
    (_name, id) => {
      api.saveConnection(id, demoCredentials()[id]);
      expect(api.getDefaults().needsDefaultService).toBe(
        connectedPsa().capabilities.defaultServiceForQuantities === true,
      );
    },
  );

  it('is asked for by at least one registered PSA', () => {
    expect(PSAS.some((p) => p.capabilities.defaultServiceForQuantities === true)).toBe(true);
  });
});
