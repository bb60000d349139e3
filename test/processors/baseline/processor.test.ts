import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { caseDirs } from '../step-harness.js';
import { runBaselineCase } from './golden.js';

const testdata = fileURLToPath(new URL('./testdata', import.meta.url));

describe('baseline golden steps', () => {
  for (const dir of caseDirs(testdata)) {
    it(dir.split('/').pop()!, async () => {
      await runBaselineCase(dir);
    });
  }
});
