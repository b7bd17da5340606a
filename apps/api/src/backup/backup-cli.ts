import { ConfigError, loadConfig } from '../config/app-config';
import { BackupError, Cleanup } from './backup-error';
import { runBackup } from './backup';
import { runRestore } from './restore';
import { parseCommand, USAGE, type Command } from './cli-arguments';

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  const action = command.kind;
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${action} failed: invalid environment: ${error.problems.join('; ')}`);
      return 1;
    }
    throw error;
  }

  const cleanup = new Cleanup();
  const warn = (message: string) => console.error(`warning: ${oneLine(message)}`);
  // Ctrl-C: stop the child tool, remove what is half made, stop a server we started
  let interruptedBy: string | null = null;
  let finished = false;
  const interrupted = (signal: string) => {
    if (finished) return; // the work is done; the cleanup under way completes it
    interruptedBy = signal;
    console.error(`${action} interrupted (${signal}): removing what was half made`);
    void cleanup.runAll(warn).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const log = (line: string) => console.log(line);
  try {
    if (command.kind === 'backup') await runBackup(config, command, cleanup, log);
    else await runRestore(config, command, cleanup, log);
    finished = true;
    return 0;
  } catch (error) {
    // what failed after a Ctrl-C failed because of it (the server stopping, the tool killed)
    if (interruptedBy) return 130;
    const reason = error instanceof Error ? error.message : String(error);
    // our own errors are written for the reader; for anything else LOG_LEVEL=debug shows where it came from
    if (!(error instanceof BackupError) && error instanceof Error && process.env.LOG_LEVEL === 'debug') {
      console.error(error.stack);
    }
    console.error(`${action} failed: ${oneLine(reason)}`);
    return 1;
  } finally {
    await cleanup.runAll(warn);
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
