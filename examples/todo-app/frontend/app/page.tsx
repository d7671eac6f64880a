'use client';

import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, Todo, addTodo, chat, deleteTodo, loadTodos, setDone } from './api';

/** Todos shown at first, and added by each "Show more". */
const PAGE = 50;

/** What the page says when an action fails: the API's own words, or that it could not be reached. */
function failure(what: string, error: unknown): string {
  if (error instanceof ApiError) return `${what}: ${error.message}`;
  return `${what}: the API could not be reached (${error instanceof Error ? error.message : String(error)})`;
}

export default function TodoPage() {
  const [todos, setTodos] = useState<Todo[] | undefined>(undefined);
  const [total, setTotal] = useState(0);
  const [shown, setShown] = useState(PAGE);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [question, setQuestion] = useState('');
  const [reply, setReply] = useState<string | undefined>(undefined);

  const reload = useCallback(async (count: number) => {
    const page = await loadTodos(count);
    setTodos(page.items);
    setTotal(page.total);
  }, []);

  // Runs an action, then shows the list as the API has it; a failure is shown with what was being done.
  const run = useCallback(async (what: string, action: () => Promise<unknown>, count = shown) => {
    try {
      setError(undefined);
      await action();
    } catch (e) {
      setError(failure(what, e));
    }
    try {
      await reload(count);
    } catch (e) {
      setError(failure('Could not load the todos', e));
    }
  }, [reload, shown]);

  useEffect(() => {
    void run('Could not load the todos', async () => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on the first render
  }, []);

  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    // With every todo shown, the new one (last, as the API lists oldest first) is shown too.
    const count = total < shown ? shown : Math.max(shown, total + 1);
    setShown(count);
    void run('Could not add the todo', async () => {
      await addTodo(trimmed);
      setTitle('');
    }, count);
  };

  // Optimistic: the box flips at once; the list is reloaded from the API (and an error shown) afterwards.
  const onToggle = (todo: Todo) => {
    setTodos((current) => current?.map((t) => (t.id === todo.id ? { ...t, done: !todo.done } : t)));
    void run('Could not update the todo', () => setDone(todo.id, !todo.done));
  };

  const onShowMore = () => {
    const next = shown + PAGE;
    setShown(next);
    void run('Could not load the todos', async () => undefined, next);
  };

  const onAsk = (event: FormEvent) => {
    event.preventDefault();
    if (!question.trim()) return;
    void (async () => {
      try {
        setReply((await chat(question.trim())).reply);
      } catch (e) {
        setReply(failure('The assistant is unavailable', e));
      }
    })();
  };

  return (
    <main>
      <h1>Todo</h1>
      <form onSubmit={onAdd}>
        <input type="text" aria-label="New todo" placeholder="What needs doing?" value={title} maxLength={200}
          onChange={(e) => setTitle(e.target.value)} />
        <button type="submit">Add</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {todos === undefined && !error && <p className="muted">Loading…</p>}
      {todos !== undefined && todos.length === 0 && <p className="muted">Nothing to do.</p>}
      <ul aria-label="Todos">
        {todos?.map((todo) => (
          <li key={todo.id} className={todo.done ? 'done' : undefined}>
            <label>
              <input type="checkbox" checked={todo.done} onChange={() => onToggle(todo)} />
              <span>{todo.title}</span>
            </label>
            <button type="button" aria-label={`Delete ${todo.title}`}
              onClick={() => void run('Could not delete the todo', () => deleteTodo(todo.id))}>×</button>
          </li>
        ))}
      </ul>
      {todos !== undefined && total > todos.length && (
        <p className="muted">
          Showing {todos.length} of {total}. <button type="button" onClick={onShowMore}>Show more</button>
        </p>
      )}
      <h2>Assistant</h2>
      <form onSubmit={onAsk}>
        <input type="text" aria-label="Ask the assistant" placeholder="What is left to do?" value={question}
          maxLength={4000} onChange={(e) => setQuestion(e.target.value)} />
        <button type="submit">Ask</button>
      </form>
      {reply && <p aria-label="Assistant reply">{reply}</p>}
    </main>
  );
}
