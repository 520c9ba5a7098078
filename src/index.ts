// bootmap's public API (re-exports only).
export { predict, resolveKernel, qemuVirtPlacement, type PredictOptions, type MachineSpec, type LoaderSpec } from './api/predict.ts';
export { parseSize } from './api/sizes.ts';
export type { Prediction } from './kernels/boot.ts';
export { PROFILE_NAMES, builtinProfile } from './kernels/profiles.ts';
export { renderDmesg, dmesgLines, type DmesgLine } from './render/dmesg.ts';
export { renderJson, predictionJson } from './render/json.ts';
export { renderText } from './render/text.ts';
export { formatInputError, type InputError, type Result } from './inputs/errors.ts';
