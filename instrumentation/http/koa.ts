// Koa keeps the matched route (@koa/router's `ctx._matchedRoute`) on its own context object, which the HTTP
// diagnostics channels never see. This instrumentation only links the raw request to the context when Koa
// creates it, so the request recorder can read the route at response finish. No spans, no timing.

import type { IncomingMessage } from 'node:http';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { koaContext } from './routes.js';

type CreateContext = (this: unknown, req: IncomingMessage, res: unknown) => unknown;
interface KoaApplication {
  prototype: { createContext: CreateContext };
}
const patched = Symbol.for('iora.koa.patched');

function applicationOf(exports: unknown): KoaApplication | undefined {
  const mod = exports as { default?: unknown; prototype?: unknown };
  const app = (typeof mod.prototype === 'object' ? mod : mod.default) as KoaApplication | undefined;
  return typeof app?.prototype?.createContext === 'function' ? app : undefined;
}

export class KoaRouteInstrumentation extends InstrumentationBase {
  constructor() {
    super('iora-koa-route', '0.1.0', {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'koa',
        ['>=2 <4'],
        (exports: unknown) => {
          const app = applicationOf(exports);
          if (app && !(patched in app.prototype.createContext)) {
            const original = app.prototype.createContext;
            const wrapped: CreateContext = function (this: unknown, req, res) {
              const ctx = original.call(this, req, res);
              (req as IncomingMessage & { [koaContext]?: unknown })[koaContext] = ctx;
              return ctx;
            };
            Object.defineProperty(wrapped, patched, { value: original });
            app.prototype.createContext = wrapped;
          }
          return exports;
        },
        (exports: unknown) => {
          const app = applicationOf(exports);
          const original = (app?.prototype.createContext as unknown as Record<symbol, CreateContext> | undefined)?.[patched];
          if (app && original) app.prototype.createContext = original;
        },
      ),
    ];
  }
}
