import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyFactory } from '../../../src/processors/classify/factory.js';
import { Classifier } from '../../../src/processors/classify/internal/classifier.js';
import { createDefaultConfig } from '../../../src/processors/classify/config.js';
import { buildBatch, caseDirs, FakeClock, flattenPoints, mergeConfig, runCase, testSettings } from '../step-harness.js';

const testdata = fileURLToPath(new URL('./testdata', import.meta.url));

describe('classify golden steps', () => {
  for (const dir of caseDirs(testdata)) {
    it(dir.split('/').pop()!, async () => {
      await runCase(dir, classifyFactory, () => true);
    });
  }
});

describe('classify', () => {
  it('does not modify the batch it was given (a receiver may share it between pipelines)', async () => {
    const config = mergeConfig(createDefaultConfig(), { operations: { simple_query: { routes: ['GET /a'] } } });
    const input = buildBatch(
      [{ metrics: [{ name: 'http.server.request.duration', kind: 'histogram', points: [{ attributes: { 'http.request.method': 'GET', 'http.route': '/a' } }] }] }],
      0,
    );
    const before = structuredClone(input);
    let output: typeof input | undefined;
    const p = classifyFactory.create(testSettings('classify', new FakeClock()), config, { consume: async (b) => void (output = b) });
    await p.consume(input);
    expect(input).toEqual(before);
    expect(flattenPoints(output!, () => true)).toEqual([
      { metric: 'http.server.request.duration', attributes: { 'http.request.method': 'GET', 'http.route': '/a', iora_operation_class: 'simple_query' } },
    ]);
  });

  it('keeps its decision cache bounded and still decides correctly after starting over', () => {
    const config = mergeConfig(createDefaultConfig(), { operations: { simple_query: { routes: ['GET /users/*'] } }, max_cached_decisions: 3 });
    const classifier = new Classifier(config);
    for (let i = 0; i < 10; i++) {
      expect(classifier.classify('http.server.request.duration', { 'http.request.method': 'GET', 'http.route': `/users/${i}` })).toBe('simple_query');
    }
    expect(classifier.resets).toBe(3);
  });

  it('matches * within one path segment and ** across segments', () => {
    const config = mergeConfig(createDefaultConfig(), { operations: { one: { routes: ['/a/*'] }, many: { routes: ['/b/**'] } } });
    const c = new Classifier(config);
    const cls = (route: string) => c.classify('m', { 'http.route': route });
    expect([cls('/a/x'), cls('/a/x/y'), cls('/b/x/y'), cls('/b'), cls('/a.x')]).toEqual(['one', undefined, 'many', undefined, undefined]);
  });

  it('reports every config problem at once with its path', () => {
    const config = mergeConfig(createDefaultConfig(), {
      operations: {
        'Bad Name': { routes: ['/x'] },
        no_routes: { methods: ['GET'] },
        bad_patterns: { routes: ['get /x', 'users', 'GET /a b'], methods: ['post'], extra: 1 },
      },
      metrics: { 'some.metric': 'Not A Class' },
      cache_systems: 'redis',
      max_cached_decisions: 0,
    });
    expect(classifyFactory.validate(config)).toEqual([
      { path: 'operations::Bad Name', message: 'must be a class name in snake_case (letters, digits, _)' },
      { path: 'operations::no_routes::routes', message: 'is required: a list of route patterns' },
      { path: 'operations::bad_patterns::extra', message: 'unknown key (use routes, methods)' },
      { path: 'operations::bad_patterns::routes::0', message: '"get" in "get /x" is not an upper-case HTTP method (or *)' },
      { path: 'operations::bad_patterns::routes::1', message: 'route "users" must start with / (or a * glob)' },
      { path: 'operations::bad_patterns::routes::2', message: '"GET /a b" must be "METHOD /route" or "/route"' },
      { path: 'operations::bad_patterns::methods::0', message: '"post" is not an upper-case HTTP method' },
      { path: 'metrics::some.metric', message: 'must be a class name in snake_case (letters, digits, _)' },
      { path: 'cache_systems', message: 'must be a list of strings' },
      { path: 'max_cached_decisions', message: 'must be a positive integer' },
    ]);
    expect(classifyFactory.validate(classifyFactory.createDefaultConfig())).toEqual([]);
  });
});
