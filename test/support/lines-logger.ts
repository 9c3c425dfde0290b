import { type LoggerService } from '@nestjs/common';

/** A Nest logger that keeps each log, warn and error message as a line, for assertions. */
export class LinesLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (message: unknown) => this.lines.push(String(message));
  warn = (message: unknown) => this.lines.push(String(message));
  error = (message: unknown) => this.lines.push(String(message));
}
