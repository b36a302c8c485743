"""Text rules of the models, spelled so that BigQuery and DuckDB give the same value."""

from sqlglot import exp
from sqlmesh import macro

# Unicode's White_Space characters, what BigQuery's TRIM(s) removes: tab, line feed, vertical tab,
# form feed, carriage return, space, next line, no-break space, Ogham space mark, the spaces
# U+2000-U+200A, line and paragraph separators, narrow no-break, medium mathematical and
# ideographic spaces. DuckDB's TRIM(s) removes spaces only; TRIM(s, set) removes exactly the set's
# characters on both engines.
WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


@macro()
def trim_whitespace(evaluator, value: exp.Expression):
    """TRIM(value) with BigQuery's meaning on both engines: leading and trailing Unicode white
    space removed (tabs, line breaks, no-break spaces), not only spaces."""
    return exp.Trim(this=value, expression=exp.Literal.string(WHITE_SPACE))
