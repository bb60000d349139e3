// Route patterns as users write them for classify: `"GET /users/:id"`, `"/reports/*"`, `"POST /bulk/**"`.
// They match the route template the framework resolved (`http.route`), not the raw URL, so `:id` is
// literal text; `*` is one path segment's worth of characters and `**` anything, slashes included.

export interface RoutePattern {
  /** Upper-case method, or undefined for any method. */
  method?: string;
  route: RegExp;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') {
      source += '[^/]*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Parses one pattern; `error` says what is wrong instead. */
export function parseRoutePattern(text: string): { pattern?: RoutePattern; error?: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length > 2) return { error: `"${text}" must be "METHOD /route" or "/route"` };
  const [first, second] = parts as [string, string | undefined];
  const method = second === undefined ? undefined : first;
  const route = second ?? first;
  if (method !== undefined && method !== '*' && !/^[A-Z]+$/.test(method)) {
    return { error: `"${method}" in "${text}" is not an upper-case HTTP method (or *)` };
  }
  if (!route.startsWith('/') && !route.startsWith('*')) return { error: `route "${route}" must start with / (or a * glob)` };
  return { pattern: { method: method === '*' ? undefined : method, route: globToRegExp(route) } };
}
