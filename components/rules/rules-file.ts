/** Reading a DQX checks file the user picked (YAML or JSON) into editor items. */
import type { ChecksFormat } from './engine';
import { toRuleItems, type RuleItem } from './rule-model';
import { formatOfFile, parseRulesText, type IgnoredKey, type TextProblem } from './rules-text';

export const RULES_FILE_ACCEPT =
  '.yaml,.yml,.json,application/json,application/yaml,application/x-yaml,text/yaml';

/** Far above any real rule set; keeps a wrong pick (a data file) from freezing the page. */
export const MAX_RULES_FILE_BYTES = 2 * 1024 * 1024;

export type RulesFileResult =
  | { ok: true; items: RuleItem[]; text: string; format: ChecksFormat; ignored: IgnoredKey[] }
  | { ok: false; problem: TextProblem; text?: string; format?: ChecksFormat };

export async function readRulesFile(file: {
  name: string;
  size: number;
  text(): Promise<string>;
}): Promise<RulesFileResult> {
  if (file.size > MAX_RULES_FILE_BYTES) {
    return {
      ok: false,
      problem: {
        message: `The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; a rules file is at most 2 MB.`,
      },
    };
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { ok: false, problem: { message: 'The file could not be read.' } };
  }
  const format = formatOfFile(file.name, text);
  const parsed = parseRulesText(text, format);
  if (!parsed.ok) return { ok: false, problem: parsed.problem, text, format };
  return {
    ok: true,
    items: toRuleItems(
      parsed.rules,
      parsed.rules.map(() => ({ origin: 'imported' as const })),
    ),
    text,
    format,
    ignored: parsed.ignored,
  };
}
