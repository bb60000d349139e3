// Byte sizes in config (`512MiB`, `2GiB`, `100MB`): binary units are what RSS, heap and file sizes are
// measured in; decimal ones are accepted because people write them.

const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/;

/** Bytes for a size string, or undefined when it is not one. */
export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT_BYTES[m[2] as string] as number));
}

export function checkSize(value: unknown): string | undefined {
  if (typeof value !== 'string' || parseSize(value) === undefined) return 'must be a size such as 512MiB, 2GiB or 100MB';
  if (parseSize(value) === 0) return 'must be greater than zero';
  return undefined;
}
