// Each command's module, loaded only when that command runs: `bootmap predict` then parses and evaluates
// predict's code, not every command's (the bundle splits each into its own chunk). The registrations are
// those of index.ts, which `bootmap --help` and unknown commands still load whole; a test keeps the two
// lists equal.
import type { Command } from 'commander';
import type { CliIo } from './index.ts';

type Register = (program: Command, io: CliIo) => void;

export const lazyCommands: Record<string, () => Promise<Register>> = {
  predict: async () => { const m = await import('./predict.ts'); return (p, io) => m.registerPredict(p, io.out, io.setExit); },
  demo: async () => { const m = await import('./demo.ts'); return (p, io) => m.registerDemo(p, io.out); },
  explain: async () => { const m = await import('./explain.ts'); return (p, io) => m.registerExplain(p, io.out, io.setExit); },
  diff: async () => { const m = await import('./explain.ts'); return (p, io) => m.registerExplain(p, io.out, io.setExit); },
  sweep: async () => { const m = await import('./sweep.ts'); return (p, io) => m.registerSweep(p, io.out, io.err); },
  check: async () => { const m = await import('./check.ts'); return (p, io) => m.registerCheck(p, io.out, io.setExit); },
  serve: async () => { const m = await import('./serve.ts'); return (p, io) => m.registerServe(p, io.out); },
  snapshot: async () => { const m = await import('./snapshot.ts'); return (p, io) => m.registerSnapshot(p, io.out, io.setExit); },
  boards: async () => { const m = await import('./boards.ts'); return (p, io) => m.registerBoards(p, io.out, io.err); },
  'linear-map': async () => { const m = await import('./linear-map.ts'); return (p, io) => m.registerLinearMap(p, io.out, io.setExit); },
  explore: async () => { const m = await import('./explore.ts'); return (p, io) => m.registerExplore(p, io.out, io.err); },
  advise: async () => { const m = await import('./advise.ts'); return (p, io) => m.registerAdvise(p, io.out, io.setExit); },
  kexec: async () => { const m = await import('./kexec.ts'); return (p, io) => m.registerKexec(p, io.out, io.setExit); },
};
