// Every CLI command, registered in this order. Add a command: write commands/<name>.ts exporting
// `register(program, io)` and add it here. Keep heavy dependencies behind dynamic imports in the action.
import type { Command } from 'commander';
import { registerBoards } from './boards.ts';
import { registerDemo } from './demo.ts';
import { registerExplore } from './explore.ts';
import { registerLinearMap } from './linear-map.ts';
import { registerPredict } from './predict.ts';
import { registerExplain } from './explain.ts';
import { registerSweep } from './sweep.ts';
import { registerCheck } from './check.ts';
import { registerServe } from './serve.ts';
import { registerSnapshot } from './snapshot.ts';
import { registerKexec } from './kexec.ts';
import { registerAdvise } from './advise.ts';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Sets the process exit code the command ends with (0 ok, 1 reservation fails, 2 bad input). */
  setExit: (code: number) => void;
}

export const commands: ((program: Command, io: CliIo) => void)[] = [
  (p, io) => registerPredict(p, io.out, io.setExit),
  (p, io) => registerDemo(p, io.out),
  (p, io) => registerExplain(p, io.out, io.setExit),
  (p, io) => registerSweep(p, io.out, io.err),
  (p, io) => registerCheck(p, io.out, io.setExit),
  (p, io) => registerServe(p, io.out),
  (p, io) => registerSnapshot(p, io.out, io.setExit),
  (p, io) => registerBoards(p, io.out, io.err),
  (p, io) => registerLinearMap(p, io.out, io.setExit),
  (p, io) => registerExplore(p, io.out, io.err),
  (p, io) => registerAdvise(p, io.out, io.setExit),
  (p, io) => registerKexec(p, io.out, io.setExit),
];
