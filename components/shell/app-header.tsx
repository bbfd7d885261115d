import Link from 'next/link';

import { Badge } from '@/components/ui/badge';

import { NavLinks } from './nav-links';
import { ThemeToggle } from './theme-toggle';

export function AppHeader({ userName, modeLabel }: { userName: string; modeLabel: string }) {
  return (
    <header className="bg-background/95 sticky top-0 z-30 border-b backdrop-blur">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <span className="bg-primary text-primary-foreground rounded px-1.5 py-0.5 text-xs font-bold">DQX</span>
          <span className="hidden sm:inline">Data Quality Manager</span>
        </Link>
        <div className="order-last w-full overflow-x-auto sm:order-none sm:w-auto">
          <NavLinks />
        </div>
        <div className="ml-auto flex min-w-0 items-center gap-2">
          <Badge variant="outline" title="Where this app runs" data-testid="mode-badge">
            {modeLabel}
          </Badge>
          <span className="text-muted-foreground max-w-32 truncate text-sm sm:max-w-48" data-testid="caller-name" title={userName}>
            {userName}
          </span>
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}
