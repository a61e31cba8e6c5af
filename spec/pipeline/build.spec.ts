import { IsString, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { Body, Controller, createApp, Post, Query } from '../../lib';

@ValidatorConstraint({ name: 'isFreeName', async: true })
class IsFreeName implements ValidatorConstraintInterface {
  validate(value: unknown) { return new Promise<boolean>((resolve) => setImmediate(() => resolve(value !== 'taken'))); }
  defaultMessage() { return 'name is taken'; }
}
class Signup { @IsString() @Validate(IsFreeName) name!: string; }

@Controller('/signup')
class Signups {
  @Post('/') create(@Body() body: Signup, @Query('n') n: number) { return { body, n }; }
}

describe('buildRouteHandler with an async argument', () => {
  it('answers the synchronous 422 and leaves no unhandled rejection when the async one fails later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const app = createApp({ controllers: [Signups] });
      const res = await app.inject({ method: 'POST', url: '/signup?n=abc', body: { name: 'taken' } });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({ errors: [{ loc: ['query', 'n'], type: 'type' }] });
      // The async check settles on a later turn; give unhandledRejection the turns it needs to fire.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
