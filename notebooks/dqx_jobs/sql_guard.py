"""The rules' SQL sandbox, applied by the job notebooks before DQX runs anything.

The same allow-list as the app (lib/dqx/sql-guard), read as data from ../contract/sql-guard.json
(written by `npm run jobs:contract` from lib/dqx/sql-guard/allow-list.json and the check catalogue):
every SQL fragment of a rule (filter, message_expr, the arguments DQX reads as SQL, expression
columns and limits, a sql_query query) is parsed with sqlglot's Spark dialect and accepted only when

- every function called is on the allow-list (called by its plain name: no catalog or schema prefix,
  no back-quotes), aggregates and window functions only in a sql_query query;
- a row-level fragment holds no subquery, no table and no statement, only one expression;
- a lambda is an argument of one of the listed higher-order functions;
- a sql_query query is one SELECT (or WITH ... SELECT), not FROM-first, without PIVOT/UNPIVOT,
  LATERAL VIEW, TABLESAMPLE or table functions; its tables are read from the parse tree.

A fragment sqlglot cannot parse still has its calls checked on its tokens (and may not mention
SELECT or FROM outside a query); one that does not even tokenize is left to DQX, which skips or
fails the rule as Spark cannot read it either. Every refusal stops the job.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dqx_jobs.contract import CONTRACT_DIR

GUARD_FILE = "sql-guard.json"

# Words of SQL's own syntax that precede a parenthesis without being a function call (the grammar,
# not the allow-list: which functions may be called is the contract's data).
_SYNTAX_WORDS = frozenset(
    "and or not in exists cast try_cast values over when then else as from join on where select between like ilike "
    "rlike regexp is case all any some using by with distinct union intersect except minus end having limit "
    "partition order group window interval escape within array map struct rollup cube grouping sets lateral "
    "tablesample pivot unpivot for qualify filter".split()
)
_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_EXPRESSION_STRUCTURE = re.compile(r"[()\[\]{},;'\"`*]")
_EXPRESSION_OPERATOR = re.compile(r"[-+/%<>=!&|~^]\s|\s[-+/%<>=!&|~^]")


@dataclass(frozen=True)
class Refusal:
    rule: str
    field: str
    construct: str
    message: str


@lru_cache(maxsize=None)
def guard_contract() -> dict[str, Any]:
    return json.loads((CONTRACT_DIR / GUARD_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    c = guard_contract()
    scalar = frozenset(c["scalar_functions"]) | frozenset(c["higher_order_functions"])
    aggregate = frozenset(c["aggregate_functions"]) | frozenset(c["window_functions"])
    return scalar, aggregate, frozenset(c["higher_order_functions"])


def is_column_expression(value: str) -> bool:
    """A column argument DQX reads as an expression rather than a (dotted) name (lib/dqx/naming.ts)."""
    if value.strip() == "*":
        return False
    if len(value) >= 2 and value.startswith("`") and value.endswith("`") and "`" not in value[1:-1].replace("``", ""):
        return False
    return bool(_EXPRESSION_STRUCTURE.search(value) or _EXPRESSION_OPERATOR.search(value))


def _limit_expression(value: Any) -> str | None:
    """A limit or list value DQX reads as an expression: a string that is not digits or an ISO date/time."""
    if not isinstance(value, str) or value.isdigit():
        return None
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            parse(value)
            return None
        except ValueError:
            pass
    return value


def rule_fragments(rule: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, kind, text) of every SQL fragment of a rule, as lib/dqx/sql-guard/fragments.ts lists them."""
    out: list[tuple[str, str, str]] = []
    if isinstance(rule.get("filter"), str) and rule["filter"]:
        out.append(("filter", "expression", rule["filter"]))
    if isinstance(rule.get("message_expr"), str) and rule["message_expr"]:
        out.append(("message_expr", "expression", rule["message_expr"]))
    check = rule.get("check") or {}
    function = str(check.get("function", ""))
    arguments = check.get("arguments") or {}
    if not isinstance(arguments, dict):
        return out
    spec = guard_contract()["check_arguments"].get(function, {"sql": [], "columns": [], "limits": []})
    sentinel = guard_contract()["input_sentinel"]
    items: list[tuple[str, str, Any]] = []
    for name in sorted(arguments, key=str):
        value = arguments[name]
        if value is None:
            continue
        field = f"check.arguments.{name}"
        values = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in values:
            items.append((name, field if i is None else f"{field}.{i}", item))
    for name, field, item in items:
        if not isinstance(item, str):
            continue
        if function == "sql_query" and name == "query":
            out.append((field, "query", _PLACEHOLDER.sub(sentinel, item)))
        elif name in spec["sql"] or name == "expression":
            if item.strip():
                out.append((field, "expression", item))
        elif name in spec["columns"]:
            if item and is_column_expression(item):
                out.append((field, "expression", item))
        elif name in spec["limits"]:
            text = _limit_expression(item)
            if text is not None:
                out.append((field, "expression", text))
    return out


class _Refused(Exception):
    def __init__(self, rule: str, construct: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.construct = construct
        self.message = message


def _check_calls(tokens: list[Any], query: bool) -> None:
    """Every call in the token stream: plain name, on the allow-list."""
    from sqlglot.tokens import TokenType

    scalar, aggregate, _ = _lists()
    for i, tok in enumerate(tokens[:-1]):
        if tokens[i + 1].token_type != TokenType.L_PAREN:
            continue
        name = tok.text.lower()
        if tok.token_type == TokenType.IDENTIFIER:
            raise _Refused("function_not_allowed", tok.text, f"Function names are not written in back-quotes (`{tok.text}`).")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            continue
        if i > 0 and tokens[i - 1].token_type == TokenType.DOT:
            raise _Refused("qualified_function", f"{tokens[i - 2].text}.{tok.text}(", "Functions are called by their plain name, not through a catalog or schema.")
        if name in scalar or (query and name in aggregate):
            continue
        if name in aggregate:
            raise _Refused("aggregate_not_allowed", f"{tok.text}(", f"{name}() aggregates rows; row-level rule SQL may only use scalar functions.")
        if name in _SYNTAX_WORDS:
            continue
        raise _Refused("function_not_allowed", f"{tok.text}(", f"The function {name}() is not on the SQL allow-list of rules.")


def _check_lambdas(tree: Any, columns: frozenset[str]) -> None:
    from sqlglot import exp

    _, _, higher_order = _lists()
    for node in tree.find_all(exp.Lambda):
        parent = node.parent
        names = {parent.name.lower()} if isinstance(parent, exp.Anonymous) else {n.lower() for n in type(parent).sql_names()} if isinstance(parent, exp.Func) else set()
        if not names & higher_order:
            raise _Refused("lambda", node.sql(dialect="spark"), "A lambda is only allowed as an argument of a higher-order function.")
        for p in node.expressions:
            if p.name.lower() in columns:
                raise _Refused("lambda_shadows_column", p.name, f'The lambda parameter "{p.name}" has the name of a column of the table; rename the parameter.')


def _tokens(text: str) -> list[Any] | None:
    import sqlglot
    from sqlglot.errors import TokenError

    try:
        return sqlglot.Dialect.get_or_raise("spark").tokenize(text)
    except (TokenError, ValueError):
        return None


def _parse(text: str) -> tuple[list[Any], list[Any]] | None:
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    tokens = _tokens(text)
    if tokens is None:
        return None
    try:
        trees = sqlglot.parse(text, read="spark")
    except (ParseError, TokenError, RecursionError, ValueError):
        return None
    return tokens, [t for t in trees if t is not None]


def _unparsable(text: str, query: bool) -> tuple[str, str, str] | None:
    """A fragment sqlglot cannot parse: Spark may still read it, so its calls are checked on the tokens."""
    from sqlglot.tokens import TokenType

    tokens = _tokens(text)
    if tokens is None:
        return None  # not even tokens: Spark refuses it too, and DQX skips or fails the rule
    try:
        if not query and any(t.token_type in (TokenType.SELECT, TokenType.FROM) for t in tokens):
            raise _Refused("subquery", text[:60], "Subqueries and tables are not allowed in row-level rule SQL; use a sql_query check.")
        _check_calls(tokens, query=query)
    except _Refused as refused:
        return refused.rule, refused.construct, refused.message
    return None


def check_expression(text: str, columns: frozenset[str] = frozenset()) -> tuple[str, str, str] | None:
    """(rule, construct, message) when the sandbox refuses a row-level fragment; None when accepted or unparsable."""
    from sqlglot import exp

    parsed = _parse(text)
    if parsed is None:
        return _unparsable(text, query=False)
    tokens, trees = parsed
    try:
        if len(trees) != 1:
            raise _Refused("statement", text[:60], "Only one expression is allowed.")
        tree = trees[0]
        if isinstance(tree, (exp.Query, exp.Command, exp.DDL, exp.DML)) or tree.find(exp.Query, exp.Subquery, exp.Table, exp.Values):
            found = tree if isinstance(tree, (exp.Query, exp.Command, exp.DDL, exp.DML)) else tree.find(exp.Query, exp.Subquery, exp.Table, exp.Values)
            raise _Refused("subquery", found.sql(dialect="spark")[:60], "Subqueries and tables are not allowed in row-level rule SQL; use a sql_query check.")
        if tree.find(exp.Placeholder, exp.Parameter):
            raise _Refused("parameter", text[:60], "Parameter markers are not allowed in rule SQL.")
        _check_calls(tokens, query=False)
        _check_lambdas(tree, columns)
    except _Refused as refused:
        return refused.rule, refused.construct, refused.message
    return None


def check_query(text: str) -> tuple[str, str, str] | None:
    """(rule, construct, message) when the sandbox refuses a sql_query query; None when accepted or unparsable."""
    from sqlglot import exp
    from sqlglot.tokens import TokenType

    parsed = _parse(text)
    if parsed is None:
        return _unparsable(text, query=True)
    tokens, trees = parsed
    try:
        if len(trees) != 1:
            raise _Refused("statement", text[:60], "The query must be a single statement.")
        tree = trees[0]
        if tokens and tokens[0].token_type not in (TokenType.SELECT, TokenType.WITH, TokenType.L_PAREN):
            if tokens[0].token_type == TokenType.FROM:
                raise _Refused("from_first_query", text[:60], "A query must start with SELECT or WITH; the FROM-first form is not accepted.")
            raise _Refused("statement", text[:60], "Only SELECT queries are accepted.")
        if not isinstance(tree, exp.Query):
            raise _Refused("statement", text[:60], "Only SELECT queries are accepted.")
        bad = tree.find(exp.Pivot)
        if bad is not None:
            raise _Refused("pivot", bad.sql(dialect="spark")[:60], "PIVOT and UNPIVOT are not accepted in sql_query.")
        bad = tree.find(exp.Lateral, exp.TableSample)
        if bad is not None:
            raise _Refused("construct", bad.sql(dialect="spark")[:60], "LATERAL VIEW and TABLESAMPLE are not accepted in sql_query.")
        for table in tree.find_all(exp.Table):
            if not isinstance(table.this, exp.Identifier):
                raise _Refused("table_function", table.sql(dialect="spark")[:60], "Table functions are not accepted; name a table.")
        if tree.find(exp.Placeholder, exp.Parameter):
            raise _Refused("parameter", text[:60], "Parameter markers are not allowed in rule SQL.")
        _check_calls(tokens, query=True)
        _check_lambdas(tree, frozenset())
    except _Refused as refused:
        return refused.rule, refused.construct, refused.message
    return None


def query_tables(text: str) -> list[str] | None:
    """The tables a sql_query query reads (CTE names and the input excluded), from the parse tree; None when unparsable."""
    from sqlglot import exp

    parsed = _parse(text)
    if parsed is None or len(parsed[1]) != 1:
        return None
    tree = parsed[1][0]
    ctes = {cte.alias.lower() for cte in tree.find_all(exp.CTE)}
    sentinel = guard_contract()["input_sentinel"]
    out: list[str] = []
    for table in tree.find_all(exp.Table):
        parts = [p for p in (table.catalog, table.db, table.name) if p]
        if len(parts) == 1 and (parts[0].lower() in ctes or parts[0] == sentinel):
            continue
        name = ".".join(parts)
        if name not in out:
            out.append(name)
    return out


def rule_refusals(rule: dict[str, Any], columns: frozenset[str] = frozenset()) -> list[Refusal]:
    """What the sandbox refuses in one rule (empty when every fragment is accepted)."""
    out = []
    for field, kind, text in rule_fragments(rule):
        refused = check_query(text) if kind == "query" else check_expression(text, columns)
        if refused is not None:
            out.append(Refusal(refused[0], field, refused[1], refused[2]))
    return out
