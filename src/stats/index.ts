// Pure statistics used by the processors and the bench. Every export is named here.

export { mean, median, sampleQuantile, sortedQuantile, stddev } from './descriptive.js';
export { theilSenLine, theilSenSlope, THEIL_SEN_MAX_POINTS, type XY } from './theil-sen.js';
export { normalQuantile, quantileRankInterval, type RankInterval } from './rank-interval.js';
