import type { CompiledRoute } from '../pipeline/compiled-route';
import { undecoratedFields } from '../pipeline/dto-fields';
import type { Logger } from './logger';
import type { NormalizedLogger } from './options';

/** Whether start-up notices meant for the developer are on: `NODE_ENV=development`, or a logger at debug or trace. */
export function developmentNotices(logger: NormalizedLogger | null, env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'development' || logger?.level === 'debug' || logger?.level === 'trace';
}

/**
 * Warns once per DTO property that has no class-validator decorator: validation strips it, so a field the
 * developer declared never reaches the handler (issue 19). To the app logger when there is one, else to stderr.
 */
export function warnUndecoratedFields(routes: readonly CompiledRoute[], logger: Logger | null, write: (line: string) => void = (line) => { process.stderr.write(line); }): void {
  const seen = new Set<Function>();
  for (const route of routes) {
    for (const { compiled } of route.params) {
      const dto = compiled.dto;
      if (dto === undefined || seen.has(dto)) continue;
      seen.add(dto);
      for (const field of undecoratedFields(dto)) {
        const msg = `${dto.name}.${field} has no class-validator decorator, so validation strips it from every request (${route.descriptor.where} never sees it). Fix: decorate it (e.g. @IsOptional() @IsString()), or @Allow() to accept it unchecked.`;
        if (logger !== null) logger.warn({ dto: dto.name, property: field }, msg);
        else write(`[rivet] warning: ${msg}\n`);
      }
    }
  }
}
