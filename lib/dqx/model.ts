/** The DQX rule (check) in its metadata form, as stored in YAML/JSON checks files. */
export type Criticality = 'error' | 'warn';

export interface DqxCheck {
  criticality?: Criticality;
  check: {
    function: string;
    arguments?: Record<string, unknown>;
    for_each_column?: (string | string[])[];
  };
  name?: string;
  filter?: string;
  user_metadata?: Record<string, unknown>;
  message_expr?: string;
}

export type ChecksFormat = 'yaml' | 'json';

/** A problem found in a rule set. `field` is a dotted path inside the rule, e.g. `check.arguments.column`. */
export interface RuleIssue {
  severity: 'error' | 'warning';
  /** Index in the rule list as given (before for_each_column expansion); null for set-level issues. */
  ruleIndex: number | null;
  ruleName: string | null;
  field: string | null;
  code: string;
  message: string;
}

export interface RuleSetValidation {
  ok: boolean;
  errors: RuleIssue[];
  warnings: RuleIssue[];
}

/** What the engine needs to know of a table to validate and compile rules against it. */
export interface TableSchema {
  /** Fully qualified name, for messages. */
  name?: string;
  /** Spark SQL type strings, as the Warehouse port reports them. */
  columns: { name: string; type: string }[];
}

/** One rule after for_each_column expansion, with its resolved name and fingerprint. */
export interface ExpandedRule {
  /** Index of the rule in the list as given. */
  sourceIndex: number;
  name: string;
  criticality: Criticality;
  function: string;
  arguments: Record<string, unknown>;
  filter: string | null;
  userMetadata: Record<string, unknown> | null;
  messageExpr: string | null;
  fingerprint: string;
  check: DqxCheck;
}
