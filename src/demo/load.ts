// The demo's traffic: every operation class of the example app at a fixed, bounded rate (open loop, so a
// slower app does not quietly get fewer requests; a cap on requests in flight keeps it from piling up).

export interface RouteLoad {
  method: 'GET' | 'POST';
  /** Path; `{id}` is replaced by a random id from 1 to `ids`. */
  path: string;
  /** The route template the app's framework reports (`http.route`), to find the route's series. */
  route: string;
  ids?: number;
  perSecond: number;
}

/**
 * ~30 requests/s: enough samples per 5 s window for every class (pipelines/demo.yaml judges a window from
 * 15 samples and has a baseline from 60), little enough for a laptop.
 */
export const DEMO_ROUTES: readonly RouteLoad[] = [
  { method: 'GET', path: '/users/{id}', route: '/users/:id', ids: 200, perSecond: 10 },
  { method: 'GET', path: '/products/{id}', route: '/products/:id', ids: 50, perSecond: 8 },
  { method: 'GET', path: '/analysis/revenue', route: '/analysis/revenue', perSecond: 4 },
  { method: 'GET', path: '/analysis/top-customers', route: '/analysis/top-customers', perSecond: 4 },
  { method: 'POST', path: '/bulk/orders?count=50', route: '/bulk/orders', perSecond: 4 },
];

const MAX_IN_FLIGHT_PER_ROUTE = 20;
const REQUEST_TIMEOUT_MS = 10_000;

export interface LoadCounts {
  sent: number;
  failed: number;
  /** Ticks skipped because the route already had MAX_IN_FLIGHT_PER_ROUTE requests waiting. */
  skipped: number;
}

export class LoadGenerator {
  readonly counts: LoadCounts = { sent: 0, failed: 0, skipped: 0 };
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly routes: readonly RouteLoad[] = DEMO_ROUTES,
  ) {}

  start(): void {
    if (this.timers.length > 0) return;
    for (const route of this.routes) {
      let inFlight = 0;
      const fire = (): void => {
        if (inFlight >= MAX_IN_FLIGHT_PER_ROUTE) {
          this.counts.skipped++;
          return;
        }
        inFlight++;
        this.counts.sent++;
        void this.request(route).finally(() => inFlight--);
      };
      this.timers.push(setInterval(fire, 1000 / route.perSecond));
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private async request(route: RouteLoad): Promise<void> {
    const path = route.ids === undefined ? route.path : route.path.replace('{id}', String(1 + Math.floor(Math.random() * route.ids)));
    try {
      const res = await fetch(this.baseUrl + path, { method: route.method, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await res.arrayBuffer();
      if (res.status >= 500) this.counts.failed++;
    } catch {
      this.counts.failed++;
    }
  }
}
