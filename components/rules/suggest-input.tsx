'use client';

import { useEffect, useId, useMemo, useRef, useState } from 'react';

import { Input } from '@/components/ui/input';
import { cn } from '@/lib/utils';

export interface SuggestOption {
  value: string;
  /** Main text (defaults to the value). */
  label?: string;
  /** Secondary text: a column's type, a check's description. */
  detail?: string;
  /** Small tag after the label ("job only", "type may not fit"). */
  tag?: string;
  group?: string;
}

/** Whether every word of the query appears in the option (underscores count as spaces). */
export function matchesQuery(option: SuggestOption, query: string): boolean {
  const words = query.toLowerCase().replace(/_/g, ' ').split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = `${option.value} ${option.label ?? ''} ${option.detail ?? ''} ${option.group ?? ''}`
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.every((w) => hay.includes(w));
}

interface SuggestInputProps {
  id?: string;
  /**
   * `free`: the text is the value (a column name or any SQL expression), options only help.
   * `pick`: the value is one of the options; typing searches them.
   */
  mode: 'free' | 'pick';
  value: string;
  onChange: (value: string) => void;
  options: SuggestOption[];
  listLabel: string;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  disabled?: boolean;
  className?: string;
  /** Called instead of onChange when an option is picked (for "add a column" inputs). */
  onPick?: (value: string) => void;
  /** Called when Enter is pressed with no option active (free mode). */
  onEnter?: (text: string) => void;
  autoFocus?: boolean;
  'aria-labelledby'?: string;
  'aria-label'?: string;
  /** How to show the picked value in the box when not searching (pick mode). */
  displayValue?: (value: string) => string;
  emptyText?: string;
}

/**
 * A text box with a list of suggestions (the WAI-ARIA combobox pattern with a list popup):
 * arrow keys move through the list, Enter picks, Escape closes, typing filters. Used for column
 * pickers (free text: DQX also takes SQL expressions) and the check-function picker (pick one).
 */
export function SuggestInput({
  id,
  mode,
  value,
  onChange,
  options,
  listLabel,
  placeholder,
  invalid,
  describedBy,
  disabled,
  className,
  onPick,
  onEnter,
  autoFocus,
  displayValue,
  emptyText = 'No matches',
  ...aria
}: SuggestInputProps) {
  const autoId = useId();
  const inputId = id ?? `${autoId}-input`;
  const listId = `${inputId}-list`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // pick mode searches with its own text; free mode's text is the value itself
  const [query, setQuery] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const text = mode === 'free' ? value : (query ?? (displayValue ? displayValue(value) : value));
  const filterText = mode === 'free' ? value : (query ?? '');
  const shown = useMemo(() => {
    const exact = mode === 'free' && options.some((o) => o.value === filterText);
    return exact ? options : options.filter((o) => matchesQuery(o, filterText));
  }, [options, filterText, mode]);

  useEffect(() => {
    if (!open || active < 0) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    el?.scrollIntoView?.({ block: 'nearest' });
  }, [active, open]);

  const pick = (option: SuggestOption) => {
    if (onPick) onPick(option.value);
    else onChange(option.value);
    setQuery(null);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      setActive((a) => Math.min(a + 1, shown.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      const option = open && active >= 0 ? shown[active] : undefined;
      if (option) {
        e.preventDefault();
        pick(option);
      } else if (onEnter) {
        e.preventDefault();
        onEnter(text);
      } else if (mode === 'pick' && open && shown.length === 1) {
        e.preventDefault();
        pick(shown[0]!);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      }
      if (mode === 'pick') setQuery(null);
    } else if (e.key === 'Tab') {
      setOpen(false);
      if (mode === 'pick') setQuery(null);
    }
  };

  // Options under their group headings, with one running index for keyboard movement.
  const grouped: { group: string | null; options: { option: SuggestOption; index: number }[] }[] = [];
  shown.forEach((option, index) => {
    const group = option.group ?? null;
    const last = grouped[grouped.length - 1];
    if (last && last.group === group) last.options.push({ option, index });
    else grouped.push({ group, options: [{ option, index }] });
  });

  const optionId = (i: number) => `${inputId}-opt-${i}`;
  const renderOption = ({ option, index }: { option: SuggestOption; index: number }) => (
    <div
      key={`${option.group ?? ''}:${option.value}`}
      id={optionId(index)}
      role="option"
      aria-selected={index === active}
      data-index={index}
      data-value={option.value}
      className={cn(
        'flex cursor-pointer flex-col gap-0.5 rounded-sm px-2 py-1.5 text-sm',
        index === active ? 'bg-accent text-accent-foreground' : 'hover:bg-accent/60',
      )}
      onMouseDown={(e) => e.preventDefault()}
      onMouseMove={() => setActive(index)}
      onClick={() => pick(option)}
    >
      <span className="flex items-center gap-2">
        <span className="font-mono text-[13px] break-all">{option.label ?? option.value}</span>
        {option.tag && (
          <span className="text-muted-foreground rounded border px-1 text-[11px] whitespace-nowrap">
            {option.tag}
          </span>
        )}
      </span>
      {option.detail && <span className="text-muted-foreground line-clamp-2 text-xs">{option.detail}</span>}
    </div>
  );

  return (
    <div className={cn('relative', className)}>
      <Input
        id={inputId}
        role="combobox"
        aria-expanded={open && !(mode === 'free' && shown.length === 0)}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        aria-labelledby={aria['aria-labelledby']}
        aria-label={aria['aria-label']}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        disabled={disabled}
        placeholder={placeholder}
        className="font-mono"
        value={text}
        onChange={(e) => {
          if (mode === 'free') onChange(e.target.value);
          else setQuery(e.target.value);
          setOpen(true);
          setActive(mode === 'pick' ? 0 : -1);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
          if (mode === 'pick') setQuery(null);
        }}
        onKeyDown={onKeyDown}
      />
      <div
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label={listLabel}
        hidden={!open || (mode === 'free' && shown.length === 0)}
        className="bg-popover text-popover-foreground absolute z-30 mt-1 max-h-72 w-full min-w-56 overflow-auto rounded-md border p-1 shadow-md"
      >
        {shown.length === 0 && <div className="text-muted-foreground px-2 py-1.5 text-sm">{emptyText}</div>}
        {grouped.map(({ group, options: items }, gi) =>
          group ? (
            <div key={`g-${gi}-${group}`} role="group" aria-labelledby={`${inputId}-g-${gi}`}>
              <div
                id={`${inputId}-g-${gi}`}
                className="text-muted-foreground px-2 pt-2 pb-1 text-xs font-semibold tracking-wide uppercase"
              >
                {group}
              </div>
              {items.map(renderOption)}
            </div>
          ) : (
            items.map(renderOption)
          ),
        )}
      </div>
    </div>
  );
}
