// Label sets of derived points. Tens of thousands of them live as long as their series, so how they are
// built matters: an object spread at a call site that sees many shapes takes V8's slow clone path, which
// gives every copy a hidden class of its own (~250 bytes each); copies built by assignment share one.

export type Labels = Record<string, string>;

/** `labels` plus `extra` (extra wins), as a new object. */
export function extendLabels(labels: Readonly<Labels>, extra: Readonly<Labels>): Labels {
  const out: Labels = {};
  for (const k in labels) out[k] = labels[k]!;
  for (const k in extra) out[k] = extra[k]!;
  return out;
}
