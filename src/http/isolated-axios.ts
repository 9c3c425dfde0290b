import axios, { type AxiosInstance } from 'axios';

const passThrough = <T>(data: T): T => data;

/**
 * An axios instance of the library's own. `axios.create` copies the process-wide
 * `axios.defaults`, so the copy is replaced by defaults written out here: an app's default headers,
 * adapter, proxy, auth or transforms never touch a request of the library, which carries the
 * appSecret and tokens. Interceptors are per instance, so the app's global ones never see it.
 * Bodies are encoded and answers parsed by the library itself, so no transform is needed.
 */
export function createIsolatedAxios(): AxiosInstance {
  const instance = axios.create();
  // Replaced in place: the instance's request function holds this very object.
  const defaults = instance.defaults as unknown as Record<string, unknown>;
  for (const key of Object.keys(defaults)) delete defaults[key];
  Object.assign(instance.defaults, {
    adapter: 'http',
    transformRequest: [passThrough],
    transformResponse: [passThrough],
    headers: {
      common: { Accept: 'application/json, text/plain, */*' },
      delete: {},
      get: {},
      head: {},
      post: {},
      put: {},
      patch: {},
      // axios types the per-method header groups loosely; this is the shape its defaults have.
    } as unknown as AxiosInstance['defaults']['headers'],
    timeout: 0,
    maxContentLength: -1,
    maxBodyLength: -1,
    maxRedirects: 0,
    // Bodies are decoded by the library (`content-coding.ts`), which knows what it asked for.
    decompress: false,
    validateStatus: () => true,
  } satisfies Partial<AxiosInstance['defaults']>);
  return instance;
}
