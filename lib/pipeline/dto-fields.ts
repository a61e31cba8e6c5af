import { getMetadataStorage } from 'class-validator';

/**
 * The properties of a DTO class that carry no class-validator decorator, so validation (with `whitelist`) strips
 * them from every request. TypeScript emits no metadata for an undecorated property, so they are found by
 * constructing the DTO once: with `useDefineForClassFields` (the default from target ES2022, and in Rivet's
 * templates) every declared field becomes an own property, initializer or not. Without it, only fields with an
 * initializer are seen. A DTO whose constructor needs arguments or throws is skipped: nothing is reported for it.
 */
export function undecoratedFields(dto: Function): string[] {
  let instance: object;
  try {
    instance = new (dto as new () => object)();
  } catch {
    return [];
  }
  if (instance === null || typeof instance !== 'object') return [];
  const checked = new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName));
  return Object.keys(instance).filter((key) => !checked.has(key));
}
