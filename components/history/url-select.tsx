'use client';

import { useRouter } from 'next/navigation';
import { useId } from 'react';

import { NativeSelect } from '@/components/ui/native-select';

/** A select whose choice is a URL parameter: choosing navigates, so a link reproduces the view. */
export function UrlSelect({
  label,
  value,
  options,
  className,
}: {
  label: string;
  value: string;
  /** Each choice with the URL that shows it. */
  options: { value: string; label: string; href: string }[];
  className?: string;
}) {
  const id = useId();
  const router = useRouter();
  return (
    <div className={className ?? 'grid max-w-md gap-1.5'}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <NativeSelect id={id} value={value} onChange={(e) => {
          const option = options.find((o) => o.value === e.target.value);
          if (option) router.push(option.href, { scroll: false });
        }}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
