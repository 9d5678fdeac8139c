#!/usr/bin/env node
import { Command } from 'commander';

import { registerBoardCommands } from './commands/board.command';
import { registerClassifyCommand } from './commands/classify.command';
import { registerDemoCommand } from './commands/demo.command';
import { registerDoctorCommand } from './commands/doctor.command';
import { registerHistoryCommands } from './commands/history.command';
import { registerInitCommand } from './commands/init.command';
import { registerMemoryCommands } from './commands/memory.command';
import { registerPauseCommands } from './commands/pause.command';
import { registerReviewCommands } from './commands/review.command';
import { registerTicketCommands } from './commands/ticket.command';
import { registerUpCommand } from './commands/up.command';
import { cliVersion } from './version';

// Each register* file holds only commander wiring; a command's libraries load when it runs
// (bench/cli-startup.js measures what that saves).
const program = new Command('nightshift')
  .description('Nightshift: tickets in, one review-ready pull request per ticket out')
  .version(`nightshift ${cliVersion()}`, '-V, --version', 'print the version')
  .option('--config <file>', 'config file', process.env['NIGHTSHIFT_CONFIG'] ?? 'nightshift.yaml');

registerInitCommand(program);
registerDoctorCommand(program);
registerUpCommand(program);
registerDemoCommand(program);
registerBoardCommands(program);
registerHistoryCommands(program);
registerClassifyCommand(program);
registerPauseCommands(program);
registerMemoryCommands(program);
registerReviewCommands(program);
registerTicketCommands(program);

void program.parseAsync(process.argv);
