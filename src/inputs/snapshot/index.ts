// The snapshot bundle: format, parser, predict options from it, and the comparison with a prediction.
export { encodeSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_KEYS, SNAPSHOT_SOURCES, SNAPSHOT_VERSION, TEXT_KEYS } from './bundle.ts';
export type { BundleItemJson, BundleJson, CollectedItem, CollectedSnapshot, SnapshotKey } from './bundle.ts';
export { parseSnapshot, snapshotBytes, snapshotText, type Snapshot, type SnapshotItem } from './parse.ts';
export { memoryDmesgLines } from './dmesg.ts';
export { profileForRelease, snapshotIomem, snapshotToPredictOptions, type SnapshotOverrides, type SnapshotPredictOptions } from './to-predict.ts';
export { compareSnapshotWithPrediction, type ComparisonItem, type SnapshotComparison } from './compare.ts';
