/**
 * The Drive pick dialog's configuration (script properties an admin sets): parsed with zod, every problem
 * named in the admin's words; and the Drive files.get fake's rules (Bearer token, drive.file: picked files
 * only), which the browser test relies on.
 */
import { parseDrivePickerConfig, drivePickDialogSchema } from '../../src/core/drive-picker';
import { FakeGoogle } from '../../local/google/fake-google';

const GOOD = {
  BILLGRID_DRIVE_CLIENT_ID: ' 123456789012-abc123def456.apps.googleusercontent.com ',
  BILLGRID_DRIVE_API_KEY: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K_lmnopqrstu-',
  BILLGRID_DRIVE_PROJECT_NUMBER: '123456789012',
};
const read =
  (values: Record<string, string>) =>
  (p: string): string | null =>
    values[p] ?? null;

describe('Drive pick configuration', () => {
  it('reads the three script properties, trimmed', () => {
    expect(parseDrivePickerConfig(read(GOOD))).toEqual({
      configured: true,
      config: {
        clientId: '123456789012-abc123def456.apps.googleusercontent.com',
        apiKey: GOOD.BILLGRID_DRIVE_API_KEY,
        projectNumber: '123456789012',
      },
    });
  });

  it('names each property that is missing or not of its kind', () => {
    expect(parseDrivePickerConfig(read({}))).toEqual({
      configured: false,
      problems: [
        'BILLGRID_DRIVE_CLIENT_ID is not set',
        'BILLGRID_DRIVE_API_KEY is not set',
        'BILLGRID_DRIVE_PROJECT_NUMBER is not set',
      ],
    });
    const bad = parseDrivePickerConfig(
      read({
        BILLGRID_DRIVE_CLIENT_ID: 'my-client',
        BILLGRID_DRIVE_API_KEY: '<script>alert(1)</script>',
        BILLGRID_DRIVE_PROJECT_NUMBER: 'billgrid-prod',
      }),
    );
    expect(bad.configured).toBe(false);
    expect(bad.configured ? [] : bad.problems).toEqual([
      'BILLGRID_DRIVE_CLIENT_ID is not an OAuth client id (it ends in .apps.googleusercontent.com)',
      'BILLGRID_DRIVE_API_KEY is not an API key (letters, digits, - and _, like AIza…)',
      'BILLGRID_DRIVE_PROJECT_NUMBER is not a project number (digits only, not the project id)',
    ]);
    expect(parseDrivePickerConfig(read({ ...GOOD, BILLGRID_DRIVE_API_KEY: '   ' })).configured).toBe(false);
  });

  it('hands the dialog only the public configuration and a valid upload id', () => {
    const config = parseDrivePickerConfig(read(GOOD));
    if (!config.configured) throw new Error('not configured');
    expect(drivePickDialogSchema.safeParse({ ...config.config, uploadId: 'u1-abcdefgh' }).success).toBe(true);
    expect(drivePickDialogSchema.safeParse({ ...config.config, uploadId: '"><script>' }).success).toBe(false);
  });
});

describe('the Drive files.get fake (drive.file)', () => {
  const fake = () =>
    new FakeGoogle({
      clientId: '123456789012-abc.apps.googleusercontent.com',
      apiKey: GOOD.BILLGRID_DRIVE_API_KEY,
      projectNumber: '123456789012',
      files: [
        { id: 'f1', name: 'a.csv', mimeType: 'text/csv', bytes: Buffer.from('x,y\n1,2\n') },
        { id: 'f2', name: 'b.csv', mimeType: 'text/csv', bytes: Buffer.from('x,y\n3,4\n') },
      ],
    });
  const post = (g: FakeGoogle, url: string, body: unknown, token?: string) =>
    g.handle({
      method: 'POST',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body: JSON.stringify(body),
    });
  const get = (g: FakeGoogle, url: string, token?: string) =>
    g.handle({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, body: null });
  const tokenFor = (g: FakeGoogle, clientId: string) =>
    JSON.parse(
      String(
        post(g, 'https://accounts.google.com/fake/token', {
          client_id: clientId,
          scope: 'https://www.googleapis.com/auth/drive.file',
        }).body,
      ),
    ) as { access_token?: string; error?: string };

  it('refuses an unknown client, a missing or unknown token, and files the user did not pick', () => {
    const g = fake();
    expect(tokenFor(g, '999-x.apps.googleusercontent.com').error).toBe('invalid_client');
    const token = tokenFor(g, g.options.clientId).access_token ?? '';
    const media = (id: string) => `https://www.googleapis.com/drive/v3/files/${id}?alt=media`;
    expect(get(g, media('f1')).status).toBe(401);
    expect(get(g, media('f1'), 'ya29.other').status).toBe(401);
    expect(get(g, media('f1'), token).status).toBe(404);
    // The Picker needs the developer key, and the app id must be the client's project number.
    expect(get(g, 'https://docs.google.com/fake/picker/files?key=wrong', token).status).toBe(403);
    expect(
      post(g, 'https://docs.google.com/fake/picker/pick', { fileId: 'f1', appId: '42' }, token).status,
    ).toBe(403);
    expect(
      post(g, 'https://docs.google.com/fake/picker/pick', { fileId: 'f1', appId: '123456789012' }, token)
        .status,
    ).toBe(200);
    const picked = get(g, media('f1'), token);
    expect([picked.status, String(picked.body)]).toEqual([200, 'x,y\n1,2\n']);
    expect(get(g, media('f2'), token).status).toBe(404);
    post(g, 'https://accounts.google.com/fake/revoke', { token });
    expect(get(g, media('f1'), token).status).toBe(401);
  });
});
