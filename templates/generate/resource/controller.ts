import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from 'rivetjs';
import { Create__ENTITY__, Update__ENTITY__, type __ENTITY__ } from './__FILE_ENTITY__.dto.js';
import { __CLASS__Service } from './__FILE__.service.js';

@Controller('/__ROUTE__', { tags: ['__ROUTE__'] })
export class __CLASS__Controller {
  constructor(private readonly service: __CLASS__Service) {}

  @Get('/', { summary: 'List __ROUTE__' })
  list(@Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number, @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number): __ENTITY__[] {
    return this.service.list(limit, offset);
  }

  @Get('/:id', { summary: 'Get one' })
  get(@Param('id') id: number): __ENTITY__ {
    return this.service.get(id);
  }

  @Post('/', { summary: 'Create one' })
  create(@Body() body: Create__ENTITY__): __ENTITY__ {
    return this.service.create(body);
  }

  @Patch('/:id', { summary: 'Change one' })
  update(@Param('id') id: number, @Body() body: Update__ENTITY__): __ENTITY__ {
    return this.service.update(id, body);
  }

  @Delete('/:id', { summary: 'Delete one' })
  @HttpCode(204)
  remove(@Param('id') id: number): void {
    this.service.remove(id);
  }
}
