import { Controller, Get } from 'rivet';

/** `GET /health`: answers 200 while the process can serve requests (for load balancers and orchestrators). */
@Controller('/health', { tags: ['health'] })
export class HealthController {
  @Get('/', { summary: 'Liveness probe' })
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
