/** HaloPSA's credential rules through the sidebar's Connect functions (the generic ones: tests/api/connect). */
import { sidebarApi } from '../../../../src/api';
import { errorOf, installFakeGas } from '../../../api/fake-gas';

it('needs https tenant URLs, trims a trailing slash, and leaves an empty auth URL unset', () => {
  installFakeGas();
  expect(
    errorOf(() =>
      sidebarApi.saveConnection('halo', {
        tenantUrl: 'http://x.halopsa.com',
        clientId: 'id',
        clientSecret: 's',
      }),
    ),
  ).toMatch(/^HaloPSA credentials: HaloPSA tenant URL must be an https:\/\/ address/);
  const view = sidebarApi.saveConnection('halo', {
    tenantUrl: 'https://northwind.halopsa.com/',
    authUrl: '',
    clientId: 'client-123456',
    clientSecret: 'halo-secret-value',
  });
  expect(view.fields.find((f) => f.name === 'tenantUrl')?.stored).toBe('https://northwind.halopsa.com');
  expect(view.fields.find((f) => f.name === 'authUrl')?.stored).toBeNull();
  expect(JSON.stringify(view)).not.toContain('halo-secret-value');
});
