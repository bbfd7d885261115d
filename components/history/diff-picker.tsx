'use client';

import { GitCompareArrows } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';

/** Choose two versions to compare; the choice goes into the URL (`from`, `to`). */
export function DiffPicker({
  table,
  versions,
  from,
  to,
}: {
  table: string;
  versions: { version: number; label: string }[];
  from: number;
  to: number;
}) {
  const id = useId();
  const router = useRouter();
  const [a, setA] = useState(String(from));
  const [b, setB] = useState(String(to));
  const same = a === b;
  return (
    <form
      aria-label="Compare two versions"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (same) return;
        router.push(`/history?${new URLSearchParams({ table, from: a, to: b }).toString()}#compare`, { scroll: false });
      }}
    >
      <div className="grid w-60 gap-1.5">
        <label htmlFor={`${id}-from`} className="text-sm font-medium">
          Compare version
        </label>
        <NativeSelect id={`${id}-from`} value={a} onChange={(e) => setA(e.target.value)}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.label}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="grid w-60 gap-1.5">
        <label htmlFor={`${id}-to`} className="text-sm font-medium">
          with version
        </label>
        <NativeSelect id={`${id}-to`} value={b} onChange={(e) => setB(e.target.value)} aria-describedby={same ? `${id}-same` : undefined}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.label}
            </option>
          ))}
        </NativeSelect>
      </div>
      <Button type="submit" variant="outline" disabled={same}>
        <GitCompareArrows /> Compare
      </Button>
      {same && (
        <p id={`${id}-same`} className="text-muted-foreground basis-full text-xs">
          Choose two different versions.
        </p>
      )}
    </form>
  );
}
