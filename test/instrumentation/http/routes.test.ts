import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fastifyRoute, koaContext, routeOf } from '../../../instrumentation/http/routes.js';

const req = (props: object) => props as unknown as IncomingMessage;

describe('routeOf', () => {
  it('joins an Express route to the mounting router base URL', () => {
    expect(routeOf(req({ route: { path: '/users/:id' }, baseUrl: '' }))).toBe('/users/:id');
    expect(routeOf(req({ route: { path: '/items/:id' }, baseUrl: '/shop' }))).toBe('/shop/items/:id');
  });

  it("reads Fastify's route and Koa router's matched route", () => {
    expect(routeOf(req({ [fastifyRoute]: '/items/:id' }))).toBe('/items/:id');
    expect(routeOf(req({ [koaContext]: { _matchedRoute: '/orders/:orderId' } }))).toBe('/orders/:orderId');
  });

  it('gives no route when nothing matched, never the URL', () => {
    expect(routeOf(req({ url: '/users/42' }))).toBeUndefined();
    expect(routeOf(req({ [koaContext]: {}, url: '/nowhere' }))).toBeUndefined();
  });
});
