// List endpoints may answer objects or, with `as_ids`, bare ids: the app always asks for
// objects, and this keeps the types honest about it.

export function objects<T extends object>(list: ReadonlyArray<T | number>): T[] {
  return list.filter((x): x is T => typeof x === 'object' && x !== null);
}
