// The spec's acceptable error rate as a ceiling on `iora_error_ratio` (failed / all requests in the
// evaluation window, published by `baseline` for request series).

import type { Attributes, GaugeMetric } from '../../../pipeline/model.js';
import type { Judgement } from './judgement.js';

export function judgeErrorRatios(resource: Attributes, metrics: readonly GaugeMetric[], ceiling: number): Judgement[] {
  if (ceiling <= 0) return [];
  const out: Judgement[] = [];
  for (const m of metrics) {
    if (m.name !== 'iora_error_ratio') continue;
    for (const p of m.points) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(p.attributes)) labels[k] = String(v);
      out.push({
        resource,
        labels: { ...labels, target: 'error_rate' },
        kind: 'business',
        direction: 'ceiling',
        observed: p.value,
        threshold: ceiling,
        findingKind: 'target_breach',
        severity: 'high',
        message: () => `Error rate ${(p.value * 100).toFixed(2)}% exceeds the acceptable ${(ceiling * 100).toFixed(2)}%`,
        values: { target: ceiling },
      });
    }
  }
  return out;
}
