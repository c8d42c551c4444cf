import { checkRegistration, type ClientRegistration } from './client-registration.js';

const SECRET = 's'.repeat(32);
const machine = (fields: Partial<ClientRegistration> = {}): ClientRegistration => ({
  id: 'reports-job',
  name: 'Reports job',
  grantTypes: ['client_credentials'],
  scopes: ['reports:read'],
  secret: SECRET,
  ...fields,
});

describe('checkRegistration: the client_credentials grant (RFC 6749 §4.4)', () => {
  it('takes a confidential client registered for it, alone or with other grants', () => {
    expect(checkRegistration(machine())).toBeUndefined();
    expect(
      checkRegistration(machine({ grantTypes: ['client_credentials', 'refresh_token'] })),
    ).toBeUndefined();
  });

  it.each<[string, Partial<ClientRegistration>, string]>([
    [
      'a public client (§4.4: confidential clients only)',
      { secret: undefined },
      'grant types: client_credentials is only for confidential clients (with a client secret)',
    ],
    [
      'an id shaped like a user id (RFC 9068 §5: its sub would pass for a user)',
      { id: '0b7e3a52-94c1-4f3e-9d55-2f1c7c1b8a10' },
      'client id of a client_credentials client must not look like a user id (a UUID)',
    ],
  ])('refuses %s', (_case, fields, message) => {
    expect(checkRegistration(machine(fields))).toBe(message);
  });

  it('leaves UUID-shaped ids to clients without the grant, whose tokens always carry a user', () => {
    expect(
      checkRegistration(
        machine({ id: '0b7e3a52-94c1-4f3e-9d55-2f1c7c1b8a10', grantTypes: ['password'] }),
      ),
    ).toBeUndefined();
  });
});
