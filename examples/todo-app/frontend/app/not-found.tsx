import Link from 'next/link';

export const metadata = { title: 'Not found · Todo' };

export default function NotFound() {
  return (
    <main>
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <p><Link href="/">Back to the todo list</Link></p>
    </main>
  );
}
