'use client';

import { FormEvent, useCallback, useEffect, useState } from 'react';
import { Todo, addTodo, chat, deleteTodo, listTodos, setDone } from './api';

export default function TodoPage() {
  const [todos, setTodos] = useState<Todo[] | undefined>(undefined);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [question, setQuestion] = useState('');
  const [reply, setReply] = useState<string | undefined>(undefined);

  const run = useCallback(async (action: () => Promise<unknown>) => {
    try {
      setError(undefined);
      await action();
      setTodos(await listTodos());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  useEffect(() => {
    void run(async () => undefined);
  }, [run]);

  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    void run(async () => {
      await addTodo(trimmed);
      setTitle('');
    });
  };

  // Optimistic: the box flips at once; the list is reloaded from the API (and an error shown) afterwards.
  const onToggle = (todo: Todo) => {
    setTodos((current) => current?.map((t) => (t.id === todo.id ? { ...t, done: !todo.done } : t)));
    void run(() => setDone(todo.id, !todo.done));
  };

  const onAsk = (event: FormEvent) => {
    event.preventDefault();
    if (!question.trim()) return;
    void (async () => {
      try {
        setReply((await chat(question.trim())).reply);
      } catch (e) {
        setReply(`The assistant is unavailable: ${e instanceof Error ? e.message : String(e)}`);
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
      {error && <p role="alert" className="error">Could not reach the API: {error}</p>}
      {todos === undefined && !error && <p className="muted">Loading…</p>}
      {todos !== undefined && todos.length === 0 && <p className="muted">Nothing to do.</p>}
      <ul aria-label="Todos">
        {todos?.map((todo) => (
          <li key={todo.id} className={todo.done ? 'done' : undefined}>
            <label>
              <input type="checkbox" checked={todo.done} onChange={() => onToggle(todo)} />
              <span>{todo.title}</span>
            </label>
            <button type="button" aria-label={`Delete ${todo.title}`} onClick={() => void run(() => deleteTodo(todo.id))}>×</button>
          </li>
        ))}
      </ul>
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
