import { Body, Controller, Ctx, Delete, Get, Guard, HttpCode, Param, Patch, Post, Query, Roles, RolesGuard, type RequestContext } from 'rivetjs';
import { AuthGuard } from '../auth/auth.guard.js';
import { CreateTodo, UpdateTodo, type Todo } from './todo.dto.js';
import { TodosService } from './todos.service.js';

const userId = (ctx: RequestContext): number => Number((ctx.state.user as { sub: string }).sub);

/** The signed-in user's todos; deleting is for admins. */
@Controller('/todos', { tags: ['todos'] })
@Guard(AuthGuard, RolesGuard)
export class TodosController {
  constructor(private readonly todos: TodosService) {}

  @Get('/', { summary: 'List my todos' })
  list(@Ctx() ctx: RequestContext, @Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number, @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number): Promise<Todo[]> {
    return this.todos.list(userId(ctx), limit, offset);
  }

  @Get('/:id', { summary: 'Get one of my todos' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: number): Promise<Todo> {
    return this.todos.get(id, userId(ctx));
  }

  @Post('/', { summary: 'Create a todo' })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateTodo): Promise<Todo> {
    return this.todos.create(userId(ctx), body);
  }

  @Patch('/:id', { summary: 'Change a todo' })
  update(@Ctx() ctx: RequestContext, @Param('id') id: number, @Body() body: UpdateTodo): Promise<Todo> {
    return this.todos.update(id, userId(ctx), body);
  }

  @Delete('/:id', { summary: 'Delete any todo (admins)' })
  @Roles('admin')
  @HttpCode(204)
  remove(@Param('id') id: number): Promise<void> {
    return this.todos.remove(id);
  }
}
