// Rivet, from the built package (dist/, resolved through the package's own name and its "exports").
// Compiled by bench/run.js with @swc/core and the options in /work/main/.swcrc (decorator metadata on).
import 'reflect-metadata';
import { Body, Controller, Get, Guard, HttpCode, Post, createApp, type CanActivate, type RequestContext } from 'rivet';
import { IsEmail, IsInt, Length, Max, Min } from 'class-validator';

class ApiKeyGuard implements CanActivate {
  canActivate(ctx: RequestContext): boolean {
    return ctx.request.headers['x-api-key'] === 'secret';
  }
}

class CreateUser {
  @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}

@Controller('/hello')
@Guard(ApiKeyGuard)
class HelloController {
  @Get('/')
  hello() {
    return { hello: 'world' };
  }
}

let nextId = 0;

@Controller('/')
class UsersController {
  @Post('/users')
  @HttpCode(201)
  create(@Body() body: CreateUser) {
    return { id: ++nextId, name: body.name, email: body.email, age: body.age };
  }
}

const app = createApp({ controllers: [HelloController, UsersController] });
app.listen({ port: 0, host: '127.0.0.1' }).then(({ port }) => {
  process.stdout.write(`${port}\n`);
});
