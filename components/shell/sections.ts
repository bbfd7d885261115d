/** The app's main sections: the header's navigation and the 404 page list the same places. */
export const SECTIONS = [
  { href: '/generator', label: 'Generator', description: 'Profile a table and generate DQX rules for it.' },
  { href: '/validator', label: 'Validator', description: 'Run a rule set against a table and see the failing rows.' },
  { href: '/history', label: 'History', description: 'Saved rule-set versions and how each validation run went.' },
  { href: '/monitoring', label: 'Monitoring', description: 'Monitored tables, worst first: thresholds breached, last and next run, failing rules.' },
  { href: '/catalog', label: 'Catalog', description: 'Browse tables: columns, types, comments and sample rows.' },
] as const;
