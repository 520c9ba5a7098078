// `bootmap explore` and `bootmap linear-map`: the ordering trade-off of the crash reservation, over a corpus.
export { GRANULES, PLATFORMS, platformById, type ExploreGranule, type Platform } from './platforms.ts';
export { STRATEGIES, type Strategy, type StrategyId, type StrategyRun } from './strategies.ts';
export { runExplore, type DmaReach, type ExploreOptions, type ExploreResult, type ExploreRow } from './runner.ts';
export { linearMapInputOf, linearMapReportOf, bootMemoryView } from './linear-map-input.ts';
