"""A typed formula parsed into a small tree, safely, and the tree's canonical text.

Python's :func:`ast.parse` does the parsing (it only parses); :func:`parse_tree`
walks its result against a whitelist and keeps nothing of Python but the shape.
The tree is nested tuples:

    ("num", value, text)  ("x",)  ("pi",)  ("param", name)  ("neg", a)
    ("bin", op, a, b)     op in + - * / **
    ("cmp", ops, operands)   a chain: 0 < x < 6
    ("call", function, args) where, exp, ..., min, max

Order of the checks: length and characters, then ``ast.parse``, then every node
against the whitelist (iteratively, so no input can recurse deeply), then the
node count; only a tree of at most 64 nodes is converted (recursively).
:mod:`actlib.formula_jax` builds the JAX function from the tree.
"""

from __future__ import annotations

import ast
import threading
import unicodedata
import warnings
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import special

from actlib import functions as F
from actlib.text import t

MAX_CHARS = 200
MAX_NODES = 64
FLOAT32_MAX = float(np.finfo(np.float32).max)

# name -> (arity, JAX function). Accurate-tail forms where the registry has them.
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "where": (3, jnp.where),
    "exp": (1, jnp.exp), "expm1": (1, F.expm1), "log": (1, jnp.log), "log1p": (1, jnp.log1p),
    "sqrt": (1, jnp.sqrt), "abs": (1, jnp.abs), "sin": (1, jnp.sin), "cos": (1, jnp.cos),
    "tanh": (1, F.tanh), "sigmoid": (1, F.sigmoid), "softplus": (1, jax.nn.softplus),
    "erf": (1, special.erf), "erfc": (1, special.erfc),
    "min": (2, jnp.minimum), "max": (2, jnp.maximum), "relu": (1, jax.nn.relu),
}
_WARNINGS_LOCK = threading.Lock()

Tree = tuple
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_OPERATOR_TEXT = {ast.BitXor: "^", ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@",
                  ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>",
                  ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_TYPO = {"\u2212": "-", "\u00d7": "*", "\u00f7": "/", "\u2264": "<=", "\u2265": ">="}
# node types refused outright, with the catalogue's reason
_REFUSED = {ast.Attribute: "attribute", ast.Subscript: "subscript", ast.Lambda: "lambda",
            ast.ListComp: "comprehension", ast.SetComp: "comprehension",
            ast.DictComp: "comprehension", ast.GeneratorExp: "comprehension",
            ast.Starred: "starred", ast.JoinedStr: "fstring", ast.FormattedValue: "fstring",
            ast.keyword: "keyword", ast.List: "container", ast.Tuple: "container",
            ast.Set: "container", ast.Dict: "container", ast.IfExp: "ifexp",
            ast.BoolOp: "boolop", ast.NamedExpr: "walrus", ast.Slice: "subscript"}
_ALLOWED = (ast.Expression, ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp, ast.Compare,
            ast.Call, ast.Load, ast.operator, ast.unaryop, ast.cmpop)


class FormulaError(ValueError):
    """A formula the language does not accept. ``position``: 0-based character offset;
    ``code`` and ``values``: the catalogue entry ``formula.error.<code>`` that explains it."""

    def __init__(self, code: str, position: int, **values):
        self.code, self.position, self.values = code, int(position), values
        super().__init__(code, position)

    def __str__(self) -> str:
        return f"{self.message('en')} (at character {self.position + 1})"

    def message(self, lang: str) -> str:
        return t(f"formula.error.{self.code}", lang, **self.values)


def _plain(text: str) -> str:
    """Full-width and typographic look-alikes as ASCII (one character for one, so positions
    hold); anything else non-ASCII is refused."""
    out = []
    for i, c in enumerate(text):
        if c in "\t\n\r":
            c = " "
        elif not c.isprintable():
            raise FormulaError("bad_char", i, char=repr(c)[1:-1])
        elif not c.isascii():
            c = _TYPO.get(c, unicodedata.normalize("NFKC", c))
            if len(c) != 1 or not c.isascii():
                raise FormulaError("bad_char", i, char=text[i])
        out.append(c)
    return "".join(out)


def _skip_to(text: str, start: int, chars: str) -> int:
    """The first position at or after ``start`` holding one of ``chars`` (an operator's place)."""
    for i in range(max(start, 0), len(text)):
        if text[i] in chars:
            return i
    return max(min(start, len(text) - 1), 0)


def _syntax(text: str, err: SyntaxError) -> FormulaError:
    depth, opened = 0, []
    for i, c in enumerate(text):
        if c == "(":
            opened.append(i)
        elif c == ")":
            if not opened:
                return FormulaError("unmatched_close", i)
            opened.pop()
        elif c in "'\"":
            return FormulaError("string", i)
        elif c in "[]":
            return FormulaError("subscript", i)
        elif c in "{}":
            return FormulaError("container", i)
        elif c in ";:#\\$?!`" and not (c == "!" and text[i + 1:i + 2] == "="):
            return FormulaError("bad_char", i, char=c)
    if opened:
        return FormulaError("unclosed", opened[-1] if err.msg.startswith("'('") else opened[0])
    if not err.offset or (err.lineno or 1) != 1:      # at the end: something is missing there
        return FormulaError("syntax", len(text.rstrip()))
    return FormulaError("syntax", min(err.offset - 1, len(text)))


def _first_refusal(tree: ast.AST, text: str) -> FormulaError | None:
    """The leftmost node the whitelist refuses, found without recursion."""
    found = []
    for node in ast.walk(tree):
        at = getattr(node, "col_offset", None)
        if at is None:       # contexts, operators, a lambda's argument list: judged by their parent
            continue
        if type(node) in _REFUSED:
            if isinstance(node, (ast.Attribute, ast.Subscript)):
                at = _skip_to(text, node.value.end_col_offset, ".[")
            found.append((at, FormulaError(_REFUSED[type(node)], at)))
        elif isinstance(node, ast.Name) and node.id.startswith("_"):
            found.append((at, FormulaError("underscore", at, name=node.id)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            found.append((at, FormulaError("string", at)))
        elif isinstance(node, (ast.BinOp, ast.Compare)):
            ops = [node.op] if isinstance(node, ast.BinOp) else node.ops
            bad = [op for op in ops if type(op) in _OPERATOR_TEXT]
            if bad:
                left = node.left.end_col_offset
                text_op = _OPERATOR_TEXT[type(bad[0])]
                hint = "caret" if text_op == "^" else "operator"
                found.append((_skip_to(text, left, text_op[0]), FormulaError(
                    hint, _skip_to(text, left, text_op[0]), op=text_op)))
        elif isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd)):
            found.append((at, FormulaError("boolop" if isinstance(node.op, ast.Not) else "operator",
                                           at, op="~")))
        elif not isinstance(node, _ALLOWED):
            found.append((at, FormulaError("unsupported", at, what=type(node).__name__)))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def parse_tree(text: str, max_chars: int = MAX_CHARS) -> Tree:
    """The tree of ``text``, or FormulaError naming the first problem and its position."""
    if not isinstance(text, str):
        raise FormulaError("not_text", 0)
    if len(text) > max_chars:
        raise FormulaError("too_long", max_chars, limit=max_chars, length=len(text))
    if not text.strip():
        raise FormulaError("empty", 0)
    text = _plain(text)
    body = text.lstrip()           # eval mode refuses leading blanks ("unexpected indent")
    try:
        return _parse_body(body)
    except FormulaError as err:
        err.position += len(text) - len(body)
        raise


def _parse_body(text: str) -> Tree:
    try:
        # "invalid decimal literal" and the like: our own message says it. The lock keeps
        # server threads from interleaving catch_warnings (it swaps a process-wide list).
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise _syntax(text, err) from None
    except (ValueError, RecursionError, MemoryError):  # null bytes; a parser limit
        raise FormulaError("syntax", 0) from None
    refusal = _first_refusal(tree, text)
    if refusal is not None:
        raise refusal
    count = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if count > MAX_NODES:
        raise FormulaError("too_many_nodes", 0, limit=MAX_NODES, count=count)
    converted, _ = _convert(tree.body, text)
    return converted


def _convert(node: ast.expr, text: str) -> tuple[Tree, bool]:
    """(tree, is_condition) for one whitelisted node; depth <= MAX_NODES."""
    at = node.col_offset
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FormulaError("bad_constant", at, value=ast.get_source_segment(text, node))
        source = ast.get_source_segment(text, node)
        try:
            too_big = abs(float(value)) > FLOAT32_MAX
        except OverflowError:
            too_big = True
        if too_big:
            raise FormulaError("overflow", at, value=source[:24])
        return ("num", value, source), False
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FormulaError("function_as_value", at, name=node.id)
        return (("x",) if node.id == "x" else ("pi",) if node.id == "pi"
                else ("param", node.id)), False
    if isinstance(node, ast.UnaryOp):
        operand, _ = _convert(node.operand, text)
        return (("neg", operand) if isinstance(node.op, ast.USub) else operand), False
    if isinstance(node, ast.BinOp):
        return ("bin", _BINARY[type(node.op)], _convert(node.left, text)[0],
                _convert(node.right, text)[0]), False
    if isinstance(node, ast.Compare):
        operands = tuple(_convert(n, text)[0] for n in [node.left, *node.comparators])
        return ("cmp", tuple(_COMPARE[type(op)] for op in node.ops), operands), True
    if isinstance(node, ast.Call):
        return _call(node, text), False
    raise FormulaError("unsupported", at, what=type(node).__name__)  # unreachable after the walk


def _call(node: ast.Call, text: str) -> Tree:
    at = node.col_offset
    if not isinstance(node.func, ast.Name):
        raise FormulaError("not_callable", at, name=ast.get_source_segment(text, node.func)[:24])
    name = node.func.id
    if name not in FUNCTIONS:
        if name in ("x", "pi"):
            raise FormulaError("not_callable", at, name=name)
        raise FormulaError("unknown_function", at, name=name, valid=", ".join(FUNCTIONS))
    arity = FUNCTIONS[name][0]
    if len(node.args) != arity:
        raise FormulaError("arity", at, name=name, expected=arity, got=len(node.args))
    converted = [_convert(arg, text) for arg in node.args]
    if name == "where" and not converted[0][1]:
        raise FormulaError("where_condition", node.args[0].col_offset)
    return ("call", name, tuple(tree for tree, _ in converted))


# --- the tree's canonical text ----------------------------------------------------------------

_PREC = {"cmp": 1, "+": 2, "-": 2, "*": 3, "/": 3, "neg": 4, "**": 5}
_ATOM = 6


def _prec(tree: Tree) -> int:
    kind = tree[0]
    return {"cmp": 1, "neg": 4}.get(kind, _PREC[tree[1]] if kind == "bin" else _ATOM)


def canonical(tree: Tree) -> str:
    """Text that parses back to ``tree``: one space around + - * / and comparisons,
    only the parentheses the precedence needs, numbers as typed."""
    kind = tree[0]
    if kind == "num":
        return tree[2]
    if kind in ("x", "pi"):
        return kind
    if kind == "param":
        return tree[1]
    if kind == "neg":
        return "-" + _wrap(tree[1], 4)
    if kind == "bin":
        op, left, right = tree[1:]
        if op == "**":
            return f"{_wrap(left, _ATOM)}**{_wrap(right, 4)}"
        return f"{_wrap(left, _PREC[op])} {op} {_wrap(right, _PREC[op] + 1)}"
    if kind == "cmp":
        ops, operands = tree[1], tree[2]
        parts = [_wrap(operands[0], 2)]
        for op, operand in zip(ops, operands[1:]):
            parts += [op, _wrap(operand, 2)]
        return " ".join(parts)
    return f"{tree[1]}({', '.join(canonical(a) for a in tree[2])})"


def _wrap(tree: Tree, least: int) -> str:
    text = canonical(tree)
    return text if _prec(tree) >= least else f"({text})"


def free_names(tree: Tree) -> set[str]:
    if tree[0] == "param":
        return {tree[1]}
    children = {"neg": lambda: tree[1:], "bin": lambda: tree[2:], "cmp": lambda: tree[2],
                "call": lambda: tree[2]}.get(tree[0], lambda: ())()
    return set().union(*(free_names(c) for c in children)) if children else set()
