// The browser calls the backend on the same origin: the Ingress sends /api to the backend unchanged.
// NEXT_PUBLIC_API_URL is inlined at build time (NextFrontend's publicApiUrl; default "/api").
const API_URL = (process.env.NEXT_PUBLIC_API_URL ?? '/api').replace(/\/+$/, '');

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

/** One page of GET /api/todos. */
export interface TodoPage {
  items: Todo[];
  total: number;
  limit: number;
  offset: number;
}

/** The API answered, but not with success; the message is fit to show. */
export class ApiError extends Error {
  constructor(public readonly status: number, message: string) {
    super(message);
  }
}

/** One problem of a 422 answer: where and what. */
interface Problem {
  loc?: (string | number)[];
  msg?: string;
}

// "body.title" reads as "title"; the API's messages say what is wrong ("String should have at most 200 characters").
function describeProblem(problem: Problem): string {
  const field = (problem.loc ?? []).filter((part) => part !== 'body' && part !== 'query' && part !== 'path').join('.');
  const message = (problem.msg ?? 'is invalid').replace(/^Value error, /, '');
  return field ? `${field}: ${message}` : message;
}

/** What an error answer says: its `detail` (a message, or the 422 list of problems), else the status line. */
export function describeError(status: number, statusText: string, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail) && detail.length > 0) return detail.map((problem: Problem) => describeProblem(problem)).join('; ');
  return `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${API_URL}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, describeError(response.status, response.statusText, body));
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** The API's largest page. */
export const PAGE_MAX = 200;

export const listTodos = (limit: number, offset = 0) => call<TodoPage>(`/todos?limit=${limit}&offset=${offset}`);
export const addTodo = (title: string) => call<Todo>('/todos', { method: 'POST', body: JSON.stringify({ title }) });
export const setDone = (id: number, done: boolean) => call<Todo>(`/todos/${id}`, { method: 'PATCH', body: JSON.stringify({ done }) });
export const deleteTodo = (id: number) => call<void>(`/todos/${id}`, { method: 'DELETE' });
export const chat = (message: string) => call<{ reply: string; mode: string }>('/chat', { method: 'POST', body: JSON.stringify({ message }) });

/** The first `count` todos, in pages of at most PAGE_MAX, and the total. */
export async function loadTodos(count: number): Promise<{ items: Todo[]; total: number }> {
  const items: Todo[] = [];
  let total = 0;
  do {
    const page = await listTodos(Math.min(PAGE_MAX, count - items.length), items.length);
    items.push(...page.items);
    total = page.total;
    if (page.items.length === 0) break;
  } while (items.length < Math.min(count, total));
  return { items, total };
}
