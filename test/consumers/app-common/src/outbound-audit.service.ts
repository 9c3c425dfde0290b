import { HttpService } from '@nestjs/axios';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';

/** The app's own outbound calls, and an interceptor on the process-wide axios that logs them all. */
@Injectable()
export class OutboundAudit implements OnModuleDestroy {
  readonly seen: string[] = [];
  private readonly interceptor: number;

  constructor(private readonly http: HttpService) {
    this.interceptor = axios.interceptors.request.use((config) => {
      this.seen.push(`${config.url}`);
      return config;
    });
  }

  /** A call of the app's own, through `@nestjs/axios` (the process-wide axios). */
  async ping(url: string): Promise<unknown> {
    return (await firstValueFrom(this.http.get(url))).data;
  }

  onModuleDestroy(): void {
    axios.interceptors.request.eject(this.interceptor);
  }
}
