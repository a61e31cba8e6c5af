import { ownMeta } from '../metadata/store';
import type { ControllerOptions } from '../metadata/types';
import { legacyDecorator } from '../metadata/legacy';

/**
 * Marks a class as a controller mounted under `prefix`. A subclass with its own `@Controller` gets its own
 * prefix; one without inherits its parent's.
 * @example @Controller('/users', { tags: ['users'] }) class UsersController {}
 */
export function Controller(prefix = '/', options: ControllerOptions = {}): ClassDecorator {
  return legacyDecorator<ClassDecorator>('@Controller', (target) => {
    ownMeta(target).controller = { prefix, options };
  });
}
