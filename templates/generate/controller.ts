import { Controller, Get } from 'rivetjs';

@Controller('/__ROUTE__', { tags: ['__ROUTE__'] })
export class __CLASS__Controller {
  @Get('/', { summary: 'List __ROUTE__' })
  list() {
    return [];
  }
}
