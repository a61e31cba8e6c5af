import { IsInt, IsOptional, IsString } from 'class-validator';
import { Body, Controller, createApp, Post, Put } from '../../lib';
import { undecoratedFields } from '../../lib/pipeline/dto-fields';
import { stderrOf } from '../helpers/stderr';
import { captureLogs } from './support';

class Base { @IsString() id!: string; }

class CreateUser extends Base {
  @IsString() name!: string;
  nickname?: string;                         // no decorator: stripped
  @IsOptional() @IsInt() age?: number;
  role = 'member';                           // no decorator, with an initializer: stripped too
}

class NeedsArgs {
  @IsString() name!: string;
  constructor(required: { seed: string }) { this.name = required.seed; }
}

@Controller('/users')
class Users {
  @Post('/') create(@Body() user: CreateUser) { return user; }
  @Put('/') replace(@Body() user: CreateUser) { return user; }   // the same DTO twice: reported once
  @Post('/odd') odd(@Body() odd: NeedsArgs) { return odd; }
}

const WARNING = (field: string) => `CreateUser.${field} has no class-validator decorator, so validation strips it from every request (Users#create never sees it). Fix: decorate it (e.g. @IsOptional() @IsString()), or @Allow() to accept it unchecked.`;

// regression: issue 19 (`nickname` was dropped from { name, nickname } without a word)
describe('undecorated DTO properties', () => {
  it('lists the declared properties without a class-validator decorator, inherited decorators included', () => {
    expect(undecoratedFields(CreateUser)).toEqual(['nickname', 'role']);
    expect(undecoratedFields(NeedsArgs)).toEqual([]);
  });

  it('are reported once per property through the logger when it is at debug, and still stripped', async () => {
    const logs = captureLogs();
    const app = createApp({ controllers: [Users], logger: { level: 'debug', destination: logs.destination } });
    expect(logs.lines.filter((l) => l.level === 40).map((l) => [l.dto, l.property, l.msg])).toEqual([
      ['CreateUser', 'nickname', WARNING('nickname')],
      ['CreateUser', 'role', WARNING('role')],
    ]);
    const res = await app.inject({ method: 'POST', url: '/users', body: { id: '1', name: 'Ada', nickname: 'ada', role: 'admin' } });
    expect(res.json()).toEqual({ id: '1', name: 'Ada', role: 'member' });
  });

  it('are reported on stderr in development when the app has no logger', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      const out = await stderrOf(async () => { createApp({ controllers: [Users] }); });
      expect(out).toBe(`[rivet] warning: ${WARNING('nickname')}\n[rivet] warning: ${WARNING('role')}\n`);
    } finally {
      process.env.NODE_ENV = before;
    }
  });

  it('are not reported outside development', async () => {
    const logs = captureLogs();
    const out = await stderrOf(async () => { createApp({ controllers: [Users], logger: { level: 'info', destination: logs.destination } }); });
    expect(out).toBe('');
    expect(logs.lines).toEqual([]);
  });
});
