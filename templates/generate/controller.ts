import { Controller, Get } from 'rivet';

@Controller('/__ROUTE__', { tags: ['__ROUTE__'] })
export class __CLASS__Controller {
  @Get('/', { summary: 'List __ROUTE__' })
  list() {
    return [];
  }
}
