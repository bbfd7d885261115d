/**
 * The SQL sandbox of rule fragments: a fragment is parsed (./parse.ts) and its tree walked; every
 * node must be on an allow-list: column references, literals, operators, CASE, casts, lambdas as
 * arguments of the listed higher-order functions, and calls of the functions listed in
 * allow-list.json (the same file the job notebooks read). Anything else is refused with the rule
 * it breaks and the construct that broke it: subqueries in row-level fragments, table functions,
 * schema-qualified or unlisted functions, parameters, hints, FROM-first queries, PIVOT, ...
 *
 * A `sql_query` query may read tables; the exact list comes from the tree (CTE names and the
 * input placeholder excluded).
 */
import { ParserRuleContext, TerminalNode, type ParseTree } from 'antlr4ng';
import {
  FunctionTableSourceContext,
  InlineTableSourceContext,
  JoinTableSourceContext,
  SparkSqlParser as P,
  StatementDefaultContext,
  SubQueryTableSourceContext,
  TableSourceContext,
} from 'dt-sql-parser/dist/lib/spark/SparkSqlParser';

import allowList from './allow-list.json';
import { canonicalText, parseExpression, parseProgram, sourceOf, SqlParseError, type Parsed } from './parse';

export type RefusalRule =
  | 'syntax'
  | 'too_long'
  | 'too_deep'
  | 'function_not_allowed'
  | 'aggregate_not_allowed'
  | 'qualified_function'
  | 'subquery'
  | 'table_function'
  | 'lambda'
  | 'lambda_shadows_column'
  | 'parameter'
  | 'statement'
  | 'from_first_query'
  | 'pivot'
  | 'construct';

export interface Refusal {
  rule: RefusalRule;
  /** The offending text, as written (shortened). */
  construct: string;
  message: string;
}

export class SqlGuardError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'SqlGuardError';
  }
}

export interface ExpressionAnalysis {
  /** The fragment as read: its tokens, comments removed (./parse.ts canonicalText). */
  canonical: string;
  /** Column paths referenced (first element the column, the rest struct fields or map keys). */
  columns: string[][];
  /** Lambda parameter names. */
  lambdaParameters: string[];
  /** Functions called (lower case). */
  functions: string[];
}

export interface QueryAnalysis {
  canonical: string;
  /** Tables read, as dotted names in the spelling of the query (back-quotes removed). */
  tables: string[];
  /** Their parts. */
  tableParts: string[][];
  functions: string[];
  /**
   * The canonical text with every table reference replaced by `__dqx_q_t<i>` (`i` its index in
   * `tables`), for a compiler to substitute the quoted table it resolves.
   */
  template: string;
}

/** The identifier standing for table `i` in a QueryAnalysis template. */
export const tablePlaceholder = (i: number) => `__dqx_q_t${i}`;

type Lists = typeof allowList;
const SCALAR = new Set<string>((allowList as Lists).scalar_functions);
const HIGHER_ORDER = new Set<string>((allowList as Lists).higher_order_functions);
const AGGREGATE = new Set<string>((allowList as Lists).aggregate_functions);
const WINDOW = new Set<string>((allowList as Lists).window_functions);

/** The allow-list as data (for documentation and the job contract export). */
export const SQL_ALLOW_LIST = allowList as Lists;

interface Scope {
  /** Lambda parameters in scope (lower case). */
  lambdas: Set<string>;
  /** In a query: subqueries, aggregates, window functions and `*` are allowed. */
  query: boolean;
  /** CTE names in scope (lower case). */
  ctes: Set<string>;
  /** A `*` is allowed here (count(*), a select list). */
  star?: boolean;
}

class Walker {
  readonly columns: string[][] = [];
  readonly lambdaParameters: string[] = [];
  readonly functions = new Set<string>();
  readonly tables: { parts: string[]; start: number; stop: number }[] = [];

  constructor(
    private readonly parsed: Parsed,
    private readonly inputName: string | null,
  ) {}

  private rule(node: ParserRuleContext): string {
    return P.ruleNames[node.ruleIndex] ?? 'unknown';
  }

  private src(node: ParseTree): string {
    return sourceOf(this.parsed.text, node);
  }

  refuse(rule: RefusalRule, node: ParseTree, message: string): never {
    throw new SqlGuardError({ rule, construct: this.src(node), message });
  }

  private children(node: ParserRuleContext): ParseTree[] {
    const out: ParseTree[] = [];
    for (let i = 0; i < node.getChildCount(); i++) out.push(node.getChild(i)!);
    return out;
  }

  private isRule(node: ParseTree | undefined | null, name: string): node is ParserRuleContext {
    return node instanceof ParserRuleContext && this.rule(node) === name;
  }

  private tokenType(node: ParseTree | undefined | null): number | null {
    return node instanceof TerminalNode ? node.symbol.type : null;
  }

  /** Walk every child. */
  private all(node: ParserRuleContext, scope: Scope) {
    for (const c of this.children(node)) this.walk(c, scope);
  }

  /** The generic walk: rules that can hold nothing dangerous by themselves, else a handler. */
  walk(node: ParseTree, scope: Scope): void {
    if (node instanceof TerminalNode) {
      const t = node.symbol.type;
      if (t === P.QUESTION || t === P.COLON)
        this.refuse('parameter', node, 'Parameter markers are not allowed in rule SQL.');
      return;
    }
    const ctx = node as ParserRuleContext;
    switch (this.rule(ctx)) {
      case 'expression':
      case 'valueExpression':
      case 'comparisonOperator':
      case 'whenClause':
      case 'functionArgument':
      case 'expressionSeq':
        return this.all(ctx, scope);
      case 'number':
      case 'stringLit':
      case 'booleanValue':
      case 'interval':
      case 'dataType':
      case 'datetimeUnit':
        return; // literals and type names
      case 'constant':
        return this.constant(ctx, scope);
      case 'namedArgumentExpression':
        return this.walk(ctx.getChild(2)!, scope); // key => value: the key is a parameter name
      case 'booleanExpression':
        if (this.tokenType(ctx.getChild(0)) === P.KW_EXISTS)
          return this.subquery(ctx, ctx.getChild(2)!, scope);
        return this.all(ctx, scope);
      case 'predicate': {
        const q = this.children(ctx).find((c) => this.isRule(c, 'query'));
        if (q) return this.subquery(ctx, q, scope);
        return this.all(ctx, scope);
      }
      case 'primaryExpression':
        return this.primary(ctx, scope);
      default:
        this.refuse('construct', ctx, `${this.describe(ctx)} is not allowed in rule SQL.`);
    }
  }

  private describe(ctx: ParserRuleContext): string {
    const words = this.rule(ctx)
      .replace(/([A-Z])/g, ' $1')
      .toLowerCase();
    return `The construct "${this.src(ctx)}" (${words})`;
  }

  private constant(ctx: ParserRuleContext, scope: Scope) {
    const first = ctx.getChild(0)!;
    if (this.isRule(first, 'literalType')) {
      const kw = first.getChild(0)!;
      // X'0A' (binary) lexes as an identifier followed by a string
      if (this.isRule(kw, 'identifier') && kw.getText().toLowerCase() !== 'x')
        this.refuse('construct', ctx, `"${kw.getText()}" is not a literal type Spark knows.`);
      return;
    }
    this.all(ctx, scope);
  }

  private subquery(at: ParseTree, query: ParseTree, scope: Scope) {
    if (!scope.query)
      this.refuse(
        'subquery',
        at,
        'Subqueries are not allowed in row-level rule SQL (filters, expressions, columns, messages); use a sql_query check to read other tables.',
      );
    this.query(query as ParserRuleContext, scope);
  }

  private checkFunction(name: string, at: ParseTree, scope: Scope) {
    this.functions.add(name);
    if (SCALAR.has(name) || HIGHER_ORDER.has(name)) return;
    if (AGGREGATE.has(name) || WINDOW.has(name)) {
      if (scope.query) return;
      this.refuse(
        'aggregate_not_allowed',
        at,
        `${name}() aggregates rows; row-level rule SQL may only use scalar functions (aggregates belong in sql_query).`,
      );
    }
    this.refuse(
      'function_not_allowed',
      at,
      `The function ${name}() is not on the SQL allow-list of rules (lib/dqx/sql-guard/allow-list.json).`,
    );
  }

  /** The expression under expression -> booleanExpression -> valueExpression, when it is a primary. */
  private primaryOf(node: ParseTree): ParserRuleContext | null {
    let n: ParseTree = node;
    for (;;) {
      if (!(n instanceof ParserRuleContext)) return null;
      const r = this.rule(n);
      if (r === 'primaryExpression') return n;
      if (!['functionArgument', 'expression', 'booleanExpression', 'valueExpression'].includes(r))
        return null;
      if (n.getChildCount() !== 1) return null;
      n = n.getChild(0)!;
    }
  }

  private isLambda(primary: ParserRuleContext | null): boolean {
    if (!primary) return false;
    return this.children(primary).some((c) => this.tokenType(c) === P.ARROW);
  }

  private lambda(primary: ParserRuleContext, scope: Scope) {
    const params = this.children(primary)
      .filter((c): c is ParserRuleContext => this.isRule(c, 'identifier'))
      .map((c) => identifierText(c));
    const body = this.children(primary).find((c) => this.isRule(c, 'expression'))!;
    const lambdas = new Set(scope.lambdas);
    for (const p of params) {
      this.lambdaParameters.push(p);
      lambdas.add(p.toLowerCase());
    }
    this.walk(body, { ...scope, lambdas, star: false });
  }

  private primary(ctx: ParserRuleContext, scope: Scope) {
    const kids = this.children(ctx);
    const first = kids[0]!;
    const t = this.tokenType(first);
    const sub = { ...scope, star: false };
    if (t !== null) {
      switch (t) {
        case P.KW_CURRENT_DATE:
        case P.KW_CURRENT_TIMESTAMP:
        case P.KW_CURRENT_USER:
        case P.KW_USER:
        case P.KW_SESSION_USER:
          return this.checkFunction(first.getText().toLowerCase(), ctx, scope);
        case P.KW_TIMESTAMPADD:
        case P.KW_DATEADD:
        case P.KW_DATE_ADD:
        case P.KW_TIMESTAMPDIFF:
        case P.KW_DATEDIFF:
        case P.KW_DATE_DIFF:
        case P.KW_TIMEDIFF:
        case P.KW_POSITION:
        case P.KW_EXTRACT:
        case P.KW_SUBSTR:
        case P.KW_SUBSTRING:
        case P.KW_TRIM:
        case P.KW_OVERLAY:
          this.checkFunction(first.getText().toLowerCase(), ctx, scope);
          // arguments are value expressions; units and EXTRACT's field are words, not columns
          for (const k of kids) if (this.isRule(k, 'valueExpression')) this.walk(k, sub);
          return;
        case P.KW_CASE:
          return this.all(ctx, sub);
        case P.KW_CAST:
        case P.KW_TRY_CAST:
          for (const k of kids) if (this.isRule(k, 'expression')) this.walk(k, sub);
          return;
        case P.KW_STRUCT:
          this.checkFunction('struct', ctx, scope);
          for (const k of kids) if (this.isRule(k, 'namedExpression')) this.namedExpression(k, sub, false);
          return;
        case P.KW_FIRST:
        case P.KW_LAST:
        case P.KW_ANY_VALUE:
        case P.KW_PERCENTILE_CONT:
        case P.KW_PERCENTILE_DISC:
          this.checkFunction(first.getText().toLowerCase(), ctx, scope);
          for (const k of kids) if (k instanceof ParserRuleContext) this.walk(k, sub);
          return;
        case P.ASTERISK:
          if (scope.star || scope.query) return;
          return this.refuse('construct', ctx, '"*" is only allowed in a query or in count(*).');
        case P.KW_IDENTIFIER:
          return this.refuse('construct', ctx, 'IDENTIFIER(...) names a column at run time; write the name.');
        case P.LEFT_PAREN: {
          const second = kids[1]!;
          if (this.isRule(second, 'query')) return this.subquery(ctx, second, scope);
          if (kids.some((k) => this.tokenType(k) === P.ARROW))
            return this.refuse(
              'lambda',
              ctx,
              'A lambda is only allowed as an argument of a higher-order function.',
            );
          for (const k of kids) {
            if (this.isRule(k, 'namedExpression')) this.namedExpression(k, sub, false);
            else if (k instanceof ParserRuleContext) this.walk(k, sub);
          }
          return;
        }
        default:
          return this.refuse('construct', ctx, `${this.describe(ctx)} is not allowed in rule SQL.`);
      }
    }
    const r = this.rule(first as ParserRuleContext);
    if (r === 'constant') return this.constant(first as ParserRuleContext, sub);
    if (r === 'functionName') return this.call(ctx, kids, scope);
    if (r === 'identifier')
      return this.refuse(
        'lambda',
        ctx,
        'A lambda is only allowed as an argument of a higher-order function.',
      );
    if (r === 'columnNamePath') return this.columnRef(first as ParserRuleContext, scope);
    if (r === 'qualifiedName') {
      if (scope.query) return; // t.*
      return this.refuse('construct', ctx, '"t.*" is only allowed in a query.');
    }
    if (r === 'primaryExpression') {
      // value[index] or base.field: the field name is not a column
      this.walk(first, sub);
      for (const k of kids.slice(1)) if (this.isRule(k, 'valueExpression')) this.walk(k, sub);
      return;
    }
    this.refuse('construct', ctx, `${this.describe(ctx)} is not allowed in rule SQL.`);
  }

  private call(ctx: ParserRuleContext, kids: ParseTree[], scope: Scope) {
    const fn = kids[0] as ParserRuleContext;
    const head = fn.getChild(0)!;
    let name: string;
    if (this.tokenType(head) === P.KW_IDENTIFIER)
      return this.refuse('construct', ctx, 'IDENTIFIER(...) names a function at run time; write the name.');
    if (head instanceof TerminalNode)
      name = head.getText().toLowerCase(); // filter, left, right
    else {
      const parts = this.children(head as ParserRuleContext).filter((c) => this.isRule(c, 'identifier'));
      if (parts.length !== 1)
        return this.refuse(
          'qualified_function',
          ctx,
          `Functions are called by their plain name: "${this.src(fn)}" names a function in a catalog or schema.`,
        );
      if (this.isBackQuoted(parts[0]!))
        return this.refuse(
          'function_not_allowed',
          ctx,
          `Function names are not written in back-quotes ("${this.src(fn)}").`,
        );
      name = identifierText(parts[0] as ParserRuleContext).toLowerCase();
    }
    this.checkFunction(name, ctx, scope);
    const aggregate = AGGREGATE.has(name) || WINDOW.has(name);
    const sub = { ...scope, star: false };
    for (const k of kids.slice(1)) {
      if (k instanceof TerminalNode) {
        if (k.symbol.type === P.KW_FILTER || k.symbol.type === P.KW_OVER) {
          if (!aggregate)
            this.refuse('construct', ctx, `FILTER and OVER apply to aggregate functions, not ${name}().`);
        }
        continue;
      }
      const r = this.rule(k as ParserRuleContext);
      if (r === 'functionArgument') {
        const p = this.primaryOf(k);
        if (this.isLambda(p)) {
          if (!HIGHER_ORDER.has(name))
            this.refuse(
              'lambda',
              k,
              `A lambda is only allowed as an argument of a higher-order function, not of ${name}().`,
            );
          this.lambda(p!, sub);
        } else this.walk(k, { ...sub, star: name === 'count' });
      } else if (r === 'setQuantifier') {
        if (!aggregate)
          this.refuse('construct', k, `DISTINCT applies to aggregate functions, not ${name}().`);
      } else if (r === 'windowSpec') this.windowSpec(k as ParserRuleContext, sub);
      else this.walk(k, sub);
    }
  }

  private isBackQuoted(identifier: ParseTree): boolean {
    let n: ParseTree = identifier;
    while (n instanceof ParserRuleContext && n.getChildCount() === 1) n = n.getChild(0)!;
    return n instanceof TerminalNode && n.symbol.type === P.BACKQUOTED_IDENTIFIER;
  }

  private columnRef(ctx: ParserRuleContext, scope: Scope) {
    if (scope.query) return; // columns of the tables a query reads are resolved by Spark
    // multipartIdentifier: parts separated by DOT; a part `a-b` (identifier MINUS identifier) is
    // Spark's subtraction a - b, so a path ends there and another begins
    const multi = ctx.getChild(0) as ParserRuleContext;
    const paths: string[][] = [[]];
    for (const part of this.children(multi)) {
      if (!this.isRule(part, 'errorCapturingIdentifier')) continue;
      const ids = [part.getChild(0)!, ...this.children(part.getChild(1) as ParserRuleContext)].filter((c) =>
        this.isRule(c, 'identifier'),
      );
      ids.forEach((id, i) => {
        if (i > 0) paths.push([]);
        paths[paths.length - 1]!.push(identifierText(id as ParserRuleContext));
      });
    }
    for (const path of paths) {
      if (path.length === 0) continue;
      if (scope.lambdas.has(path[0]!.toLowerCase())) continue;
      this.columns.push(path);
    }
  }

  private namedExpression(ctx: ParserRuleContext, scope: Scope, selectList: boolean) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      const r = this.rule(k);
      if (r === 'tableAllColumns') {
        if (!selectList) this.refuse('construct', k, '"*" is only allowed in a select list.');
      } else if (r === 'selectLiteralColumnName') {
        // a column name: resolve it like any column reference
        const multi = k.getChild(0)!.getChild(0)! as ParserRuleContext;
        if (!scope.query && this.isRule(multi, 'multipartIdentifierAllowEmpty'))
          this.columnRef(multi as ParserRuleContext, scope);
      } else if (r === 'selectExpressionColumnName') this.walk(k.getChild(0)!, scope);
      // aliases (errorCapturingIdentifier, identifierList) name outputs
    }
  }

  private windowSpec(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      const r = this.rule(k);
      if (r === 'expression') this.walk(k, scope);
      else if (r === 'orderOrSortByClause') this.sortItems(k, scope);
      else if (r === 'windowFrame')
        for (const b of this.children(k))
          if (this.isRule(b, 'frameBound'))
            for (const e of this.children(b)) if (this.isRule(e, 'expression')) this.walk(e, scope);
    }
  }

  private sortItems(ctx: ParserRuleContext, scope: Scope) {
    for (const item of this.children(ctx))
      if (this.isRule(item, 'sortItem'))
        for (const e of this.children(item)) if (this.isRule(e, 'expression')) this.walk(e, scope);
  }

  // ------------------------------------------------------------------------------------------
  // Queries (sql_query)

  query(ctx: ParserRuleContext, outer: Scope) {
    const scope: Scope = { ...outer, query: true, ctes: new Set(outer.ctes), star: false };
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      const r = this.rule(k);
      if (r === 'ctes') {
        for (const named of this.children(k)) {
          if (!this.isRule(named, 'namedQuery')) continue;
          const q = this.children(named).find((c) => this.isRule(c, 'query'))!;
          this.query(q as ParserRuleContext, scope);
          scope.ctes.add(identifierText(named.getChild(0)!.getChild(0) as ParserRuleContext).toLowerCase());
        }
      } else if (r === 'queryTerm') this.queryTerm(k, scope);
      else if (r === 'queryOrganization') this.organization(k, scope);
      else this.refuse('construct', k, `${this.describe(k)} is not allowed in a sql_query query.`);
    }
  }

  private queryTerm(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue; // UNION, INTERSECT, EXCEPT
      const r = this.rule(k);
      if (r === 'queryTerm') this.queryTerm(k, scope);
      else if (r === 'setQuantifier') continue;
      else if (r === 'queryPrimary') this.queryPrimary(k, scope);
      else this.refuse('construct', k, `${this.describe(k)} is not allowed in a sql_query query.`);
    }
  }

  private queryPrimary(ctx: ParserRuleContext, scope: Scope) {
    const first = ctx.getChild(0)!;
    if (this.isRule(first, 'querySpecification')) return this.specification(first, scope);
    if (this.isRule(first, 'fromClause'))
      return this.refuse(
        'from_first_query',
        ctx,
        'A query must start with SELECT or WITH; the FROM-first form (FROM t SELECT ...) is not accepted.',
      );
    if (this.tokenType(first) === P.LEFT_PAREN)
      return this.query(ctx.getChild(1) as ParserRuleContext, scope);
    if (this.tokenType(first) === P.KW_VALUES) {
      for (const k of this.children(ctx)) if (this.isRule(k, 'expression')) this.walk(k, scope);
      return;
    }
    this.refuse('statement', ctx, `"${this.src(ctx)}" is not a SELECT query.`);
  }

  private specification(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      switch (this.rule(k)) {
        case 'transformClause':
          return this.refuse('construct', k, 'TRANSFORM, MAP and REDUCE run scripts and are not accepted.');
        case 'selectClause':
          for (const c of this.children(k)) {
            if (this.tokenType(c) === P.HENT_START || this.isRule(c, 'hint'))
              this.refuse('construct', c, 'Query hints are not accepted.');
            if (this.isRule(c, 'selectList'))
              for (const n of this.children(c.getChild(0) as ParserRuleContext))
                if (this.isRule(n, 'namedExpression')) this.namedExpression(n, scope, true);
          }
          break;
        case 'fromClause':
          this.from(k, scope);
          break;
        case 'lateralView':
          return this.refuse('construct', k, 'LATERAL VIEW is not accepted in sql_query.');
        case 'whereClause':
        case 'havingClause':
          this.walk(k.getChild(1)!, scope);
          break;
        case 'aggregationClause':
          this.grouping(k, scope);
          break;
        case 'windowClause':
          for (const c of this.children(k)) if (this.isRule(c, 'windowSpec')) this.windowSpec(c, scope);
          break;
        default:
          this.refuse('construct', k, `${this.describe(k)} is not allowed in a sql_query query.`);
      }
    }
  }

  private grouping(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      const r = this.rule(k);
      if (r === 'expression') this.walk(k, scope);
      else if (['groupByClause', 'groupingAnalytics', 'groupingSet'].includes(r)) this.grouping(k, scope);
      // columnName: a column of the query's input
    }
  }

  private organization(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      const r = this.rule(k);
      if (r === 'orderOrSortByClause') this.sortItems(k, scope);
      else if (r === 'clusterOrDistributeBy' || r === 'limitClause' || r === 'expression') {
        if (r === 'expression') this.walk(k, scope);
        else for (const e of this.children(k)) if (this.isRule(e, 'expression')) this.walk(e, scope);
      } else if (r === 'windowClause') {
        for (const c of this.children(k)) if (this.isRule(c, 'windowSpec')) this.windowSpec(c, scope);
      } else this.refuse('construct', k, `${this.describe(k)} is not allowed in a sql_query query.`);
    }
  }

  private from(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (!(k instanceof ParserRuleContext)) continue;
      const r = this.rule(k);
      if (r === 'relation') this.relation(k, scope);
      else if (r === 'pivotClause' || r === 'unPivotClause')
        this.refuse('pivot', k, 'PIVOT and UNPIVOT are not accepted in sql_query.');
      else if (r === 'lateralView') this.refuse('construct', k, 'LATERAL VIEW is not accepted in sql_query.');
      else this.refuse('construct', k, `${this.describe(k)} is not allowed in a sql_query query.`);
    }
  }

  private relation(ctx: ParserRuleContext, scope: Scope) {
    for (const k of this.children(ctx)) {
      if (k instanceof TerminalNode) {
        if (k.symbol.type === P.KW_LATERAL)
          this.refuse('construct', ctx, 'LATERAL joins are not accepted in sql_query.');
        continue;
      }
      const r = this.rule(k as ParserRuleContext);
      if (r === 'tableName') this.table(k as ParserRuleContext, scope);
      else if (r === 'relationPrimary') this.relationPrimary(k as ParserRuleContext, scope);
      else if (r === 'joinRelation') {
        for (const j of this.children(k as ParserRuleContext)) {
          if (this.tokenType(j) === P.KW_LATERAL)
            this.refuse('construct', k, 'LATERAL joins are not accepted in sql_query.');
          if (this.isRule(j, 'relationPrimary')) this.relationPrimary(j, scope);
          else if (this.isRule(j, 'joinCriteria'))
            for (const c of this.children(j)) if (this.isRule(c, 'booleanExpression')) this.walk(c, scope);
        }
      } else if (r === 'pivotClause' || r === 'unPivotClause')
        this.refuse('pivot', k, 'PIVOT and UNPIVOT are not accepted in sql_query.');
      else
        this.refuse(
          'construct',
          k,
          `${this.describe(k as ParserRuleContext)} is not allowed in a sql_query query.`,
        );
    }
  }

  private relationPrimary(ctx: ParserRuleContext, scope: Scope) {
    const refuseExtras = (k: ParseTree) => {
      if (this.isRule(k, 'sample')) this.refuse('construct', k, 'TABLESAMPLE is not accepted in sql_query.');
      if (this.isRule(k, 'temporalClause'))
        this.refuse('construct', k, 'Time travel (AS OF) is not accepted in sql_query.');
    };
    if (ctx instanceof FunctionTableSourceContext) {
      const name = sourceOf(this.parsed.text, ctx.getChild(0)!.getChild(0)!.getChild(0)!);
      return this.refuse(
        'table_function',
        ctx,
        `Table functions such as ${name}() are not accepted; name a table.`,
      );
    }
    if (ctx instanceof TableSourceContext) {
      for (const k of this.children(ctx)) {
        refuseExtras(k);
        if (this.isRule(k, 'identifierReference') && this.tokenType(k.getChild(0)) === P.KW_IDENTIFIER)
          this.refuse('construct', k, 'IDENTIFIER(...) names a table at run time; write the name.');
        if (
          this.isRule(k, 'tableName') ||
          this.isRule(k, 'viewName') ||
          this.isRule(k, 'identifierReference')
        )
          this.table(k, scope);
      }
      return;
    }
    if (ctx instanceof SubQueryTableSourceContext) {
      for (const k of this.children(ctx)) {
        refuseExtras(k);
        if (this.isRule(k, 'atomSubQueryTableSource')) this.query(k.getChild(1) as ParserRuleContext, scope);
      }
      return;
    }
    if (ctx instanceof JoinTableSourceContext) {
      for (const k of this.children(ctx)) {
        refuseExtras(k);
        if (this.isRule(k, 'relation')) this.relation(k, scope);
      }
      return;
    }
    if (ctx instanceof InlineTableSourceContext) {
      const inline = ctx.getChild(0) as ParserRuleContext;
      for (const e of this.children(inline)) if (this.isRule(e, 'expression')) this.walk(e, scope);
      return;
    }
    this.refuse('construct', ctx, `${this.describe(ctx)} is not allowed in a sql_query query.`);
  }

  private table(ctx: ParserRuleContext, scope: Scope) {
    const parts: string[] = [];
    const collect = (n: ParseTree) => {
      if (this.isRule(n, 'identifier')) {
        parts.push(identifierText(n));
        return;
      }
      if (this.isRule(n, 'errorCapturingIdentifierExtra') && n.getChildCount() > 0)
        this.refuse('syntax', ctx, `"${this.src(ctx)}" is not a table name; back-quote names with '-'.`);
      if (n instanceof ParserRuleContext) for (const c of this.children(n)) collect(c);
    };
    collect(ctx);
    if (parts.length === 1 && (scope.ctes.has(parts[0]!.toLowerCase()) || parts[0] === this.inputName))
      return;
    this.tables.push({ parts, start: ctx.start!.start, stop: ctx.stop!.stop });
  }

  // ------------------------------------------------------------------------------------------
  // Statements

  statement(ctx: ParserRuleContext) {
    // program: singleStatement* EOF; singleStatement: statement SEMICOLON?
    const statements = this.children(ctx).filter((c) => this.isRule(c, 'singleStatement'));
    if (statements.length !== 1)
      this.refuse(
        'statement',
        ctx,
        statements.length ? 'The query must be a single statement.' : 'The query is empty.',
      );
    const single = statements[0] as ParserRuleContext;
    if (single.getChildCount() > 1)
      this.refuse('statement', single.getChild(1)!, "A ';' is not allowed in a query.");
    const stmt = single.getChild(0)!;
    if (!(stmt instanceof StatementDefaultContext))
      this.refuse(
        'statement',
        stmt,
        `Only SELECT queries are accepted; "${this.src(stmt)}" is another kind of statement.`,
      );
    this.query(stmt.getChild(0) as ParserRuleContext, { lambdas: new Set(), query: true, ctes: new Set() });
  }
}

/** An identifier's name: back-quotes removed (`` `a``b` `` is a`b). */
function identifierText(ctx: ParseTree): string {
  let n: ParseTree = ctx;
  while (n instanceof ParserRuleContext && n.getChildCount() === 1) n = n.getChild(0)!;
  const text = n.getText();
  if (n instanceof TerminalNode && n.symbol.type === P.BACKQUOTED_IDENTIFIER)
    return text.slice(1, -1).replaceAll('``', '`');
  return text;
}

function refusalOf(error: unknown): Refusal {
  if (error instanceof SqlGuardError) return error.refusal;
  if (error instanceof SqlParseError)
    return { rule: error.code, construct: error.construct, message: error.message };
  throw error;
}

export type Guarded<T> = ({ ok: true } & T) | { ok: false; refusal: Refusal };

const CACHE_MAX = 2000;
const expressionCache = new Map<string, Guarded<ExpressionAnalysis>>();
const queryCache = new Map<string, Guarded<QueryAnalysis>>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

/**
 * Check a row-level fragment (filter, sql_expression, message_expr, an expression column or
 * limit): one expression, allow-listed functions, no subquery. Column references are returned for
 * the caller to resolve against the table (`checkColumns`).
 */
export function guardExpression(text: string): Guarded<ExpressionAnalysis> {
  const hit = expressionCache.get(text);
  if (hit) return hit;
  let result: Guarded<ExpressionAnalysis>;
  try {
    const parsed = parseExpression(text);
    const w = new Walker(parsed, null);
    w.walk(parsed.tree, { lambdas: new Set(), query: false, ctes: new Set() });
    result = {
      ok: true,
      canonical: canonicalText(text, parsed.tree),
      columns: w.columns,
      lambdaParameters: w.lambdaParameters,
      functions: [...w.functions],
    };
  } catch (error) {
    result = { ok: false, refusal: refusalOf(error) };
  }
  return remember(expressionCache, text, result);
}

/**
 * Check a `sql_query` query: one SELECT (or WITH ... SELECT), allow-listed functions (aggregates
 * and window functions included), tables named plainly. `inputName` is the identifier that stands
 * for the checked rows (the input placeholder after substitution): not a table.
 */
export function guardQuery(text: string, inputName: string | null = null): Guarded<QueryAnalysis> {
  const key = `${inputName ?? ''}\u0000${text}`;
  const hit = queryCache.get(key);
  if (hit) return hit;
  let result: Guarded<QueryAnalysis>;
  try {
    const parsed = parseProgram(text);
    const w = new Walker(parsed, inputName);
    w.statement(parsed.tree);
    const names = new Map<string, string[]>();
    for (const t of w.tables) names.set(t.parts.join('.'), t.parts);
    const tables = [...names.keys()];
    const spans = w.tables.map((t) => ({
      start: t.start,
      stop: t.stop,
      text: tablePlaceholder(tables.indexOf(t.parts.join('.'))),
    }));
    result = {
      ok: true,
      canonical: canonicalText(text, parsed.tree),
      template: canonicalText(text, parsed.tree, spans),
      tables,
      tableParts: [...names.values()],
      functions: [...w.functions],
    };
  } catch (error) {
    result = { ok: false, refusal: refusalOf(error) };
  }
  return remember(queryCache, key, result);
}

/**
 * Checks that need the table: a lambda parameter may not hide a column of the table (the rule
 * would read differently than it looks). Returns a refusal or null.
 */
export function shadowedColumn(
  analysis: ExpressionAnalysis,
  hasColumn: (name: string) => boolean,
): Refusal | null {
  const p = analysis.lambdaParameters.find((name) => hasColumn(name));
  return p === undefined
    ? null
    : {
        rule: 'lambda_shadows_column',
        construct: p,
        message: `The lambda parameter "${p}" has the name of a column of the table; rename the parameter.`,
      };
}

/** Throwing form of guardExpression. */
export function assertExpression(text: string): ExpressionAnalysis {
  const r = guardExpression(text);
  if (!r.ok) throw new SqlGuardError(r.refusal);
  return r;
}

/** Throwing form of guardQuery. */
export function assertQuery(text: string, inputName: string | null = null): QueryAnalysis {
  const r = guardQuery(text, inputName);
  if (!r.ok) throw new SqlGuardError(r.refusal);
  return r;
}
