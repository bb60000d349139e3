// Typed reads over a decoded OTLP message. One converter serves both encodings because they share field
// names (protobufjs decodes to lowerCamelCase, as OTLP/JSON writes them) but not value representations:
//   protobuf: 64-bit integers are `Long`s, enums are numbers, unset fields live on the prototype;
//   JSON:     64-bit integers are strings or numbers, enums are numbers (names tolerated), doubles may be
//             "NaN"/"Infinity", absent or null fields are unset.
// Only own, non-null properties count as set, which also tells which member of a oneof is present.

/** The request's structure is wrong (an object where a list belongs…): the whole request is malformed (400). */
export class MalformedError extends Error {
  constructor(private readonly field: string, private readonly problem: string) {
    super(`${field} ${problem}`);
  }

  /** Called while unwinding so the message ends up naming the full path (`resourceMetrics[0].scope…`). */
  within(parent: string): MalformedError {
    return new MalformedError(`${parent}.${this.field}`, this.problem);
  }
}

/** A value that breaks OTLP's rules for one data point: that point is rejected (partial success). */
export class InvalidPointError extends Error {}

export type Message = Readonly<Record<string, unknown>>;

interface LongLike {
  toNumber(): number;
}

function isLong(v: object): v is LongLike {
  return typeof (v as Partial<LongLike>).toNumber === 'function';
}

export function field(msg: Message, key: string): unknown {
  return Object.hasOwn(msg, key) ? (msg[key] ?? undefined) : undefined;
}

export function has(msg: Message, key: string): boolean {
  return field(msg, key) !== undefined;
}

export function message(msg: Message, key: string): Message | undefined {
  const v = field(msg, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new MalformedError(key, 'must be an object');
  return v as Message;
}

export function messages(msg: Message, key: string): readonly Message[] {
  const v = field(msg, key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new MalformedError(key, 'must be a list');
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new MalformedError(`${key}[${i}]`, 'must be an object');
    }
  }
  return v as Message[];
}

export function string(msg: Message, key: string): string {
  const v = field(msg, key);
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new MalformedError(key, 'must be a string');
  return v;
}

export function bool(msg: Message, key: string): boolean {
  const v = field(msg, key);
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new MalformedError(key, 'must be a boolean');
  return v;
}

/** A 64-bit integer as a JS number (exact up to 2^53; nanosecond timestamps lose sub-microsecond digits). */
function int64Value(v: unknown, key: string, unsigned: boolean): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^-?\d+$/.test(v)) n = Number(v);
  else if (typeof v === 'object' && v !== null && isLong(v)) n = v.toNumber();
  else throw new InvalidPointError(`${key} must be an integer, got ${JSON.stringify(v)}`);
  if (!Number.isInteger(n) || (unsigned && n < 0)) {
    throw new InvalidPointError(`${key} must be ${unsigned ? 'a non-negative' : 'an'} integer, got ${String(n)}`);
  }
  return n;
}

export function uint64(msg: Message, key: string): number {
  const v = field(msg, key);
  return v === undefined ? 0 : int64Value(v, key, true);
}

export function int64(msg: Message, key: string): number {
  const v = field(msg, key);
  return v === undefined ? 0 : int64Value(v, key, false);
}

export function uint64List(msg: Message, key: string): number[] {
  const v = field(msg, key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new MalformedError(key, 'must be a list');
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = int64Value(v[i], key, true);
  return out;
}

const JSON_SPECIAL_DOUBLES: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function doubleValue(v: unknown, key: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = JSON_SPECIAL_DOUBLES[v];
    if (special !== undefined) return special;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw new InvalidPointError(`${key} must be a number, got ${JSON.stringify(v)}`);
}

export function double(msg: Message, key: string): number | undefined {
  const v = field(msg, key);
  return v === undefined ? undefined : doubleValue(v, key);
}

export function doubleList(msg: Message, key: string): number[] {
  const v = field(msg, key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new MalformedError(key, 'must be a list');
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = doubleValue(v[i], key);
  return out;
}

/** Enums: numbers on the wire and in OTLP/JSON; the names proto3 JSON also allows are accepted. */
export function enumValue(msg: Message, key: string, names: Readonly<Record<string, number>>): number {
  const v = field(msg, key);
  if (v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && names[v] !== undefined) return names[v];
  throw new MalformedError(key, `must be an enum number, got ${JSON.stringify(v)}`);
}
