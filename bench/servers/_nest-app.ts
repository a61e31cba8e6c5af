// The NestJS application shared by nest-express.ts and nest-fastify.ts: the same controllers, a guard class, a
// global ValidationPipe({ whitelist: true }) over the class-validator DTOs Rivet uses (servers/_dtos.ts).
import 'reflect-metadata';
// @ts-ignore -- bench/node_modules holds Nest; `npm test` type-checks bench/ without installing it (typed when present).
import { Body, CanActivate, Controller, ExecutionContext, Get, Injectable, Module, Param, ParseIntPipe, Post, Query, UseGuards, ValidationPipe, type INestApplication } from '@nestjs/common';
import { CreateOrder, CreateUser, ItemDto } from './_dtos';

// bench/routes.js, the shared workload data. A require, not an import: the compiled file runs from
// bench/.build/servers/, two folders under bench/, while this source sits one folder under it.
const { makeItems } = require('../../routes') as { makeItems(): ItemDto[] };

@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest().headers['x-api-key'] === 'secret';
  }
}

@Controller('hello')
@UseGuards(ApiKeyGuard)
class HelloController {
  @Get()
  hello() {
    return { hello: 'world' };
  }
}

const ITEMS: ItemDto[] = makeItems();

@Controller('items')
class ItemsController {
  @Get()
  list(): ItemDto[] {
    return ITEMS;
  }

  @Get(':id')
  one(@Param('id', ParseIntPipe) id: number, @Query('fields') fields?: string) {
    return { id, fields };
  }
}

let nextId = 0;

@Controller()
class OrdersController {
  @Post('users')
  createUser(@Body() body: CreateUser) {
    return { id: ++nextId, ...body };
  }

  @Post('orders')
  createOrder(@Body() body: CreateOrder) {
    return { id: ++nextId, ...body };
  }
}

@Module({ controllers: [HelloController, ItemsController, OrdersController], providers: [ApiKeyGuard] })
export class AppModule {}

/** Global settings and listen; prints the port on stdout's first line, as bench/run.js expects. */
export async function start(app: INestApplication): Promise<void> {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true }));
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`${(app.getHttpServer().address() as { port: number }).port}\n`);
}

/** Errors and warnings only, on stderr: stdout's first line is the port. */
export const LOGGER = ['error', 'warn'] as const;
