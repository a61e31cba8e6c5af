import type { ClassMeta, MemberMeta } from './types';

// Keyed by class: nothing global to reset between apps or tests, and classes can be garbage-collected.
const classMeta = new WeakMap<Function, ClassMeta>();

const emptyMember = (): MemberMeta => ({
  routes: [], params: undefined, guards: undefined, values: undefined, httpCode: undefined, headers: undefined, responses: undefined,
});

/** The metadata declared on `ctor` itself, or `undefined`. Read-only: never creates metadata. */
export const peekMeta = (ctor: Function): ClassMeta | undefined => classMeta.get(ctor);

/** The metadata declared on `ctor` itself, created on first write. Not inherited. */
export function ownMeta(ctor: Function): ClassMeta {
  let meta = classMeta.get(ctor);
  if (meta === undefined) classMeta.set(ctor, (meta = { controller: undefined, own: emptyMember(), members: new Map() }));
  return meta;
}

/** The metadata `ctor` declares for one member (`undefined` key: the class itself), created on first write. */
export function ownMember(ctor: Function, name: string | symbol | undefined): MemberMeta {
  const meta = ownMeta(ctor);
  if (name === undefined) return meta.own;
  let member = meta.members.get(name);
  if (member === undefined) meta.members.set(name, (member = emptyMember()));
  return member;
}
