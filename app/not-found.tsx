import { FileQuestion } from 'lucide-react';
import Link from 'next/link';

import { SECTIONS } from '@/components/shell/sections';

export const metadata = { title: 'Page not found' };

/**
 * Shown for any URL the app does not have, and wherever a page calls `notFound()`. It sits inside the
 * root layout, so the header and its navigation stay; the body says what happened and where to go.
 */
export default function NotFound() {
  return (
    <section className="max-w-3xl space-y-6" aria-labelledby="not-found-title">
      <div className="flex items-start gap-3">
        <FileQuestion aria-hidden className="text-muted-foreground mt-1 size-7 shrink-0" />
        <div className="space-y-1">
          <p className="text-muted-foreground text-sm font-medium">404</p>
          <h1 id="not-found-title" className="text-2xl font-semibold">
            Page not found
          </h1>
          <p className="text-muted-foreground">
            There is no page at this address. The link may be old or mistyped, or what it pointed to was
            moved. Pick up from one of the app&apos;s sections:
          </p>
        </div>
      </div>
      <ul className="grid gap-3 sm:grid-cols-2">
        {SECTIONS.map((section) => (
          <li key={section.href}>
            <Link
              href={section.href}
              className="bg-card text-card-foreground hover:border-primary/50 hover:bg-accent focus-visible:ring-ring/50 block h-full rounded-xl border p-4 shadow-sm transition-colors outline-none focus-visible:ring-[3px]"
            >
              <span className="text-primary font-semibold">{section.label}</span>
              <span className="text-muted-foreground mt-1 block text-sm">{section.description}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
