/**
 * Parsing rule SQL with a real Spark SQL grammar: `dt-sql-parser`'s ANTLR grammar of Spark 3.5
 * (its lexer and parser only, not the package's index, which loads every dialect). An expression
 * is parsed with the grammar's `expression` rule and must end where the text ends; a query with
 * `program` and must be exactly one statement. Any lexer or parser error is a refusal.
 */
import {
  BaseErrorListener,
  CharStreams,
  CommonTokenStream,
  ParserRuleContext,
  TerminalNode,
  Token,
  type ParseTree,
  type RecognitionException,
  type Recognizer,
  type ATNSimulator,
  PredictionMode,
} from 'antlr4ng';
import { SparkSqlLexer } from 'dt-sql-parser/dist/lib/spark/SparkSqlLexer';
import { SparkSqlParser } from 'dt-sql-parser/dist/lib/spark/SparkSqlParser';

/** Longest fragment accepted (a rule's SQL is a line or a short query, not a program). */
export const MAX_SQL_LENGTH = 20_000;
/** Deepest nesting of parentheses and brackets (the parser recurses once per level). */
export const MAX_SQL_NESTING = 64;

export class SqlParseError extends Error {
  constructor(
    message: string,
    readonly construct: string,
    readonly code: 'syntax' | 'too_long' | 'too_deep' = 'syntax',
  ) {
    super(message);
    this.name = 'SqlParseError';
  }
}

export interface Parsed {
  text: string;
  tree: ParserRuleContext;
  parser: SparkSqlParser;
}

class CollectErrors extends BaseErrorListener {
  first: { line: number; column: number; message: string } | null = null;
  override syntaxError<S extends Token, T extends ATNSimulator>(
    _recognizer: Recognizer<T>,
    _offendingSymbol: S | null,
    line: number,
    column: number,
    message: string,
    _e: RecognitionException | null,
  ): void {
    this.first ??= { line, column, message };
  }
}

/** Nesting depth of ( and [ outside quotes and comments (a cheap bound before the parser recurses). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\' && ch !== '`') i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '(' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === ')' || ch === ']') depth--;
  }
  return max;
}

function parse(text: string, entry: 'expression' | 'program'): Parsed {
  if (text.length > MAX_SQL_LENGTH)
    throw new SqlParseError(
      `The SQL is ${text.length} characters long; at most ${MAX_SQL_LENGTH} are accepted.`,
      text.slice(0, 40),
      'too_long',
    );
  if (nestingDepth(text) > MAX_SQL_NESTING)
    throw new SqlParseError(
      `The SQL nests parentheses more than ${MAX_SQL_NESTING} levels deep.`,
      text.slice(0, 40),
      'too_deep',
    );
  const errors = new CollectErrors();
  const lexer = new SparkSqlLexer(CharStreams.fromString(text));
  lexer.removeErrorListeners();
  lexer.addErrorListener(errors);
  const tokens = new CommonTokenStream(lexer);
  const parser = new SparkSqlParser(tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(errors);
  // SLL prediction: much faster on this grammar, and exact for the fragments rules carry
  parser.interpreter.predictionMode = PredictionMode.SLL;
  let tree: ParserRuleContext;
  try {
    tree = entry === 'expression' ? parser.expression() : parser.program();
  } catch (error) {
    if (error instanceof RangeError)
      throw new SqlParseError('The SQL is nested too deeply to be checked.', text.slice(0, 40), 'too_deep');
    throw error;
  }
  if (errors.first) {
    const { line, column, message } = errors.first;
    const offset = offsetOf(text, line, column);
    throw new SqlParseError(
      `The SQL is not valid Spark SQL at line ${line}, column ${column + 1}: ${message.replace(/ expecting .*$/s, '')}.`,
      excerpt(text, offset),
    );
  }
  if (entry === 'expression' && tokens.LA(1) !== Token.EOF) {
    const next = tokens.LT(1)!;
    throw new SqlParseError(
      `Only one expression is allowed; the text goes on after it at "${excerpt(text, next.start)}".`,
      excerpt(text, next.start),
    );
  }
  return { text, tree, parser };
}

export const parseExpression = (text: string): Parsed => parse(text, 'expression');
export const parseProgram = (text: string): Parsed => parse(text, 'program');

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return offset + column;
}

/** Up to 60 characters of the text from `offset`, on one line. */
export function excerpt(text: string, offset: number, end?: number): string {
  const stop = Math.min(end ?? offset + 60, offset + 60);
  const s = text.slice(offset, stop).replace(/\s+/g, ' ').trim();
  return stop < (end ?? text.length) ? `${s}…` : s;
}

/** The source text a node covers. */
export function sourceOf(text: string, node: ParseTree): string {
  if (node instanceof TerminalNode) return node.symbol.text ?? '';
  const ctx = node as ParserRuleContext;
  const start = ctx.start?.start ?? 0;
  const stop = ctx.stop?.stop ?? start - 1;
  return excerpt(text, start, stop + 1);
}

/**
 * The text of the tree's tokens, in order, with one space wherever the source had whitespace or a
 * comment between two tokens: the fragment exactly as the guard read it, without its comments.
 */
export function canonicalText(
  text: string,
  tree: ParserRuleContext,
  replacements: { start: number; stop: number; text: string }[] = [],
): string {
  const tokens: Token[] = [];
  const collect = (node: ParseTree) => {
    if (node instanceof TerminalNode) {
      if (node.symbol.type !== Token.EOF) tokens.push(node.symbol);
      return;
    }
    for (let i = 0; i < node.getChildCount(); i++) collect(node.getChild(i)!);
  };
  collect(tree);
  let out = '';
  let prevStop = -1;
  for (const t of tokens) {
    const r = replacements.find((x) => t.start >= x.start && t.stop <= x.stop);
    if (r && t.start > r.start) continue; // the rest of a replaced span
    if (out && t.start > prevStop + 1) out += ' ';
    out += r ? r.text : text.slice(t.start, t.stop + 1);
    prevStop = r ? r.stop : t.stop;
  }
  return out;
}

export { SparkSqlParser, ParserRuleContext, TerminalNode };
