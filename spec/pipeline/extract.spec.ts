import 'reflect-metadata';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { Query } from '../../lib/decorators/params';
import { Get } from '../../lib/decorators/routes';
import { RivetError } from '../../lib/errors/rivet-error';

// regression: an invalid inline pattern used to escape createApp as a bare SyntaxError naming no route.
describe('compileParam', () => {
  it('throws a RivetError naming the route when an inline pattern is not a valid regular expression', () => {
    @Controller('/items')
    class Items { @Get('/') list(@Query('slug', { pattern: '[a-' }) slug: string) { return slug; } }
    let thrown: unknown;
    try {
      createApp({ controllers: [Items] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RivetError);
    expect((thrown as Error).message).toContain('Items#list');
  });
});
