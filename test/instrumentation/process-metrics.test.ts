import { describe, expect, it } from 'vitest';
import { parseDiskstats, parseProcIo } from '../../instrumentation/process-metrics.js';

describe('/proc parsers', () => {
  it('reads /proc/self/io fields', () => {
    const io = parseProcIo('rchar: 100\nwchar: 20\nsyscr: 7\nsyscw: 3\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n');
    expect(io).toMatchObject({ syscr: 7, syscw: 3, read_bytes: 4096, write_bytes: 8192 });
  });

  it('finds the device line in /proc/diskstats by major:minor', () => {
    const text = [
      ' 253       0 vda 83659 120 4000000 9000 51234 800 900000 7000 0 10000 16000',
      ' 253       1 vda1 80000 100 3900000 8800 50000 700 880000 6900 0 9800 15700',
    ].join('\n');
    expect(parseDiskstats(text, 253, 1)).toEqual({ name: 'vda1', reads: 80000, writes: 50000 });
    expect(parseDiskstats(text, 8, 0)).toBeUndefined();
  });
});
