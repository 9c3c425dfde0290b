import { HttpService } from '@nestjs/axios';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';

type Interceptable = Pick<AxiosInstance, 'interceptors'>;
import { firstValueFrom } from 'rxjs';

/**
 * The app's own outbound calls, and interceptors that log every request of the process-wide axios:
 * the one the app imports and the one `HttpModule` uses (the same object, unless a test runner
 * loads axios' ESM and CommonJS builds side by side).
 */
@Injectable()
export class OutboundAudit implements OnModuleDestroy {
  readonly seen: string[] = [];
  private readonly interceptors: [Interceptable, number][];

  constructor(private readonly http: HttpService) {
    const instances = new Set<Interceptable>([axios, http.axiosRef]);
    this.interceptors = [...instances].map((instance) => [
      instance,
      instance.interceptors.request.use((config) => {
        this.seen.push(`${config.url}`);
        return config;
      }),
    ]);
  }

  /** A call of the app's own, through `@nestjs/axios`. */
  async ping(url: string): Promise<unknown> {
    return (await firstValueFrom(this.http.get(url))).data;
  }

  onModuleDestroy(): void {
    for (const [instance, id] of this.interceptors) instance.interceptors.request.eject(id);
  }
}
