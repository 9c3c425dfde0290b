import { type ModuleRef } from '@nestjs/core';

/** The part of `@nestjs/schedule`'s `SchedulerRegistry` the library uses. */
export interface TimeoutRegistry {
  doesExist(type: 'timeout', name: string): boolean;
  getTimeout(name: string): unknown;
  addTimeout(name: string, timeout: unknown): void;
  deleteTimeout(name: string): void;
}

/**
 * The app's `SchedulerRegistry` when the app imports `ScheduleModule.forRoot()`, else undefined.
 * `@nestjs/schedule` is an optional peer: an app without it loads the library all the same.
 */
export async function findAppSchedulerRegistry(
  moduleRef: ModuleRef,
): Promise<TimeoutRegistry | undefined> {
  let schedule: typeof import('@nestjs/schedule');
  try {
    schedule = await import('@nestjs/schedule');
  } catch {
    return undefined;
  }
  try {
    return moduleRef.get(schedule.SchedulerRegistry, { strict: false });
  } catch {
    return undefined;
  }
}
