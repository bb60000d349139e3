// Pure statistics used by the processors and the bench. Every export is named here.

export { mean, median, sampleQuantile, sortedQuantile, stddev } from './descriptive.js';
export { theilSenLine, theilSenSlope, THEIL_SEN_MAX_POINTS, type XY } from './theil-sen.js';
export { normalQuantile, quantileRankInterval, type RankInterval } from './rank-interval.js';
export {
  bucketTotal,
  DEFAULT_MAX_BUCKETS,
  emptySketch,
  MAX_SCALE,
  mergeAll,
  mergeSketches,
  mergeSketchInto,
  relativeErrorBound,
  sketchQuantile,
  sketchValueAtRank,
  subtractSketch,
  toSketch,
  type ExpoSketch,
} from './exponential-histogram.js';
export {
  bucketQuantile,
  bucketValueAtRank,
  mergeBucketHistogramInto,
  mergeBucketHistograms,
  sameBounds,
  subtractBucketHistograms,
  toBucketHistogram,
  type BucketEstimate,
  type BucketHistogram,
} from './explicit-histogram.js';
export { logGamma, normalCdf, regularizedIncompleteBeta, studentTCdf } from './student-t.js';
export { estimateMean, welchTest, type MeanEstimate, type WelchResult } from './welch-test.js';
export { autocorrelation, DEFAULT_SEASONALITY, seasonality, type Seasonality, type SeasonalityOptions } from './seasonality.js';
