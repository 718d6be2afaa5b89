// Who the client is, behind proxies. Fastify's own options cannot express a hop count
// here: this Fastify takes a number as "trust nothing" (it cannot check the nearest peer),
// so a hop count becomes a function of the hop. proxy-addr calls it from the connection
// inwards (hop 0 is the proxy that connected to us, hop 1 the address it appended, …)
// and the client is the first address not trusted. With 1 hop, `X-Forwarded-For:
// forged, real` gives `real`: what a client writes itself sits left of what the proxy
// appended, and is never reached.
import type { TrustProxy } from '../config-values.ts';

type TrustFunction = (address: string, hop: number) => boolean;

export function fastifyTrustProxy(trust: TrustProxy | undefined): false | string[] | TrustFunction {
  if (!trust) return false;
  if ('addresses' in trust) return trust.addresses;
  const { hops } = trust;
  return (_address, hop) => hop < hops;
}
