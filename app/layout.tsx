import type { Metadata } from 'next';

import { AppHeader } from '@/components/shell/app-header';
import { ThemeProvider } from '@/components/shell/theme-provider';
import { getCaller } from '@/lib/auth';
import { getConfig } from '@/lib/config';

import './globals.css';

export const metadata: Metadata = {
  title: { default: 'DQX Data Quality Manager', template: '%s · DQX Data Quality Manager' },
  description: 'Generate, review, validate and version DQX data-quality rules for your tables.',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const config = getConfig();
  const caller = await getCaller();
  const modeLabel = config.mode === 'local' ? 'local' : (config.databricks.host?.replace(/^https?:\/\//, '') ?? 'databricks');
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen antialiased">
        <ThemeProvider>
          <AppHeader userName={caller.displayName} modeLabel={modeLabel} />
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </ThemeProvider>
      </body>
    </html>
  );
}
