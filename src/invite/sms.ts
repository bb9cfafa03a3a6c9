// SMS gateway adapters. Norwegian gateways differ, so the adapter is chosen by SMS_GATEWAY; each is
// a function (to, text) -> Promise that throws a classified SendError. One is implemented:
//
// http-json: POST SMS_GATEWAY_URL with {"to": "+4791234567", "from": SMS_SENDER, "text": "..."}
// as JSON and "Authorization: Bearer SMS_GATEWAY_TOKEN". 2xx is sent; 401/403 means the gateway
// refused us (stops the job); 400/404/422 means this number was refused (bounced); anything else
// (429, 5xx, no answer within 15 s) is temporary and retried.
import type { Config } from '../config.js';
import { SendError } from './transport.js';

export type SmsAdapter = (to: string, text: string) => Promise<void>;

function httpJson(config: Config): SmsAdapter | undefined {
  const url = config.SMS_GATEWAY_URL;
  if (!url) return undefined;
  return async (to, text) => {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(config.SMS_GATEWAY_TOKEN ? { authorization: `Bearer ${config.SMS_GATEWAY_TOKEN}` } : {}) },
        body: JSON.stringify({ to, from: config.SMS_SENDER, text }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new SendError('transient', (err as Error).message);
    }
    await res.body?.cancel();
    if (res.ok) return;
    if (res.status === 401 || res.status === 403) throw new SendError('refused', `gateway answered ${res.status}`);
    if (res.status === 400 || res.status === 404 || res.status === 422) throw new SendError('bounce', `gateway answered ${res.status}`);
    throw new SendError('transient', `gateway answered ${res.status}`);
  };
}

const ADAPTERS: Record<NonNullable<Config['SMS_GATEWAY']>, (config: Config) => SmsAdapter | undefined> = { 'http-json': httpJson };

/** smsAdapter returns the configured gateway's send function, or undefined when SMS is not set up. */
export function smsAdapter(config: Config): SmsAdapter | undefined {
  return config.SMS_GATEWAY ? ADAPTERS[config.SMS_GATEWAY](config) : undefined;
}
