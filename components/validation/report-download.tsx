'use client';

import { Download, Loader2 } from 'lucide-react';
import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { getValidationReportAction } from '@/lib/actions/validation';

/** Save text as a file in the browser. */
export function saveFile(filename: string, contentType: string, body: string) {
  const url = URL.createObjectURL(new Blob([body], { type: contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Download the report of a finished validation run as JSON (summary and rules) or CSV (a row per rule). */
export function ReportDownload({ runId }: { runId: string }) {
  const [busy, setBusy] = useState<'json' | 'csv' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: 'json' | 'csv') => {
    setBusy(format);
    setError(null);
    const result = await getValidationReportAction({ run_id: runId, format }).catch(() => ({
      ok: false as const,
      message: 'The server could not be reached.',
    }));
    setBusy(null);
    if (!result.ok) {
      setError(`The report could not be made: ${result.message}`);
      return;
    }
    saveFile(result.data.filename, result.data.content_type, result.data.body);
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button type="button" size="sm" variant="outline" onClick={() => void download('json')} disabled={busy !== null}>
        {busy === 'json' ? <Loader2 className="animate-spin" /> : <Download />} Report (JSON)
      </Button>
      <Button type="button" size="sm" variant="outline" onClick={() => void download('csv')} disabled={busy !== null}>
        {busy === 'csv' ? <Loader2 className="animate-spin" /> : <Download />} Report (CSV)
      </Button>
      {error && (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      )}
    </div>
  );
}
