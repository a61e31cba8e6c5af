import { Controller, Get, Query } from 'rivetjs';

@Controller('/hello', { tags: ['hello'] })
export class HelloController {
  @Get('/', { summary: 'Say hello' })
  hello(@Query('name', { default: 'world' }) name: string) {
    return { message: `Hello, ${name}!` };
  }
}
