import { type LoggerService } from '@nestjs/common';

/** A Nest logger that keeps each log, warn and error message as a line, for assertions. */
export class LinesLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (message: unknown) => this.lines.push(String(message));
  warn = (message: unknown) => this.lines.push(String(message));
  error = (message: unknown) => this.lines.push(String(message));
}

/** A Nest logger that keeps every call at every level as one line (errors with their stack). */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...args: unknown[]) => this.record(args);
  error = (...args: unknown[]) => this.record(args);
  warn = (...args: unknown[]) => this.record(args);
  debug = (...args: unknown[]) => this.record(args);
  verbose = (...args: unknown[]) => this.record(args);
  private record(args: unknown[]) {
    this.lines.push(
      args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '),
    );
  }
}
