// Factory of the `leak` processor (see processor.ts). Heap snapshots are taken only when the pipeline
// runs inside the agent (the host offers an in-process source): in the collector the processes whose
// memory grows are elsewhere.

import type { Factory, Processor } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import { createProcessor } from '../../pipeline/processor-helper.js';
import { createDefaultConfig, validate, type LeakConfig } from './config.js';
import { HeapSnapshots } from './internal/heap-snapshots.js';
import { parseSize } from './internal/size.js';
import { LeakStep } from './processor.js';

export const leakFactory: Factory<LeakConfig, Processor> = {
  kind: 'processor',
  type: 'leak',
  createDefaultConfig,
  validate,
  create: (settings, config, next) => {
    const hs = config.heap_snapshot;
    let snapshots: HeapSnapshots | undefined;
    if (hs.enabled && settings.host.inProcess === undefined) {
      settings.logger.info('leak: heap snapshots are only written inside the agent (embedded mode); not here');
    } else if (hs.enabled) {
      snapshots = new HeapSnapshots(
        {
          directory: hs.directory,
          minIntervalMs: parseDuration(hs.min_interval) ?? 3_600_000,
          maxTotalBytes: parseSize(hs.max_total_size) ?? 0,
          maxHeapBytes: parseSize(hs.max_heap_size) ?? 0,
        },
        settings.clock,
      );
    }
    return createProcessor(settings, next, new LeakStep(config, settings.logger, snapshots));
  },
};
