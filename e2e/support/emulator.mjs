// An emulator of a spec's own, for specs that change its state (armed faults,
// revoked accounts, short sessions), so no other test can share it.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export const EMULATOR_BIN = process.env.LAB_LOGIN_EMULATOR_BIN;

/** Starts the emulator on a port it chooses, with `args` (such as `--nomad-version 1.3`); it stops by itself after 15 minutes. */
export async function ownEmulator(args = []) {
  const child = spawn(EMULATOR_BIN, ['--port', '0', '--quiet', '--stop-after', '900', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  return { url: first.replace('lab-login emulator listening on ', '').trim(), stop: () => child.kill() };
}
