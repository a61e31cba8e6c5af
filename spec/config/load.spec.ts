import { join } from 'node:path';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { injectable } from 'tsyringe';
import { Controller, createApp, Get, generateSecret, loadConfig, RivetError } from '../../lib';

const FIXTURES = join(__dirname, 'fixtures');

class AppConfig {
  @IsInt() @Min(1) @Max(65535) PORT = 3000;
  @IsString() @MinLength(32) JWT_SECRET!: string;
  @IsBoolean() DEBUG = false;
  @IsIn(['debug', 'info', 'warn']) LOG_LEVEL = 'info';
  @IsOptional() @IsUrl({ require_tld: false }, { each: true }) ORIGINS?: string[];
}

describe('loadConfig', () => {
  it('reads .env, converts values like query values and keeps field defaults', () => {
    const config = loadConfig(AppConfig, { cwd: FIXTURES, env: { DEBUG: 'true' } });
    expect(config).toBeInstanceOf(AppConfig);
    expect({ ...config }).toEqual({
      PORT: 8080, JWT_SECRET: 'from-the-env-file-0123456789abcdef', DEBUG: true, LOG_LEVEL: 'info',
      ORIGINS: ['https://a.example', 'https://b.example'],
    });
  });

  it('lets the environment win over env files, and later files over earlier ones', () => {
    expect(loadConfig(AppConfig, { cwd: FIXTURES, envFile: ['.env', '.env.test'], env: {} }).PORT).toBe(9090);
    expect(loadConfig(AppConfig, { cwd: FIXTURES, envFile: ['.env', '.env.test'], env: { PORT: '7070' } }).PORT).toBe(7070);
  });

  it('names every missing or invalid variable in one start-up error, without their values', () => {
    let error: unknown;
    try { loadConfig(AppConfig, { envFile: false, env: { PORT: 'eighty', LOG_LEVEL: 'loud', DEBUG: 'yes' } }); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(RivetError);
    expect(error).toMatchObject({ code: 'RIVET_CONFIG_INVALID' });
    const message = (error as Error).message;
    expect(message).toContain('AppConfig: 4 environment variables are missing or invalid:');
    expect(message).toMatch(/- PORT: invalid \(/);
    expect(message).toMatch(/- JWT_SECRET: missing \(/);
    expect(message).toMatch(/- DEBUG: invalid \(/);
    expect(message).toMatch(/- LOG_LEVEL: invalid \(/);
    expect(message).not.toContain('eighty');
  });

  it('fails when an env file named explicitly does not exist', () => {
    expect(() => loadConfig(AppConfig, { cwd: FIXTURES, envFile: '.env.missing', env: {} }))
      .toThrow(expect.objectContaining({ code: 'RIVET_CONFIG_ENV_FILE' }));
  });
});

describe('createApp({ config })', () => {
  it('registers the validated config for injection', async () => {
    @injectable()
    @Controller('/port')
    class PortController {
      constructor(private readonly config: AppConfig) {}
      @Get('/') get() { return { port: this.config.PORT }; }
    }
    const app = createApp({ controllers: [PortController], config: { class: AppConfig, cwd: FIXTURES, env: { PORT: '4000' } } });
    expect((await app.inject('/port')).json()).toEqual({ port: 4000 });
  });

  it('stops start-up when the config is invalid', () => {
    @Controller('/x') class X { @Get('/') get() { return 1; } }
    expect(() => createApp({ controllers: [X], config: { class: AppConfig, envFile: false, env: {} } }))
      .toThrow(expect.objectContaining({ code: 'RIVET_CONFIG_INVALID' }));
  });
});

describe('generateSecret', () => {
  it('returns 32 random bytes as base64url by default, and other sizes and encodings on request', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
    expect(generateSecret(48, 'hex')).toMatch(/^[0-9a-f]{96}$/);
    expect(() => generateSecret(8)).toThrow(RangeError);
  });
});
