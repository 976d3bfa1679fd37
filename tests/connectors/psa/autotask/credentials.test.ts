/** Autotask's credential rules through the sidebar's Connect functions (the generic ones: tests/api/connect). */
import { sidebarApi } from '../../../../src/api';
import { errorOf, installFakeGas } from '../../../api/fake-gas';

it('needs the API username as an email address', () => {
  installFakeGas();
  expect(
    errorOf(() =>
      sidebarApi.saveConnection('autotask', { username: 'api', secret: 's', integrationCode: 'c' }),
    ),
  ).toBe('Autotask credentials: Autotask API username must look like an email address');
});
