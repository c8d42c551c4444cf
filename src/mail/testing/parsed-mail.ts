import type { AddressObject } from 'mailparser';

/** For specs: the bare addresses of a header mailparser parsed (To may be one group or several). */
export const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  [field ?? []].flat().flatMap((group) => group.value.map((address) => address.address ?? ''));
