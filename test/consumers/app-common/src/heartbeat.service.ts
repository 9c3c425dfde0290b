import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';

/** The app's own scheduled job. */
@Injectable()
export class Heartbeat {
  ticks = 0;

  @Interval(100)
  beat(): void {
    this.ticks += 1;
  }
}
