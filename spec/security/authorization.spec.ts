import { authSchemes, challenges, readCredentials } from '../../lib/security/authorization';

const schemes = (scheme?: unknown, field = 'Authorization') => authSchemes(scheme, field, 'JwtGuard', 'RIVET_JWT_OPTIONS_INVALID');
const bearer = schemes();
const either = schemes(['Bearer', 'Token']);
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

describe('authSchemes', () => {
  it('defaults to Bearer and keeps the configured spelling for display', () => {
    expect(bearer).toEqual({ names: ['Bearer'], lower: ['bearer'], field: 'Authorization', accepted: '"Bearer"', forms: '"Authorization: Bearer <token>"' });
    expect(schemes('Token')).toMatchObject({ names: ['Token'], lower: ['token'], accepted: '"Token"' });
    expect(either).toMatchObject({ accepted: '"Bearer" or "Token"', forms: '"Authorization: Bearer <token>" or "Authorization: Token <token>"' });
  });

  it('refuses an empty list, a word that is not an RFC 9110 token and a scheme listed twice in another case', () => {
    const code = { code: 'RIVET_JWT_OPTIONS_INVALID' };
    expect(() => schemes([])).toThrow(expect.objectContaining(code));
    expect(() => schemes(42)).toThrow(/JwtGuard scheme is 42/);
    expect(() => schemes('')).toThrow(/"" is not an auth scheme/);
    expect(() => schemes('Bear er')).toThrow(/"Bear er" is not an auth scheme \(RFC 9110: one token, no spaces\)/);
    expect(() => schemes(['Token', 'Bearer', 'token'])).toThrow(/lists "token" twice \(schemes are case-insensitive\)/);
  });
});

describe('readCredentials', () => {
  it('reads nothing from an absent, empty or blank header', () => {
    expect(readCredentials(undefined, bearer)).toBeNull();
    expect(readCredentials('', bearer)).toBeNull();
    expect(readCredentials('   ', bearer)).toBeNull();
    expect(readCredentials([], bearer)).toBeNull();
  });

  it('reads the token after an accepted scheme, whatever its case, with the index of the scheme', () => {
    expect(readCredentials(`Bearer ${JWT}`, bearer)).toEqual({ scheme: 0, token: JWT });
    expect(readCredentials(`bEARER ${JWT}`, bearer)).toEqual({ scheme: 0, token: JWT });
    expect(readCredentials(`Token ${JWT}`, either)).toEqual({ scheme: 1, token: JWT });
    expect(readCredentials(`TOKEN ${JWT}`, either)).toEqual({ scheme: 1, token: JWT });
  });

  it('tolerates runs of spaces, a tab and surrounding whitespace', () => {
    for (const value of [`Bearer    ${JWT}`, `  Bearer ${JWT}  `, `Bearer\t${JWT}`, `Bearer \t ${JWT}\t`]) {
      expect(readCredentials(value, bearer)).toEqual({ scheme: 0, token: JWT });
    }
  });

  it('refuses an accepted scheme with no token', () => {
    const refused = { refused: 'Authorization has the "Bearer" scheme but no token; send "Authorization: Bearer <token>".' };
    expect(readCredentials('Bearer', bearer)).toEqual(refused);
    expect(readCredentials('bearer   ', bearer)).toEqual(refused);
    expect(readCredentials('token', either)).toEqual({ refused: 'Authorization has the "Token" scheme but no token; send "Authorization: Bearer <token>" or "Authorization: Token <token>".' });
  });

  it('names the scheme that was sent and the ones accepted when they differ', () => {
    expect(readCredentials('Basic dXNlcjpwYXNz', bearer)).toEqual({ refused: 'Authorization uses the "Basic" scheme; this route accepts "Bearer".' });
    expect(readCredentials(`Bearer ${JWT}`, schemes('Token'))).toEqual({ refused: 'Authorization uses the "Bearer" scheme; this route accepts "Token".' });
    expect(readCredentials('Digest username="a", realm="b"', either)).toEqual({ refused: 'Authorization uses the "Digest" scheme; this route accepts "Bearer" or "Token".' });
    expect(readCredentials('Basic', bearer)).toEqual({ refused: 'Authorization uses the "Basic" scheme; this route accepts "Bearer".' });
  });

  it('tells a token sent without a scheme, and never echoes a word that is no scheme', () => {
    expect(readCredentials(JWT, schemes('Token'))).toEqual({ refused: 'Authorization carries a token without a scheme; send "Authorization: Token <token>".' });
    expect(readCredentials('"Bearer" x', bearer)).toEqual({ refused: 'Authorization is not of the form "Authorization: Bearer <token>".' });
    expect(readCredentials(`${'A'.repeat(41)} x`, bearer)).toEqual({ refused: 'Authorization is not of the form "Authorization: Bearer <token>".' });
  });

  it('refuses a list of credentials, joined into one value or given as repeated fields', () => {
    const refused = { refused: 'Authorization carries more than one credential; send one, "Authorization: Bearer <token>" or "Authorization: Token <token>".' };
    expect(readCredentials(`Bearer ${JWT}, Token ${JWT}`, either)).toEqual(refused);
    expect(readCredentials(`Token ${JWT},${JWT}`, either)).toEqual(refused);
    expect(readCredentials([`Bearer ${JWT}`, `Token ${JWT}`], either)).toEqual(refused);
    expect(readCredentials([`Token ${JWT}`], either)).toEqual({ scheme: 1, token: JWT });
  });

  it('leaves a token with inner spaces to the verifier, which calls it malformed', () => {
    expect(readCredentials('Bearer a b', bearer)).toEqual({ scheme: 0, token: 'a b' });
  });

  it('names a custom header in its reasons', () => {
    expect(readCredentials('Basic x', schemes('Bearer', 'X-Access-Token'))).toEqual({ refused: 'X-Access-Token uses the "Basic" scheme; this route accepts "Bearer".' });
  });
});

describe('challenges', () => {
  it('writes one challenge per scheme, with the realm on each', () => {
    expect(challenges(['Bearer'], undefined)).toBe('Bearer');
    expect(challenges(['Bearer', 'Token'], undefined)).toBe('Bearer, Token');
    expect(challenges(['Bearer'], 'api')).toBe('Bearer realm="api"');
    expect(challenges(['Bearer', 'Token'], 'api')).toBe('Bearer realm="api", Token realm="api"');
    expect(challenges(['Token'], 'say "hi" \\o/')).toBe('Token realm="say hi o/"');
  });

  it('puts error="invalid_token" on the challenge of the scheme the client used', () => {
    const error = (scheme: number) => ({ scheme, description: 'The token has expired.' });
    expect(challenges(['Bearer'], undefined, error(0))).toBe('Bearer error="invalid_token", error_description="The token has expired."');
    expect(challenges(['Bearer'], 'api', error(0))).toBe('Bearer realm="api", error="invalid_token", error_description="The token has expired."');
    expect(challenges(['Bearer', 'Token'], undefined, error(1))).toBe('Bearer, Token error="invalid_token", error_description="The token has expired."');
    expect(challenges(['Bearer', 'Token'], 'api', error(0))).toBe('Bearer realm="api", error="invalid_token", error_description="The token has expired.", Token realm="api"');
  });
});
