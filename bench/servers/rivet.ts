// Rivet, from the built package (dist/), imported by its package name (bench/node_modules/rivetjs links to the
// repository). Compiled by bench/run.js with @swc/core and the repository's .swcrc (decorator metadata on).
import 'reflect-metadata';
import { ApiResponse, Body, Controller, Get, Guard, HttpCode, Param, Post, Query, createApp, type CanActivate, type RequestContext } from 'rivetjs';
import { CreatedOrder, CreatedUser, CreateOrder, CreateUser, Hello, ItemDto, ItemFields, ShopOrder } from './_dtos';

// bench/routes.js, the shared workload data. A require, not an import: the compiled file runs from
// bench/.build/servers/, two folders under bench/, while this source sits one folder under it.
const { makeItems } = require('../../routes') as { makeItems(): ItemDto[] };

class ApiKeyGuard implements CanActivate {
  canActivate(ctx: RequestContext): boolean {
    return ctx.request.headers['x-api-key'] === 'secret';
  }
}

@Controller('/hello')
@Guard(ApiKeyGuard)
class HelloController {
  @Get('/')
  @ApiResponse(200, { type: Hello })
  hello() {
    return { hello: 'world' };
  }
}

const ITEMS: ItemDto[] = makeItems();

@Controller('/items')
class ItemsController {
  @Get('/')
  @ApiResponse(200, { type: [ItemDto] })
  list(): ItemDto[] {
    return ITEMS;
  }

  @Get('/:id')
  @ApiResponse(200, { type: ItemFields })
  one(@Param('id') id: number, @Query('fields') fields?: string) {
    return { id, fields };
  }
}

let nextId = 0;

@Controller('/')
class OrdersController {
  @Post('/users')
  @HttpCode(201)
  @ApiResponse(201, { type: CreatedUser })
  createUser(@Body() body: CreateUser) {
    return { id: ++nextId, ...body };
  }

  @Post('/orders')
  @HttpCode(201)
  @ApiResponse(201, { type: CreatedOrder })
  createOrder(@Body() body: CreateOrder) {
    return { id: ++nextId, ...body };
  }
}

// The hostile-bodies stage's route (bench/lib/hostile.js): a handler with two parameters (the path's shop and the
// nested body, whose category chain is a self-referencing DTO).
@Controller('/shops')
class ShopsController {
  @Post('/:shop/orders')
  @HttpCode(201)
  createOrder(@Param('shop') shop: string, @Body() body: ShopOrder) {
    return { id: ++nextId, shop, lines: body.lines.length };
  }
}

const app = createApp({ controllers: [HelloController, ItemsController, OrdersController, ShopsController] });
app.listen({ port: 0, host: '127.0.0.1' }).then(({ port }) => {
  process.stdout.write(`${port}\n`);
});
