import type { DependencyContainer } from 'tsyringe';
import type { NormalizedOptions } from './options';
import type { Feature } from './pipeline/feature';

/**
 * The features an app's options turn on, in the order they run on each request. Each feature module exports a
 * factory that validates its options once and precomputes what it can; an option left out adds nothing.
 */
export function featuresFor(options: NormalizedOptions, container: DependencyContainer): Feature[] {
  const features: Feature[] = [];
  void options;
  void container;
  return features;
}
