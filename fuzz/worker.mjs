// Worker entry: loads the TypeScript worker through tsx (worker threads do not inherit the parent's loader).
import { tsImport } from 'tsx/esm/api';
await tsImport('./worker.ts', import.meta.url);
