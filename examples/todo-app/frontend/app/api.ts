// The browser calls the backend on the same origin: the Ingress sends /api to the backend unchanged.
// NEXT_PUBLIC_API_URL is inlined at build time (NextFrontend's publicApiUrl; default "/api").
const API_URL = (process.env.NEXT_PUBLIC_API_URL ?? '/api').replace(/\/+$/, '');

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${API_URL}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (typeof body?.detail === 'string') detail = body.detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(detail);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const listTodos = () => call<Todo[]>('/todos');
export const addTodo = (title: string) => call<Todo>('/todos', { method: 'POST', body: JSON.stringify({ title }) });
export const setDone = (id: number, done: boolean) => call<Todo>(`/todos/${id}`, { method: 'PATCH', body: JSON.stringify({ done }) });
export const deleteTodo = (id: number) => call<void>(`/todos/${id}`, { method: 'DELETE' });
export const chat = (message: string) => call<{ reply: string; mode: string }>('/chat', { method: 'POST', body: JSON.stringify({ message }) });
