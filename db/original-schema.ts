/**
 * The rule table of the application this one replaces (`dq_rules_events`), as its DDL creates it.
 * The first migration creates it for a fresh store and upgrades it in place; db/migrate.ts copies a
 * table of that shape from another schema; the upgrade tests create it as the original did.
 */
export const ORIGINAL_TABLE = 'dq_rules_events';

/** The columns and constraint of the original DDL, in its order. */
export const ORIGINAL_COLUMNS = `
    id UUID PRIMARY KEY,
    table_name VARCHAR(500) NOT NULL,
    version INTEGER NOT NULL,
    rules JSONB NOT NULL,
    user_prompt TEXT,
    ai_summary JSONB,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    created_by VARCHAR(255),
    is_active BOOLEAN DEFAULT TRUE,
    metadata JSONB,
    UNIQUE(table_name, version)`;

/** The original's two indexes, on the unqualified table (in the current search_path). */
export const ORIGINAL_INDEXES = [
  `CREATE INDEX IF NOT EXISTS idx_dq_rules_table_name ON ${ORIGINAL_TABLE}(table_name)`,
  `CREATE INDEX IF NOT EXISTS idx_dq_rules_active ON ${ORIGINAL_TABLE}(table_name, is_active) WHERE is_active = TRUE`,
];
