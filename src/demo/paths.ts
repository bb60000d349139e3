// Where the demo finds the package's files, whether it runs from dist/ or from the TypeScript sources.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of iora's package.json, found upward from this module. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the iora package directory (no package.json above the demo module)');
    dir = parent;
  }
  return dir;
}

export interface DemoPaths {
  register: string;
  app: string;
  pipeline: string;
}

export function demoPaths(root = packageRoot()): DemoPaths {
  return {
    register: path.join(root, 'dist', 'instrumentation', 'register.js'),
    app: path.join(root, 'examples', 'demo-app.mjs'),
    pipeline: path.join(root, 'pipelines', 'demo.yaml'),
  };
}
