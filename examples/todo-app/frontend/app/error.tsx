'use client';

// Shown in place of the page when rendering it fails in the browser; the layout stays.
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main>
      <h1>Something went wrong</h1>
      <p role="alert" className="error">The page could not be shown. Your todos are safe on the server.</p>
      <button type="button" onClick={() => reset()}>Try again</button>
    </main>
  );
}
