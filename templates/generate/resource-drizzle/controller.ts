import { Body, Controller, Delete, Get, Guard, HttpCode, Param, Patch, Post, Query, Roles, RolesGuard } from 'rivetjs';
import { AuthGuard } from '../auth/auth.guard.js';
import { Create__ENTITY__, Update__ENTITY__, type __ENTITY__ } from './__FILE_ENTITY__.dto.js';
import { __CLASS__Service } from './__FILE__.service.js';

/** __ROUTE__ in the database, for signed-in users; deleting is for admins. */
@Controller('/__ROUTE__', { tags: ['__ROUTE__'] })
@Guard(AuthGuard, RolesGuard)
export class __CLASS__Controller {
  constructor(private readonly service: __CLASS__Service) {}

  @Get('/', { summary: 'List __ROUTE__' })
  list(@Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number, @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number): Promise<__ENTITY__[]> {
    return this.service.list(limit, offset);
  }

  @Get('/:id', { summary: 'Get one' })
  get(@Param('id') id: number): Promise<__ENTITY__> {
    return this.service.get(id);
  }

  @Post('/', { summary: 'Create one' })
  create(@Body() body: Create__ENTITY__): Promise<__ENTITY__> {
    return this.service.create(body);
  }

  @Patch('/:id', { summary: 'Change one' })
  update(@Param('id') id: number, @Body() body: Update__ENTITY__): Promise<__ENTITY__> {
    return this.service.update(id, body);
  }

  @Delete('/:id', { summary: 'Delete one (admins)' })
  @Roles('admin')
  @HttpCode(204)
  remove(@Param('id') id: number): Promise<void> {
    return this.service.remove(id);
  }
}
